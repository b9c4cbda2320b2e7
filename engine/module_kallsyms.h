// ModuleKallsyms: a loaded module's symbols as the kernel itself keeps them
// (struct module -> kallsyms: an Elf64_Sym table, its strings and nm types),
// for modules whose .ko is not at hand. This is what crash and drgn fall
// back to, and what the kernel's own "func+0x1d/0x27 [mod]" lines come from.
//
//   Result<ModuleKallsyms> table = ModuleKallsyms::read(kernel, module_struct, "seam_crash");
//   if (auto match = table->lookup(pc))
//     print(match->symbol->name, match->offset, match->symbol->end - match->symbol->address);
//   for (const KallsymsSymbol* s : table->find("seam_crash_do_bug")) use(s->address);
//   table->symbolize(pc);  // {"seam_crash_do_bug", 0x1d}, for backtraces
//
// Lookups follow the kernel's kallsyms: the closest symbol at or below the
// address (the first in table order when several share it), extending to the
// next symbol or the end of the module's text or allocation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/linux_kernel.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct KallsymsSymbol {
  uint64_t address = 0;
  uint64_t size = 0;  // st_size from the ELF symbol (0 for assembly labels)
  // Where the symbol ends for lookups: the next symbol's address, or the end
  // of the module's text / allocation; end - address is the "/0x27" kallsyms
  // prints.
  uint64_t end = 0;
  std::string name;       // linkage name (mangled for Rust and C++)
  std::string demangled;  // == name for C
  char type = '?';        // nm letter, from the kernel's typetab
};

struct KallsymsMatch {
  const KallsymsSymbol* symbol = nullptr;
  uint64_t offset = 0;  // address - symbol->address
};

class ModuleKallsyms {
 public:
  // Reads the symbols of the module whose struct module is at `module`; `name`
  // is used in errors only. Counts and string lengths are bounded: a corrupt
  // struct gives an error, not a huge read.
  static Result<ModuleKallsyms> read(LinuxKernel& kernel, uint64_t module, std::string_view name);

  const std::string& module_name() const { return module_name_; }
  // Sorted by address; ties keep the kernel's table order.
  const std::vector<KallsymsSymbol>& symbols() const { return symbols_; }

  std::optional<KallsymsMatch> lookup(uint64_t address) const;
  // Symbols whose linkage or demangled name is `name`, in address order.
  std::vector<const KallsymsSymbol*> find(std::string_view name) const;
  // For a backtrace frame: the (demangled) name and offset of `pc`.
  std::optional<std::pair<std::string, uint64_t>> symbolize(uint64_t pc) const;

 private:
  std::string module_name_;
  std::vector<KallsymsSymbol> symbols_;
};

}  // namespace seam::engine

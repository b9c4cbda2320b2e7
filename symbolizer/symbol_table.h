// SymbolTable: address -> ELF symbol, the fallback when there is no DWARF.
//
//   SymbolTable symbols = SymbolTable::build(elf);   // .symtab, else .dynsym
//   if (auto match = symbols.lookup(0x401136))
//     std::cout << match->name << "+0x" << std::hex << match->offset;
//
// Names point into the ELF's string table: the ElfFile must outlive the table.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "symbolizer/elf_file.h"

namespace seam {

struct SymbolMatch {
  std::string_view name;
  uint64_t address = 0;  // symbol start
  uint64_t size = 0;     // 0 when the symbol has no size (assembly labels)
  uint64_t offset = 0;   // looked-up address - start
};

class SymbolTable {
 public:
  static SymbolTable build(const ElfFile& elf);

  // The symbol containing `address`; for unsized symbols (common in the
  // kernel's assembly), the nearest one below it in the same section, as
  // kallsyms does.
  std::optional<SymbolMatch> lookup(uint64_t address) const;
  size_t size() const { return symbols_.size(); }

 private:
  struct Symbol {
    uint64_t address;
    uint64_t size;
    uint64_t limit;  // end of the symbol, or of its section when unsized
    const char* name;
    int rank;  // higher is the better name for an address shared by several
  };
  std::vector<Symbol> symbols_;  // sorted by address, then best rank first
};

}  // namespace seam

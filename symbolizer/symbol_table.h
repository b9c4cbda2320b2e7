// SymbolTable: ELF symbols by address (the fallback when there is no DWARF)
// and by name (anchors, `seam sym`, completion).
//
//   SymbolTable symbols = SymbolTable::build(elf);   // .symtab, else .dynsym
//   if (auto match = symbols.lookup(0x401136))
//     std::cout << match->name << "+0x" << std::hex << match->offset;
//   for (const SymbolMatch& s : symbols.find("copy_process")) use(s.address, s.type);
//   symbols.complete("sys_", 20);   // sorted names starting with "sys_"
//
// Names point into the ELF's string table: the ElfFile must outlive the table.
// The name indexes are built on the first name query, not by build(): most
// uses only look up addresses. Not thread-safe (the lazy indexes).
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
  uint64_t offset = 0;   // looked-up address - start (0 for lookups by name)
  // The letter nm prints: T/t text, D/d data, B/b bss, R/r read-only data,
  // A absolute, W/w weak (V/v weak object), i ifunc, N non-allocated
  // (debug) section; upper case for global symbols.
  char type = '?';
};

class SymbolTable {
 public:
  static SymbolTable build(const ElfFile& elf);

  // The symbol containing `address`; for unsized symbols (common in the
  // kernel's assembly), the nearest one below it in the same section, as
  // kallsyms does.
  std::optional<SymbolMatch> lookup(uint64_t address) const;
  // Every symbol named exactly `name` (several local symbols may share one),
  // global and weak ones first, then in symbol-table order.
  std::vector<SymbolMatch> find(std::string_view name) const;
  // Distinct names starting with `prefix`, sorted, at most `limit` of them.
  std::vector<std::string_view> complete(std::string_view prefix, size_t limit) const;
  // Symbols with an address (the ones lookup() searches).
  size_t size() const { return symbols_.size(); }

 private:
  struct Symbol {
    uint64_t address;
    uint64_t size;
    uint64_t limit;  // end of the symbol, or of its section when unsized
    const char* name;
    uint32_t order;  // index in the ELF symbol table: ties in find() keep file order
    int16_t rank;    // higher is the better name for an address shared by several
    char type;       // nm letter
  };
  const Symbol& symbol(uint32_t index) const {
    return index < symbols_.size() ? symbols_[index] : unaddressed_[index - symbols_.size()];
  }
  void build_name_index() const;
  void build_hash_index() const;

  std::vector<Symbol> symbols_;  // sorted by address, then best rank first
  // Absolute symbols and those of non-allocated sections: found by name only.
  std::vector<Symbol> unaddressed_;
  // Built on first use, indexing symbols_ then unaddressed_ as one list:
  // for find(), an open-addressing hash table of index + 1 (0: empty slot),
  // cheaper to build than sorting; for complete(), indices sorted by name.
  mutable std::vector<uint32_t> slots_;
  mutable bool hash_index_built_ = false;
  mutable std::vector<uint32_t> by_name_;
  mutable bool name_index_built_ = false;
};

}  // namespace seam

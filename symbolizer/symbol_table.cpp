#include "symbolizer/symbol_table.h"

#include <gelf.h>

#include <algorithm>
#include <cstring>

namespace seam {
namespace {

// Prefer functions to data to untyped labels, and global to weak to local
// names, when several symbols share an address (aliases, local labels).
int rank_of(const GElf_Sym& sym) {
  int rank = 0;
  switch (GELF_ST_TYPE(sym.st_info)) {
    case STT_FUNC:
    case STT_GNU_IFUNC: rank += 30; break;
    case STT_OBJECT: rank += 20; break;
    default: rank += 10; break;
  }
  switch (GELF_ST_BIND(sym.st_info)) {
    case STB_GLOBAL: rank += 3; break;
    case STB_WEAK: rank += 2; break;
    default: rank += 1; break;
  }
  if (sym.st_size > 0) rank += 5;
  return rank;
}

bool is_address_symbol(const GElf_Sym& sym, const char* name) {
  int type = GELF_ST_TYPE(sym.st_info);
  if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT && type != STT_NOTYPE) {
    return false;
  }
  if (sym.st_shndx == SHN_UNDEF || sym.st_shndx == SHN_ABS || sym.st_shndx >= SHN_LORESERVE) {
    return false;
  }
  // Assembler-local labels and mapping symbols are not names a person wants.
  return name && name[0] != '\0' && name[0] != '$' && std::strncmp(name, ".L", 2) != 0;
}

Elf_Scn* find_symbol_section(Elf* elf, unsigned type) {
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) && shdr.sh_type == type) return scn;
  }
  return nullptr;
}

}  // namespace

SymbolTable SymbolTable::build(const ElfFile& elf) {
  SymbolTable table;
  Elf_Scn* scn = find_symbol_section(elf.elf(), SHT_SYMTAB);
  if (!scn) scn = find_symbol_section(elf.elf(), SHT_DYNSYM);
  GElf_Shdr shdr;
  Elf_Data* data = scn ? elf_getdata(scn, nullptr) : nullptr;
  if (!data || !gelf_getshdr(scn, &shdr) || shdr.sh_entsize == 0) return table;

  size_t count = shdr.sh_size / shdr.sh_entsize;
  table.symbols_.reserve(count);
  for (size_t i = 1; i < count; ++i) {
    GElf_Sym sym;
    if (!gelf_getsym(data, static_cast<int>(i), &sym)) break;
    const char* name = elf_strptr(elf.elf(), shdr.sh_link, sym.st_name);
    if (!is_address_symbol(sym, name)) continue;
    GElf_Shdr section;
    Elf_Scn* section_scn = elf_getscn(elf.elf(), sym.st_shndx);
    std::optional<uint64_t> section_start = elf.section_address(sym.st_shndx);
    if (!section_scn || !gelf_getshdr(section_scn, &section) || !section_start ||
        !(section.sh_flags & SHF_ALLOC)) {
      continue;
    }
    uint64_t section_end = *section_start + section.sh_size;
    // ET_REL values are offsets into their section; others are addresses.
    uint64_t address = elf.is_relocatable() ? *section_start + sym.st_value : sym.st_value;
    uint64_t limit = sym.st_size > 0 ? address + sym.st_size : section_end;
    table.symbols_.push_back({address, sym.st_size, limit, name, rank_of(sym)});
  }
  std::sort(table.symbols_.begin(), table.symbols_.end(), [](const Symbol& a, const Symbol& b) {
    return a.address != b.address ? a.address < b.address : a.rank > b.rank;
  });
  return table;
}

std::optional<SymbolMatch> SymbolTable::lookup(uint64_t address) const {
  // First symbol starting above the address; everything before starts at or below.
  auto above = std::upper_bound(symbols_.begin(), symbols_.end(), address,
                                [](uint64_t a, const Symbol& s) { return a < s.address; });
  if (above == symbols_.begin()) return std::nullopt;
  auto nearest = std::prev(above);
  // Move to the best-ranked symbol at that start address.
  uint64_t start = nearest->address;
  while (nearest != symbols_.begin() && std::prev(nearest)->address == start) --nearest;

  auto match = [address](const Symbol& s) {
    return SymbolMatch{s.name, s.address, s.size, address - s.address};
  };
  if (address < nearest->limit) return match(*nearest);
  // The nearest symbol ends below the address: it may still lie inside an
  // enclosing sized symbol that starts earlier (a few steps back at most).
  auto it = nearest;
  for (int steps = 0; steps < 16 && it != symbols_.begin(); ++steps) {
    --it;
    if (it->size > 0 && address < it->limit) return match(*it);
  }
  return std::nullopt;
}

}  // namespace seam

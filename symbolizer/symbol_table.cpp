#include "symbolizer/symbol_table.h"

#include <gelf.h>

#include <algorithm>
#include <cctype>
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

// A defined function, object or label with a name a person wants: not an
// assembler-local label or a mapping symbol.
bool is_named_symbol(const GElf_Sym& sym, const char* name) {
  int type = GELF_ST_TYPE(sym.st_info);
  if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT && type != STT_NOTYPE) {
    return false;
  }
  if (sym.st_shndx == SHN_UNDEF || (sym.st_shndx >= SHN_LORESERVE && sym.st_shndx != SHN_ABS)) {
    return false;
  }
  return name && name[0] != '\0' && name[0] != '$' && std::strncmp(name, ".L", 2) != 0;
}

// The letter nm prints for a defined symbol; `section` is null for SHN_ABS.
char nm_letter(const GElf_Sym& sym, const GElf_Shdr* section) {
  int type = GELF_ST_TYPE(sym.st_info);
  int binding = GELF_ST_BIND(sym.st_info);
  if (type == STT_GNU_IFUNC) return 'i';
  if (binding == STB_WEAK) return type == STT_OBJECT ? 'V' : 'W';
  char letter = '?';
  if (!section) {
    letter = 'a';
  } else if (section->sh_type == SHT_NOBITS) {
    letter = 'b';
  } else if (section->sh_flags & SHF_EXECINSTR) {
    letter = 't';
  } else if (!(section->sh_flags & SHF_ALLOC)) {
    letter = 'n';
  } else if (section->sh_flags & SHF_WRITE) {
    letter = 'd';
  } else {
    letter = 'r';
  }
  return binding == STB_LOCAL ? letter : static_cast<char>(std::toupper(letter));
}

bool is_global_letter(char type) {
  return std::isupper(static_cast<unsigned char>(type)) != 0;
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
    if (!is_named_symbol(sym, name)) continue;
    auto order = static_cast<uint32_t>(i);
    auto rank = static_cast<int16_t>(rank_of(sym));
    if (sym.st_shndx == SHN_ABS) {
      table.unaddressed_.push_back(
          {sym.st_value, sym.st_size, sym.st_value, name, order, rank, nm_letter(sym, nullptr)});
      continue;
    }
    GElf_Shdr section;
    Elf_Scn* section_scn = elf_getscn(elf.elf(), sym.st_shndx);
    std::optional<uint64_t> section_start = elf.section_address(sym.st_shndx);
    if (!section_scn || !gelf_getshdr(section_scn, &section) || !section_start) continue;
    char type = nm_letter(sym, &section);
    if (!(section.sh_flags & SHF_ALLOC)) {
      table.unaddressed_.push_back(
          {sym.st_value, sym.st_size, sym.st_value, name, order, rank, type});
      continue;
    }
    uint64_t section_end = *section_start + section.sh_size;
    // ET_REL values are offsets into their section; others are addresses.
    uint64_t address = elf.is_relocatable() ? *section_start + sym.st_value : sym.st_value;
    uint64_t limit = sym.st_size > 0 ? address + sym.st_size : section_end;
    table.symbols_.push_back({address, sym.st_size, limit, name, order, rank, type});
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
    return SymbolMatch{s.name, s.address, s.size, address - s.address, s.type};
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

void SymbolTable::build_name_index() const {
  if (name_index_built_) return;
  name_index_built_ = true;
  // Sorting 120 000 kernel names with strcmp alone costs 40 ms, most of it
  // cache misses on the strings: compare their first 8 bytes as an integer
  // kept next to the index, and only ties go to the strings.
  struct Key {
    uint64_t prefix;  // first 8 bytes, big-endian, NUL-padded
    uint32_t index;
    bool short_name;  // the whole name is in `prefix`
  };
  std::vector<Key> keys(symbols_.size() + unaddressed_.size());
  for (uint32_t i = 0; i < keys.size(); ++i) {
    const char* name = symbol(i).name;
    uint64_t prefix = 0;
    int length = 0;
    while (length < 8 && name[length] != '\0') {
      prefix |= uint64_t{static_cast<unsigned char>(name[length])} << (56 - 8 * length);
      ++length;
    }
    keys[i] = {prefix, i, length < 8 || name[8] == '\0'};
  }
  std::sort(keys.begin(), keys.end(), [this](const Key& a, const Key& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    const Symbol& x = symbol(a.index);
    const Symbol& y = symbol(b.index);
    // Equal prefixes and one name longer than 8: both have 8 bytes at least.
    if (!a.short_name || !b.short_name) {
      if (int c = std::strcmp(x.name + 8, y.name + 8); c != 0) return c < 0;
    }
    bool x_global = is_global_letter(x.type);
    if (x_global != is_global_letter(y.type)) return x_global;
    return x.order < y.order;
  });
  by_name_.resize(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) by_name_[i] = keys[i].index;
}

void SymbolTable::build_hash_index() const {
  if (hash_index_built_) return;
  hash_index_built_ = true;
  size_t count = symbols_.size() + unaddressed_.size();
  size_t capacity = 16;
  while (capacity < 2 * count) capacity *= 2;
  slots_.assign(capacity, 0);
  for (uint32_t i = 0; i < count; ++i) {
    size_t slot = std::hash<std::string_view>{}(symbol(i).name) & (capacity - 1);
    while (slots_[slot] != 0) slot = (slot + 1) & (capacity - 1);
    slots_[slot] = i + 1;
  }
}

std::vector<SymbolMatch> SymbolTable::find(std::string_view name) const {
  build_hash_index();
  std::vector<const Symbol*> found;
  size_t mask = slots_.size() - 1;
  for (size_t slot = std::hash<std::string_view>{}(name)&mask; slots_[slot] != 0;
       slot = (slot + 1) & mask) {
    const Symbol& s = symbol(slots_[slot] - 1);
    if (s.name == name) found.push_back(&s);
  }
  std::sort(found.begin(), found.end(), [](const Symbol* x, const Symbol* y) {
    bool x_global = is_global_letter(x->type);
    if (x_global != is_global_letter(y->type)) return x_global;
    return x->order < y->order;
  });
  std::vector<SymbolMatch> matches;
  matches.reserve(found.size());
  for (const Symbol* s : found) matches.push_back({s->name, s->address, s->size, 0, s->type});
  return matches;
}

std::vector<std::string_view> SymbolTable::complete(std::string_view prefix, size_t limit) const {
  build_name_index();
  auto it = std::lower_bound(by_name_.begin(), by_name_.end(), prefix,
                             [this](uint32_t i, std::string_view p) { return symbol(i).name < p; });
  std::vector<std::string_view> names;
  for (; it != by_name_.end() && names.size() < limit; ++it) {
    std::string_view name = symbol(*it).name;
    if (!name.starts_with(prefix)) break;
    if (names.empty() || names.back() != name) names.push_back(name);
  }
  return names;
}

}  // namespace seam

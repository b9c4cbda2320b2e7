#include "symbolizer/dwarf_types.h"

#include <dwarf.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "symbolizer/dwarf_units.h"
#include "symbolizer/symbol_table.h"

namespace seam {
namespace {

// What a named DIE in an index is. Declarations are never indexed: only a
// definition has members and a size.
enum class Kind : uint8_t { Struct, Typedef, Enum, Base, Enumerator };

struct Entry {
  Kind kind;
  Dwarf_Off die;  // for Enumerator: the enumeration type holding it
};

bool is_struct_tag(int tag) {
  return tag == DW_TAG_structure_type || tag == DW_TAG_union_type || tag == DW_TAG_class_type;
}

// DW_AT_name read directly: dwarf_diename also follows abstract origins,
// which costs attribute scans that type DIEs never need.
const char* name_of(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  return dwarf_attr(die, DW_AT_name, &attr) ? dwarf_formstring(&attr) : nullptr;
}

bool type_of(Dwarf_Die* die, Dwarf_Die* type) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, type);
}

// Through typedefs and qualifiers to the type that has the layout.
bool strip(Dwarf_Die* type) {
  for (int depth = 0; depth < 64; ++depth) {
    switch (dwarf_tag(type)) {
      case DW_TAG_typedef:
      case DW_TAG_const_type:
      case DW_TAG_volatile_type:
      case DW_TAG_restrict_type:
      case DW_TAG_atomic_type:
        if (!type_of(type, type)) return false;  // typedef of void
        break;
      default: return true;
    }
  }
  return false;
}

uint64_t size_of_type(Dwarf_Die* type) {
  Dwarf_Word size = 0;
  return dwarf_aggregate_size(type, &size) == 0 ? size : 0;
}

bool udata(Dwarf_Die* die, unsigned name, uint64_t* value) {
  Dwarf_Attribute attr;
  Dwarf_Word word = 0;
  if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &word) != 0) return false;
  *value = word;
  return true;
}

// Elements in the dimension `subrange` describes; nullopt when unbounded
// (a flexible array member).
std::optional<uint64_t> subrange_count(Dwarf_Die* subrange) {
  uint64_t count = 0;
  if (udata(subrange, DW_AT_count, &count)) return count;
  Dwarf_Attribute attr;
  Dwarf_Sword upper = 0;
  if (!dwarf_attr(subrange, DW_AT_upper_bound, &attr) || dwarf_formsdata(&attr, &upper) != 0 ||
      upper < 0 || dwarf_whatform(&attr) == DW_FORM_exprloc) {
    return std::nullopt;
  }
  uint64_t lower = 0;
  udata(subrange, DW_AT_lower_bound, &lower);
  return static_cast<uint64_t>(upper) + 1 - lower;
}

// A member's position in bits from the start of its struct. Handles DWARF 4+
// DW_AT_data_bit_offset, a constant or DW_OP_plus_uconst
// DW_AT_data_member_location, and DWARF 2/3 DW_AT_bit_offset (counted from
// the most significant bit of the storage unit: little-endian targets only).
uint64_t member_bit_position(Dwarf_Die* member, Dwarf_Die* type) {
  uint64_t bits = 0;
  if (udata(member, DW_AT_data_bit_offset, &bits)) return bits;
  Dwarf_Attribute attr;
  uint64_t bytes = 0;
  if (dwarf_attr(member, DW_AT_data_member_location, &attr)) {
    Dwarf_Word word = 0;
    Dwarf_Op* ops = nullptr;
    size_t count = 0;
    if (dwarf_formudata(&attr, &word) == 0) {
      bytes = word;
    } else if (dwarf_getlocation(&attr, &ops, &count) == 0 && count == 1 &&
               (ops[0].atom == DW_OP_plus_uconst || ops[0].atom == DW_OP_constu)) {
      bytes = ops[0].number;
    }
  }
  bits = bytes * 8;
  uint64_t bit_offset = 0;
  uint64_t bit_size = 0;
  if (udata(member, DW_AT_bit_offset, &bit_offset) && udata(member, DW_AT_bit_size, &bit_size)) {
    uint64_t unit_size = 0;
    if (!udata(member, DW_AT_byte_size, &unit_size)) unit_size = size_of_type(type);
    bits += unit_size * 8 - bit_offset - bit_size;
  }
  return bits;
}

// Members a path searches through as if they were the struct's own: C11
// anonymous structs/unions, and bindgen's stand-ins for them in Rust.
bool is_anonymous_member(const char* name) {
  return !name || std::strncmp(name, "__bindgen_anon_", 15) == 0;
}

// Finds member `name` of struct/union `parent`, also inside anonymous
// members; adds its position to `bits`.
bool find_member(Dwarf_Die* parent, std::string_view name, Dwarf_Die* found, uint64_t* bits) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return false;
  do {
    if (dwarf_tag(&child) != DW_TAG_member) continue;
    const char* member_name = name_of(&child);
    Dwarf_Die type;
    bool has_type = type_of(&child, &type);
    if (member_name && name == member_name) {
      *found = child;
      *bits += member_bit_position(&child, has_type ? &type : nullptr);
      return true;
    }
    if (is_anonymous_member(member_name) && has_type && strip(&type) &&
        is_struct_tag(dwarf_tag(&type))) {
      uint64_t inner = member_bit_position(&child, &type);
      if (find_member(&type, name, found, &inner)) {
        *bits += inner;
        return true;
      }
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

// C spelling of a type, declarator included: "struct pid *", "char [16]",
// "void (*)(int)". `inner` is the part of the declarator already built.
std::string format_type(Dwarf_Die* type, const std::string& inner, int depth = 0);

std::optional<std::string> canonical_base_name(std::string_view name);

// GCC's "long unsigned int" as people (and gdb) write it: "unsigned long".
std::string c_base_name(const char* name) {
  std::optional<std::string> words = canonical_base_name(name);
  if (!words) return name;
  auto count = [&words](std::string_view word) {
    size_t n = 0;
    for (size_t at = words->find(word); at != std::string::npos; at = words->find(word, at + 1)) {
      ++n;
    }
    return n;
  };
  std::string spelled;
  if (count("unsigned")) spelled += "unsigned ";
  if (count("signed ") > count("unsigned ") && count("char")) spelled += "signed ";
  if (count("short")) spelled += "short ";
  for (size_t i = 0; i < count("long"); ++i) spelled += "long ";
  if (count("char")) {
    spelled += "char ";
  } else if (spelled.empty() || spelled == "unsigned ") {
    spelled += "int ";
  }
  spelled.pop_back();
  return spelled;
}

std::string with_inner(const std::string& leaf, const std::string& inner) {
  return inner.empty() ? leaf : leaf + " " + inner;
}

std::string format_referenced(Dwarf_Die* die, const std::string& inner, int depth) {
  Dwarf_Die target;
  if (!type_of(die, &target)) return with_inner("void", inner);
  return format_type(&target, inner, depth + 1);
}

std::string format_type(Dwarf_Die* type, const std::string& inner, int depth) {
  if (depth > 32) return with_inner("?", inner);
  const char* name = name_of(type);
  switch (dwarf_tag(type)) {
    case DW_TAG_structure_type:
      return with_inner(std::string("struct ") + (name ? name : "{...}"), inner);
    case DW_TAG_union_type:
      return with_inner(std::string("union ") + (name ? name : "{...}"), inner);
    case DW_TAG_class_type:
      return with_inner(std::string("class ") + (name ? name : "{...}"), inner);
    case DW_TAG_enumeration_type:
      return with_inner(std::string("enum ") + (name ? name : "{...}"), inner);
    case DW_TAG_pointer_type:
    case DW_TAG_reference_type:
    case DW_TAG_rvalue_reference_type: {
      if (name) return with_inner(name, inner);  // Rust names its pointer types
      const char* star = dwarf_tag(type) == DW_TAG_pointer_type     ? "*"
                         : dwarf_tag(type) == DW_TAG_reference_type ? "&"
                                                                    : "&&";
      return format_referenced(type, star + inner, depth);
    }
    case DW_TAG_const_type:
    case DW_TAG_volatile_type: {
      const char* qualifier = dwarf_tag(type) == DW_TAG_const_type ? "const" : "volatile";
      Dwarf_Die target;
      if (type_of(type, &target) && dwarf_tag(&target) == DW_TAG_pointer_type) {
        return format_type(&target, with_inner(qualifier, inner), depth + 1);  // "char *const"
      }
      return std::string(qualifier) + " " + format_referenced(type, inner, depth);
    }
    case DW_TAG_array_type: {
      std::string dimensions;
      Dwarf_Die child;
      if (dwarf_child(type, &child) == 0) {
        do {
          if (dwarf_tag(&child) != DW_TAG_subrange_type) continue;
          std::optional<uint64_t> count = subrange_count(&child);
          dimensions += count ? "[" + std::to_string(*count) + "]" : "[]";
        } while (dwarf_siblingof(&child, &child) == 0);
      }
      std::string declarator = inner.empty() || inner[0] == '[' ? inner : "(" + inner + ")";
      return format_referenced(type, declarator + dimensions, depth);
    }
    case DW_TAG_subroutine_type: {
      std::string parameters;
      Dwarf_Die child;
      if (dwarf_child(type, &child) == 0) {
        do {
          if (!parameters.empty()) parameters += ", ";
          if (dwarf_tag(&child) == DW_TAG_formal_parameter) {
            parameters += format_referenced(&child, "", depth);
          } else if (dwarf_tag(&child) == DW_TAG_unspecified_parameters) {
            parameters += "...";
          }
        } while (dwarf_siblingof(&child, &child) == 0);
      }
      if (parameters.empty()) parameters = "void";
      std::string declarator = inner.empty() ? "" : "(" + inner + ")";
      return format_referenced(type, declarator + "(" + parameters + ")", depth);
    }
    case DW_TAG_base_type: return with_inner(name ? c_base_name(name) : "?", inner);
    default: return with_inner(name ? name : "?", inner);
  }
}

// "long unsigned int" and "unsigned long" are one type: a key made of the
// sorted words, with "int" implied as C implies it.
std::optional<std::string> canonical_base_name(std::string_view name) {
  static constexpr std::string_view kWords[] = {"char",  "int",    "long",
                                                "short", "signed", "unsigned"};
  std::vector<std::string_view> words;
  size_t start = 0;
  while (start < name.size()) {
    size_t end = name.find(' ', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view word = name.substr(start, end - start);
    if (!word.empty()) {
      if (std::find(std::begin(kWords), std::end(kWords), word) == std::end(kWords)) {
        return std::nullopt;
      }
      words.push_back(word);
    }
    start = end + 1;
  }
  if (words.empty()) return std::nullopt;
  bool has_char = std::find(words.begin(), words.end(), "char") != words.end();
  if (!has_char && std::find(words.begin(), words.end(), "int") == words.end()) {
    words.emplace_back("int");
  }
  std::sort(words.begin(), words.end());
  std::string key;
  for (std::string_view word : words) key.append(word).append(" ");
  return key;
}

int64_t enumerator_value(Dwarf_Die* enumerator, bool is_signed) {
  Dwarf_Attribute attr;
  if (!dwarf_attr(enumerator, DW_AT_const_value, &attr)) return 0;
  unsigned form = dwarf_whatform(&attr);
  if (form == DW_FORM_sdata || form == DW_FORM_implicit_const) {
    Dwarf_Sword value = 0;
    dwarf_formsdata(&attr, &value);
    return value;
  }
  Dwarf_Word value = 0;
  dwarf_formudata(&attr, &value);
  // data1..data8 hold the value's bits: sign-extend them for a signed enum.
  int width = form == DW_FORM_data1   ? 8
              : form == DW_FORM_data2 ? 16
              : form == DW_FORM_data4 ? 32
                                      : 64;
  if (is_signed && width < 64 && (value >> (width - 1)) & 1) value |= ~uint64_t{0} << width;
  return static_cast<int64_t>(value);
}

bool enum_is_signed(Dwarf_Die* enumeration) {
  Dwarf_Die type;
  if (!type_of(enumeration, &type) || !strip(&type)) return false;
  uint64_t encoding = 0;
  return udata(&type, DW_AT_encoding, &encoding) &&
         (encoding == DW_ATE_signed || encoding == DW_ATE_signed_char);
}

std::string joined(std::initializer_list<std::string_view> names) {
  std::string text;
  for (std::string_view name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace

Result<Member> StructLayout::member(std::string_view path) const {
  Dwarf_Die parent = die_;
  Dwarf_Die found{};
  uint64_t bits = 0;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string_view component =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (component.empty() || !find_member(&parent, component, &found, &bits)) {
      return Error(name_ + " has no member " + std::string(path.substr(0, dot)));
    }
    if (dot == std::string_view::npos) break;
    if (!type_of(&found, &parent) || !strip(&parent) || !is_struct_tag(dwarf_tag(&parent))) {
      return Error(name_ + "." + std::string(path.substr(0, dot)) + " is not a struct or union");
    }
    start = dot + 1;
  }

  Member member;
  member.name = std::string(path);
  uint64_t bit_size = 0;
  udata(&found, DW_AT_bit_size, &bit_size);
  member.offset = bits / 8;
  if (bit_size > 0) {
    member.bit_offset = static_cast<uint8_t>(bits % 8);
    member.bit_size = static_cast<uint8_t>(bit_size);
  }
  Dwarf_Die type;
  if (!type_of(&found, &type)) {
    member.type_name = "void";
    return member;
  }
  member.type_name = format_type(&type, "");
  member.size = size_of_type(&type);
  Dwarf_Die layout = type;
  if (!strip(&layout)) return member;
  if (dwarf_tag(&layout) == DW_TAG_pointer_type) {
    Dwarf_Die pointee;
    if (type_of(&layout, &pointee)) member.element_size = size_of_type(&pointee);
  } else if (dwarf_tag(&layout) == DW_TAG_array_type) {
    // The first dimension counts elements; the rest are part of an element.
    Dwarf_Die element;
    uint64_t element_size = type_of(&layout, &element) ? size_of_type(&element) : 0;
    Dwarf_Die child;
    bool first = true;
    if (dwarf_child(&layout, &child) == 0) {
      do {
        if (dwarf_tag(&child) != DW_TAG_subrange_type) continue;
        std::optional<uint64_t> count = subrange_count(&child);
        if (first) {
          member.array_count = count.value_or(0);
          first = false;
        } else {
          element_size *= count.value_or(0);
        }
      } while (dwarf_siblingof(&child, &child) == 0);
    }
    member.element_size = element_size;
  }
  return member;
}

// Named DIEs of a scope, sorted by name: one unit's, built the first time an
// anchor leads to the unit.
struct UnitIndex {
  struct Named {
    std::string_view name;
    Entry entry;
  };
  std::vector<Named> names;  // sorted by name, unit order within a name
  std::vector<Dwarf_Off> base_types;
};

struct DwarfTypes::Impl {
  Dwarf* dwarf;
  const SymbolTable* symbols;

  std::unordered_map<Dwarf_Off, UnitIndex> units;                          // by CU DIE offset
  std::unordered_map<std::string, std::optional<Dwarf_Off>> anchor_units;  // function -> CU
  DwarfUnits* dwarf_units = nullptr;  // borrowed: address -> unit; the page-releasing unit walk

  // The whole-file index: .debug_pubtypes first, then the other units scanned.
  bool pubtypes_read = false;
  bool all_units_scanned = false;
  std::unordered_set<Dwarf_Off> pubtypes_units;  // CU offsets .debug_pubtypes covers
  std::unordered_map<std::string_view, std::vector<Entry>> global;
  std::vector<Dwarf_Off> global_base_types;

  std::unordered_map<std::string, StructLayout> structs;
  std::unordered_map<std::string, int64_t> enumerators;

  // Calls add(name, entry) for each named type (and enumerator) at the top
  // of `scope`, descending into namespaces (C++, Rust) but nothing else.
  template <typename Add>
  void scan(Dwarf_Die* scope, Add&& add, int depth = 0) {
    Dwarf_Die die;
    if (dwarf_child(scope, &die) != 0) return;
    do {
      int tag = dwarf_tag(&die);
      Kind kind;
      switch (tag) {
        case DW_TAG_structure_type:
        case DW_TAG_union_type:
        case DW_TAG_class_type: kind = Kind::Struct; break;
        case DW_TAG_enumeration_type: kind = Kind::Enum; break;
        case DW_TAG_typedef: kind = Kind::Typedef; break;
        case DW_TAG_base_type: kind = Kind::Base; break;
        case DW_TAG_namespace:
          if (depth < 16) scan(&die, add, depth + 1);
          continue;
        default: continue;
      }
      if (kind != Kind::Typedef && kind != Kind::Base && dwarf_hasattr(&die, DW_AT_declaration)) {
        continue;
      }
      Dwarf_Off offset = dwarf_dieoffset(&die);
      if (const char* name = name_of(&die)) add(std::string_view(name), Entry{kind, offset});
      if (kind == Kind::Enum) {
        Dwarf_Die child;
        if (dwarf_child(&die, &child) != 0) continue;
        do {
          if (dwarf_tag(&child) != DW_TAG_enumerator) continue;
          if (const char* name = name_of(&child)) add(name, Entry{Kind::Enumerator, offset});
        } while (dwarf_siblingof(&child, &child) == 0);
      }
    } while (dwarf_siblingof(&die, &die) == 0);
  }

  const UnitIndex& unit_index(Dwarf_Off unit) {
    auto [it, inserted] = units.try_emplace(unit);
    if (!inserted) return it->second;
    UnitIndex& index = it->second;
    Dwarf_Die cu;
    if (!dwarf_offdie(dwarf, unit, &cu)) return index;
    scan(&cu, [&index](std::string_view name, Entry entry) {
      index.names.push_back({name, entry});
      if (entry.kind == Kind::Base) index.base_types.push_back(entry.die);
    });
    std::stable_sort(
        index.names.begin(), index.names.end(),
        [](const UnitIndex::Named& a, const UnitIndex::Named& b) { return a.name < b.name; });
    return index;
  }

  // The DIE offset of the unit holding code at `address`.
  std::optional<Dwarf_Off> unit_of_address(uint64_t address) {
    std::optional<Dwarf_Die> cu = dwarf_units->unit_of(address);
    if (!cu) return std::nullopt;
    return dwarf_dieoffset(&*cu);
  }

  std::optional<Dwarf_Off> anchor_unit(std::string_view function) {
    auto [it, inserted] = anchor_units.try_emplace(std::string(function));
    if (!inserted || !symbols) return it->second;
    std::vector<SymbolMatch> matches = symbols->find(function);
    // Functions first: a data symbol of the same name says little about types.
    std::stable_partition(matches.begin(), matches.end(), [](const SymbolMatch& m) {
      return m.type == 'T' || m.type == 't' || m.type == 'W' || m.type == 'i';
    });
    for (const SymbolMatch& match : matches) {
      if ((it->second = unit_of_address(match.address))) break;
    }
    return it->second;
  }

  void add_global(std::string_view name, Entry entry) {
    std::vector<Entry>& entries = global[name];
    // One definition of each kind is enough: the first unit's.
    for (const Entry& existing : entries) {
      if (existing.kind == entry.kind) return;
    }
    entries.push_back(entry);
    if (entry.kind == Kind::Base) global_base_types.push_back(entry.die);
  }

  // .debug_pubtypes (DWARF 2-4; LLVM writes it, e.g. for Rust units): name ->
  // DIE for the units it covers, without reading those units.
  void read_pubtypes() {
    pubtypes_read = true;
    std::string_view section = dwarf_section_bytes(dwarf, ".debug_pubtypes");
    const auto* bytes = reinterpret_cast<const uint8_t*>(section.data());
    size_t size = section.size();
    auto read = [&](size_t at, size_t width) {
      uint64_t value = 0;
      std::memcpy(&value, bytes + at, width);  // little-endian hosts and targets
      return value;
    };
    size_t at = 0;
    while (at + 4 <= size) {
      uint64_t length = read(at, 4);
      size_t width = 4;
      at += 4;
      if (length == 0xffffffff) {
        if (at + 8 > size) return;
        length = read(at, 8);
        width = 8;
        at += 8;
      }
      size_t end = at + length;
      if (length > size - at || length < 2 + 2 * width) return;
      Dwarf_Off unit = read(at + 2, width);
      at += 2 + 2 * width;
      // Entries are relative to the unit header; the index keys units by DIE.
      std::optional<Dwarf_Die> cu = dwarf_units->unit_at(unit);
      bool unit_ok = cu.has_value();
      if (cu) pubtypes_units.insert(dwarf_dieoffset(&*cu));
      while (at + width <= end) {
        uint64_t relative = read(at, width);
        at += width;
        if (relative == 0) break;
        const auto* name = reinterpret_cast<const char*>(bytes + at);
        size_t name_length = strnlen(name, end - at);
        at += name_length + 1;
        Dwarf_Die die;
        if (!unit_ok || !dwarf_offdie(dwarf, unit + relative, &die)) continue;
        int tag = dwarf_tag(&die);
        Kind kind;
        if (is_struct_tag(tag)) {
          kind = Kind::Struct;
        } else if (tag == DW_TAG_enumeration_type) {
          kind = Kind::Enum;
        } else if (tag == DW_TAG_typedef) {
          kind = Kind::Typedef;
        } else if (tag == DW_TAG_base_type) {
          kind = Kind::Base;
        } else {
          continue;
        }
        if (kind != Kind::Typedef && kind != Kind::Base && dwarf_hasattr(&die, DW_AT_declaration)) {
          continue;
        }
        add_global(std::string_view(name, name_length), Entry{kind, dwarf_dieoffset(&die)});
      }
      at = end;
    }
  }

  // Every unit .debug_pubtypes does not cover, top-level DIEs only.
  void scan_all_units() {
    all_units_scanned = true;
    dwarf_units->for_each_unit([this](Dwarf_Die& cu, uint8_t) {
      if (pubtypes_units.contains(dwarf_dieoffset(&cu))) return;
      scan(&cu, [this](std::string_view name, Entry entry) { add_global(name, entry); });
    });
  }

  // Tries `accept` on the candidates for `name`: the anchors' units first,
  // then the whole-file index, built a stage at a time as needed.
  template <typename Accept>
  bool search(std::string_view name, std::initializer_list<std::string_view> anchors,
              Accept&& accept) {
    for (std::string_view anchor : anchors) {
      std::optional<Dwarf_Off> unit = anchor_unit(anchor);
      if (!unit) continue;
      const UnitIndex& index = unit_index(*unit);
      auto [first, last] = std::equal_range(
          index.names.begin(), index.names.end(), UnitIndex::Named{name, {}},
          [](const UnitIndex::Named& a, const UnitIndex::Named& b) { return a.name < b.name; });
      std::vector<Entry> entries;
      for (auto it = first; it != last; ++it) entries.push_back(it->entry);
      if (accept(entries, index.base_types)) return true;
    }
    if (!pubtypes_read) read_pubtypes();
    auto global_entries = [&]() {
      auto it = global.find(name);
      return it == global.end() ? std::vector<Entry>{} : it->second;
    };
    if (accept(global_entries(), global_base_types)) return true;
    if (all_units_scanned) return false;
    scan_all_units();
    return accept(global_entries(), global_base_types);
  }

  // A struct/union definition from candidate entries: a struct tag first,
  // then a typedef naming one.
  std::optional<Dwarf_Die> struct_from(const std::vector<Entry>& entries, bool typedefs,
                                       std::initializer_list<std::string_view> anchors) {
    for (Kind wanted : {Kind::Struct, Kind::Typedef}) {
      if (wanted == Kind::Typedef && !typedefs) break;
      for (const Entry& entry : entries) {
        Dwarf_Die die;
        if (entry.kind != wanted || !dwarf_offdie(dwarf, entry.die, &die) || !strip(&die) ||
            !is_struct_tag(dwarf_tag(&die))) {
          continue;
        }
        if (!dwarf_hasattr(&die, DW_AT_declaration)) return die;
        // A typedef of a struct this unit only declares: find the struct by
        // its tag (structs only, so `typedef struct foo foo` cannot loop).
        if (const char* tag_name = name_of(&die)) {
          std::optional<Dwarf_Die> definition;
          search(tag_name, anchors, [&](const std::vector<Entry>& found, const auto&) {
            definition = struct_from(found, false, anchors);
            return definition.has_value();
          });
          if (definition) return definition;
        }
      }
    }
    return std::nullopt;
  }
};

DwarfTypes::DwarfTypes(Dwarf* dwarf, DwarfUnits& units, const SymbolTable* symbols)
    : impl_(std::make_unique<Impl>()) {
  impl_->dwarf = dwarf;
  impl_->symbols = symbols;
  impl_->dwarf_units = &units;
}

DwarfTypes::~DwarfTypes() = default;

Result<StructLayout> DwarfTypes::find_struct(std::string_view name,
                                             std::initializer_list<std::string_view> anchors) {
  std::string key(name);
  if (auto it = impl_->structs.find(key); it != impl_->structs.end()) return it->second;
  std::optional<Dwarf_Die> die;
  impl_->search(name, anchors, [&](const std::vector<Entry>& entries, const auto&) {
    die = impl_->struct_from(entries, true, anchors);
    return die.has_value();
  });
  if (!die) {
    std::string where = anchors.size() > 0 ? "the units of " + joined(anchors) + ", then " : "";
    return Error("no definition of struct " + key + " in the DWARF (searched " + where +
                 "every unit)");
  }
  StructLayout layout;
  layout.name_ = key;
  layout.size_ = size_of_type(&*die);
  layout.die_ = *die;
  impl_->structs.emplace(key, layout);
  return layout;
}

Result<int64_t> DwarfTypes::enumerator(std::string_view name,
                                       std::initializer_list<std::string_view> anchors) {
  std::string key(name);
  if (auto it = impl_->enumerators.find(key); it != impl_->enumerators.end()) return it->second;
  std::optional<int64_t> value;
  impl_->search(name, anchors, [&](const std::vector<Entry>& entries, const auto&) {
    for (const Entry& entry : entries) {
      Dwarf_Die enumeration;
      Dwarf_Die child;
      if (entry.kind != Kind::Enumerator || !dwarf_offdie(impl_->dwarf, entry.die, &enumeration) ||
          dwarf_child(&enumeration, &child) != 0) {
        continue;
      }
      bool is_signed = enum_is_signed(&enumeration);
      do {
        const char* child_name = name_of(&child);
        if (dwarf_tag(&child) == DW_TAG_enumerator && child_name && name == child_name) {
          value = enumerator_value(&child, is_signed);
          return true;
        }
      } while (dwarf_siblingof(&child, &child) == 0);
    }
    return false;
  });
  if (!value) return Error("no enumerator " + key + " in the DWARF");
  impl_->enumerators.emplace(key, *value);
  return *value;
}

Result<uint64_t> DwarfTypes::size_of(std::string_view name,
                                     std::initializer_list<std::string_view> anchors) {
  std::optional<std::string> base = canonical_base_name(name);
  std::optional<uint64_t> size;
  impl_->search(
      name, anchors,
      [&](const std::vector<Entry>& entries, const std::vector<Dwarf_Off>& base_types) {
        for (const Entry& entry : entries) {
          Dwarf_Die die;
          if (entry.kind == Kind::Enumerator || !dwarf_offdie(impl_->dwarf, entry.die, &die)) {
            continue;
          }
          Dwarf_Die layout = die;
          if (strip(&layout) && dwarf_hasattr(&layout, DW_AT_declaration)) continue;
          Dwarf_Word bytes = 0;
          if (dwarf_aggregate_size(&die, &bytes) == 0) {
            size = bytes;
            return true;
          }
        }
        // "unsigned long" is spelled "long unsigned int" by GCC.
        if (!base) return false;
        for (Dwarf_Off offset : base_types) {
          Dwarf_Die die;
          const char* base_name = nullptr;
          if (dwarf_offdie(impl_->dwarf, offset, &die) && (base_name = name_of(&die)) &&
              canonical_base_name(base_name) == base) {
            size = size_of_type(&die);
            return true;
          }
        }
        return false;
      });
  if (!size) return Error("no type named " + std::string(name) + " in the DWARF");
  return *size;
}

}  // namespace seam

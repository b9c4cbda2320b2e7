#include "symbolizer/dwarf_type_walk.h"

#include <dwarf.h>

#include <cstdlib>

namespace seam {

std::optional<Dwarf_Die> die_type(Dwarf_Die die) {
  Dwarf_Attribute attribute;
  Dwarf_Die type;
  if (dwarf_attr_integrate(&die, DW_AT_type, &attribute) == nullptr) return std::nullopt;
  if (dwarf_formref_die(&attribute, &type) == nullptr) return std::nullopt;
  return type;
}

Dwarf_Die strip_cv_typedef(Dwarf_Die type) {
  // Bounded: a malformed file could make a qualifier refer to itself.
  for (int i = 0; i < 64; ++i) {
    int tag = dwarf_tag(&type);
    if (tag != DW_TAG_typedef && tag != DW_TAG_const_type && tag != DW_TAG_volatile_type &&
        tag != DW_TAG_restrict_type && tag != DW_TAG_atomic_type)
      return type;
    std::optional<Dwarf_Die> next = die_type(type);
    if (!next) return type;
    type = *next;
  }
  return type;
}

std::optional<uint64_t> die_unsigned(Dwarf_Die die, unsigned attribute) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (dwarf_attr_integrate(&die, attribute, &attr) == nullptr) return std::nullopt;
  if (dwarf_formudata(&attr, &value) != 0) {
    // DW_FORM_sdata (discriminant values of signed tags).
    Dwarf_Sword signed_value = 0;
    if (dwarf_formsdata(&attr, &signed_value) != 0) return std::nullopt;
    value = static_cast<Dwarf_Word>(signed_value);
  }
  return value;
}

std::vector<uint64_t> array_dimensions(Dwarf_Die array) {
  std::vector<uint64_t> dimensions;
  for (Dwarf_Die child : child_dies(array, DW_TAG_subrange_type)) {
    if (std::optional<uint64_t> count = die_unsigned(child, DW_AT_count)) {
      dimensions.push_back(*count);
    } else if (std::optional<uint64_t> upper = die_unsigned(child, DW_AT_upper_bound)) {
      // An upper bound of -1 (all ones) is how some producers say "no elements".
      uint64_t lower = die_unsigned(child, DW_AT_lower_bound).value_or(0);
      dimensions.push_back(*upper + 1 >= lower ? *upper + 1 - lower : 0);
    } else {
      dimensions.push_back(0);
    }
  }
  return dimensions;
}

std::optional<uint64_t> type_byte_size(Dwarf_Die type) {
  for (int i = 0; i < 64; ++i) {
    Dwarf_Die stripped = strip_cv_typedef(type);
    if (dwarf_tag(&stripped) == DW_TAG_array_type) {
      if (std::optional<uint64_t> size = die_unsigned(stripped, DW_AT_byte_size)) return size;
      std::optional<Dwarf_Die> element = die_type(stripped);
      if (!element) return std::nullopt;
      std::optional<uint64_t> element_size = type_byte_size(*element);
      if (!element_size) return std::nullopt;
      uint64_t total = *element_size;
      for (uint64_t count : array_dimensions(stripped)) total *= count;
      return total;
    }
    if (std::optional<uint64_t> size = die_unsigned(stripped, DW_AT_byte_size)) return size;
    int tag = dwarf_tag(&stripped);
    if (tag == DW_TAG_pointer_type || tag == DW_TAG_reference_type ||
        tag == DW_TAG_rvalue_reference_type || tag == DW_TAG_ptr_to_member_type) {
      Dwarf_Die cu;
      uint8_t address_size = 8;
      if (dwarf_diecu(&stripped, &cu, &address_size, nullptr) != nullptr) return address_size;
      return 8;
    }
    // An enum without a size takes its underlying type's.
    if (tag == DW_TAG_enumeration_type) {
      std::optional<Dwarf_Die> underlying = die_type(stripped);
      if (!underlying) return std::nullopt;
      type = *underlying;
      continue;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

std::vector<Dwarf_Die> child_dies(Dwarf_Die die, int tag) {
  std::vector<Dwarf_Die> children;
  Dwarf_Die child;
  if (dwarf_child(&die, &child) != 0) return children;
  do {
    if (tag == 0 || dwarf_tag(&child) == tag) children.push_back(child);
  } while (dwarf_siblingof(&child, &child) == 0);
  return children;
}

std::string die_name(Dwarf_Die die) {
  const char* name = dwarf_diename(&die);
  return name != nullptr ? name : "";
}

std::string qualified_name(Dwarf_Die die) {
  std::string name = die_name(die);
  if (name.empty()) return name;
  Dwarf_Die* scopes = nullptr;
  int count = dwarf_getscopes_die(&die, &scopes);
  std::string prefix;
  // scopes[0] is the DIE itself, then its parents outward.
  for (int i = count - 1; i >= 1; --i) {
    int tag = dwarf_tag(&scopes[i]);
    if (tag != DW_TAG_namespace && tag != DW_TAG_structure_type && tag != DW_TAG_class_type &&
        tag != DW_TAG_union_type && tag != DW_TAG_enumeration_type)
      continue;
    std::string scope = die_name(scopes[i]);
    prefix += (scope.empty() ? std::string("(anonymous namespace)") : scope) + "::";
  }
  free(scopes);
  return prefix + name;
}

std::string inner_scope(Dwarf_Die* die, const std::string& scope) {
  const char* name = dwarf_diename(die);
  if (name) return scope + name + "::";
  if (dwarf_tag(die) == DW_TAG_namespace) return scope + "(anonymous namespace)::";
  return scope;
}

Language die_language(Dwarf_Die die) {
  Dwarf_Die cu;
  if (dwarf_diecu(&die, &cu, nullptr, nullptr) == nullptr) return Language::Unknown;
  Dwarf_Word lang = 0;
  Dwarf_Attribute attr;
  if (dwarf_attr(&cu, DW_AT_language, &attr) == nullptr || dwarf_formudata(&attr, &lang) != 0)
    return Language::Unknown;
  return language_from_dwarf(static_cast<unsigned>(lang));
}

Dwarf_Die die_holding_name(Dwarf_Die die) {
  for (int hops = 0; hops < 8 && !dwarf_hasattr(&die, DW_AT_name); ++hops) {
    Dwarf_Attribute attr;
    if (!dwarf_attr(&die, DW_AT_abstract_origin, &attr) &&
        !dwarf_attr(&die, DW_AT_specification, &attr)) {
      break;
    }
    Dwarf_Die next;
    if (!dwarf_formref_die(&attr, &next)) break;
    die = next;
  }
  return die;
}

}  // namespace seam

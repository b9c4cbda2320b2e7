#include "symbolizer/dwarf_type_name.h"

#include <algorithm>

#include <dwarf.h>

#include <optional>

#include "symbolizer/dwarf_type_walk.h"

namespace seam {
namespace {

// Deep enough for any real declarator; protects against reference cycles in
// malformed DWARF.
constexpr int kMaxDepth = 24;

std::string name_of(std::optional<Dwarf_Die> type, Language language, int depth);

std::string aggregate_name(Dwarf_Die type, Language language, const char* keyword) {
  std::string name = die_name(type);
  if (language == Language::Rust) {
    // rustc names tuples, slices and references structurally: no path.
    if (name.empty()) return "{...}";
    char first = name[0];
    if (first == '(' || first == '&' || first == '*' || first == '[') return name;
    return qualified_name(type);
  }
  if (language == Language::Cpp) return name.empty() ? "{...}" : qualified_name(type);
  return std::string(keyword) + " " + (name.empty() ? "{...}" : name);
}

std::string parameters(Dwarf_Die function, Language language, int depth) {
  std::string text;
  for (Dwarf_Die child : child_dies(function)) {
    int tag = dwarf_tag(&child);
    if (tag == DW_TAG_formal_parameter) {
      if (!text.empty()) text += ", ";
      text += name_of(die_type(child), language, depth + 1);
    } else if (tag == DW_TAG_unspecified_parameters) {
      text += text.empty() ? "..." : ", ...";
    }
  }
  if (text.empty() && language != Language::Rust && language != Language::Cpp)
    return dwarf_hasattr(&function, DW_AT_prototyped) ? "void" : "";
  return text;
}

std::string array_suffix(Dwarf_Die array) {
  std::string suffix;
  for (uint64_t count : array_dimensions(array))
    suffix += count == 0 ? std::string("[]") : "[" + std::to_string(count) + "]";
  return suffix;
}

// A pointer (or reference) to `target`: C declarator syntax for functions
// and arrays, "T *" otherwise.
std::string pointer_to(std::optional<Dwarf_Die> target, Language language, const char* sigil,
                       int depth) {
  if (target) {
    Dwarf_Die stripped = *target;
    int tag = dwarf_tag(&stripped);
    if (tag == DW_TAG_subroutine_type) {
      return name_of(die_type(stripped), language, depth + 1) + " (" + sigil + ")(" +
             parameters(stripped, language, depth) + ")";
    }
    if (tag == DW_TAG_array_type) {
      return name_of(die_type(stripped), language, depth + 1) + " (" + sigil + ")" +
             array_suffix(stripped);
    }
  }
  std::string base = name_of(target, language, depth + 1);
  if (!base.empty() && (base.back() == '*' || base.back() == '&')) return base + sigil;
  return base + " " + sigil;
}

std::string qualifier(Dwarf_Die type, Language language, const char* word, int depth) {
  // "const volatile" in that order whatever the DIEs' nesting, as gdb writes it.
  std::optional<Dwarf_Die> target = die_type(type);
  if (target &&
      (dwarf_tag(&type) == DW_TAG_volatile_type || dwarf_tag(&type) == DW_TAG_const_type)) {
    int other = dwarf_tag(&type) == DW_TAG_volatile_type ? DW_TAG_const_type : DW_TAG_volatile_type;
    if (dwarf_tag(&*target) == other) {
      std::optional<Dwarf_Die> below = die_type(*target);
      if (!below || dwarf_tag(&*below) != DW_TAG_pointer_type || language == Language::Rust)
        return "const volatile " + name_of(below, language, depth + 1);
    }
  }
  // A qualified array is an array of qualified elements: DWARF says it twice
  // (const -> array -> const char), C once ("const char[204]").
  if (target && dwarf_tag(&*target) == DW_TAG_array_type)
    return name_of(target, language, depth + 1);
  if (target) {
    int tag = dwarf_tag(&*target);
    // A qualified pointer: "char * const".
    if (tag == DW_TAG_pointer_type && language != Language::Rust)
      return name_of(target, language, depth + 1) + " " + word;
  }
  return std::string(word) + " " + name_of(target, language, depth + 1);
}

std::string name_of(std::optional<Dwarf_Die> maybe_type, Language language, int depth) {
  if (!maybe_type) return void_type_name(language);
  if (depth > kMaxDepth) return "...";
  Dwarf_Die type = *maybe_type;
  switch (dwarf_tag(&type)) {
    case DW_TAG_base_type:
    case DW_TAG_unspecified_type: {
      std::string name = die_name(type);
      return name.empty() ? "?" : name;
    }
    case DW_TAG_typedef: return language == Language::C ? die_name(type) : qualified_name(type);
    case DW_TAG_structure_type: return aggregate_name(type, language, "struct");
    case DW_TAG_class_type: return aggregate_name(type, language, "class");
    case DW_TAG_union_type: return aggregate_name(type, language, "union");
    case DW_TAG_enumeration_type: return aggregate_name(type, language, "enum");
    case DW_TAG_const_type: return qualifier(type, language, "const", depth);
    case DW_TAG_volatile_type: return qualifier(type, language, "volatile", depth);
    case DW_TAG_restrict_type: return qualifier(type, language, "restrict", depth);
    case DW_TAG_atomic_type: return qualifier(type, language, "_Atomic", depth);
    case DW_TAG_pointer_type: {
      // rustc names its pointers: "&u32", "*mut u8", "&mut [u8]".
      std::string name = die_name(type);
      if (!name.empty()) return name;
      if (language == Language::Rust)
        return "*const " + name_of(die_type(type), language, depth + 1);
      return pointer_to(die_type(type), language, "*", depth);
    }
    case DW_TAG_reference_type: return pointer_to(die_type(type), language, "&", depth);
    case DW_TAG_rvalue_reference_type: return pointer_to(die_type(type), language, "&&", depth);
    case DW_TAG_array_type: {
      std::string element = name_of(die_type(type), language, depth + 1);
      if (language == Language::Rust) {
        // [[T; 3]; 2]: the innermost dimension is the last one.
        std::vector<uint64_t> dims = array_dimensions(type);
        std::string name = element;
        std::reverse(dims.begin(), dims.end());
        for (uint64_t dim : dims) {
          std::string inner = std::move(name);
          name = "[";
          name += inner;
          name += "; ";
          name += std::to_string(dim);
          name += "]";
        }
        return name;
      }
      return element + array_suffix(type);
    }
    case DW_TAG_subroutine_type: {
      std::string params = parameters(type, language, depth);
      if (language == Language::Rust) {
        std::optional<Dwarf_Die> result = die_type(type);
        return "fn(" + params + ")" +
               (result ? " -> " + name_of(result, language, depth + 1) : std::string());
      }
      return name_of(die_type(type), language, depth + 1) + " (" + params + ")";
    }
    case DW_TAG_ptr_to_member_type: return name_of(die_type(type), language, depth + 1) + " ::*";
    default: {
      std::string name = die_name(type);
      return name.empty() ? "<unknown type>" : name;
    }
  }
}

}  // namespace

std::string void_type_name(Language language) {
  return language == Language::Rust ? "()" : "void";
}

std::string type_name(Dwarf_Die type, Language language) {
  return name_of(type, language, 0);
}

}  // namespace seam

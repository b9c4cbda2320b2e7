// Small pure-DWARF helpers for walking type DIEs: what the value formatter
// and the type namer share.
//
//   Dwarf_Die type = strip_cv_typedef(variable_type);   // through typedef/const/volatile
//   std::optional<uint64_t> size = type_byte_size(type); // arrays: count * element
//   for (Dwarf_Die member : child_dies(type, DW_TAG_member)) ...
//   std::string name = qualified_name(type);             // "core::option::Option<u32>"
//   Language lang = die_language(type);                  // from its unit's DW_AT_language
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "symbolizer/language.h"

namespace seam {

// The DIE named by `die`'s DW_AT_type; nullopt when there is none (void).
std::optional<Dwarf_Die> die_type(Dwarf_Die die);

// Follows typedef, const, volatile, restrict and atomic types to the type
// they qualify; a typedef of void stays the typedef (there is nothing below).
Dwarf_Die strip_cv_typedef(Dwarf_Die type);

// The size of a type in bytes: DW_AT_byte_size, through typedefs and
// qualifiers, arrays as element size times count; nullopt when unknown
// (void, flexible arrays, incomplete structs).
std::optional<uint64_t> type_byte_size(Dwarf_Die type);

// Element counts of an array type, outermost dimension first; 0 for an
// unknown bound (flexible array member).
std::vector<uint64_t> array_dimensions(Dwarf_Die array);

// The DIE that holds `die`'s DW_AT_name: `die` itself, or the one its
// DW_AT_abstract_origin / DW_AT_specification chain leads to (inlined and
// out-of-line instances, definitions of declared methods); at most 8 hops.
Dwarf_Die die_holding_name(Dwarf_Die die);

// The direct children of `die` with tag `tag` (every child when tag is 0).
std::vector<Dwarf_Die> child_dies(Dwarf_Die die, int tag = 0);

// DW_AT_name, or "" when the DIE has none.
std::string die_name(Dwarf_Die die);

// An unsigned constant attribute (DW_AT_data_member_location as a constant,
// DW_AT_bit_size, DW_AT_discr_value...); nullopt when absent or not a constant.
std::optional<uint64_t> die_unsigned(Dwarf_Die die, unsigned attribute);

// The name with its enclosing namespaces, structs and classes:
// "geo::detail::Pair", "core::option::Option<u32>". Walks the unit from its
// root (libdw has no parent links), so it costs a unit scan: meant for C++
// and Rust types, whose names need it; C names are returned as they are.
std::string qualified_name(Dwarf_Die die);

// The language of the unit holding `die` (DW_AT_language of its CU).
Language die_language(Dwarf_Die die);

// The scope inside `die` (a namespace, module or type) as seen from `scope`
// ("a::" or ""): scope + "name::", scope + "(anonymous namespace)::" for a
// nameless namespace, `scope` itself for another nameless DIE. For walks
// down a unit that build qualified names as they go.
std::string inner_scope(Dwarf_Die* die, const std::string& scope);

}  // namespace seam

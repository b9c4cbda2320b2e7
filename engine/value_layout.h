// Where the parts of a typed value are in its bytes: members, bit fields,
// the active variant of a Rust enum, the (pointer, length) of slices, str,
// String and Vec. Shared by the formatter (engine/value_format), which
// prints a value as one string, and engine/value_children, which breaks it
// into a tree, so that both read the same layout the same way.
//
//   for (const MemberLayout& m : data_members(struct_die))
//     format_value(m.type, byte_range(bytes, m.offset, *type_byte_size(m.type)), ...);
//   ActiveVariant v = active_variant(variant_part_die, enum_bytes);
//   if (v.member) { /* die_name(*v.member): "Some"; its type holds the fields */ }
#pragma once

#include <elfutils/libdw.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam::engine {

using ValueBytes = std::span<const std::byte>;

// What a value whose bytes are unknown prints as (gdb's words).
inline constexpr const char* kOptimizedOut = "<optimized out>";

// A little-endian unsigned of `size` (1..8) bytes at `offset`; nullopt when
// the bytes do not hold it.
std::optional<uint64_t> load_unsigned(ValueBytes bytes, uint64_t offset, uint64_t size);
int64_t sign_extend(uint64_t value, unsigned bits);
// bytes[offset, offset + size), cut to what there is (empty past the end).
ValueBytes byte_range(ValueBytes bytes, uint64_t offset, uint64_t size);

// DW_AT_data_member_location as a constant, or the DW_OP_plus_uconst
// expression older producers write.
uint64_t member_offset(Dwarf_Die member);

struct MemberLayout {
  std::string name;
  Dwarf_Die type;
  uint64_t offset = 0;
};

// The DW_TAG_member children with a type and storage (declarations, such as
// C++ static members, skipped), in declaration order.
std::vector<MemberLayout> data_members(Dwarf_Die type);
std::optional<MemberLayout> member_named(Dwarf_Die type, std::string_view name);

// A C or C++ aggregate's parts as its value shows them: the DW_TAG_member
// and DW_TAG_inheritance (base class) children with a type, static members
// (DWARF 4 and older: no location) skipped, in declaration order. The
// formatter prints them and value_children lists them, from this one walk.
struct AggregateMember {
  Dwarf_Die die;  // the member or inheritance DIE (bit_field_value reads it)
  Dwarf_Die type;
  uint64_t offset = 0;  // 0 for every member of a union
  bool is_base = false;
  std::optional<std::string> name;  // nullopt: a base class or an anonymous member
};
std::vector<AggregateMember> aggregate_members(Dwarf_Die type);

// The first pointer inside a pointer wrapper (NonNull, Unique, Box,
// RawVec...), depth first: its offset and its pointer type.
struct PointerInside {
  uint64_t offset = 0;
  Dwarf_Die pointer_type;
};
std::optional<PointerInside> pointer_inside(Dwarf_Die type);

// A template type parameter by name: Vec<T>'s "T".
std::optional<Dwarf_Die> template_type(Dwarf_Die type, std::string_view name);

// A bit-field member's value widened to its declared type's size (sign
// extended for signed types), so it formats as that type would; `problem`
// says why there is no value ("<optimized out>", "<bit field>"). nullopt when
// `member` is not a bit field.
struct BitFieldValue {
  std::vector<std::byte> bytes;
  std::string problem;
};
std::optional<BitFieldValue> bit_field_value(Dwarf_Die member, Dwarf_Die type, ValueBytes bytes);

// The variant of a Rust enum (a DW_TAG_variant_part) its discriminant
// selects. `member` is the variant's DW_TAG_member: its name is the
// variant's, its type (a struct) holds the fields, at member_offset(member)
// in the enum's bytes. Else `problem` says why: "<optimized out>",
// "<invalid discriminant N>", "<empty variant>".
struct ActiveVariant {
  std::optional<Dwarf_Die> member;
  std::string problem;
};
ActiveVariant active_variant(Dwarf_Die variant_part, ValueBytes bytes);

// (data address, element count) of a Rust fat pointer (&str, &[T]: members
// data_ptr and length) or of a Vec or String's `vec` (buf's pointer, len).
std::optional<std::pair<uint64_t, uint64_t>> slice_parts(Dwarf_Die type, ValueBytes bytes);
std::optional<std::pair<uint64_t, uint64_t>> vec_parts(Dwarf_Die vec, ValueBytes bytes);

// A Rust field name as the language writes it: tuple fields `__0` are `0`.
std::string rust_field_name(const std::string& dwarf_name);
// Zero-sized markers (PhantomData, the Global allocator) say nothing and are
// left out of a Rust value.
bool is_rust_marker(const MemberLayout& member);

}  // namespace seam::engine

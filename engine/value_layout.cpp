#include "engine/value_layout.h"

#include <dwarf.h>

#include <algorithm>
#include <cctype>
#include <cstring>

#include "symbolizer/dwarf_type_walk.h"

namespace seam::engine {

std::optional<uint64_t> load_unsigned(ValueBytes bytes, uint64_t offset, uint64_t size) {
  if (size == 0 || size > 8 || offset > bytes.size() || bytes.size() - offset < size)
    return std::nullopt;
  uint64_t value = 0;
  std::memcpy(&value, bytes.data() + offset, size);  // little-endian target
  return value;
}

int64_t sign_extend(uint64_t value, unsigned bits) {
  if (bits == 0 || bits >= 64) return static_cast<int64_t>(value);
  uint64_t sign = uint64_t{1} << (bits - 1);
  value &= (uint64_t{1} << bits) - 1;
  return static_cast<int64_t>((value ^ sign) - sign);
}

ValueBytes byte_range(ValueBytes bytes, uint64_t offset, uint64_t size) {
  if (offset >= bytes.size()) return {};
  return bytes.subspan(offset, std::min<uint64_t>(size, bytes.size() - offset));
}

uint64_t member_offset(Dwarf_Die member) {
  if (std::optional<uint64_t> offset = die_unsigned(member, DW_AT_data_member_location))
    return *offset;
  Dwarf_Attribute attr;
  Dwarf_Op* ops = nullptr;
  size_t count = 0;
  if (dwarf_attr_integrate(&member, DW_AT_data_member_location, &attr) != nullptr &&
      dwarf_getlocation(&attr, &ops, &count) == 0 && count == 1 && ops[0].atom == DW_OP_plus_uconst)
    return ops[0].number;
  return 0;
}

std::vector<MemberLayout> data_members(Dwarf_Die type) {
  std::vector<MemberLayout> out;
  for (Dwarf_Die child : child_dies(type, DW_TAG_member)) {
    std::optional<Dwarf_Die> member_type = die_type(child);
    if (!member_type || dwarf_hasattr(&child, DW_AT_declaration)) continue;
    out.push_back({die_name(child), *member_type, member_offset(child)});
  }
  return out;
}

std::optional<MemberLayout> member_named(Dwarf_Die type, std::string_view name) {
  for (MemberLayout& m : data_members(type))
    if (m.name == name) return m;
  return std::nullopt;
}

std::vector<AggregateMember> aggregate_members(Dwarf_Die type) {
  bool is_union = dwarf_tag(&type) == DW_TAG_union_type;
  std::vector<AggregateMember> out;
  for (Dwarf_Die child : child_dies(type)) {
    int tag = dwarf_tag(&child);
    if (tag != DW_TAG_member && tag != DW_TAG_inheritance) continue;
    if (dwarf_hasattr(&child, DW_AT_external) || dwarf_hasattr(&child, DW_AT_declaration)) continue;
    std::optional<Dwarf_Die> member_type = die_type(child);
    if (!member_type) continue;
    AggregateMember member{child, *member_type, is_union ? 0 : member_offset(child),
                           tag == DW_TAG_inheritance, std::nullopt};
    if (const char* name = dwarf_diename(&child); name && !member.is_base) member.name = name;
    out.push_back(std::move(member));
  }
  return out;
}

namespace {

std::optional<PointerInside> pointer_inside(Dwarf_Die type, int depth) {
  if (depth > 8) return std::nullopt;
  Dwarf_Die s = strip_cv_typedef(type);
  if (dwarf_tag(&s) == DW_TAG_pointer_type) return PointerInside{0, s};
  if (dwarf_tag(&s) != DW_TAG_structure_type) return std::nullopt;
  for (MemberLayout& m : data_members(s)) {
    if (std::optional<PointerInside> inner = pointer_inside(m.type, depth + 1)) {
      inner->offset += m.offset;
      return inner;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<PointerInside> pointer_inside(Dwarf_Die type) {
  return pointer_inside(type, 0);
}

std::optional<Dwarf_Die> template_type(Dwarf_Die type, std::string_view name) {
  for (Dwarf_Die p : child_dies(type, DW_TAG_template_type_parameter))
    if (die_name(p) == name) return die_type(p);
  return std::nullopt;
}

std::optional<BitFieldValue> bit_field_value(Dwarf_Die member, Dwarf_Die type, ValueBytes bytes) {
  std::optional<uint64_t> bit_size = die_unsigned(member, DW_AT_bit_size);
  if (!bit_size) return std::nullopt;
  uint64_t bit_offset = 0;
  if (std::optional<uint64_t> data_bit = die_unsigned(member, DW_AT_data_bit_offset)) {
    bit_offset = *data_bit;
  } else {
    // DWARF 2/3: DW_AT_bit_offset counts from the storage unit's most
    // significant bit.
    uint64_t storage =
        die_unsigned(member, DW_AT_byte_size).value_or(type_byte_size(type).value_or(4));
    uint64_t from_msb = die_unsigned(member, DW_AT_bit_offset).value_or(0);
    bit_offset = member_offset(member) * 8 + storage * 8 - from_msb - *bit_size;
  }
  if (*bit_size == 0 || *bit_size > 64) return BitFieldValue{{}, "<bit field>"};
  uint64_t first = bit_offset / 8;
  uint64_t span = (bit_offset % 8 + *bit_size + 7) / 8;
  if (span > 8 || first + span > bytes.size()) return BitFieldValue{{}, kOptimizedOut};
  uint64_t raw = 0;
  std::memcpy(&raw, bytes.data() + first, span);
  raw >>= bit_offset % 8;
  if (*bit_size < 64) raw &= (uint64_t{1} << *bit_size) - 1;
  // The field's value as its own type would print it, re-encoded.
  uint64_t size = type_byte_size(type).value_or(8);
  Dwarf_Die stripped = strip_cv_typedef(type);
  uint64_t encoding = die_unsigned(stripped, DW_AT_encoding).value_or(0);
  if (encoding == DW_ATE_signed || encoding == DW_ATE_signed_char)
    raw = static_cast<uint64_t>(sign_extend(raw, static_cast<unsigned>(*bit_size)));
  BitFieldValue out;
  out.bytes.resize(size);
  std::memcpy(out.bytes.data(), &raw, std::min<uint64_t>(size, 8));
  return out;
}

ActiveVariant active_variant(Dwarf_Die variant_part, ValueBytes bytes) {
  std::optional<uint64_t> discriminant;
  Dwarf_Attribute attr;
  Dwarf_Die discr_member;
  bool has_discr = dwarf_attr(&variant_part, DW_AT_discr, &attr) != nullptr &&
                   dwarf_formref_die(&attr, &discr_member) != nullptr;
  uint64_t mask = ~uint64_t{0};
  if (has_discr) {
    std::optional<Dwarf_Die> discr_type = die_type(discr_member);
    uint64_t size = discr_type ? type_byte_size(*discr_type).value_or(0) : 0;
    discriminant = load_unsigned(bytes, member_offset(discr_member), size);
    if (!discriminant) return {std::nullopt, kOptimizedOut};
    if (size < 8) mask = (uint64_t{1} << (size * 8)) - 1;
  }
  std::optional<Dwarf_Die> chosen;
  std::optional<Dwarf_Die> fallback;
  for (Dwarf_Die variant : child_dies(variant_part, DW_TAG_variant)) {
    std::optional<uint64_t> value = die_unsigned(variant, DW_AT_discr_value);
    if (!has_discr) {
      chosen = variant;
      break;
    }
    if (!value) {
      if (!fallback) fallback = variant;  // the dataful variant of a niche layout
      continue;
    }
    if ((*value & mask) == *discriminant) {
      chosen = variant;
      break;
    }
  }
  if (!chosen) chosen = fallback;
  if (!chosen)
    return {std::nullopt,
            "<invalid discriminant " + std::to_string(discriminant.value_or(0)) + ">"};
  std::vector<Dwarf_Die> variant_members = child_dies(*chosen, DW_TAG_member);
  if (variant_members.empty()) return {std::nullopt, "<empty variant>"};
  return {variant_members[0], ""};
}

std::optional<std::pair<uint64_t, uint64_t>> slice_parts(Dwarf_Die type, ValueBytes bytes) {
  std::optional<MemberLayout> p = member_named(type, "data_ptr");
  std::optional<MemberLayout> n = member_named(type, "length");
  if (!p || !n) return std::nullopt;
  std::optional<uint64_t> address = load_unsigned(bytes, p->offset, 8);
  std::optional<uint64_t> count = load_unsigned(bytes, n->offset, 8);
  if (!address || !count) return std::nullopt;
  return std::make_pair(*address, *count);
}

std::optional<std::pair<uint64_t, uint64_t>> vec_parts(Dwarf_Die vec, ValueBytes bytes) {
  std::optional<MemberLayout> buf = member_named(vec, "buf");
  std::optional<MemberLayout> len = member_named(vec, "len");
  if (!buf || !len) return std::nullopt;
  std::optional<PointerInside> inner = pointer_inside(buf->type);
  if (!inner) return std::nullopt;
  std::optional<uint64_t> address = load_unsigned(bytes, buf->offset + inner->offset, 8);
  std::optional<uint64_t> count = load_unsigned(bytes, len->offset, 8);
  if (!address || !count) return std::nullopt;
  return std::make_pair(*address, *count);
}

std::string rust_field_name(const std::string& dwarf_name) {
  if (dwarf_name.size() > 2 && dwarf_name.compare(0, 2, "__") == 0 &&
      std::all_of(dwarf_name.begin() + 2, dwarf_name.end(),
                  [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }))
    return dwarf_name.substr(2);
  return dwarf_name;
}

bool is_rust_marker(const MemberLayout& member) {
  return type_byte_size(member.type).value_or(1) == 0 && member.name.compare(0, 1, "_") == 0;
}

}  // namespace seam::engine

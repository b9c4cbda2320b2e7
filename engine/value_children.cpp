#include "engine/value_children.h"

#include <dwarf.h>

#include <deque>
#include <optional>
#include <utility>

#include "engine/value_layout.h"
#include "symbolizer/dwarf_type_name.h"
#include "symbolizer/dwarf_type_walk.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// All memory the parts of one value may read through pointers (the
// formatter has its own budget for each part's text).
constexpr size_t kReadBudget = 4 << 20;
// A pointed-to value larger than this is not read (as the formatter).
constexpr uint64_t kMaxPointee = 64 * 1024;

// One part before it becomes a Variable: its bytes, or the text that
// stands for a value there is none of (a bit field's problem, an unreadable
// pointer).
struct Part {
  std::string name;
  std::optional<Dwarf_Die> type;
  ValueBytes bytes;
  std::string fixed_value;  // when not empty: the value, and no parts below
  std::string type_text;    // when there is no type DIE
};

// A made Variable still to be broken into parts.
struct Pending {
  Variable* variable;
  Dwarf_Die type;
  ValueBytes bytes;
  int depth;  // of `variable`: the value's own parts are at 1
};

bool is_aggregate(Dwarf_Die type) {
  Dwarf_Die t = strip_cv_typedef(type);
  int tag = dwarf_tag(&t);
  return tag == DW_TAG_structure_type || tag == DW_TAG_class_type || tag == DW_TAG_union_type;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

bool is_char_type(Dwarf_Die type) {
  Dwarf_Die t = strip_cv_typedef(type);
  if (dwarf_tag(&t) != DW_TAG_base_type) return false;
  std::optional<uint64_t> encoding = die_unsigned(t, DW_AT_encoding);
  return type_byte_size(t) == 1u && encoding &&
         (*encoding == DW_ATE_signed_char || *encoding == DW_ATE_unsigned_char);
}

class ChildBuilder {
 public:
  ChildBuilder(Language language, ValueReader& reader, const ValueChildrenOptions& options)
      : rust_(language == Language::Rust),
        language_(language),
        reader_(reader),
        options_(options) {}

  std::vector<Variable> build(Dwarf_Die type, ValueBytes bytes, const std::string& name) {
    Variable root;
    root.name = name;
    std::deque<Pending> queue{{&root, type, bytes, 0}};
    // Breadth first: every part of a level before any part of the next, so
    // the budget runs out deep down, not in the first member's subtree.
    while (!queue.empty() && nodes_ < options_.max_nodes) {
      Pending pending = queue.front();
      queue.pop_front();
      std::vector<Part> parts = parts_of(pending.type, pending.bytes, pending.variable->name);
      std::vector<Variable>& children = pending.variable->children;
      children.reserve(parts.size());  // pointers into it are queued below
      for (Part& part : parts) {
        if (nodes_ >= options_.max_nodes) break;
        ++nodes_;
        children.push_back(make(part));
      }
      for (size_t i = 0; i < children.size(); ++i) {
        const Part& part = parts[i];
        if (part.fixed_value.empty() && part.type && pending.depth + 1 < options_.max_depth)
          queue.push_back({&children[i], *part.type, part.bytes, pending.depth + 1});
      }
    }
    return std::move(root.children);
  }

 private:
  Variable make(const Part& part) {
    Variable v;
    v.name = part.name;
    v.type = part.type ? type_name(*part.type, language_) : part.type_text;
    v.value = !part.fixed_value.empty() ? part.fixed_value
              : part.type
                  ? format_value(*part.type, part.bytes, language_, reader_, options_.format)
                  : std::string();
    return v;
  }

  // Memory kept for the parts' bytes while the tree is built.
  std::optional<ValueBytes> read(uint64_t address, uint64_t size) {
    if (size > budget_) return std::nullopt;
    budget_ -= size;
    std::vector<std::byte> out(size);
    if (!reader_.read(address, out)) return std::nullopt;
    buffers_.push_back(std::move(out));
    return ValueBytes(buffers_.back());
  }

  std::vector<Part> parts_of(Dwarf_Die type, ValueBytes bytes, const std::string& name) {
    Dwarf_Die t = strip_cv_typedef(type);
    uint64_t size = type_byte_size(t).value_or(0);
    // An unknown value has no known parts: its text says <optimized out>.
    if (size != 0 && bytes.empty()) return {};
    switch (dwarf_tag(&t)) {
      case DW_TAG_structure_type:
      case DW_TAG_class_type:
      case DW_TAG_union_type: return rust_ ? rust_parts(t, bytes, name) : c_members(t, bytes);
      case DW_TAG_array_type: return array_elements(t, bytes);
      case DW_TAG_pointer_type:
      case DW_TAG_reference_type:
      case DW_TAG_rvalue_reference_type: {
        std::optional<uint64_t> address = load_unsigned(bytes, 0, 8);
        std::optional<Dwarf_Die> target = die_type(t);
        if (!address || !target) return {};
        return pointee_parts(*address, *target, name);
      }
      default: return {};
    }
  }

  // What a pointer to an aggregate points to, as its parts (as gdb front
  // ends show a pointer row): nothing for null or for other targets.
  std::vector<Part> pointee_parts(uint64_t address, Dwarf_Die target, const std::string& name) {
    if (address == 0 || !is_aggregate(target)) return {};
    std::optional<uint64_t> size = type_byte_size(target);
    if (!size || *size == 0 || *size > kMaxPointee) return {};
    std::optional<ValueBytes> pointee = read(address, *size);
    if (!pointee) {
      Part unreadable{"*" + name, target, {}, "<error: cannot read " + hex(address) + ">", ""};
      return {unreadable};
    }
    return parts_of(target, *pointee, "*" + name);
  }

  std::vector<Part> c_members(Dwarf_Die t, ValueBytes bytes) {
    std::vector<Part> parts;
    for (const AggregateMember& member : aggregate_members(t)) {
      Part part;
      part.type = member.type;
      if (member.is_base) {
        part.name = type_name(member.type, language_);
      } else if (member.name) {
        part.name = *member.name;
      } else {
        Dwarf_Die anonymous = strip_cv_typedef(member.type);
        part.name =
            dwarf_tag(&anonymous) == DW_TAG_union_type ? "<anonymous union>" : "<anonymous struct>";
      }
      if (std::optional<BitFieldValue> bits = bit_field_value(member.die, member.type, bytes)) {
        if (!bits->problem.empty()) {
          part.fixed_value = bits->problem;
        } else {
          buffers_.push_back(std::move(bits->bytes));
          part.bytes = buffers_.back();
        }
      } else {
        part.bytes = byte_range(bytes, member.offset, type_byte_size(member.type).value_or(0));
      }
      parts.push_back(std::move(part));
    }
    return parts;
  }

  // Elements of a one-dimensional array (a C char array is a string: no parts).
  std::vector<Part> array_elements(Dwarf_Die t, ValueBytes bytes) {
    std::optional<Dwarf_Die> element = die_type(t);
    std::vector<uint64_t> dims = array_dimensions(t);
    if (!element || dims.size() > 1 || (!rust_ && is_char_type(*element))) return {};
    uint64_t size = type_byte_size(*element).value_or(0);
    if (size == 0) return {};
    uint64_t count = dims.empty() || dims[0] == 0 ? bytes.size() / size : dims[0];
    return elements(*element, size, count, bytes);
  }

  // The last part of a list cut at max_elements: "...", how many more.
  static Part more_part(uint64_t hidden) {
    return {"...",
            std::nullopt,
            {},
            sformat("<%llu more>", static_cast<unsigned long long>(hidden)),
            ""};
  }

  // The first max_elements of `count` elements in `bytes`; a last part
  // "..." says how many more there are.
  std::vector<Part> elements(Dwarf_Die element, uint64_t size, uint64_t count, ValueBytes bytes) {
    std::vector<Part> parts;
    uint64_t shown = std::min<uint64_t>(count, options_.format.max_elements);
    for (uint64_t i = 0; i < shown; ++i) {
      parts.push_back(
          {"[" + std::to_string(i) + "]", element, byte_range(bytes, i * size, size), "", ""});
    }
    if (shown < count) parts.push_back(more_part(count - shown));
    return parts;
  }

  std::vector<Part> elements_at(Dwarf_Die element, uint64_t address, uint64_t count) {
    uint64_t size = type_byte_size(element).value_or(0);
    uint64_t shown = std::min<uint64_t>(count, options_.format.max_elements);
    if (size == 0 || size > kMaxPointee || shown == 0) return {};
    std::optional<ValueBytes> data = read(address, shown * size);
    if (!data) {
      return {{"[0]", element, {}, "<error: cannot read " + hex(address) + ">", ""}};
    }
    std::vector<Part> parts = elements(element, size, shown, *data);
    if (shown < count) parts.push_back(more_part(count - shown));
    return parts;
  }

  // Rust: the fields of a struct, tuple or the active variant; the elements
  // of a slice or Vec; what a Box or NonNull points to. Strings and trait
  // objects are whole values.
  std::vector<Part> rust_parts(Dwarf_Die t, ValueBytes bytes, const std::string& name) {
    std::string type = die_name(t);
    std::vector<Dwarf_Die> variant_parts = child_dies(t, DW_TAG_variant_part);
    if (!variant_parts.empty()) {
      ActiveVariant variant = active_variant(variant_parts[0], bytes);
      if (!variant.member) return {};
      std::optional<Dwarf_Die> fields = die_type(*variant.member);
      if (!fields) return {};
      return rust_fields(strip_cv_typedef(*fields), bytes, member_offset(*variant.member));
    }
    if (type == "&str" || type == "&mut str" || type == "String" ||
        type.find("dyn ") != std::string::npos)
      return {};
    if (starts_with(type, "&[") || starts_with(type, "&mut [") || starts_with(type, "*const [") ||
        starts_with(type, "*mut [")) {
      std::optional<std::pair<uint64_t, uint64_t>> slice = slice_parts(t, bytes);
      std::optional<MemberLayout> data = member_named(t, "data_ptr");
      std::optional<Dwarf_Die> element =
          data ? die_type(strip_cv_typedef(data->type)) : std::nullopt;
      if (!slice || !element) return {};
      return elements_at(*element, slice->first, slice->second);
    }
    if (starts_with(type, "Box<") || starts_with(type, "NonNull<") ||
        starts_with(type, "Unique<")) {
      std::optional<PointerInside> inner = pointer_inside(t);
      std::optional<uint64_t> address =
          inner ? load_unsigned(bytes, inner->offset, 8) : std::nullopt;
      std::optional<Dwarf_Die> target = inner ? die_type(inner->pointer_type) : std::nullopt;
      if (!address || !target) return {};
      return pointee_parts(*address, *target, name);
    }
    if (starts_with(type, "Vec<") && starts_with(qualified_name(t), "alloc::vec::Vec<")) {
      std::optional<Dwarf_Die> element = template_type(t, "T");
      std::optional<std::pair<uint64_t, uint64_t>> vec = vec_parts(t, bytes);
      if (element && vec) return elements_at(*element, vec->first, vec->second);
    }
    return rust_fields(t, bytes, 0);
  }

  std::vector<Part> rust_fields(Dwarf_Die t, ValueBytes bytes, uint64_t base) {
    std::vector<Part> parts;
    for (const MemberLayout& m : data_members(t)) {
      if (is_rust_marker(m)) continue;
      uint64_t size = type_byte_size(m.type).value_or(0);
      parts.push_back(
          {rust_field_name(m.name), m.type, byte_range(bytes, base + m.offset, size), "", ""});
    }
    return parts;
  }

  bool rust_;
  Language language_;
  ValueReader& reader_;
  const ValueChildrenOptions& options_;
  size_t nodes_ = 0;
  size_t budget_ = kReadBudget;
  std::deque<std::vector<std::byte>> buffers_;
};

}  // namespace

std::vector<Variable> value_children(Dwarf_Die type, std::span<const std::byte> bytes,
                                     const std::string& name, Language language,
                                     ValueReader& reader, const ValueChildrenOptions& options) {
  if (language == Language::Unknown || language == Language::Assembly) language = Language::C;
  ChildBuilder builder(language, reader, options);
  return builder.build(type, bytes, name);
}

}  // namespace seam::engine

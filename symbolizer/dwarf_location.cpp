#include "symbolizer/dwarf_location.h"

#include <dwarf.h>

#include <algorithm>
#include <cstring>

#include "symbolizer/printf_format.h"

namespace seam {
namespace {

const char* const kRegisterNames[] = {"rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8",
                                      "r9",  "r10", "r11", "r12", "r13", "r14", "r15", "rip"};

std::string register_name(int reg) {
  if (reg >= 0 && reg < 17) return kRegisterNames[reg];
  return "register " + std::to_string(reg);
}

// Where the piece being built lives, once the expression (or the operations
// before a DW_OP_piece) has run.
struct Place {
  enum Kind {
    kNone,
    kMemory,
    kRegister,
    kValue,
    kImplicit,
    kImplicitPointer,
    kUnknown
  } kind = kNone;
  uint64_t value = 0;               // memory address, register number or value
  const std::byte* data = nullptr;  // kImplicit
  size_t data_size = 0;
  std::string reason;  // kUnknown
};

// The block of DW_OP_implicit_value and DW_OP_entry_value: libdw keeps its
// length in `number` and in `number2` a pointer to the block's ULEB128 length
// followed by the bytes.
const uint8_t* block_data(const Dwarf_Op& op) {
  // NOLINTNEXTLINE(performance-no-int-to-ptr): libdw's own encoding of the block
  const auto* data = reinterpret_cast<const uint8_t*>(static_cast<uintptr_t>(op.number2));
  if (!data) return nullptr;
  uint64_t length = 0;
  int shift = 0;
  size_t i = 0;
  for (; i < 10; ++i, shift += 7) {
    length |= uint64_t(data[i] & 0x7f) << shift;
    if (!(data[i] & 0x80)) break;
  }
  return length == op.number ? data + i + 1 : nullptr;
}

// The register a DW_OP_entry_value block names: DW_OP_regN or DW_OP_regx
// (what GCC and clang emit); anything else is not supported.
std::optional<int> entry_value_register(const Dwarf_Op& op) {
  const uint8_t* data = block_data(op);
  size_t size = op.number;
  if (!data || size == 0) return std::nullopt;
  if (data[0] >= DW_OP_reg0 && data[0] <= DW_OP_reg31 && size == 1) return data[0] - DW_OP_reg0;
  if (data[0] == DW_OP_regx) {
    uint64_t reg = 0;
    int shift = 0;
    for (size_t i = 1; i < size && shift < 63; ++i, shift += 7) {
      reg |= uint64_t(data[i] & 0x7f) << shift;
      if (!(data[i] & 0x80)) return i + 1 == size ? std::optional<int>(int(reg)) : std::nullopt;
    }
  }
  return std::nullopt;
}

class Machine {
 public:
  Machine(std::span<const Dwarf_Op> ops, size_t size, const FrameState& frame,
          std::optional<uint64_t> frame_base)
      : ops_(ops), frame_(frame), frame_base_(frame_base) {
    result_.bytes.assign(size, std::byte{0});
    result_.known.assign(size, false);
  }

  // Runs every operation; the place of the last piece stays in place_/stack_.
  Result<void> execute() {
    if (ops_.size() > kMaxOps) return Error(sformat("expression of %zu operations", ops_.size()));
    size_t steps = 0;
    for (size_t i = 0; i < ops_.size();) {
      if (++steps > kMaxSteps) return Error("expression runs too long (a DW_OP_skip/bra loop?)");
      Result<std::optional<size_t>> next = step(i);
      if (!next) return next.error().context(sformat("DWARF operation 0x%x", ops_[i].atom));
      i = next->value_or(i + 1);
    }
    return {};
  }

  Result<LocatedValue> run() {
    if (ops_.empty()) {
      result_.unknown_reason = "optimized out";
      return std::move(result_);
    }
    if (auto ok = execute(); !ok) return ok.error();
    if (!pieces_) {
      // No DW_OP_piece: one place holds the whole object.
      Place place = take_place();
      if (place.kind == Place::kMemory) result_.address = place.value;
      store(place, 0, result_.bytes.size(), 0);
    }
    if (result_.unknown_reason.empty() && !result_.fully_known()) {
      result_.unknown_reason = "optimized out";
    }
    return std::move(result_);
  }

  // A single-value expression: the stack top (a "memory" place is the value
  // itself here), a register, or a stack value.
  Result<uint64_t> value() {
    if (ops_.empty()) return Error("empty expression");
    if (auto ok = execute(); !ok) return ok.error();
    if (pieces_) return Error("pieces in a value expression");
    Place place = take_place();
    switch (place.kind) {
      case Place::kMemory:
      case Place::kValue: return place.value;
      case Place::kRegister: return reg(static_cast<int>(place.value));
      case Place::kUnknown: return Error(place.reason);
      default: return Error("not a value");
    }
  }

  Place take_place() {
    Place place = place_;
    if (place.kind == Place::kNone) {
      if (stack_.empty()) {
        place.kind = Place::kUnknown;
        place.reason = "optimized out";
      } else {
        place.kind = Place::kMemory;
        place.value = stack_.back();
      }
    }
    place_ = Place{};
    return place;
  }

 private:
  Result<void> push(uint64_t value) {
    if (stack_.size() >= kMaxStack) return Error("DWARF stack overflow");
    stack_.push_back(value);
    return {};
  }
  Result<uint64_t> pop() {
    if (stack_.empty()) return Error("DWARF stack underflow");
    uint64_t v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Result<uint64_t> reg(int number) {
    std::optional<uint64_t> v = frame_.register_value(number);
    if (!v) return Error(register_name(number) + " not saved");
    return *v;
  }

  // Writes `count` bytes of `place` (from byte `skip` of it) at `at` in the result.
  void store(const Place& place, size_t at, size_t count, size_t skip) {
    if (at >= result_.bytes.size()) return;
    count = std::min(count, result_.bytes.size() - at);
    auto mark = [&](const std::byte* src, size_t n) {
      std::memcpy(result_.bytes.data() + at, src, n);
      std::fill_n(result_.known.begin() + static_cast<ptrdiff_t>(at), n, true);
    };
    auto unknown = [&](const std::string& reason) {
      if (result_.unknown_reason.empty()) result_.unknown_reason = reason;
    };
    switch (place.kind) {
      case Place::kMemory: {
        std::vector<std::byte> buffer(count);
        if (Result<void> ok = frame_.read_memory(place.value + skip, buffer); !ok) {
          unknown(ok.error().message());
        } else {
          mark(buffer.data(), count);
        }
        break;
      }
      case Place::kRegister:
      case Place::kValue: {
        uint64_t value = place.value;
        if (place.kind == Place::kRegister) {
          Result<uint64_t> v = reg(static_cast<int>(place.value));
          if (!v) {
            unknown(v.error().message());
            return;
          }
          value = *v;
        }
        std::byte raw[8];
        std::memcpy(raw, &value, 8);  // x86-64: little-endian, as DWARF pieces of registers
        if (skip < 8) mark(raw + skip, std::min(count, 8 - skip));
        if (skip + count > 8) unknown("optimized out");
        break;
      }
      case Place::kImplicit:
        if (skip < place.data_size)
          mark(place.data + skip, std::min(count, place.data_size - skip));
        break;
      case Place::kImplicitPointer: unknown("implicit pointer"); break;
      case Place::kUnknown: unknown(place.reason); break;
      case Place::kNone: break;
    }
  }

  // Executes ops_[i]; returns the next index when it jumps.
  Result<std::optional<size_t>> step(size_t i) {
    const Dwarf_Op& op = ops_[i];
    auto binary = [&](auto f) -> Result<std::optional<size_t>> {
      Result<uint64_t> b = pop();
      if (!b) return b.error();
      Result<uint64_t> a = pop();
      if (!a) return a.error();
      Result<uint64_t> r = f(*a, *b);
      if (!r) return r.error();
      if (auto ok = push(*r); !ok) return ok.error();
      return std::optional<size_t>();
    };
    auto pushed = [&](uint64_t v) -> Result<std::optional<size_t>> {
      if (auto ok = push(v); !ok) return ok.error();
      return std::optional<size_t>();
    };
    auto none = std::optional<size_t>();
    if (place_.kind != Place::kNone && op.atom != DW_OP_piece && op.atom != DW_OP_bit_piece) {
      return Error("operation after a register, stack or implicit location");
    }
    uint8_t atom = op.atom;
    if (atom >= DW_OP_lit0 && atom <= DW_OP_lit31) return pushed(atom - DW_OP_lit0);
    if (atom >= DW_OP_reg0 && atom <= DW_OP_reg31) {
      place_ = {Place::kRegister, uint64_t(atom - DW_OP_reg0)};
      return none;
    }
    if (atom >= DW_OP_breg0 && atom <= DW_OP_breg31) {
      Result<uint64_t> r = reg(atom - DW_OP_breg0);
      if (!r) return r.error();
      return pushed(*r + op.number);
    }
    switch (atom) {
      case DW_OP_addr: return pushed(op.number + static_cast<uint64_t>(frame_.address_bias()));
      case DW_OP_const1u:
      case DW_OP_const2u:
      case DW_OP_const4u:
      case DW_OP_const8u:
      case DW_OP_constu: return pushed(op.number);
      case DW_OP_const1s: return pushed(static_cast<uint64_t>(int64_t(int8_t(op.number))));
      case DW_OP_const2s: return pushed(static_cast<uint64_t>(int64_t(int16_t(op.number))));
      case DW_OP_const4s: return pushed(static_cast<uint64_t>(int64_t(int32_t(op.number))));
      case DW_OP_const8s:
      case DW_OP_consts: return pushed(op.number);
      case DW_OP_dup:
        if (stack_.empty()) return Error("DWARF stack underflow");
        return pushed(stack_.back());
      case DW_OP_drop:
        if (auto v = pop(); !v) return v.error();
        return none;
      case DW_OP_over:
        if (stack_.size() < 2) return Error("DWARF stack underflow");
        return pushed(stack_[stack_.size() - 2]);
      case DW_OP_pick:
        if (op.number >= stack_.size()) return Error("DW_OP_pick beyond the stack");
        return pushed(stack_[stack_.size() - 1 - op.number]);
      case DW_OP_swap:
        if (stack_.size() < 2) return Error("DWARF stack underflow");
        std::swap(stack_[stack_.size() - 1], stack_[stack_.size() - 2]);
        return none;
      case DW_OP_rot:
        if (stack_.size() < 3) return Error("DWARF stack underflow");
        std::rotate(stack_.end() - 3, stack_.end() - 1, stack_.end());
        return none;
      case DW_OP_deref:
      case DW_OP_deref_size: {
        size_t n = atom == DW_OP_deref ? 8 : op.number;
        if (n == 0 || n > 8) return Error(sformat("DW_OP_deref_size %zu", n));
        Result<uint64_t> address = pop();
        if (!address) return address.error();
        uint64_t value = 0;
        if (auto ok =
                frame_.read_memory(*address, std::as_writable_bytes(std::span(&value, 1)).first(n));
            !ok) {
          return ok.error();
        }
        return pushed(value);
      }
      case DW_OP_abs: {
        Result<uint64_t> v = pop();
        if (!v) return v.error();
        int64_t s = static_cast<int64_t>(*v);
        return pushed(static_cast<uint64_t>(s < 0 ? -s : s));
      }
      case DW_OP_neg: {
        Result<uint64_t> v = pop();
        if (!v) return v.error();
        return pushed(~*v + 1);
      }
      case DW_OP_not: {
        Result<uint64_t> v = pop();
        if (!v) return v.error();
        return pushed(~*v);
      }
      case DW_OP_plus_uconst: {
        Result<uint64_t> v = pop();
        if (!v) return v.error();
        return pushed(*v + op.number);
      }
      case DW_OP_and:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a & b; });
      case DW_OP_or:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a | b; });
      case DW_OP_xor:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a ^ b; });
      case DW_OP_plus:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a + b; });
      case DW_OP_minus:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a - b; });
      case DW_OP_mul:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a * b; });
      case DW_OP_div:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> {
          if (b == 0) return Error("division by zero");
          int64_t sa = static_cast<int64_t>(a), sb = static_cast<int64_t>(b);
          if (sa == INT64_MIN && sb == -1) return a;
          return static_cast<uint64_t>(sa / sb);
        });
      case DW_OP_mod:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> {
          if (b == 0) return Error("division by zero");
          return a % b;
        });
      case DW_OP_shl:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return b >= 64 ? 0 : a << b; });
      case DW_OP_shr:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return b >= 64 ? 0 : a >> b; });
      case DW_OP_shra:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> {
          return static_cast<uint64_t>(static_cast<int64_t>(a) >> std::min<uint64_t>(b, 63));
        });
      case DW_OP_eq:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a == b; });
      case DW_OP_ne:
        return binary([](uint64_t a, uint64_t b) -> Result<uint64_t> { return a != b; });
      case DW_OP_lt:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return int64_t(a) < int64_t(b); });
      case DW_OP_le:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return int64_t(a) <= int64_t(b); });
      case DW_OP_gt:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return int64_t(a) > int64_t(b); });
      case DW_OP_ge:
        return binary(
            [](uint64_t a, uint64_t b) -> Result<uint64_t> { return int64_t(a) >= int64_t(b); });
      case DW_OP_skip:
      case DW_OP_bra: {
        if (atom == DW_OP_bra) {
          Result<uint64_t> v = pop();
          if (!v) return v.error();
          if (*v == 0) return none;
        }
        // The operand is relative to the end of this 3-byte operation.
        uint64_t target = op.offset + 3 + static_cast<uint64_t>(int64_t(int16_t(op.number)));
        for (size_t j = 0; j < ops_.size(); ++j) {
          if (ops_[j].offset == target) return std::optional<size_t>(j);
        }
        const Dwarf_Op& last = ops_.back();
        if (target > last.offset) return std::optional<size_t>(ops_.size());  // past the end
        return Error("branch into the middle of an operation");
      }
      case DW_OP_nop: return none;
      case DW_OP_regx: place_ = {Place::kRegister, op.number}; return none;
      case DW_OP_bregx: {
        Result<uint64_t> r = reg(static_cast<int>(op.number));
        if (!r) return r.error();
        return pushed(*r + op.number2);
      }
      case DW_OP_fbreg:
        if (!frame_base_) return Error("frame base unknown");
        return pushed(*frame_base_ + op.number);
      case DW_OP_call_frame_cfa: {
        std::optional<uint64_t> cfa = frame_.cfa();
        if (!cfa) return Error("CFA unknown");
        return pushed(*cfa);
      }
      case DW_OP_stack_value: {
        Result<uint64_t> v = pop();
        if (!v) return v.error();
        place_ = {Place::kValue, *v};
        return none;
      }
      case DW_OP_implicit_value:
        place_ = {Place::kImplicit, 0, reinterpret_cast<const std::byte*>(block_data(op)),
                  static_cast<size_t>(op.number)};
        if (!place_.data) return Error("DW_OP_implicit_value without its block");
        return none;
      case DW_OP_implicit_pointer:
      case DW_OP_GNU_implicit_pointer: place_ = {Place::kImplicitPointer}; return none;
      case DW_OP_entry_value:
      case DW_OP_GNU_entry_value: {
        std::optional<int> r = entry_value_register(op);
        if (!r) return Error("DW_OP_entry_value of something other than a register");
        std::optional<uint64_t> v = frame_.entry_value(*r);
        if (!v) return Error("entry value of " + register_name(*r) + " not known");
        return pushed(*v);
      }
      case DW_OP_piece:
      case DW_OP_bit_piece: {
        pieces_ = true;
        Place place = take_place();
        uint64_t bits = atom == DW_OP_piece ? op.number * 8 : op.number;
        uint64_t offset_bits = atom == DW_OP_piece ? 0 : op.number2;
        if (bits % 8 || offset_bits % 8) {
          // Bit-granular pieces: the bytes they touch count as unknown.
          if (result_.unknown_reason.empty()) result_.unknown_reason = "bit piece";
        } else {
          store(place, piece_offset_, bits / 8, offset_bits / 8);
        }
        piece_offset_ += (bits + 7) / 8;
        return none;
      }
      default: return Error("unsupported operation");
    }
  }

  std::span<const Dwarf_Op> ops_;
  const FrameState& frame_;
  std::optional<uint64_t> frame_base_;
  std::vector<uint64_t> stack_;
  Place place_;
  bool pieces_ = false;
  size_t piece_offset_ = 0;
  LocatedValue result_;
};

bool uses_frame_base(std::span<const Dwarf_Op> ops) {
  return std::any_of(ops.begin(), ops.end(),
                     [](const Dwarf_Op& op) { return op.atom == DW_OP_fbreg; });
}

LocatedValue unknown_value(size_t size, std::string reason) {
  LocatedValue v;
  v.bytes.assign(size, std::byte{0});
  v.known.assign(size, false);
  v.unknown_reason = std::move(reason);
  return v;
}

}  // namespace

bool LocatedValue::fully_known() const {
  return std::all_of(known.begin(), known.end(), [](bool k) { return k; });
}
bool LocatedValue::any_known() const {
  return std::any_of(known.begin(), known.end(), [](bool k) { return k; });
}

Result<LocatedValue> evaluate_expression(std::span<const Dwarf_Op> ops, size_t size,
                                         const FrameState& frame,
                                         std::optional<uint64_t> frame_base) {
  Machine machine(ops, size, frame, frame_base);
  return machine.run();
}

Result<uint64_t> evaluate_to_value(std::span<const Dwarf_Op> ops, const FrameState& frame,
                                   std::optional<uint64_t> frame_base) {
  Machine machine(ops, 0, frame, frame_base);
  return machine.value();
}

Result<uint64_t> frame_base(Dwarf_Die* subprogram, uint64_t file_pc, const FrameState& frame) {
  Dwarf_Attribute attr;
  if (!dwarf_attr(subprogram, DW_AT_frame_base, &attr)) return Error("no DW_AT_frame_base");
  Dwarf_Op* expr = nullptr;
  size_t length = 0;
  int n = dwarf_getlocation_addr(&attr, file_pc, &expr, &length, 1);
  if (n < 0) return Error(std::string("DW_AT_frame_base: ") + dwarf_errmsg(-1));
  if (n == 0) return Error("no frame base at this pc");
  Result<uint64_t> base = evaluate_to_value(std::span(expr, length), frame);
  if (!base) return base.error().context("frame base");
  return base;
}

Result<LocatedValue> evaluate_variable_location(Dwarf_Die* variable, Dwarf_Die* subprogram,
                                                uint64_t file_pc, size_t size,
                                                const FrameState& frame) {
  Dwarf_Attribute attr;
  if (dwarf_attr(variable, DW_AT_location, &attr)) {
    Dwarf_Op* expr = nullptr;
    size_t length = 0;
    int n = dwarf_getlocation_addr(&attr, file_pc, &expr, &length, 1);
    if (n < 0) return Error(std::string("DW_AT_location: ") + dwarf_errmsg(-1));
    if (n == 0) return unknown_value(size, "optimized out");  // not live at this pc
    std::span<const Dwarf_Op> ops(expr, length);
    std::optional<uint64_t> base;
    if (uses_frame_base(ops) && subprogram) {
      if (Result<uint64_t> b = frame_base(subprogram, file_pc, frame)) base = *b;
    }
    Result<LocatedValue> v = evaluate_expression(ops, size, frame, base);
    // A register the unwinder lost or an entry value nobody knows: the value
    // is unavailable, not the whole frame.
    if (!v) return unknown_value(size, v.error().message());
    return v;
  }
  // Constants folded by the compiler; the abstract origin may hold them.
  if (dwarf_attr_integrate(variable, DW_AT_const_value, &attr)) {
    LocatedValue v = unknown_value(size, "");
    Dwarf_Block block;
    Dwarf_Word u = 0;
    Dwarf_Sword s = 0;
    if (dwarf_formblock(&attr, &block) == 0) {
      size_t n = std::min<size_t>(size, block.length);
      std::memcpy(v.bytes.data(), block.data, n);
      std::fill_n(v.known.begin(), n, true);
    } else {
      // DW_FORM_sdata (and implicit_const) are signed; data1..8 and udata are raw bits.
      int form = dwarf_whatform(&attr);
      bool is_signed = form == DW_FORM_sdata || form == DW_FORM_implicit_const;
      bool ok = is_signed ? dwarf_formsdata(&attr, &s) == 0 : dwarf_formudata(&attr, &u) == 0;
      uint64_t value = is_signed ? static_cast<uint64_t>(s) : u;
      for (size_t i = 0; ok && i < size; ++i) {
        v.bytes[i] = i < 8 ? std::byte((value >> (8 * i)) & 0xff)
                           : (is_signed && s < 0 ? std::byte{0xff} : std::byte{0});
        v.known[i] = true;
      }
    }
    if (!v.fully_known()) v.unknown_reason = "optimized out";
    return v;
  }
  return unknown_value(size, "optimized out");
}

std::optional<uint64_t> call_site_parameter_value(Dwarf_Die* call_site, int dwarf_reg,
                                                  Dwarf_Die* caller_subprogram,
                                                  uint64_t caller_file_pc,
                                                  const FrameState& caller) {
  Dwarf_Die child;
  if (dwarf_child(call_site, &child) != 0) return std::nullopt;
  do {
    int tag = dwarf_tag(&child);
    if (tag != DW_TAG_call_site_parameter && tag != DW_TAG_GNU_call_site_parameter) continue;
    Dwarf_Attribute attr;
    Dwarf_Op* expr = nullptr;
    size_t length = 0;
    if (!dwarf_attr(&child, DW_AT_location, &attr) ||
        dwarf_getlocation(&attr, &expr, &length) != 0 || length != 1) {
      continue;
    }
    int reg = -1;
    if (expr[0].atom >= DW_OP_reg0 && expr[0].atom <= DW_OP_reg31) reg = expr[0].atom - DW_OP_reg0;
    if (expr[0].atom == DW_OP_regx) reg = static_cast<int>(expr[0].number);
    if (reg != dwarf_reg) continue;
    if (!dwarf_attr(&child, DW_AT_call_value, &attr) &&
        !dwarf_attr(&child, DW_AT_GNU_call_site_value, &attr)) {
      return std::nullopt;
    }
    if (dwarf_getlocation(&attr, &expr, &length) != 0) return std::nullopt;
    std::span<const Dwarf_Op> ops(expr, length);
    std::optional<uint64_t> base;
    if (uses_frame_base(ops) && caller_subprogram) {
      if (Result<uint64_t> b = frame_base(caller_subprogram, caller_file_pc, caller)) base = *b;
    }
    Result<uint64_t> value = evaluate_to_value(ops, caller, base);
    if (!value) return std::nullopt;
    return *value;
  } while (dwarf_siblingof(&child, &child) == 0);
  return std::nullopt;
}

}  // namespace seam

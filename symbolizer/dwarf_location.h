// DWARF location expressions: where a variable lives at a pc of a running (or
// dumped) program, and its bytes, over libdw.
//
//   class MyFrame : public FrameState { ... };     // registers, CFA, memory
//   Result<LocatedValue> v = evaluate_variable_location(&variable_die, &subprogram_die,
//                                                       file_pc, type_size, frame);
//   if (v && v->fully_known()) use(v->bytes);
//   else if (v && v->address) read_more_from(*v->address);
//
// Location lists are resolved for the pc (dwarf_getlocation_addr); pieces give
// a value assembled from several places, each byte marked known or not, so a
// half-optimized struct shows what is there. DW_OP_entry_value asks the
// FrameState, which can answer from the caller frame (callee-saved registers)
// or from the caller's DW_TAG_call_site parameters (see call_site_value).
//
// Everything is bounded: expressions longer than kMaxOps operations, stacks
// deeper than kMaxStack, more than kMaxSteps executed operations (DW_OP_skip /
// DW_OP_bra loops) and nested entry values are errors, never hangs.
#pragma once

#include <elfutils/libdw.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "symbolizer/result.h"

namespace seam {

// One frame of the target, as the unwinder recovered it. Register numbers are
// DWARF's (x86-64: 0 rax, 1 rdx, 2 rcx, 3 rbx, 4 rsi, 5 rdi, 6 rbp, 7 rsp,
// 8-15 r8-r15, 16 rip).
class FrameState {
 public:
  virtual ~FrameState() = default;
  virtual std::optional<uint64_t> register_value(int dwarf_reg) const = 0;  // nullopt: unknown
  virtual std::optional<uint64_t> cfa() const = 0;
  virtual Result<void> read_memory(uint64_t runtime_address, std::span<std::byte> out) const = 0;
  // DW_OP_entry_value: the register's value when the function was entered.
  virtual std::optional<uint64_t> entry_value(int /*dwarf_reg*/) const { return std::nullopt; }
  // runtime address = file address + bias (vmlinux: the KASLR offset; a placed .ko: 0).
  virtual int64_t address_bias() const = 0;
};

inline constexpr size_t kMaxOps = 4096;
inline constexpr size_t kMaxStack = 64;
inline constexpr size_t kMaxSteps = 10000;

// A variable's value: `bytes` has the type's size; known[i] says whether
// bytes[i] was recovered.
struct LocatedValue {
  std::vector<std::byte> bytes;
  std::vector<bool> known;
  // Where the whole object is in memory (runtime address), when it is there:
  // a formatter may read more from it (arrays, strings).
  std::optional<uint64_t> address;
  // Why some bytes are unknown, when one reason says it: "optimized out",
  // "implicit pointer", "register rbx not saved", an unreadable address.
  std::string unknown_reason;

  bool fully_known() const;
  bool any_known() const;
};

// Evaluates a bare expression (no location list), e.g. hand-assembled in tests.
// `frame_base` is the value DW_OP_fbreg adds to (nullopt: unknown).
// `size`: the object's size in bytes.
Result<LocatedValue> evaluate_expression(std::span<const Dwarf_Op> ops, size_t size,
                                         const FrameState& frame,
                                         std::optional<uint64_t> frame_base = std::nullopt);

// Evaluates a single-value expression to a number (DW_AT_call_value,
// DW_AT_frame_base): the top of the stack, a register's value for DW_OP_regN.
Result<uint64_t> evaluate_to_value(std::span<const Dwarf_Op> ops, const FrameState& frame,
                                   std::optional<uint64_t> frame_base = std::nullopt);

// The frame base of `subprogram` (its DW_AT_frame_base, usually
// DW_OP_call_frame_cfa) at `file_pc`.
Result<uint64_t> frame_base(Dwarf_Die* subprogram, uint64_t file_pc, const FrameState& frame);

// The value of a DW_TAG_variable / DW_TAG_formal_parameter at `file_pc`:
// DW_AT_location (an expression or a location list), else DW_AT_const_value.
// `subprogram` is the concrete function (for DW_OP_fbreg).
Result<LocatedValue> evaluate_variable_location(Dwarf_Die* variable, Dwarf_Die* subprogram,
                                                uint64_t file_pc, size_t size,
                                                const FrameState& frame);

// The value a DW_TAG_call_site_parameter (DWARF 5 or GNU) of `call_site`
// gives register `dwarf_reg` at the call: its DW_AT_call_value evaluated in
// the caller's frame. nullopt when the call site does not say.
std::optional<uint64_t> call_site_parameter_value(Dwarf_Die* call_site, int dwarf_reg,
                                                  Dwarf_Die* caller_subprogram,
                                                  uint64_t caller_file_pc,
                                                  const FrameState& caller);

}  // namespace seam

// One unwind step by DWARF CFI, and the frames of one pc: the parts of
// unwinding that know nothing of Linux, shared by the kernel's StackTracer
// and the bare-metal unwinder (engine/bare_stack_trace.h).
//
//   CfiStepResult next = cfi_unwind_step(*cfi, file_address, regs, read_u64);
//   if (next.registers) regs = next.registers->registers;   // the caller's
//   else if (!next.error.empty()) stop(next.error);          // unusable row
//   else try_frame_pointers();                               // no row for pc
//   append_symbolized_frames(bt, binary->symbolize(lookup), {pc, sp, ...});
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "engine/registers.h"
#include "engine/session.h"
#include "symbolizer/binary.h"
#include "symbolizer/cfi.h"

namespace seam::engine {

// No stack is deeper: past this many frames the unwind is in a loop.
inline constexpr int kMaxFrames = 512;

// Reads one u64 of the stack; an error says why it may not (not on a known
// stack, unreadable).
using StackReader = std::function<Result<uint64_t>(uint64_t address)>;

struct CfiNext {
  Registers registers;  // the caller's: rip, rsp and the callee-saved ones the row restores
  uint64_t cfa = 0;
};

struct CfiStepResult {
  std::optional<CfiNext> next;
  // "" with no `next`: no row covers the pc (frame pointers may still work);
  // else why the row cannot be evaluated.
  std::string error;
};

// The caller's registers by `cfi`'s row for `file_address` (the pc, or a
// return address minus one), evaluated against `current`.
CfiStepResult cfi_unwind_step(const CfiTable& cfi, uint64_t file_address, const Registers& current,
                              const StackReader& read);

// One step by frame pointers from `bp`: [bp] = the caller's rbp, [bp + 8] =
// the return address (both read, in that order). Sets rip, rsp (= bp + 16)
// and rbp in `next`; returns the CFA (bp + 16), or the first read's error.
Result<uint64_t> frame_pointer_step(uint64_t bp, const StackReader& read, Registers& next);

// Symbolizes an exact pc (where execution is: frame 0, an interrupted pc):
// as Binary::symbolize, but the innermost frame's line is the one gdb shows
// where several line-table rows share the address (the row that starts a
// statement; Binary::symbolize gives the last row, as llvm-symbolizer).
// Return addresses (pc - 1) need no such care: no row starts there.
Symbolized symbolize_exact_pc(Binary& binary, uint64_t file_address);

// Where one pc's frames come from, for append_symbolized_frames.
struct FramePlace {
  const Registers* registers = nullptr;  // pc, sp and what the unwinder recovered
  std::optional<uint64_t> cfa;
  std::string module;
  int64_t bias = 0;  // runtime - file address of the binary that symbolized pc
  std::string unwound_by;
};

// Appends pc's frames (innermost inlined call first, then the concrete
// function; one nameless frame when `symbolized` is empty), indexed in `bt`.
// Returns the index of the first.
size_t append_symbolized_frames(Backtrace& bt, const Symbolized& symbolized,
                                const FramePlace& place);

}  // namespace seam::engine

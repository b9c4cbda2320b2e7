// The arguments and locals of each frame of an unwound backtrace, from the
// DWARF location expressions of the frame's code evaluated against the
// registers the unwinder recovered for it and the kernel's memory.
//
//   Result<Backtrace> bt = tracer.running(task, cpu, regs);
//   fill_frame_variables(*bt, kernel, modules);   // modules: as given to the StackTracer
//   for (const Variable& v : bt->frames[0].args) print(v.name, v.value);
//
// A value the registers cannot give prints as gdb does: "<optimized out>" when
// the DWARF has no location at the pc (or an entry value nobody knows), and
// "<not saved>" when it lives in a register the unwinder could not recover.
// DW_OP_entry_value is answered from the caller frame: its copy of a
// callee-saved register, or the value its DW_TAG_call_site passed.
#pragma once

#include <functional>
#include <optional>
#include <span>

#include "engine/linux_kernel.h"
#include "engine/session.h"
#include "engine/stack_trace.h"
#include "engine/value_format.h"

namespace seam::engine {

// Fills args, locals or variables_error of every frame of `bt`; with `parts`,
// each variable's children too.
void fill_frame_variables(Backtrace& bt, LinuxKernel& kernel, std::span<const CodeModule> modules,
                          bool parts);

// The same for any program (a bare-metal kernel): `code_of` names the binary
// of a frame (and runtime - file address), `read` the memory frames' locations
// point into, `reader` what values print through (pointed-to strings, symbols).
struct FrameCode {
  Binary* binary = nullptr;
  int64_t bias = 0;
};
using FrameCodeOf = std::function<std::optional<FrameCode>(const Frame&)>;
using MemoryReader = std::function<Result<void>(uint64_t address, std::span<std::byte> out)>;
void fill_frame_variables(Backtrace& bt, const FrameCodeOf& code_of, const MemoryReader& read,
                          ValueReader& reader, bool parts);

}  // namespace seam::engine

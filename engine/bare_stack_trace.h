// BareStackTracer: the stack of a CPU running a kernel that is not Linux (a
// bare-metal ELF, such as samples/baremetal): DWARF CFI of the ELF, then
// frame pointers, from the CPU's registers. No task, no stack list, no
// pt_regs: the stack's bounds are unknown, so reads are held to a window
// above the first sp (kBareStackWindow).
//
//   BareStackTracer tracer(*elf, [&](uint64_t a) { return memory.read_u64(a); });
//   Result<Backtrace> bt = tracer.unwind(*target.registers(0));
//
// The list ends cleanly ("end of stack") where CFI says the return address is
// undefined (the entry code's outermost frame) or at a null return address;
// otherwise end_reason says what stopped it (no unwind data, a return address
// outside the ELF's code, an unreadable slot, a loop, kMaxFrames).
#pragma once

#include <cstdint>
#include <optional>

#include "engine/session.h"
#include "engine/unwind_step.h"
#include "symbolizer/binary.h"
#include "symbolizer/cfi.h"

namespace seam::engine {

inline constexpr uint64_t kBareStackWindow = 1024 * 1024;

class BareStackTracer {
 public:
  // The ELF is loaded as linked (runtime = file address); `read` reads the
  // CPU's virtual memory.
  BareStackTracer(Binary& elf, StackReader read) : elf_(elf), read_(std::move(read)) {}

  Backtrace unwind(const Registers& first);

 private:
  bool is_code(uint64_t pc);
  std::string module_name() const;  // the ELF's file name, as frames name their module
  const CfiTable* cfi();

  Binary& elf_;
  StackReader read_;
  std::optional<CfiTable> cfi_;
  std::string cfi_error_;
  bool cfi_tried_ = false;
};

}  // namespace seam::engine

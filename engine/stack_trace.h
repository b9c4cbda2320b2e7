// StackTracer: x86-64 kernel stack unwinding over a LinuxKernel, as the
// kernel's own ORC unwinder (arch/x86/kernel/unwind_orc.c) does it, with frame
// pointers where ORC has no entry, and every frame symbolized with its inlined
// calls.
//
//   StackTracer tracer(kernel, modules);     // modules: name, range, Binary (may be null)
//   Result<Backtrace> bt = tracer.running(task, cpu, *target.registers(cpu));
//   Result<Backtrace> bt2 = tracer.sleeping(task);   // from task->thread.sp
//
// Stacks trusted for reads: the task's stack (task->stack, 16 KiB), the CPU's
// IRQ stack (hardirq_stack_ptr) and its exception stacks (cea_exception_stacks);
// nothing outside them is read. The frame list ends with Backtrace::end_reason:
// "user space" and "end of stack" are clean ends, anything else says what
// stopped the unwind (unreadable memory, a loop, no unwind data, 512 frames).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/linux_kernel.h"
#include "engine/registers.h"
#include "engine/session.h"
#include "symbolizer/binary.h"
#include "symbolizer/orc_table.h"

namespace seam::engine {

// A module's code for the unwinder: where it is, and its .ko (null if none).
struct CodeModule {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  Binary* binary = nullptr;
};

inline constexpr int kMaxFrames = 512;

class StackTracer {
 public:
  StackTracer(LinuxKernel& kernel, std::vector<CodeModule> modules);
  ~StackTracer();

  // A task running on `cpu`, from that CPU's registers.
  Result<Backtrace> running(uint64_t task, int cpu, const Registers& registers);
  // A task that is not running: from its switch frame (struct inactive_task_frame).
  Result<Backtrace> sleeping(uint64_t task, int cpu);

 private:
  struct Stack {
    uint64_t low = 0, high = 0;
    std::string name;
  };
  struct ModuleOrc;

  Result<void> open_vmlinux_orc();
  std::vector<Stack> stacks_of(uint64_t task, int cpu, std::vector<std::string>& notes);
  Backtrace unwind(Registers regs, uint64_t task, int cpu, bool first_is_exact);
  void add_frames(Backtrace& bt, const Registers& regs, std::optional<uint64_t> cfa, bool exact,
                  const std::string& unwound_by, bool boundary, const std::string& boundary_kind);
  std::optional<OrcEntry> orc_lookup(uint64_t pc, std::string& error);
  ModuleOrc* module_orc(uint64_t pc);
  bool in_vmlinux_text(uint64_t pc);

  LinuxKernel& kernel_;
  std::vector<CodeModule> modules_;
  std::optional<OrcTable> vmlinux_orc_;
  std::string vmlinux_orc_error_;
  bool vmlinux_orc_tried_ = false;
  std::map<std::string, std::unique_ptr<ModuleOrc>> module_orcs_;
  bool module_list_read_ = false;
  std::optional<std::pair<uint64_t, uint64_t>> text_;  // link-time [_stext, _etext)
};

}  // namespace seam::engine

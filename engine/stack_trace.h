// StackTracer: x86-64 kernel stack unwinding over a LinuxKernel, as the
// kernel's own ORC unwinder (arch/x86/kernel/unwind_orc.c) does it; where ORC
// has no entry (frame-pointer kernels, modules without ORC), DWARF CFI of the
// vmlinux or the module's .ko, then frame pointers (with the entry code's
// encoded pt_regs pointers, as arch/x86/kernel/unwind_frame.c). Every frame is
// symbolized with its inlined calls and says which rule recovered it.
//
//   StackTracer tracer(kernel, modules);     // modules: name, range, Binary (may be null)
//   Result<Backtrace> bt = tracer.running(task, cpu, *target.registers(cpu));
//   Result<Backtrace> bt2 = tracer.sleeping(task);   // from task->thread.sp
//
// Stacks trusted for reads: the task's stack (task->stack, 16 KiB), the CPU's
// IRQ stack (hardirq_stack_ptr) and its exception stacks (cea_exception_stacks);
// nothing outside them is read. The frame list ends with Backtrace::end_reason:
// "user space" and "end of stack" are clean ends, anything else says what
// stopped the unwind (unreadable memory, a loop, no unwind data, a corrupt
// ORC entry, a return address outside kernel code, 512 frames).
//
// Registers per frame: all of them for the first frame and after a pt_regs
// boundary; else rip, rsp and what the rule restored: ORC and frame pointers
// rbp only, CFI the callee-saved registers it describes. Nothing is guessed.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/linux_kernel.h"
#include "engine/module_kallsyms.h"
#include "engine/registers.h"
#include "engine/session.h"
#include "engine/unwind_step.h"
#include "symbolizer/binary.h"
#include "symbolizer/cfi.h"
#include "symbolizer/orc_table.h"

namespace seam::engine {

// A module's code for the unwinder: where it is, and its .ko (null if none).
struct CodeModule {
  std::string name;
  uint64_t base = 0;
  uint64_t size = 0;
  Binary* binary = nullptr;
  // The module's symbols from the dump's own kallsyms, for naming frames
  // when there is no .ko (null if none).
  const ModuleKallsyms* kallsyms = nullptr;
};

class StackTracer {
 public:
  StackTracer(LinuxKernel& kernel, std::vector<CodeModule> modules);
  ~StackTracer();

  // A task running on `cpu`, from that CPU's registers.
  Result<Backtrace> running(uint64_t task, int cpu, const Registers& registers);
  // A task that is not running: from its switch frame (struct inactive_task_frame).
  Result<Backtrace> sleeping(uint64_t task, int cpu);

  // Also restore the callee-saved registers (rbx, r12-r15) of frames that
  // ORC unwinds, from the binary's DWARF CFI: ORC itself only restores rbp,
  // and a frame's variables often live in the others. Costs the CFI lookups,
  // so only for bt -f.
  void set_restore_callee_saved(bool restore) { restore_callee_saved_ = restore; }

 private:
  struct Stack {
    uint64_t low = 0, high = 0;
    std::string name;
  };
  struct ModuleOrc;
  struct CfiCache;

  Result<void> open_vmlinux_orc();
  std::vector<Stack> stacks_of(uint64_t task, int cpu, std::vector<std::string>& notes);
  Backtrace unwind(Registers regs, uint64_t task, int cpu, bool first_is_exact);
  void add_frames(Backtrace& bt, const Registers& regs, std::optional<uint64_t> cfa, bool exact,
                  const std::string& unwound_by, bool boundary, const std::string& boundary_kind);
  std::optional<OrcEntry> orc_lookup(uint64_t pc, std::string& error);
  ModuleOrc* module_orc(uint64_t pc);
  bool in_vmlinux_text(uint64_t pc);
  bool is_kernel_code(uint64_t pc);
  // The module whose core or init code holds pc (null if none).
  const CodeModule* code_module(uint64_t pc);
  // The binary holding pc and pc's file address in it (null if none).
  Binary* binary_of(uint64_t pc, uint64_t& file_address);
  // The CFI of a binary, opened on first use and kept (null + error if none).
  const CfiTable* cfi_of(Binary* binary, std::string& error);

  LinuxKernel& kernel_;
  std::vector<CodeModule> modules_;
  std::optional<OrcTable> vmlinux_orc_;
  std::string vmlinux_orc_error_;
  bool vmlinux_orc_tried_ = false;
  std::map<std::string, std::unique_ptr<ModuleOrc>> module_orcs_;
  bool module_list_read_ = false;
  std::optional<std::pair<uint64_t, uint64_t>> text_;  // link-time [_stext, _etext)
  std::map<const Binary*, std::unique_ptr<CfiCache>> cfi_;
  bool restore_callee_saved_ = false;
};

}  // namespace seam::engine

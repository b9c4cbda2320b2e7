// LiveControl: run control of a live kernel under QEMU's gdbstub — breakpoints
// by source location, continue, and source-level stepping (step, next, finish)
// that respects inlined frames. Reached from Session::live() (null on a dump).
//
//   LiveControl* live = session->live();
//   Result<const LiveBreakpoint*> b = live->add_breakpoint("ksys_write",
//   BreakpointType::kSoftware); std::atomic<bool> cancel = false;                  // set by a
//   SIGINT handler Result<LiveStop> stop = live->cont(&cancel);       // stop->breakpoint ==
//   (*b)->id stop = live->next(&cancel);                        // the next line of ksys_write
//   Result<Backtrace> bt = session->backtrace({});     // the stopped CPU's stack
//
// Stepping single-steps the selected vCPU with QEMU's NOIRQ|NOTIMER step
// flags (so a step does not land in an interrupt handler), at most
// kMaxSingleSteps per command; calls are stepped over with a temporary
// breakpoint at the return address, which only counts when the stack pointer
// is back where the call left it (recursion and other CPUs hitting it do not).
// Every resume drops the kernel model's caches (Host::drop_caches).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gdbstub_target.h"
#include "engine/session.h"
#include "symbolizer/binary.h"
#include "symbolizer/result.h"

namespace seam::engine {

inline constexpr int kMaxSingleSteps = 20000;

struct BreakpointSite {
  uint64_t address = 0;  // runtime
  std::string function;
  std::string file;
  int line = 0;
  std::string module;  // "vmlinux" or the module's name
  bool inlined = false;
};

// A binary with debug info as the guest runs it: runtime = file address + bias.
struct CodeImage {
  std::string module;  // "vmlinux", a module's name, the ELF's file name
  Binary* binary = nullptr;
  int64_t bias = 0;
};

struct LiveBreakpoint {
  int id = 0;
  BreakpointType type = BreakpointType::kSoftware;
  std::string location;  // as given
  std::vector<BreakpointSite> sites;
  int hits = 0;
};

struct LiveStop {
  enum class Reason { kBreakpoint, kStep, kFinish, kInterrupted, kSignal, kStepLimit };
  Reason reason = Reason::kSignal;
  int cpu = 0;
  uint64_t pc = 0;
  std::optional<int> breakpoint;  // the id hit
  std::string note;               // "run to the return address ...", the step limit...
};

class LiveControl {
 public:
  // What the session lends: the target, its code (the binaries with debug
  // info and where they are placed), its caches to drop and its backtraces.
  // A Linux session lends the vmlinux and the modules' .ko files, a bare one
  // its ELF.
  struct Host {
    GdbstubTarget& target;
    // The binary whose code holds the runtime address `pc`.
    std::function<std::optional<CodeImage>(uint64_t pc)> code_at;
    // Every binary breakpoint locations resolve in.
    std::function<std::vector<CodeImage>()> images;
    // `modules`: the module list too (on continue: one may have been loaded).
    std::function<void(bool modules)> drop_caches;
    std::function<Result<Backtrace>(int cpu)> backtrace;
  };
  explicit LiveControl(Host host);

  // FUNCTION or FILE:LINE, in the vmlinux and every module with a .ko.
  Result<const LiveBreakpoint*> add_breakpoint(std::string_view location, BreakpointType type);
  // One breakpoint, or every one (nullopt).
  Result<void> delete_breakpoints(std::optional<int> id);
  const std::vector<LiveBreakpoint>& breakpoints() const { return breakpoints_; }

  int cpu() const { return cpu_; }
  Result<void> select_cpu(int cpu);
  Result<Registers> registers() { return host_.target.registers(cpu_); }
  Result<std::vector<RawRegister>> raw_registers() { return host_.target.raw_registers(cpu_); }

  // Every vCPU runs until a breakpoint, or `*cancel` (Ctrl-C) interrupts it.
  Result<LiveStop> cont(const std::atomic<bool>* cancel);
  Result<LiveStop> stepi(const std::atomic<bool>* cancel);
  Result<LiveStop> step(const std::atomic<bool>* cancel) { return step_line(false, cancel); }
  Result<LiveStop> next(const std::atomic<bool>* cancel) { return step_line(true, cancel); }
  Result<LiveStop> finish(const std::atomic<bool>* cancel);

 private:
  struct Code;  // the binary holding a pc and the pc's file address in it
  std::optional<Code> code_at(uint64_t pc);
  struct Position;  // the vCPU's registers, its pc and the code there
  Result<Position> position();
  Result<void> prepare_stepping();
  Result<Registers> step_once();
  Result<LiveStop> resume_all(const std::atomic<bool>* cancel);
  Result<void> step_over_breakpoints();
  Result<LiveStop> run_to(uint64_t address, uint64_t sp, const std::atomic<bool>* cancel);
  Result<LiveStop> step_line(bool over_calls, const std::atomic<bool>* cancel);
  Result<Registers> past_prologue(const Code& entered, Registers regs);
  LiveStop stop_here(LiveStop::Reason reason, uint64_t pc);
  std::optional<int> breakpoint_at(uint64_t address) const;
  bool is_site(uint64_t address) const { return breakpoint_at(address).has_value(); }
  Result<uint64_t> read_u64(uint64_t address);
  Result<uint64_t> pc_of(const Registers& regs) const;

  Host host_;
  std::vector<LiveBreakpoint> breakpoints_;
  int next_id_ = 1;
  int cpu_ = 0;
  bool stepping_prepared_ = false;
};

}  // namespace seam::engine

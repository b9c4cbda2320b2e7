#include "engine/live_control.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>

#include "symbolizer/printf_format.h"

namespace seam::engine {

namespace {

// QEMU's gdbstub single-step flags (gdbstub/internals.h): without NOIRQ and
// NOTIMER a step on x86 may land in the interrupt handler of a pending IRQ.
constexpr unsigned kSstepEnable = 0x1, kSstepNoIrq = 0x2, kSstepNoTimer = 0x4;

// The longest x86 instruction: a call's return address is at most this far
// past the call.
constexpr uint64_t kMaxInstruction = 15;

}  // namespace

struct LiveControl::Code {
  Binary* binary = nullptr;
  uint64_t file_address = 0;
};

LiveControl::LiveControl(Host host) : host_(std::move(host)) {
  if (const std::optional<StopEvent>& stop = host_.target.last_stop(); stop && stop->cpu)
    cpu_ = *stop->cpu;
}

std::optional<LiveControl::Code> LiveControl::code_at(uint64_t pc) {
  std::optional<CodeImage> image = host_.code_at(pc);
  if (!image || !image->binary) return std::nullopt;
  return Code{image->binary, pc - static_cast<uint64_t>(image->bias)};
}

Result<const LiveBreakpoint*> LiveControl::add_breakpoint(std::string_view location,
                                                          BreakpointType type) {
  LiveBreakpoint b;
  b.type = type;
  b.location = std::string(location);
  std::string first_error;
  for (const CodeImage& image : host_.images()) {
    if (!image.binary) continue;
    Result<std::vector<BreakpointLocation>> at = image.binary->source_locations().resolve(location);
    if (!at) {
      if (first_error.empty()) first_error = at.error().message();
      continue;
    }
    for (const BreakpointLocation& l : *at) {
      uint64_t address = l.address + static_cast<uint64_t>(image.bias);
      b.sites.push_back(
          {address, l.function, l.file, static_cast<int>(l.line), image.module, l.inlined});
    }
  }
  if (b.sites.empty()) {
    return Error("no code at '" + std::string(location) + "'" +
                 (first_error.empty() ? "" : ": " + first_error));
  }
  for (size_t i = 0; i < b.sites.size(); ++i) {
    if (Result<void> ok = host_.target.set_breakpoint(type, b.sites[i].address); !ok) {
      for (size_t j = 0; j < i; ++j) (void)host_.target.remove_breakpoint(type, b.sites[j].address);
      return ok.error().context(sformat("breakpoint at 0x%" PRIx64, b.sites[i].address));
    }
  }
  b.id = next_id_++;
  breakpoints_.push_back(std::move(b));
  return &breakpoints_.back();
}

Result<void> LiveControl::delete_breakpoints(std::optional<int> id) {
  if (id && std::none_of(breakpoints_.begin(), breakpoints_.end(),
                         [&](const LiveBreakpoint& b) { return b.id == *id; })) {
    return Error(sformat("no breakpoint %d", *id));
  }
  std::optional<Error> failed;
  for (const LiveBreakpoint& b : breakpoints_) {
    if (id && b.id != *id) continue;
    for (const BreakpointSite& s : b.sites) {
      if (Result<void> ok = host_.target.remove_breakpoint(b.type, s.address); !ok && !failed)
        failed = ok.error();
    }
  }
  std::erase_if(breakpoints_, [&](const LiveBreakpoint& b) { return !id || b.id == *id; });
  if (failed) return *failed;
  return {};
}

Result<void> LiveControl::select_cpu(int cpu) {
  if (cpu < 0 || cpu >= host_.target.cpu_count()) {
    return Error(
        sformat("no CPU %d: the guest has vCPUs 0 to %d", cpu, host_.target.cpu_count() - 1));
  }
  cpu_ = cpu;
  return {};
}

std::optional<int> LiveControl::breakpoint_at(uint64_t address) const {
  for (const LiveBreakpoint& b : breakpoints_) {
    for (const BreakpointSite& s : b.sites) {
      if (s.address == address) return b.id;
    }
  }
  return std::nullopt;
}

Result<uint64_t> LiveControl::read_u64(uint64_t address) {
  // Through QEMU's own translation: one exchange, no page walk of ours.
  uint64_t value = 0;
  std::byte bytes[8];
  if (Result<void> ok = host_.target.read_virtual(address, bytes); !ok) return ok.error();
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

Result<uint64_t> LiveControl::pc_of(const Registers& regs) const {
  std::optional<uint64_t> pc = regs.get(Reg::kRip);
  if (!pc) return Error("the stub gave no rip");
  return *pc;
}

LiveStop LiveControl::stop_here(LiveStop::Reason reason, uint64_t pc) {
  LiveStop stop;
  stop.reason = reason;
  stop.cpu = cpu_;
  stop.pc = pc;
  return stop;
}

Result<void> LiveControl::prepare_stepping() {
  if (stepping_prepared_) return {};
  GdbRemote& remote = host_.target.remote();
  // Older QEMUs lack the packets: their steps may then enter IRQ handlers.
  Result<std::string> bits = remote.request("qqemu.sstepbits");
  unsigned wanted = kSstepEnable | kSstepNoIrq | kSstepNoTimer;
  if (bits && bits->find("NOIRQ") != std::string::npos) {
    Result<std::string> set = remote.request(sformat("Qqemu.sstep=0x%x", wanted));
    if (!set) return set.error().context("setting QEMU's single-step flags");
  }
  stepping_prepared_ = true;
  return {};
}

Result<Registers> LiveControl::step_once() {
  if (Result<void> ok = prepare_stepping(); !ok) return ok.error();
  host_.drop_caches(false);
  Result<StopEvent> stop = host_.target.step(cpu_);
  if (!stop) return stop.error();
  return host_.target.registers(cpu_);
}

Result<void> LiveControl::step_over_breakpoints() {
  // A vCPU sitting on one of our breakpoints would stop there again at once
  // (gdb does the same): lift it, step that vCPU past it, put it back.
  int selected = cpu_;
  for (int c = 0; c < host_.target.cpu_count(); ++c) {
    Result<Registers> regs = host_.target.registers(c);
    if (!regs) return regs.error();
    Result<uint64_t> pc = pc_of(*regs);
    if (!pc) return pc.error();
    std::vector<BreakpointType> lifted;
    for (const LiveBreakpoint& b : breakpoints_) {
      for (const BreakpointSite& s : b.sites) {
        if (s.address != *pc) continue;
        if (Result<void> ok = host_.target.remove_breakpoint(b.type, s.address); !ok) return ok;
        lifted.push_back(b.type);
      }
    }
    if (lifted.empty()) continue;
    cpu_ = c;
    Result<Registers> stepped = step_once();
    cpu_ = selected;
    for (BreakpointType type : lifted) {
      if (Result<void> ok = host_.target.set_breakpoint(type, *pc); !ok) return ok;
    }
    if (!stepped) return stepped.error();
  }
  return {};
}

Result<LiveStop> LiveControl::resume_all(const std::atomic<bool>* cancel) {
  if (Result<void> ok = step_over_breakpoints(); !ok) return ok.error();
  host_.drop_caches(true);
  Result<StopEvent> event = host_.target.cont({.cancel = cancel});
  if (!event) return event.error();
  if (event->cpu) cpu_ = *event->cpu;
  Result<Registers> regs = host_.target.registers(cpu_);
  if (!regs) return regs.error();
  Result<uint64_t> pc = pc_of(*regs);
  if (!pc) return pc.error();
  if (event->interrupted) return stop_here(LiveStop::Reason::kInterrupted, *pc);
  LiveStop stop = stop_here(LiveStop::Reason::kSignal, *pc);
  if (std::optional<int> id = breakpoint_at(*pc)) {
    stop.reason = LiveStop::Reason::kBreakpoint;
    stop.breakpoint = id;
    for (LiveBreakpoint& b : breakpoints_) {
      if (b.id == *id) ++b.hits;
    }
  }
  return stop;
}

Result<LiveStop> LiveControl::cont(const std::atomic<bool>* cancel) {
  return resume_all(cancel);
}

Result<LiveStop> LiveControl::stepi(const std::atomic<bool>*) {
  Result<Registers> regs = step_once();
  if (!regs) return regs.error();
  Result<uint64_t> pc = pc_of(*regs);
  if (!pc) return pc.error();
  return stop_here(LiveStop::Reason::kStep, *pc);
}

// Lets the guest run until the selected task is back at `address` with the
// stack pointer `sp` (a return address, and the stack as the call left it).
Result<LiveStop> LiveControl::run_to(uint64_t address, uint64_t sp,
                                     const std::atomic<bool>* cancel) {
  bool temporary = !is_site(address);
  if (temporary) {
    if (Result<void> ok = host_.target.set_breakpoint(BreakpointType::kSoftware, address); !ok)
      return ok.error();
  }
  auto done = [&](Result<LiveStop> stop) -> Result<LiveStop> {
    if (temporary) {
      if (Result<void> ok = host_.target.remove_breakpoint(BreakpointType::kSoftware, address);
          !ok && stop)
        return ok.error();
    }
    return stop;
  };
  // The task may be scheduled on another vCPU: its stack pointer tells it.
  for (int round = 0; round < kMaxSingleSteps; ++round) {
    if (Result<void> ok = step_over_breakpoints(); !ok) return done(ok.error());
    // Not the module list: the step's binaries stay valid (it is re-read on continue).
    host_.drop_caches(false);
    Result<StopEvent> event = host_.target.cont({.cancel = cancel});
    if (!event) return done(event.error());
    int stopped = event->cpu.value_or(cpu_);
    Result<Registers> regs = host_.target.registers(stopped);
    if (!regs) return done(regs.error());
    Result<uint64_t> pc = pc_of(*regs);
    if (!pc) return done(pc.error());
    cpu_ = stopped;
    if (event->interrupted) return done(stop_here(LiveStop::Reason::kInterrupted, *pc));
    if (*pc == address && regs->get(Reg::kRsp) == sp) {
      LiveStop stop = stop_here(LiveStop::Reason::kStep, *pc);
      if (!temporary) {
        // A user breakpoint there counts as hit, as gdb counts it.
        stop.breakpoint = breakpoint_at(*pc);
        for (LiveBreakpoint& b : breakpoints_) {
          if (b.id == *stop.breakpoint) ++b.hits;
        }
      }
      return done(stop);
    }
    if (std::optional<int> id = breakpoint_at(*pc)) {
      LiveStop stop = stop_here(LiveStop::Reason::kBreakpoint, *pc);
      stop.breakpoint = id;
      for (LiveBreakpoint& b : breakpoints_) {
        if (b.id == *id) ++b.hits;
      }
      return done(stop);
    }
    if (*pc != address) return done(stop_here(LiveStop::Reason::kSignal, *pc));
    // Our return address, but another frame (recursion) or another task:
    // step that vCPU past it and go on.
    if (temporary) {
      (void)host_.target.remove_breakpoint(BreakpointType::kSoftware, address);
      Result<Registers> past = step_once();
      if (Result<void> ok = host_.target.set_breakpoint(BreakpointType::kSoftware, address); !ok)
        return ok.error();
      if (!past) return done(past.error());
    }
  }
  return done(Error("the return address was hit too often by other frames"));
}

struct LiveControl::Position {
  Registers regs;
  uint64_t pc = 0;
  std::optional<Code> code;  // none outside the kernel's and modules' code
};

Result<LiveControl::Position> LiveControl::position() {
  Result<Registers> regs = host_.target.registers(cpu_);
  if (!regs) return regs.error();
  Result<uint64_t> pc = pc_of(*regs);
  if (!pc) return pc.error();
  return Position{*regs, *pc, code_at(*pc)};
}

Result<LiveStop> LiveControl::step_line(bool over_calls, const std::atomic<bool>* cancel) {
  Result<Position> start = position();
  if (!start) return start.error();
  Result<Registers> regs = start->regs;
  Result<uint64_t> pc = start->pc;
  std::optional<Code> code = start->code;
  std::optional<LineRange> range;
  if (code) range = code->binary->source_locations().gdb_line_at(code->file_address);
  if (!code || !range) {
    return Error(sformat("no line information at 0x%" PRIx64 " (use stepi, or finish)", *pc));
  }
  // gdb's step state (infrun.c set_step_info): the range being stepped
  // through, in the binary's file addresses, and the line it belongs to.
  Binary* binary = code->binary;
  uint64_t low = range->low, high = range->high;
  std::string file = range->file;
  uint32_t line = range->line;
  size_t depth = binary->source_locations().inline_ranges_at(code->file_address).size();
  for (int i = 0; i < kMaxSingleSteps; ++i) {
    if (cancel && cancel->load()) {
      LiveStop stop = stop_here(LiveStop::Reason::kInterrupted, *pc);
      return stop;
    }
    uint64_t old_pc = *pc;
    std::optional<uint64_t> old_sp = regs->get(Reg::kRsp);
    regs = step_once();
    if (!regs) return regs.error();
    pc = pc_of(*regs);
    if (!pc) return pc.error();
    std::optional<uint64_t> sp = regs->get(Reg::kRsp);
    if (std::optional<int> id = breakpoint_at(*pc); id && *pc != old_pc) {
      LiveStop stop = stop_here(LiveStop::Reason::kBreakpoint, *pc);
      stop.breakpoint = id;
      for (LiveBreakpoint& b : breakpoints_) {
        if (b.id == *id) ++b.hits;
      }
      // Entering a call onto a breakpoint: gdb reports the breakpoint.
      return stop;
    }
    if (!old_sp || !sp) return Error("the stub gave no rsp");
    bool called = false, returned = false;
    if (*sp == *old_sp - 8) {
      Result<uint64_t> ret = read_u64(*sp);
      called = ret && *ret > old_pc && *ret <= old_pc + kMaxInstruction;
    } else if (*sp > *old_sp) {
      Result<uint64_t> popped = read_u64(*old_sp);
      returned = popped && *popped == *pc;
    }
    std::optional<Code> now = code_at(*pc);
    std::optional<LineRange> sal;
    if (now) sal = now->binary->source_locations().gdb_line_at(now->file_address);
    if (called) {
      if (!over_calls && sal) {
        // Entered a function with line information: its first line, past
        // the prologue as gdb stops there.
        Result<Registers> past = past_prologue(*now, *regs);
        if (!past) return past.error();
        Result<uint64_t> at = pc_of(*past);
        if (!at) return at.error();
        return stop_here(LiveStop::Reason::kStep, *at);
      }
      // Over the call (next), or through code without line information.
      Result<uint64_t> ret = read_u64(*sp);
      if (!ret) return ret.error();
      Result<LiveStop> back = run_to(*ret, *old_sp, cancel);
      if (!back) return back.error();
      if (back->reason != LiveStop::Reason::kStep) return back;
      regs = host_.target.registers(cpu_);
      if (!regs) return regs.error();
      pc = back->pc;
      now = code_at(*pc);
      sal.reset();
      if (now) sal = now->binary->source_locations().gdb_line_at(now->file_address);
    }
    if (!now || !sal) {
      if (returned) return stop_here(LiveStop::Reason::kStep, *pc);  // to a caller without lines
      continue;  // a thunk or entry code: step through
    }
    if (!returned && now->binary == binary && now->file_address >= low &&
        now->file_address < high) {
      continue;
    }
    size_t now_depth = now->binary->source_locations().inline_ranges_at(now->file_address).size();
    if (!returned) {
      if (over_calls && now->binary == binary && now_depth > depth) continue;  // inlined call
      if (now_depth != depth || now->binary != binary) {
        return stop_here(LiveStop::Reason::kStep, *pc);  // into or out of an inlined call
      }
    }
    // infrun.c process_event_stop_test: stop only at the start of a row of
    // another line that is a statement. In the middle of a line (a return
    // lands after its call, a prologue ends inside a line) gdb steps on
    // through that line, as it does over rows that are not statements.
    bool starts = now->file_address == sal->low && (sal->line != line || sal->file != file);
    if (starts && sal->is_stmt) return stop_here(LiveStop::Reason::kStep, *pc);
    if (starts && !returned) continue;  // same frame: keep the range and the line
    binary = now->binary;
    low = sal->low;
    high = sal->high;
    file = sal->file;
    // Another frame at a row that is no statement: any line after it is new.
    line = starts ? 0 : sal->line;
    depth = now_depth;
  }
  LiveStop stop = stop_here(LiveStop::Reason::kStepLimit, *pc);
  stop.note =
      sformat("stopped after %d single steps without reaching another line", kMaxSingleSteps);
  return stop;
}

// gdb's `step` into a function stops where a breakpoint on the function
// would (SourceLocations' prologue logic: prologue_end, LLVM's second row...):
// single-step there, unless the prologue leaves the function (a call).
Result<Registers> LiveControl::past_prologue(const Code& entered, Registers regs) {
  SourceLocations& locations = entered.binary->source_locations();
  std::vector<InlineRange> chain = locations.inline_ranges_at(entered.file_address);
  if (chain.empty() || chain.back().entry != entered.file_address) return regs;
  const InlineRange& function = chain.back();
  auto inside = [&](uint64_t file_address) {
    return std::any_of(function.ranges.begin(), function.ranges.end(), [&](const auto& r) {
      return file_address >= r.first && file_address < r.second;
    });
  };
  Result<std::vector<BreakpointLocation>> at = locations.resolve(function.function);
  if (!at) return regs;
  std::optional<uint64_t> target;
  for (const BreakpointLocation& l : *at) {
    if (!l.inlined && inside(l.address)) target = l.address;
  }
  if (!target || *target == entered.file_address) return regs;
  uint64_t bias = *pc_of(regs) - entered.file_address;
  constexpr int kMaxPrologueSteps = 64;
  for (int i = 0; i < kMaxPrologueSteps; ++i) {
    Result<Registers> next = step_once();
    if (!next) return next.error();
    regs = *next;
    Result<uint64_t> pc = pc_of(regs);
    if (!pc) return pc.error();
    if (*pc == *target + bias || !inside(*pc - bias)) break;
  }
  return regs;
}

Result<LiveStop> LiveControl::finish(const std::atomic<bool>* cancel) {
  Result<Position> start = position();
  if (!start) return start.error();
  Result<Registers> regs = start->regs;
  Result<uint64_t> pc = start->pc;
  std::optional<Code> code = start->code;
  std::vector<InlineRange> chain;
  if (code) chain = code->binary->source_locations().inline_ranges_at(code->file_address);
  if (chain.size() > 1 && chain.front().inlined) {
    // Out of an inlined call: step until pc leaves its code (calls from it
    // are run over), which is its call site in the caller.
    const InlineRange inner = chain.front();
    auto inside = [&](uint64_t file_address) {
      return std::any_of(inner.ranges.begin(), inner.ranges.end(), [&](const auto& r) {
        return file_address >= r.first && file_address < r.second;
      });
    };
    Binary* binary = code->binary;
    for (int i = 0; i < kMaxSingleSteps; ++i) {
      if (cancel && cancel->load()) return stop_here(LiveStop::Reason::kInterrupted, *pc);
      std::optional<uint64_t> old_sp = regs->get(Reg::kRsp);
      uint64_t old_pc = *pc;
      regs = step_once();
      if (!regs) return regs.error();
      pc = pc_of(*regs);
      if (!pc) return pc.error();
      std::optional<uint64_t> sp = regs->get(Reg::kRsp);
      if (old_sp && sp && *sp == *old_sp - 8) {
        Result<uint64_t> ret = read_u64(*sp);
        if (ret && *ret > old_pc && *ret <= old_pc + kMaxInstruction) {
          Result<LiveStop> back = run_to(*ret, *old_sp, cancel);
          if (!back) return back.error();
          if (back->reason != LiveStop::Reason::kStep) return back;
          regs = host_.target.registers(cpu_);
          if (!regs) return regs.error();
          pc = back->pc;
        }
      }
      std::optional<Code> now = code_at(*pc);
      if (!now || now->binary != binary || !inside(now->file_address)) {
        LiveStop stop = stop_here(LiveStop::Reason::kFinish, *pc);
        stop.note = "Run till exit from inlined " + inner.function;
        return stop;
      }
    }
    LiveStop stop = stop_here(LiveStop::Reason::kStepLimit, *pc);
    stop.note =
        sformat("still in %s after %d single steps", inner.function.c_str(), kMaxSingleSteps);
    return stop;
  }
  // Out of a function: to frame #1's pc, with the stack back at frame #0's CFA.
  Result<Backtrace> bt = host_.backtrace(cpu_);
  if (!bt) return bt.error();
  size_t concrete = 0;
  while (concrete < bt->frames.size() && bt->frames[concrete].inlined) ++concrete;
  if (concrete + 1 >= bt->frames.size() || bt->frames[concrete].cfa == 0 ||
      bt->frames[concrete + 1].boundary) {
    return Error("finish: the unwinder finds no caller to return to (" + bt->end_reason + ")");
  }
  const Frame& callee = bt->frames[concrete];
  const Frame& caller = bt->frames[concrete + 1];
  Result<LiveStop> back = run_to(caller.pc, callee.cfa, cancel);
  if (!back) return back.error();
  if (back->reason == LiveStop::Reason::kStep) {
    back->reason = LiveStop::Reason::kFinish;
    back->note = "Run till exit from " + callee.function;
  }
  return back;
}

}  // namespace seam::engine

#include "cli/live_commands.h"

#include <signal.h>

#include <atomic>
#include <cinttypes>
#include <iostream>
#include <optional>

#include "cli/json_writer.h"
#include "cli/session_printer.h"
#include "engine/live_control.h"
#include "symbolizer/printf_format.h"

namespace seam::cli {
namespace {

using engine::LiveControl;
using engine::LiveStop;
using engine::Reg;

// The one piece of global state: what a SIGINT handler may touch.
std::atomic<bool> g_interrupt_requested{false};

void on_sigint(int) {
  g_interrupt_requested.store(true);
}

// Ctrl-C interrupts the guest while the command waits for it; the previous
// handler (readline's, or the default) is back afterwards.
class InterruptScope {
 public:
  InterruptScope() {
    g_interrupt_requested.store(false);
    struct sigaction action {};
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    installed_ = sigaction(SIGINT, &action, &previous_) == 0;
  }
  ~InterruptScope() {
    if (installed_) sigaction(SIGINT, &previous_, nullptr);
  }
  const std::atomic<bool>* flag() const { return &g_interrupt_requested; }

 private:
  struct sigaction previous_ {};
  bool installed_ = false;
};

Result<int> parse_int(const std::string& text, const char* what) {
  try {
    size_t used = 0;
    int value = std::stoi(text, &used, 0);
    if (used == text.size() && value >= 0) return value;
  } catch (const std::exception&) {
  }
  return Error(sformat("'%s' is not %s", text.c_str(), what));
}

Result<LiveControl*> live_of(engine::Session& session) {
  LiveControl* live = session.live();
  if (!live) return Error("this is a crash dump: no live control, use -g HOST:PORT");
  return live;
}

std::string position(const engine::Frame& f) {
  std::string text = f.function.empty() ? sformat("0x%" PRIx64, f.pc) : f.function;
  text += " (";
  for (size_t i = 0; i < f.args.size(); ++i) {
    if (i) text += ", ";
    text += f.args[i].name + "=" + f.args[i].value;
  }
  text += ")";
  if (!f.file.empty()) text += sformat(" at %s:%d", f.file.c_str(), f.line);
  return text;
}

const char* reason_name(LiveStop::Reason reason) {
  switch (reason) {
    case LiveStop::Reason::kBreakpoint: return "breakpoint";
    case LiveStop::Reason::kStep: return "step";
    case LiveStop::Reason::kFinish: return "finish";
    case LiveStop::Reason::kInterrupted: return "interrupted";
    case LiveStop::Reason::kSignal: return "signal";
    case LiveStop::Reason::kStepLimit: return "step limit";
  }
  return "?";
}

// Where the guest stopped: gdb's "Breakpoint N, f (args) at file:line", then
// the frame line as bt prints it.
void print_stop(engine::Session& session, const LiveStop& stop, std::ostream& out, bool json) {
  Result<engine::Backtrace> bt = session.backtrace({.cpu = stop.cpu, .variables = true});
  const engine::Frame* top = bt && !bt->frames.empty() ? &bt->frames.front() : nullptr;
  if (json) {
    JsonWriter w(out);
    w.begin_object();
    w.key("reason").value(reason_name(stop.reason));
    w.key("cpu").value(stop.cpu);
    w.key("pc").value(sformat("0x%" PRIx64, stop.pc));
    w.key("breakpoint");
    if (stop.breakpoint)
      w.value(*stop.breakpoint);
    else
      w.null();
    w.key("function").value(top ? top->function : "");
    w.key("file").value(top ? top->file : "");
    w.key("line").value(top ? top->line : 0);
    w.key("inlined").value(top ? top->inlined : false);
    w.key("note").value(stop.note);
    w.end_object();
    out << '\n';
    return;
  }
  std::string where = top ? position(*top) : sformat("0x%" PRIx64, stop.pc);
  switch (stop.reason) {
    case LiveStop::Reason::kBreakpoint:
      out << "Breakpoint " << *stop.breakpoint << ", " << where << '\n';
      break;
    case LiveStop::Reason::kInterrupted:
      out << "Interrupted: CPU " << stop.cpu << " stopped in " << where << '\n';
      break;
    case LiveStop::Reason::kFinish: out << stop.note << "\n" << where << '\n'; break;
    case LiveStop::Reason::kStepLimit: out << "seam: " << stop.note << "\n" << where << '\n'; break;
    case LiveStop::Reason::kSignal:
      out << "Stopped: CPU " << stop.cpu << " in " << where << '\n';
      break;
    case LiveStop::Reason::kStep: out << where << '\n'; break;
  }
  if (top) {
    SessionPrinter(out, false).frame_line(*top);
    out << sformat("    CPU %d  PID %d  COMMAND \"%s\"\n", bt->cpu, bt->task.pid,
                   bt->task.comm.c_str());
  } else if (!bt) {
    out << "    (no stack: " << bt.error().message() << ")\n";
  }
}

void print_breakpoints(const LiveControl& live, std::ostream& out, bool json) {
  if (json) {
    JsonWriter w(out);
    w.begin_array();
    for (const engine::LiveBreakpoint& b : live.breakpoints()) {
      w.begin_object();
      w.key("id").value(b.id);
      w.key("type").value(b.type == engine::BreakpointType::kHardware ? "hw" : "sw");
      w.key("location").value(b.location);
      w.key("hits").value(b.hits);
      w.key("sites").begin_array();
      for (const engine::BreakpointSite& s : b.sites) {
        w.begin_object();
        w.key("address").value(sformat("0x%" PRIx64, s.address));
        w.key("function").value(s.function);
        w.key("file").value(s.file);
        w.key("line").value(s.line);
        w.key("module").value(s.module);
        w.end_object();
      }
      w.end_array();
      w.end_object();
    }
    w.end_array();
    out << '\n';
    return;
  }
  if (live.breakpoints().empty()) {
    out << "No breakpoints.\n";
    return;
  }
  out << "Num  Type  Address           Hits  What\n";
  for (const engine::LiveBreakpoint& b : live.breakpoints()) {
    const char* type = b.type == engine::BreakpointType::kHardware ? "hw" : "sw";
    for (size_t i = 0; i < b.sites.size(); ++i) {
      const engine::BreakpointSite& s = b.sites[i];
      std::string id = b.sites.size() > 1 ? sformat("%d.%zu", b.id, i + 1) : std::to_string(b.id);
      if (b.sites.size() > 1 && i == 0) {
        out << sformat("%-4d %-4s  %-16s  %4d  %s\n", b.id, type, "<multiple>", b.hits,
                       b.location.c_str());
      }
      out << sformat("%-4s %-4s  %016" PRIx64 "  %4s  %s", id.c_str(),
                     b.sites.size() > 1 ? "" : type, s.address,
                     b.sites.size() > 1 ? "" : std::to_string(b.hits).c_str(), s.function.c_str());
      if (s.inlined) out << " [inlined]";
      if (!s.file.empty()) out << " at " << s.file << ':' << s.line;
      if (s.module != "vmlinux") out << " [" << s.module << ']';
      out << '\n';
    }
  }
}

void print_registers(const engine::Registers& regs, int cpu, std::ostream& out, bool json) {
  static constexpr Reg kOrder[] = {
      Reg::kRip,    Reg::kRsp,    Reg::kRflags,      Reg::kRax, Reg::kRbx, Reg::kRcx, Reg::kRdx,
      Reg::kRsi,    Reg::kRdi,    Reg::kRbp,         Reg::kR8,  Reg::kR9,  Reg::kR10, Reg::kR11,
      Reg::kR12,    Reg::kR13,    Reg::kR14,         Reg::kR15, Reg::kCs,  Reg::kSs,  Reg::kDs,
      Reg::kEs,     Reg::kFs,     Reg::kGs,          Reg::kCr0, Reg::kCr2, Reg::kCr3, Reg::kCr4,
      Reg::kFsBase, Reg::kGsBase, Reg::kKernelGsBase};
  if (json) {
    JsonWriter w(out);
    w.begin_object();
    w.key("cpu").value(cpu);
    for (Reg r : kOrder) {
      if (auto v = regs.get(r)) w.key(engine::reg_name(r)).value(sformat("0x%" PRIx64, *v));
    }
    w.end_object();
    out << '\n';
    return;
  }
  out << "CPU " << cpu << ":\n";
  int column = 0;
  for (Reg r : kOrder) {
    std::optional<uint64_t> v = regs.get(r);
    if (!v) continue;
    std::string name(engine::reg_name(r));
    for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    out << sformat("%s%9s: %016" PRIx64, column ? "  " : "", name.c_str(), *v);
    if (++column == 3) {
      out << '\n';
      column = 0;
    }
  }
  if (column) out << '\n';
}

}  // namespace

Result<void> check_live_arguments(std::string_view command, const std::vector<std::string>& args) {
  std::string name(command);
  if (command == "break" || command == "hbreak") {
    if (args.size() != 1) return Error(name + ": one LOCATION (FUNCTION or FILE:LINE)");
  } else if (command == "delete" || command == "cpu") {
    if (args.size() > 1) return Error(name + ": at most one number");
    if (args.size() == 1) {
      if (Result<int> n = parse_int(args[0], "a number"); !n) return n.error().context(name);
    }
  } else if (command == "info") {
    if (args.size() != 1 || (args[0] != "breakpoints" && args[0] != "break" && args[0] != "b"))
      return Error("info: only 'info breakpoints'");
  } else if (!args.empty()) {
    return Error(name + ": unexpected argument '" + args[0] + "'");
  }
  return {};
}

Result<void> run_live_command(engine::Session& session, std::string_view command,
                              const std::vector<std::string>& args, std::ostream& out, bool json) {
  if (command == "regs" && !session.live()) {
    // A dump: the registers it holds for the CPU bt shows (the crashed one),
    // as the first frame of its stack has them.
    Result<engine::Backtrace> bt = session.backtrace({});
    if (!bt) return bt.error().context("regs");
    if (bt->frames.empty())
      return Error("regs: the dump has no registers for CPU " + std::to_string(bt->cpu));
    print_registers(bt->frames.front().registers, bt->cpu, out, json);
    return {};
  }
  Result<LiveControl*> got = live_of(session);
  if (!got) return got.error();
  LiveControl& live = **got;
  if (command == "break" || command == "hbreak") {
    auto type =
        command == "hbreak" ? engine::BreakpointType::kHardware : engine::BreakpointType::kSoftware;
    Result<const engine::LiveBreakpoint*> b = live.add_breakpoint(args[0], type);
    if (!b) return b.error().context(std::string(command));
    if (json) return print_breakpoints(live, out, true), Result<void>();
    const engine::LiveBreakpoint& bp = **b;
    out << (command == "hbreak" ? "Hardware breakpoint " : "Breakpoint ") << bp.id;
    if (bp.sites.size() == 1) {
      const engine::BreakpointSite& s = bp.sites[0];
      out << sformat(" at 0x%" PRIx64, s.address);
      if (!s.file.empty()) out << ": file " << s.file << ", line " << s.line;
      out << ".\n";
    } else {
      out << " at " << bp.location << " (" << bp.sites.size() << " locations)\n";
    }
    return {};
  }
  if (command == "delete") {
    std::optional<int> id;
    if (!args.empty()) id = *parse_int(args[0], "a number");
    return live.delete_breakpoints(id);
  }
  if (command == "info") {
    print_breakpoints(live, out, json);
    return {};
  }
  if (command == "cpu") {
    if (!args.empty()) {
      if (Result<void> ok = live.select_cpu(*parse_int(args[0], "a number")); !ok) return ok;
    }
    if (json) {
      JsonWriter(out).begin_object().key("cpu").value(live.cpu()).end_object();
      out << '\n';
    } else {
      out << "CPU " << live.cpu() << " selected (regs, step, next, finish, stepi, bt)\n";
    }
    return {};
  }
  if (command == "regs") {
    Result<engine::Registers> regs = live.registers();
    if (!regs) return regs.error();
    print_registers(*regs, live.cpu(), out, json);
    return {};
  }
  // Run control.
  if (!json) {
    if (command == "continue") out << "Continuing.\n";
    out.flush();  // a driver waiting for it may now interrupt us
  }
  InterruptScope interrupt;
  Result<LiveStop> stop = Error("unknown live command");
  if (command == "continue") stop = live.cont(interrupt.flag());
  if (command == "step") stop = live.step(interrupt.flag());
  if (command == "next") stop = live.next(interrupt.flag());
  if (command == "finish") stop = live.finish(interrupt.flag());
  if (command == "stepi") stop = live.stepi(interrupt.flag());
  if (!stop) return stop.error().context(std::string(command));
  print_stop(session, *stop, out, json);
  return {};
}

}  // namespace seam::cli

#include "gui/live_controller.h"

#include <QtConcurrent/QtConcurrentRun>
#include <cinttypes>
#include <mutex>
#include <utility>

#include "gui/breakpoints_in_file.h"
#include "symbolizer/printf_format.h"

namespace seam::gui {
namespace {

using engine::LiveStop;

// A status line is one line: a long string argument would push the line out of sight.
constexpr int kMaxValueChars = 32;

QString elided(const std::string& value) {
  QString text = QString::fromStdString(value);
  return text.size() <= kMaxValueChars ? text : text.left(kMaxValueChars - 1) + QChar(0x2026);
}

// "ksys_write (fd=1, buf=0x...) at fs/read_write.c:637", as the CLI prints a stop.
QString position(const engine::Frame& f) {
  QString text = f.function.empty() ? QString::fromStdString(sformat("0x%" PRIx64, f.pc))
                                    : QString::fromStdString(f.function);
  text += " (";
  for (size_t i = 0; i < f.args.size(); ++i) {
    if (i) text += ", ";
    text += QString::fromStdString(f.args[i].name) + "=" + elided(f.args[i].value);
  }
  text += ")";
  if (!f.file.empty()) text += QString(" at %1:%2").arg(QString::fromStdString(f.file)).arg(f.line);
  return text;
}

Result<LiveStop> run_command(engine::LiveControl& live, LiveController::Command command,
                             const std::atomic<bool>* cancel) {
  switch (command) {
    case LiveController::Command::kContinue: return live.cont(cancel);
    case LiveController::Command::kStep: return live.step(cancel);
    case LiveController::Command::kNext: return live.next(cancel);
    case LiveController::Command::kFinish: return live.finish(cancel);
    case LiveController::Command::kStepInstruction: return live.stepi(cancel);
  }
  return Error("unknown run command");
}

// What the window shows after a stop, read at once: the engine dropped its
// caches on resuming, so the tasks and the CPUs' states are those of the new instant.
LiveStopReport read_stop(engine::Session& session, const LiveStop& stop, int cpus) {
  LiveStopReport report;
  report.stop = stop;
  Result<engine::Backtrace> backtrace =
      session.backtrace({.cpu = stop.cpu, .variables = true, .variable_parts = true});
  if (backtrace) {
    report.backtrace = std::move(*backtrace);
  } else {
    report.backtrace_error = backtrace.error().message();
  }
  const engine::Frame* top = report.backtrace && !report.backtrace->frames.empty()
                                 ? &report.backtrace->frames.front()
                                 : nullptr;
  report.description = describe_stop(stop, top);
  if (Result<std::vector<engine::Task>> tasks = session.tasks(); tasks) {
    report.tasks = std::move(*tasks);
  }
  report.cpus = read_cpu_states(session, cpus);
  return report;
}

}  // namespace

QString describe_stop(const LiveStop& stop, const engine::Frame* top) {
  QString where =
      top ? position(*top) : QString::fromStdString(sformat("0x%" PRIx64 " (no stack)", stop.pc));
  QString on_cpu = QString(" on CPU %1").arg(stop.cpu);
  QString note = QString::fromStdString(stop.note);
  switch (stop.reason) {
    case LiveStop::Reason::kBreakpoint:
      return QString("Stopped: Breakpoint %1, ").arg(stop.breakpoint.value_or(0)) + where + on_cpu;
    case LiveStop::Reason::kInterrupted:
      return QString("Interrupted: CPU %1 stopped in ").arg(stop.cpu) + where;
    case LiveStop::Reason::kStepLimit:
      return "Step limit reached: " + note + " — " + where + on_cpu;
    case LiveStop::Reason::kFinish:
    case LiveStop::Reason::kStep:
      return "Stopped: " + where + on_cpu + (note.isEmpty() ? QString() : " (" + note + ")");
    case LiveStop::Reason::kSignal: return QString("Stopped: CPU %1 in ").arg(stop.cpu) + where;
  }
  return "Stopped: " + where + on_cpu;
}

LiveController::LiveController(std::shared_ptr<LoadedSession> loaded, QObject* parent)
    : QObject(parent), loaded_(std::move(loaded)) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &LiveController::finish);
  if (loaded_->session->live()) {
    std::lock_guard<std::mutex> held(*loaded_->session_lock);
    breakpoints_ = loaded_->session->live()->breakpoints();
  }
}

LiveController::~LiveController() {
  interrupt();
  watcher_.waitForFinished();
}

QString LiveController::command_name(Command command) {
  switch (command) {
    case Command::kContinue: return "Continue";
    case Command::kStep: return "Step";
    case Command::kNext: return "Next";
    case Command::kFinish: return "Finish";
    case Command::kStepInstruction: return "Step Instruction";
  }
  return "?";
}

bool LiveController::run(Command command) {
  if (running_ || !loaded_->session->live()) return false;
  running_ = true;
  command_ = command;
  cancel_->store(false);
  emit started(command_name(command));
  watcher_.setFuture(QtConcurrent::run(
      [loaded = loaded_, cancel = cancel_, command, cpus = loaded_->info.cpus]() -> Outcome {
        std::lock_guard<std::mutex> held(*loaded->session_lock);
        Result<LiveStop> stop = run_command(*loaded->session->live(), command, cancel.get());
        if (!stop) return {std::nullopt, stop.error().message()};
        return {read_stop(*loaded->session, *stop, cpus), ""};
      }));
  return true;
}

void LiveController::finish() {
  Outcome outcome = watcher_.result();
  running_ = false;
  refresh_breakpoints();  // hit counts
  if (!outcome.report) {
    emit failed(command_name(command_) + ": " + QString::fromStdString(outcome.error));
    return;
  }
  report_ = std::move(*outcome.report);
  emit stopped(report_.description);
}

Result<engine::LiveBreakpoint> LiveController::add_breakpoint(const std::string& location) {
  if (running_) return Error("the guest is running: interrupt it (Shift+F5) first");
  Result<engine::LiveBreakpoint> added = [&]() -> Result<engine::LiveBreakpoint> {
    std::lock_guard<std::mutex> held(*loaded_->session_lock);
    Result<const engine::LiveBreakpoint*> b =
        loaded_->session->live()->add_breakpoint(location, engine::BreakpointType::kSoftware);
    if (!b) return b.error();
    return **b;
  }();
  if (added) refresh_breakpoints();
  return added;
}

Result<engine::LiveBreakpoint> LiveController::add_breakpoint_at_line(const std::string& dwarf_file,
                                                                      int line) {
  return add_breakpoint(dwarf_file + ":" + std::to_string(line));
}

Result<void> LiveController::delete_breakpoint(int id) {
  if (running_) return Error("the guest is running: interrupt it (Shift+F5) first");
  Result<void> deleted = [&] {
    std::lock_guard<std::mutex> held(*loaded_->session_lock);
    return loaded_->session->live()->delete_breakpoints(id);
  }();
  refresh_breakpoints();  // a failed removal still forgets the breakpoint
  return deleted;
}

void LiveController::refresh_breakpoints() {
  {
    std::lock_guard<std::mutex> held(*loaded_->session_lock);
    breakpoints_ = loaded_->session->live()->breakpoints();
  }
  emit breakpoints_changed();
}

}  // namespace seam::gui

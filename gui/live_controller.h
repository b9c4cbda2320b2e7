// LiveController: run control of a live guest for the window — Continue,
// Step, Next, Finish and Step Instruction run in a worker thread holding the
// session lock; Interrupt sets a cancel flag the engine polls (as Ctrl-C does
// in the CLI), so it never waits on the lock. After each stop the worker
// re-reads what the stop changed (the engine dropped its caches): the
// stopped CPU's backtrace with variables, the tasks and each CPU's state.
//
//   auto* live = new LiveController(loaded, parent);  // loaded->session->live() != null
//   connect(live, &LiveController::stopped, [&](const QString& status) {
//     show(live->report().backtrace);                  // frame 0: the new line
//   });
//   connect(live, &LiveController::failed, [&](const QString& why) { ... });
//   live->run(LiveController::Command::kNext);         // false if already running
//   live->interrupt();                                 // during a Continue
//
// Breakpoints are added and deleted on the calling thread, under the lock,
// only while the guest is stopped (the engine is not thread-safe).
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/live_control.h"
#include "gui/cpus_model.h"
#include "gui/session_loader.h"

namespace seam::gui {

// What one run command ended with, read in the worker under the lock.
struct LiveStopReport {
  engine::LiveStop stop;
  QString description;  // the status line: "Stopped: Breakpoint 1, ksys_write (fd=1, ...) at ..."
  std::optional<engine::Backtrace> backtrace;      // the stopped CPU's, with variables
  std::string backtrace_error;                     // when there is none
  std::optional<std::vector<engine::Task>> tasks;  // nullopt: they could not be re-read
  std::vector<CpuState> cpus;
};

// gdb's words for a stop: "Breakpoint 1, ksys_write (fd=1, buf=...) at fs/read_write.c:637 on
// CPU 0", "Interrupted: CPU 1 stopped in default_idle () at ...". `top`: the stopped CPU's frame
// 0, null when its stack could not be read. Long argument values are elided.
QString describe_stop(const engine::LiveStop& stop, const engine::Frame* top);

class LiveController : public QObject {
  Q_OBJECT
 public:
  enum class Command { kContinue, kStep, kNext, kFinish, kStepInstruction };

  explicit LiveController(std::shared_ptr<LoadedSession> loaded, QObject* parent = nullptr);
  ~LiveController() override;  // interrupts a run under way and waits for it

  // Starts `command` in the worker; false (nothing done) while one runs.
  bool run(Command command);
  // Until `stopped` or `failed` was emitted.
  bool running() const { return running_; }
  // Asks a run under way to stop the guest; the run ends with an kInterrupted stop.
  void interrupt() { cancel_->store(true); }
  // After `stopped`: what the stop was and what was re-read.
  const LiveStopReport& report() const { return report_; }

  // FUNCTION or FILE:LINE (LiveControl::add_breakpoint); an error while running.
  Result<engine::LiveBreakpoint> add_breakpoint(const std::string& location);
  // At a line of a frame's file, by the path frames print (locations take it).
  Result<engine::LiveBreakpoint> add_breakpoint_at_line(const std::string& dwarf_file, int line);
  Result<void> delete_breakpoint(int id);
  // The breakpoints as the engine had them when the guest last stopped or
  // one was added or deleted (hit counts too): readable while the guest runs.
  const std::vector<engine::LiveBreakpoint>& breakpoints() const { return breakpoints_; }

  static QString command_name(Command command);

 signals:
  void started(const QString& what);
  void stopped(const QString& description);
  void failed(const QString& message);
  void breakpoints_changed();

 private:
  struct Outcome {  // Result<T> has no empty state, which QFuture needs
    std::optional<LiveStopReport> report;
    std::string error;
  };
  void finish();
  void refresh_breakpoints();  // under the lock, then breakpoints_changed

  std::shared_ptr<LoadedSession> loaded_;
  // Shared with the worker, which may outlive a run's caller.
  std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
  QFutureWatcher<Outcome> watcher_;
  bool running_ = false;
  Command command_ = Command::kContinue;
  LiveStopReport report_;
  std::vector<engine::LiveBreakpoint> breakpoints_;
};

}  // namespace seam::gui

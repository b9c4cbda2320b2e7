// SessionLoader: opens a Session in a worker thread and reads what the window
// shows first (system info, tasks, log, modules, each CPU's task), so the window never waits on a
// dump or a gdbstub.
//
//   auto* loader = new SessionLoader(parent);
//   connect(loader, &SessionLoader::loaded, [&] { show(loader->take()); });
//   connect(loader, &SessionLoader::failed, [&](const QString& why) { report(why); });
//   connect(loader, &SessionLoader::progress, [&](int step, int steps, const QString& what) {
//     bar->setRange(0, steps);
//     bar->setValue(step);
//     label->setText(what);  // "Reading the tasks..."
//   });
//   loader->start(options);
//
// The Session is used by one thread at a time: this loader's, until `loaded`,
// then whoever holds LoadedSession::session_lock (the BacktraceFetcher's
// worker, the Memory dock).
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/session.h"
#include "gui/cpus_model.h"

namespace seam::gui {

// An open session and what was read from it while opening. Failures to read
// the tasks or the log do not stop the window: they become warnings.
struct LoadedSession {
  std::shared_ptr<engine::Session> session;
  engine::SystemInfo info;
  std::vector<engine::Task> tasks;
  std::vector<engine::LogRecord> log;
  std::vector<engine::ModuleInfo> modules;
  std::vector<CpuState> cpus;  // one per CPU of system_info().cpus
  std::vector<std::string> warnings;
  // Held around every use of `session` after loading: a Session is not
  // thread-safe, and backtraces are read in a worker while the window reads memory.
  std::shared_ptr<std::mutex> session_lock = std::make_shared<std::mutex>();
};

// Called before each stage of a load with the stages done so far, then
// once with step == steps when all are: "Opening vmcore...", "Reading the tasks...".
using LoadProgress = std::function<void(int step, int steps, std::string what)>;
constexpr int kLoadSteps = 6;  // open, system info, tasks, log, modules, CPUs

// Opens and reads, on the calling thread: the worker's job (and the tests').
Result<std::shared_ptr<LoadedSession>> load_session(const engine::SessionOptions& options,
                                                    const LoadProgress& progress = {});

class SessionLoader : public QObject {
  Q_OBJECT
 public:
  explicit SessionLoader(QObject* parent = nullptr);
  ~SessionLoader() override;  // waits for a load under way

  void start(const engine::SessionOptions& options);
  bool running() const { return watcher_.isRunning(); }
  // After `loaded`: the session (once; later calls return null).
  std::shared_ptr<LoadedSession> take() { return std::move(loaded_); }

 signals:
  void loaded();
  void failed(const QString& message);
  // load_session's stages, queued to the loader's thread.
  void progress(int step, int steps, const QString& what);

 private:
  // Result<T> has no empty state, which QFuture needs.
  struct Outcome {
    std::shared_ptr<LoadedSession> loaded;
    std::string error;
  };
  void finish();

  QFutureWatcher<Outcome> watcher_;
  std::shared_ptr<LoadedSession> loaded_;
};

}  // namespace seam::gui

#include "gui/session_loader.h"

#include <QtConcurrent/QtConcurrentRun>
#include <utility>

namespace seam::gui {

Result<std::shared_ptr<LoadedSession>> load_session(const engine::SessionOptions& options,
                                                    const LoadProgress& progress) {
  int step = 0;
  auto stage = [&](const std::string& what) {
    if (progress) progress(step, kLoadSteps, what);
    ++step;
  };
  stage(options.vmcore.empty() ? "Connecting to QEMU at " + options.gdbstub + "..."
                               : "Opening " + options.vmcore + "...");
  Result<std::unique_ptr<engine::Session>> opened = engine::Session::open(options);
  if (!opened) return opened.error();
  auto loaded = std::make_shared<LoadedSession>();
  loaded->session = std::move(*opened);
  engine::Session& session = *loaded->session;
  stage("Reading the system info...");
  if (Result<engine::SystemInfo> info = session.system_info(); info) {
    loaded->info = std::move(*info);
  } else {
    loaded->warnings.push_back("system info: " + info.error().message());
  }
  stage("Reading the tasks...");
  if (Result<std::vector<engine::Task>> tasks = session.tasks(); tasks) {
    loaded->tasks = std::move(*tasks);
  } else {
    loaded->warnings.push_back("tasks: " + tasks.error().message());
  }
  stage("Reading the kernel log...");
  if (Result<std::vector<engine::LogRecord>> log = session.log(); log) {
    loaded->log = std::move(*log);
  } else {
    loaded->warnings.push_back("kernel log: " + log.error().message());
  }
  stage("Reading the modules...");
  if (Result<std::vector<engine::ModuleInfo>> modules = session.modules(); modules) {
    loaded->modules = std::move(*modules);
  } else {
    loaded->warnings.push_back("modules: " + modules.error().message());
  }
  stage("Reading what each CPU was running...");
  loaded->cpus = read_cpu_states(session, loaded->info.cpus);
  // The session's own warnings first (a vmlinux of another kernel explains the
  // failures after it); read after the tasks and log, which may add some.
  loaded->warnings.insert(loaded->warnings.begin(), session.warnings().begin(),
                          session.warnings().end());
  stage("Loaded");
  return loaded;
}

SessionLoader::SessionLoader(QObject* parent) : QObject(parent) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &SessionLoader::finish);
}

SessionLoader::~SessionLoader() {
  watcher_.waitForFinished();
}

void SessionLoader::start(const engine::SessionOptions& options) {
  // The worker posts each stage to this object's thread; the destructor
  // waits for the worker, so `this` outlives every post.
  auto report = [this](int step, int steps, const std::string& what) {
    QMetaObject::invokeMethod(
        this,
        [this, step, steps, what = QString::fromStdString(what)] {
          emit progress(step, steps, what);
        },
        Qt::QueuedConnection);
  };
  watcher_.setFuture(QtConcurrent::run([options, report]() -> Outcome {
    Result<std::shared_ptr<LoadedSession>> loaded = load_session(options, report);
    if (!loaded) return {nullptr, loaded.error().message()};
    return {std::move(*loaded), ""};
  }));
}

void SessionLoader::finish() {
  Outcome outcome = watcher_.result();
  if (!outcome.loaded) {
    emit failed(QString::fromStdString(outcome.error));
    return;
  }
  loaded_ = std::move(outcome.loaded);
  emit loaded();
}

}  // namespace seam::gui

// BacktraceFetcher: reads a task's backtrace, with every frame's arguments
// and locals, in a worker thread. One request at a time (a Session is not
// thread-safe); a request made while one runs replaces any waiting one, so
// clicking through the task list only reads the last task clicked.
//
//   BacktraceFetcher fetcher(loaded->session, loaded->session_lock);
//   connect(&fetcher, &BacktraceFetcher::ready, [&](int pid) { show(fetcher.take()); });
//   connect(&fetcher, &BacktraceFetcher::failed, [&](int pid, const QString& why) { ... });
//   fetcher.request(1);
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/session.h"

namespace seam::gui {

class BacktraceFetcher : public QObject {
  Q_OBJECT
 public:
  // `lock` is held while the worker uses the session.
  BacktraceFetcher(std::shared_ptr<engine::Session> session, std::shared_ptr<std::mutex> lock,
                   QObject* parent = nullptr);
  ~BacktraceFetcher() override;  // waits for a read under way

  void request(int pid);
  // Forgets the waiting request and the answer of the one under way (a live
  // guest was resumed: what they would show is gone); no signal for them.
  void discard();
  // Until `ready` or `failed` was emitted: the future ends before its
  // finished signal reaches this thread, so watcher_.isRunning() is not enough.
  bool busy() const { return in_flight_ || pending_.has_value(); }
  // After `ready`: the backtrace read.
  engine::Backtrace take() { return std::move(backtrace_); }

 signals:
  void ready(int pid);
  void failed(int pid, const QString& message);

 private:
  struct Outcome {  // Result<T> has no empty state, which QFuture needs
    int pid = 0;
    std::optional<engine::Backtrace> backtrace;
    std::string error;
  };
  void run(int pid);
  void finish();

  std::shared_ptr<engine::Session> session_;
  std::shared_ptr<std::mutex> lock_;
  QFutureWatcher<Outcome> watcher_;
  std::optional<int> pending_;
  bool in_flight_ = false;
  bool discard_in_flight_ = false;
  engine::Backtrace backtrace_;
};

}  // namespace seam::gui

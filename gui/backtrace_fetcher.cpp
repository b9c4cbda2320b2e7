#include "gui/backtrace_fetcher.h"

#include <QtConcurrent/QtConcurrentRun>
#include <utility>

namespace seam::gui {

BacktraceFetcher::BacktraceFetcher(std::shared_ptr<engine::Session> session,
                                   std::shared_ptr<std::mutex> lock, QObject* parent)
    : QObject(parent), session_(std::move(session)), lock_(std::move(lock)) {
  connect(&watcher_, &QFutureWatcher<Outcome>::finished, this, &BacktraceFetcher::finish);
}

BacktraceFetcher::~BacktraceFetcher() {
  watcher_.waitForFinished();
}

void BacktraceFetcher::request(int pid) {
  if (in_flight_) {
    pending_ = pid;
    return;
  }
  run(pid);
}

void BacktraceFetcher::discard() {
  pending_.reset();
  discard_in_flight_ = in_flight_;
}

void BacktraceFetcher::run(int pid) {
  in_flight_ = true;
  discard_in_flight_ = false;
  // The worker holds the session too, should this fetcher go first.
  watcher_.setFuture(QtConcurrent::run([session = session_, lock = lock_, pid]() -> Outcome {
    std::lock_guard<std::mutex> held(*lock);
    engine::BacktraceRequest request;
    request.pid = pid;
    request.variables = true;
    request.variable_parts = true;  // the Locals tree expands them
    Result<engine::Backtrace> backtrace = session->backtrace(request);
    if (!backtrace) return {pid, std::nullopt, backtrace.error().message()};
    return {pid, std::move(*backtrace), ""};
  }));
}

void BacktraceFetcher::finish() {
  Outcome outcome = watcher_.result();
  in_flight_ = false;
  if (discard_in_flight_) {
    discard_in_flight_ = false;
    return;
  }
  if (pending_) {  // a newer request: this answer is stale
    int pid = *pending_;
    pending_.reset();
    run(pid);
    return;
  }
  if (!outcome.backtrace) {
    emit failed(outcome.pid, QString::fromStdString(outcome.error));
    return;
  }
  backtrace_ = std::move(*outcome.backtrace);
  emit ready(outcome.pid);
}

}  // namespace seam::gui

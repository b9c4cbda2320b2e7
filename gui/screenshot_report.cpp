#include "gui/screenshot_report.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "gui/backtrace_model.h"
#include "gui/main_window.h"
#include "gui/task_model.h"
#include "gui/variables_model.h"

namespace seam::gui {

QByteArray screenshot_report(const MainWindow& window) {
  const BacktraceModel& backtrace = window.backtrace_model();
  QJsonArray frames;
  for (int row = 0; row < backtrace.rowCount(); ++row) {
    // Rows without a frame are the exception boundaries between frames.
    if (const engine::Frame* frame = backtrace.frame_at(row)) {
      frames.append(QJsonObject{{"function", QString::fromStdString(frame->function)},
                                {"language", QString::fromStdString(frame->language)}});
    }
  }
  QJsonObject report{{"backtrace_rows", backtrace.rowCount()},
                     {"frames", frames},
                     {"locals_rows", window.variables_model().rowCount()}};
  QJsonArray warnings;
  for (const std::string& warning : window.warnings()) {
    warnings.append(QString::fromStdString(warning));
  }
  report["warnings"] = warnings;
  report["backtrace_status"] = window.backtrace_status();
  if (std::optional<int> pid = window.selected_pid()) report["selected_pid"] = *pid;
  const TaskModel& tasks = window.task_model();
  if (int crashed = tasks.crashed_row(); crashed >= 0)
    report["crashed_pid"] = tasks.task_at(crashed).pid;
  return QJsonDocument(report).toJson();
}

Result<void> write_screenshot_report(const MainWindow& window, const std::string& path) {
  QFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
    return Error("cannot write " + path + ": " + file.errorString().toStdString());
  QByteArray json = screenshot_report(window);
  if (file.write(json) != json.size())
    return Error("cannot write " + path + ": " + file.errorString().toStdString());
  return {};
}

}  // namespace seam::gui

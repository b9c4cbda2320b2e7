#include "gui/task_model.h"

#include <QBrush>
#include <QFont>
#include <QString>

#include "gui/theme.h"

namespace seam::gui {

void TaskModel::set_tasks(std::vector<engine::Task> tasks,
                          const std::optional<engine::TaskRef>& crashed) {
  beginResetModel();
  tasks_ = std::move(tasks);
  crashed_row_ = -1;
  if (crashed) {
    // Idle tasks share PID 0: the task_struct tells which one crashed.
    for (size_t row = 0; row < tasks_.size(); ++row) {
      if (tasks_[row].pid == crashed->pid &&
          (crashed->address == 0 || tasks_[row].address == crashed->address)) {
        crashed_row_ = static_cast<int>(row);
        break;
      }
    }
  }
  endResetModel();
}

int TaskModel::row_of_pid(int pid) const {
  for (size_t row = 0; row < tasks_.size(); ++row) {
    if (tasks_[row].pid == pid) return static_cast<int>(row);
  }
  return -1;
}

int TaskModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(tasks_.size());
}

int TaskModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant TaskModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const engine::Task& task = tasks_[index.row()];
  bool crashed = index.row() == crashed_row_;
  switch (role) {
    case Qt::DisplayRole:
      // Numbers stay numbers, so that the proxy sorts PIDs numerically.
      switch (index.column()) {
        case kPid: return task.pid;
        case kCommand: return QString::fromStdString(task.comm);
        case kState: return QString(QChar(task.state));
        case kCpu: return task.cpu;
      }
      return {};
    case Qt::ToolTipRole:
      return QString("task_struct 0x%1, TGID %2, parent %3%4%5")
          .arg(task.address, 16, 16, QChar('0'))
          .arg(task.tgid)
          .arg(task.ppid)
          .arg(task.active_cpu >= 0 ? QString(", running on CPU %1").arg(task.active_cpu) : "")
          .arg(crashed ? ", the crashed task" : "");
    case Qt::FontRole:
      if (crashed || task.active_cpu >= 0) {
        QFont font;
        font.setBold(true);
        return font;
      }
      return {};
    case Qt::BackgroundRole:
      // Chosen for the palette in use: readable in the light and dark themes.
      if (crashed) return QBrush(highlight_colour(ColourRole::kCrashedTask));
      return {};
    case Qt::TextAlignmentRole:
      if (index.column() == kPid || index.column() == kCpu) {
        return int(Qt::AlignRight | Qt::AlignVCenter);
      }
      return {};
  }
  return {};
}

QVariant TaskModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kPid: return QStringLiteral("PID");
    case kCommand: return QStringLiteral("Command");
    case kState: return QStringLiteral("State");
    case kCpu: return QStringLiteral("CPU");
  }
  return {};
}

}  // namespace seam::gui

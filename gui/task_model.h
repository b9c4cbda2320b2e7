// TaskModel: the tasks of a session as a table (PID, command, state, CPU),
// the crashed task in bold on a highlighted row.
//
//   TaskModel model;
//   model.set_tasks(loaded->tasks, loaded->info.crashed_task);
//   QSortFilterProxyModel filter; filter.setSourceModel(&model);
//   view->setModel(&filter);
//   int row = model.row_of_pid(pid);
#pragma once

#include <QAbstractTableModel>
#include <optional>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class TaskModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kPid, kCommand, kState, kCpu, kColumnCount };

  explicit TaskModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_tasks(std::vector<engine::Task> tasks, const std::optional<engine::TaskRef>& crashed);
  const engine::Task& task_at(int row) const { return tasks_.at(row); }
  // -1 if there is no such task.
  int row_of_pid(int pid) const;
  // The row of the crashed task (the same PID and task_struct), -1 if none.
  int crashed_row() const { return crashed_row_; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<engine::Task> tasks_;
  int crashed_row_ = -1;
};

}  // namespace seam::gui

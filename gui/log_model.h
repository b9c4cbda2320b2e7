// LogModel: the kernel log, one row per record (time, level, text), as
// dmesg shows it; records of level err or more urgent in red.
//
//   LogModel model;
//   model.set_records(loaded->log);
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class LogModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kTime, kLevel, kText, kColumnCount };

  explicit LogModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_records(std::vector<engine::LogRecord> records);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<engine::LogRecord> records_;
};

}  // namespace seam::gui

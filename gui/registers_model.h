// RegistersModel: the registers of one frame as the unwinder recovered them
// (Frame::registers), the known ones only, in the psABI's order: all of them
// for the first frame and after a pt_regs, fewer further up. Live, the
// registers that changed since the previous stop are highlighted.
//
//   RegistersModel model;
//   model.set_frame(backtrace_model.frame_at(row));  // null: empty
//   model.set_frame(&stop_frame0, &previous_stop_registers);
//   model.data(index, RegistersModel::kChangedRole).toBool();  // rip after a step: true
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class RegistersModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kName, kValue, kColumnCount };
  // bool: the value differs from the `previous` given to set_frame.
  static constexpr int kChangedRole = Qt::UserRole + 1;

  explicit RegistersModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  // `previous`: the same registers at an earlier instant (the previous stop):
  // those whose value differs from a known previous one are highlighted.
  void set_frame(const engine::Frame* frame, const engine::Registers* previous = nullptr);
  bool changed(int row) const { return rows_.at(row).changed; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    engine::Reg reg;
    uint64_t value = 0;
    bool changed = false;
  };
  std::vector<Row> rows_;
};

}  // namespace seam::gui

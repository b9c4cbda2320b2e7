// RegistersModel: the registers of one frame as the unwinder recovered them
// (Frame::registers), the known ones only, in the psABI's order: all of them
// for the first frame and after a pt_regs, fewer further up.
//
//   RegistersModel model;
//   model.set_frame(backtrace_model.frame_at(row));  // null: empty
#pragma once

#include <QAbstractTableModel>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class RegistersModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kName, kValue, kColumnCount };

  explicit RegistersModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_frame(const engine::Frame* frame);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  std::vector<std::pair<engine::Reg, uint64_t>> rows_;
};

}  // namespace seam::gui

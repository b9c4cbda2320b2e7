// VariablesModel: the arguments, then the locals, of one frame (name, type,
// value), as BacktraceRequest::variables fills them; a last row says why
// they could not be read, if so.
//
//   VariablesModel model;
//   model.set_frame(backtrace_model.frame_at(row));  // null: empty
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class VariablesModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kKind, kName, kType, kValue, kColumnCount };

  explicit VariablesModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_frame(const engine::Frame* frame);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    QString kind;  // "arg", "local", or "" for the error row
    engine::Variable variable;
  };
  std::vector<Row> rows_;
};

}  // namespace seam::gui

#include "gui/registers_model.h"

#include <QFontDatabase>
#include <QString>

namespace seam::gui {

void RegistersModel::set_frame(const engine::Frame* frame) {
  beginResetModel();
  rows_.clear();
  for (size_t i = 0; frame && i < engine::kRegCount; ++i) {
    auto reg = static_cast<engine::Reg>(i);
    if (std::optional<uint64_t> value = frame->registers.get(reg)) rows_.emplace_back(reg, *value);
  }
  endResetModel();
}

int RegistersModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RegistersModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant RegistersModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const auto& [reg, value] = rows_[index.row()];
  if (role == Qt::DisplayRole) {
    if (index.column() == kName) return QString::fromUtf8(engine::reg_name(reg));
    return QString("%1").arg(value, 16, 16, QLatin1Char('0'));
  }
  if (role == Qt::ToolTipRole && index.column() == kValue) {  // for counters and flags
    return QString("%1 (decimal)").arg(value);
  }
  if (role == Qt::FontRole && index.column() == kValue) {
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
  }
  return {};
}

QVariant RegistersModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  return section == kName ? QString("Register") : QString("Value");
}

}  // namespace seam::gui

#include "gui/registers_model.h"

#include <QFont>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QPalette>
#include <QString>

namespace seam::gui {

void RegistersModel::set_frame(const engine::Frame* frame, const engine::Registers* previous) {
  beginResetModel();
  rows_.clear();
  for (size_t i = 0; frame && i < engine::kRegCount; ++i) {
    auto reg = static_cast<engine::Reg>(i);
    std::optional<uint64_t> value = frame->registers.get(reg);
    if (!value) continue;
    std::optional<uint64_t> before = previous ? previous->get(reg) : std::nullopt;
    rows_.push_back({reg, *value, before && *before != *value});
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
  const auto& [reg, value, changed] = rows_[index.row()];
  if (role == kChangedRole) return changed;
  // The palette's link colour reads on light and dark themes alike.
  if (role == Qt::ForegroundRole && changed) return QGuiApplication::palette().link();
  if (role == Qt::FontRole && changed) {
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setBold(true);
    return font;
  }
  if (role == Qt::DisplayRole) {
    if (index.column() == kName) return QString::fromUtf8(engine::reg_name(reg));
    return QString("%1").arg(value, 16, 16, QLatin1Char('0'));
  }
  if (role == Qt::ToolTipRole && index.column() == kValue) {  // for counters and flags
    return QString("%1 (decimal)%2").arg(value).arg(changed ? ", changed since the last stop" : "");
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

#include "gui/variables_model.h"

#include <QFont>

namespace seam::gui {

void VariablesModel::set_frame(const engine::Frame* frame) {
  beginResetModel();
  rows_.clear();
  if (frame) {
    for (const engine::Variable& v : frame->args) rows_.push_back({QStringLiteral("arg"), v});
    for (const engine::Variable& v : frame->locals) rows_.push_back({QStringLiteral("local"), v});
    if (!frame->variables_error.empty()) {
      rows_.push_back({QString(), {"", "", frame->variables_error}});
    }
  }
  endResetModel();
}

int VariablesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int VariablesModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant VariablesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:  // values can be long: the tooltip shows all of it
      switch (index.column()) {
        case kKind: return row.kind;
        case kName: return QString::fromStdString(row.variable.name);
        case kType: return QString::fromStdString(row.variable.type);
        case kValue: return QString::fromStdString(row.variable.value);
      }
      return {};
    case Qt::FontRole:
      if (row.kind.isEmpty()) {
        QFont font;
        font.setItalic(true);
        return font;
      }
      return {};
  }
  return {};
}

QVariant VariablesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kKind: return QStringLiteral("Kind");
    case kName: return QStringLiteral("Name");
    case kType: return QStringLiteral("Type");
    case kValue: return QStringLiteral("Value");
  }
  return {};
}

}  // namespace seam::gui

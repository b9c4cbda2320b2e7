#include "gui/modules_model.h"

#include <QFontDatabase>
#include <QString>

namespace seam::gui {

void ModulesModel::set_modules(std::vector<engine::ModuleInfo> modules) {
  beginResetModel();
  modules_ = std::move(modules);
  endResetModel();
}

int ModulesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(modules_.size());
}

int ModulesModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant ModulesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const engine::ModuleInfo& module = modules_[index.row()];
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case kName: return QString::fromStdString(module.name);
      case kBase: return QString("%1").arg(module.base, 16, 16, QLatin1Char('0'));
      case kSize: return QString::number(module.size);
      case kDebugFile:
        return module.debug_file.empty() ? QString("none")
                                         : QString::fromStdString(module.debug_file);
    }
  }
  if (role == Qt::FontRole && index.column() == kBase) {
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
  }
  if (role == Qt::TextAlignmentRole && index.column() == kSize) {
    return int(Qt::AlignRight | Qt::AlignVCenter);
  }
  return {};
}

QVariant ModulesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kName: return QString("Module");
    case kBase: return QString("Base");
    case kSize: return QString("Size");
    case kDebugFile: return QString("Debug file");
  }
  return {};
}

}  // namespace seam::gui

#include "gui/breakpoints_model.h"

#include <QFontDatabase>
#include <QString>

namespace seam::gui {

void BreakpointsModel::set_breakpoints(const std::vector<engine::LiveBreakpoint>& breakpoints) {
  beginResetModel();
  rows_.clear();
  for (const engine::LiveBreakpoint& b : breakpoints) {
    for (size_t i = 0; i < b.sites.size(); ++i) {
      QString number =
          b.sites.size() > 1 ? QString("%1.%2").arg(b.id).arg(i + 1) : QString::number(b.id);
      rows_.push_back({b.id, number, b.hits, QString::fromStdString(b.location), b.sites[i]});
    }
  }
  endResetModel();
}

int BreakpointsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int BreakpointsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant BreakpointsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[index.row()];
  if (role == Qt::FontRole && index.column() == kAddress) {
    return QFontDatabase::systemFont(QFontDatabase::FixedFont);
  }
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case kNumber: return row.number;
    case kHits: return row.hits;
    case kAddress: return QString("%1").arg(row.site.address, 16, 16, QLatin1Char('0'));
    case kFunction: {
      QString function = QString::fromStdString(row.site.function);
      if (row.site.inlined) function += " [inlined]";
      if (row.site.module != "vmlinux")
        function += " [" + QString::fromStdString(row.site.module) + "]";
      return function;
    }
    case kWhere:
      return row.site.file.empty()
                 ? QString()
                 : QString("%1:%2").arg(QString::fromStdString(row.site.file)).arg(row.site.line);
    case kLocation: return row.location;
    default: return {};
  }
}

QVariant BreakpointsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kNumber: return "Num";
    case kHits: return "Hits";
    case kAddress: return "Address";
    case kFunction: return "Function";
    case kWhere: return "File:Line";
    case kLocation: return "Set at";
    default: return {};
  }
}

}  // namespace seam::gui

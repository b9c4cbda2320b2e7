#include "gui/log_model.h"

#include <QBrush>
#include <QColor>
#include <QString>

namespace seam::gui {
namespace {

constexpr const char* kLevelNames[] = {"emerg",   "alert",  "crit", "err",
                                       "warning", "notice", "info", "debug"};
constexpr int kErrLevel = 3;

}  // namespace

void LogModel::set_records(std::vector<engine::LogRecord> records) {
  beginResetModel();
  records_ = std::move(records);
  endResetModel();
}

int LogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(records_.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const engine::LogRecord& record = records_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kTime:
          // "[   12.345678]", as dmesg.
          return QString("[%1.%2]")
              .arg(record.timestamp_ns / 1000000000, 5)
              .arg(record.timestamp_ns / 1000 % 1000000, 6, 10, QChar('0'));
        case kLevel:
          if (record.level >= 0 && record.level < 8) return QString(kLevelNames[record.level]);
          return record.level;
        case kText: {
          QString text = QString::fromStdString(record.text);
          while (text.endsWith('\n')) text.chop(1);
          return text;
        }
      }
      return {};
    case Qt::ForegroundRole:
      if (record.level <= kErrLevel) return QBrush(QColor(170, 0, 0));
      return {};
  }
  return {};
}

QVariant LogModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kTime: return QStringLiteral("Time");
    case kLevel: return QStringLiteral("Level");
    case kText: return QStringLiteral("Message");
  }
  return {};
}

}  // namespace seam::gui

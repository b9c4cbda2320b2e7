#include "gui/log_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QString>

#include "engine/log_format.h"
#include "gui/theme.h"

namespace seam::gui {
namespace {

constexpr int kCritLevel = 2;
constexpr int kErrLevel = 3;
constexpr int kWarningLevel = 4;
constexpr int kNoticeLevel = 5;
constexpr int kDebugLevel = 7;

QString to_qstring(std::string_view text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

}  // namespace

LogModel::LogModel(QObject* parent) : QAbstractTableModel(parent) {
  set_palette(QPalette());  // the application's, until a view gives its own
}

void LogModel::set_records(std::vector<engine::LogRecord> records) {
  beginResetModel();
  records_ = std::move(records);
  messages_.clear();
  messages_.reserve(records_.size());
  for (const engine::LogRecord& record : records_) messages_.push_back(to_qstring(record.text));
  endResetModel();
}

void LogModel::set_palette(const QPalette& palette) {
  dark_ = is_dark(palette);
  error_colour_ = highlight_colour(ColourRole::kErrorText, palette);
  if (rowCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, kColumnCount - 1));
}

void LogModel::set_highlight(const QRegularExpression& expression) {
  highlight_ = expression;
  if (rowCount() > 0) emit dataChanged(index(0, 0), index(rowCount() - 1, kColumnCount - 1));
}

bool LogModel::matches(int row, const QRegularExpression& expression) const {
  if (row < 0 || row >= rowCount() || expression.pattern().isEmpty() || !expression.isValid()) {
    return false;
  }
  return expression.match(messages_[row]).hasMatch();
}

int LogModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(records_.size());
}

int LogModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

// dmesg --color's choice (util-linux lib/colors.c): emerg, alert and crit
// bold red, err red, warning yellow, notice bold, info plain, debug dim. A
// pure yellow or a dark red is unreadable on one of the backgrounds, so each
// has a light-background and a dark-background shade; the red is the
// window's error colour (gui/theme.h).
QVariant LogModel::foreground(int level) const {
  if (level <= kErrLevel) return QBrush(error_colour_);
  if (level == kWarningLevel) return QBrush(dark_ ? QColor(255, 200, 70) : QColor(160, 90, 0));
  if (level == kDebugLevel) return QBrush(dark_ ? QColor(150, 150, 150) : QColor(115, 115, 115));
  return {};  // notice (bold) and info: the palette's text colour
}

QVariant LogModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const engine::LogRecord& record = records_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kTime: return to_qstring(engine::log_timestamp(record.timestamp_ns));
        case kLevel: {
          std::string_view name = engine::log_level_name(record.level);
          return name.empty() ? QString::number(record.level) : to_qstring(name);
        }
        case kText: return messages_[index.row()];
      }
      return {};
    case Qt::ToolTipRole:
      // A multi-line record (a register dump) shows whole on hover.
      if (index.column() == kText && messages_[index.row()].contains('\n')) {
        return messages_[index.row()];
      }
      return {};
    case Qt::ForegroundRole: return foreground(record.level);
    case Qt::FontRole:
      if (record.level <= kCritLevel || record.level == kNoticeLevel) {
        QFont bold;
        bold.setBold(true);
        return bold;
      }
      return {};
    case Qt::BackgroundRole:
      if (matches(index.row(), highlight_)) {
        return QBrush(dark_ ? QColor(90, 80, 20) : QColor(255, 240, 150));
      }
      return {};
    case kLineRole: return to_qstring(engine::log_line(record));
    case kLevelRole: return record.level;
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

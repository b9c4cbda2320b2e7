#include "gui/backtrace_model.h"

#include <QBrush>
#include <QColor>
#include <QFont>

#include "gui/theme.h"

namespace seam::gui {

QString language_badge(const std::string& language) {
  if (language == "c") return QStringLiteral("C");
  if (language == "rust") return QStringLiteral("Rust");
  if (language == "c++") return QStringLiteral("C++");
  return QString::fromStdString(language);
}

void BacktraceModel::set_backtrace(engine::Backtrace backtrace) {
  beginResetModel();
  backtrace_ = std::move(backtrace);
  rows_.clear();
  for (size_t i = 0; i < backtrace_.frames.size(); ++i) {
    const engine::Frame& frame = backtrace_.frames[i];
    if (frame.boundary) rows_.push_back({-1, QString::fromStdString(frame.boundary_text)});
    rows_.push_back({static_cast<int>(i), {}});
  }
  endResetModel();
}

const engine::Frame* BacktraceModel::frame_at(int row) const {
  if (row < 0 || row >= static_cast<int>(rows_.size()) || rows_[row].frame < 0) return nullptr;
  return &backtrace_.frames[rows_[row].frame];
}

int BacktraceModel::first_frame_row() const {
  for (size_t row = 0; row < rows_.size(); ++row) {
    if (rows_[row].frame >= 0) return static_cast<int>(row);
  }
  return -1;
}

int BacktraceModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int BacktraceModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : kColumnCount;
}

namespace {

QString function_text(const engine::Frame& frame) {
  // The user-space end of a stack has no function: its boundary row says where it was.
  if (frame.function.empty()) {
    return frame.module == "user" ? QStringLiteral("(user space)") : QStringLiteral("??");
  }
  QString text = QString::fromStdString(frame.function);
  if (!frame.inlined && frame.offset) text += QString("+0x%1").arg(frame.offset, 0, 16);
  return text;
}

QString source_text(const engine::Frame& frame) {
  if (frame.file.empty()) return {};
  QString text = QString::fromStdString(frame.file);
  if (frame.line > 0) text += QString(":%1").arg(frame.line);
  return text;
}

}  // namespace

QVariant BacktraceModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const Row& row = rows_[index.row()];
  if (row.frame < 0) {  // a pt_regs boundary
    switch (role) {
      case Qt::DisplayRole:
        return index.column() == kFunction ? QString("[%1]").arg(row.boundary) : QVariant();
      case Qt::ToolTipRole:
        return QStringLiteral("The registers below come from a struct pt_regs on the stack");
      case Qt::FontRole: {
        QFont font;
        font.setItalic(true);
        return font;
      }
      case Qt::BackgroundRole: return QBrush(highlight_colour(ColourRole::kBoundaryRow));
    }
    return {};
  }
  const engine::Frame& frame = backtrace_.frames[row.frame];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case kIndex: return QString("#%1").arg(frame.index);
        case kLanguage: return language_badge(frame.language);
        case kInlined: return frame.inlined ? QStringLiteral("inline") : QString();
        case kFunction: return function_text(frame);
        case kModule: return QString::fromStdString(frame.module);
        case kSource: return source_text(frame);
      }
      return {};
    case Qt::ToolTipRole:
      switch (index.column()) {
        case kIndex:
          return QString("pc 0x%1, sp 0x%2, unwound by %3")
              .arg(frame.pc, 16, 16, QChar('0'))
              .arg(frame.sp, 16, 16, QChar('0'))
              .arg(QString::fromStdString(frame.unwound_by));
        case kInlined:
          return frame.inlined ? QStringLiteral("inlined into the frame below") : QVariant();
        case kFunction:
          if (!frame.linkage_name.empty()) return QString::fromStdString(frame.linkage_name);
          return {};
        case kSource:
          if (frame.column > 0) return source_text(frame) + QString(":%1").arg(frame.column);
          return {};
      }
      return {};
  }
  return {};
}

QVariant BacktraceModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case kIndex: return QStringLiteral("#");
    case kLanguage: return QStringLiteral("Language");
    case kInlined: return QStringLiteral("Inlined");
    case kFunction: return QStringLiteral("Function");
    case kModule: return QStringLiteral("Module");
    case kSource: return QStringLiteral("Source");
  }
  return {};
}

}  // namespace seam::gui

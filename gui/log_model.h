// LogModel: the kernel log, one row per record (time, level, message), as
// `seam log` prints it (engine/log_format.h: time + " " + message is the
// line), coloured by level as `dmesg --color` does, rows matching a search
// highlighted.
//
//   LogModel model;
//   model.set_records(loaded->log);
//   model.set_palette(view->palette());   // colours that read on it
//   model.set_highlight(QRegularExpression("sysrq", CaseInsensitiveOption));
//   QString line = model.data(model.index(0, 0), LogModel::kLineRole).toString();
#pragma once

#include <QAbstractTableModel>
#include <QColor>
#include <QPalette>
#include <QRegularExpression>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class LogModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kTime, kLevel, kText, kColumnCount };
  enum Role {
    kLineRole = Qt::UserRole,  // the record as `seam log` prints it (any column)
    kLevelRole,                // the printk level, 0 (emerg) .. 7 (debug)
  };

  explicit LogModel(QObject* parent = nullptr);

  void set_records(std::vector<engine::LogRecord> records);
  // The colours are chosen to read on `palette` (gui/theme.h: dark or light).
  void set_palette(const QPalette& palette);
  // Rows whose message matches get a highlighted background; an empty or
  // invalid expression highlights nothing.
  void set_highlight(const QRegularExpression& expression);
  // Whether the message of `row` matches `expression` (what set_highlight marks).
  bool matches(int row, const QRegularExpression& expression) const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  QVariant foreground(int level) const;

  std::vector<engine::LogRecord> records_;
  std::vector<QString> messages_;  // records_[i].text, converted once for searching
  bool dark_ = false;
  QColor error_colour_;  // theme.h's kErrorText for the palette
  QRegularExpression highlight_;
};

}  // namespace seam::gui

// BacktraceModel: one row per frame of a Backtrace (language, inline marker,
// demangled name with the linkage name as tooltip, module, file:line), and a
// row of its own before each frame whose registers came from a pt_regs (an
// exception, an interrupt, the entry from user space).
//
//   BacktraceModel model;
//   model.set_backtrace(*session->backtrace({.pid = 1, .variables = true}));
//   if (const engine::Frame* frame = model.frame_at(row)) show(frame->locals);
#pragma once

#include <QAbstractTableModel>
#include <QString>
#include <vector>

#include "engine/session.h"

namespace seam::gui {

class BacktraceModel : public QAbstractTableModel {
  Q_OBJECT
 public:
  enum Column { kIndex, kLanguage, kInlined, kFunction, kModule, kSource, kColumnCount };

  explicit BacktraceModel(QObject* parent = nullptr) : QAbstractTableModel(parent) {}

  void set_backtrace(engine::Backtrace backtrace);
  void clear() { set_backtrace({}); }
  const engine::Backtrace& backtrace() const { return backtrace_; }
  // The frame of a row; null for a boundary row.
  const engine::Frame* frame_at(int row) const;
  // The row of the first frame, -1 if there is none.
  int first_frame_row() const;

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

 private:
  struct Row {
    int frame = -1;    // index into backtrace_.frames, -1 for a boundary row
    QString boundary;  // "exception RIP: ...", "user space: RIP ... RSP ..."
  };

  engine::Backtrace backtrace_;
  std::vector<Row> rows_;
};

// "C", "Rust", "C++", "asm": the badge of a frame's language.
QString language_badge(const std::string& language);

}  // namespace seam::gui

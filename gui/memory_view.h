// MemoryView: the Memory dock's content. An address line (hex, or an
// expression such as "linux_banner" or "panic+0x10", evaluated by the
// Session), a line for what went wrong, and a MemoryModel table; double-click
// on a word, or its context action, follows it as a pointer.
//
//   auto* memory = new MemoryView(loaded, parent);
//   memory->go_to("linux_banner");  // as pressing Return in the line does
//   memory->error_text();           // "" or why the expression failed
#pragma once

#include <QString>
#include <QWidget>
#include <cstdint>
#include <memory>

#include "gui/session_loader.h"

class QLabel;
class QLineEdit;
class QTableView;

namespace seam::gui {

class MemoryModel;

class MemoryView : public QWidget {
  Q_OBJECT
 public:
  explicit MemoryView(std::shared_ptr<LoadedSession> loaded, QWidget* parent = nullptr);

  // Evaluates `expression` and shows the memory there; false (and the error
  // line says why) when it cannot be evaluated.
  bool go_to(const QString& expression);
  void go_to_address(uint64_t address);
  // Follows the 8-byte word of a kWord0/kWord1 cell; false when it was not read.
  bool follow_pointer(const QModelIndex& index);
  // Reads the rows shown again: a live guest ran, or they were shown while it ran.
  void reread();

  QString error_text() const;
  const MemoryModel& model() const { return *model_; }
  QLineEdit* address_line() const { return address_; }
  QTableView* table() const { return table_; }

 private:
  void show_context_menu(const QPoint& position);

  std::shared_ptr<LoadedSession> loaded_;
  MemoryModel* model_ = nullptr;
  QLineEdit* address_ = nullptr;
  QLabel* error_ = nullptr;
  QTableView* table_ = nullptr;
};

}  // namespace seam::gui

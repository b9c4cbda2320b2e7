// DisassemblyView: the function around an address, one instruction a row
// (address, <symbol+offset>, instruction with its branch target named,
// source line), the asked row highlighted and centred. Activating a row with
// a branch target (double-click, Enter) shows the code there; Back (Alt+Left)
// returns. Reads through Session::disassemble under LoadedSession::session_lock,
// never waiting for it (a running live guest holds it): a busy session is an error line.
//
//   auto* code = new DisassemblyView(loaded, parent);
//   code->show_pc(frame->pc);           // the frame's function, its pc highlighted
//   code->highlighted_row();            // the pc's row
//   code->set_banner("source not available: drivers/tty/sysrq.c");  // a line above
#pragma once

#include <QString>
#include <QWidget>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/session.h"
#include "gui/session_loader.h"

class QLabel;
class QTableWidget;
class QToolButton;

namespace seam::gui {

class DisassemblyView : public QWidget {
  Q_OBJECT
 public:
  enum Column { kAddress, kLocation, kInstruction, kSource, kColumnCount };

  explicit DisassemblyView(std::shared_ptr<LoadedSession> loaded, QWidget* parent = nullptr);

  // The function holding `pc` (else instructions around it), its row
  // highlighted; 0 empties the view. Forgets the Back history.
  void show_pc(uint64_t pc);
  // The same for an address reached by following a branch: Back returns.
  // False (and the error line says why) when it cannot be disassembled.
  bool show_address(uint64_t address);
  // Follows the branch target of a row; false when the row has none.
  bool follow_target(int row);
  // To the code shown before the last follow_target; false if there is none.
  bool go_back();
  // A line shown above the listing ("" hides it): the centre's fallback
  // keeps the source view's "source not available" message there.
  void set_banner(const QString& text);

  int row_count() const;
  int highlighted_row() const { return highlighted_row_; }
  // The instruction column's text of a row, as engine::instruction_text gives it.
  QString instruction_text(int row) const;
  const engine::Disassembly& disassembly() const { return disassembly_; }
  QString error_text() const;
  QString banner_text() const;
  QTableWidget* table() const { return table_; }

 private:
  bool load(uint64_t address);
  void fill_table();

  std::shared_ptr<LoadedSession> loaded_;
  QLabel* banner_ = nullptr;
  QToolButton* back_ = nullptr;
  QLabel* title_ = nullptr;
  QLabel* error_ = nullptr;
  QTableWidget* table_ = nullptr;
  engine::Disassembly disassembly_;
  int highlighted_row_ = -1;
  std::vector<uint64_t> history_;  // addresses shown before each follow_target
  uint64_t shown_address_ = 0;
};

}  // namespace seam::gui

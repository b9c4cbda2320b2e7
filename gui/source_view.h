// SourceView: a read-only view of a frame's source file, with line numbers
// and the frame's line highlighted and centred. The DWARF path is mapped to a
// local file through the source roots (locate_source); without one the view
// says which path it could not find and how to add a root.
//
//   auto* view = new SourceView(parent);
//   view->set_roots({"/src/linux-6.1"});
//   view->show_location(frame->file, frame->line);
//   view->shown_file();  // "/src/linux-6.1/drivers/tty/sysrq.c", "" if not found
//
// The gutter left of the text also shows breakpoints (red dots) and inlined
// call sites (a small "ƒ", its tooltip naming the callee); in live mode a
// click on a line number asks for a breakpoint there to be toggled:
//
//   view->set_breakpoints_enabled(true);
//   connect(view, &SourceView::breakpoint_toggle_requested, [&](int line) { ... });
//   view->set_breakpoint_lines({637});
//   view->set_inline_marks({{640, "file_ppos"}});  // after show_location: for the file shown
#pragma once

#include <QPlainTextEdit>
#include <QRect>
#include <QString>
#include <filesystem>
#include <string>
#include <vector>

namespace seam::gui {

// An inlined call site: `line` of the file shown calls `callee` inlined.
struct InlineMark {
  int line = 0;
  QString callee;
};

class SourceView : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit SourceView(QWidget* parent = nullptr);

  // Shows the location again with the new roots.
  void set_roots(std::vector<std::filesystem::path> roots);
  const std::vector<std::filesystem::path>& roots() const { return roots_; }
  // `file` as DWARF has it ("" for no location: the view empties); `line` 1-based, 0 for none.
  // Showing another file drops the inline marks (they were the old file's).
  void show_location(const std::string& file, int line);

  // The local file shown, "" when a message is shown instead.
  QString shown_file() const { return shown_file_; }
  // The DWARF path of the file shown ("" when none is): what breakpoints are set by.
  std::string dwarf_file() const { return shown_file_.isEmpty() ? std::string() : file_; }
  // The highlighted line (1-based), 0 if none.
  int highlighted_line() const { return highlighted_line_; }
  // The line of the text cursor (1-based), 0 when no file is shown.
  int cursor_line() const;

  // Gutter clicks emit breakpoint_toggle_requested (live mode only).
  void set_breakpoints_enabled(bool enabled);
  // The lines of the file shown that have a breakpoint.
  void set_breakpoint_lines(std::vector<int> lines);
  const std::vector<int>& breakpoint_lines() const { return breakpoint_lines_; }
  // Inlined call sites of the file shown; lines past its end are ignored.
  void set_inline_marks(std::vector<InlineMark> marks);
  const std::vector<InlineMark>& inline_marks() const { return inline_marks_; }
  // The gutter's tooltip for a line: "inlined: f()", "" when there is none.
  QString gutter_tooltip(int line) const;

  // The gutter, and where a line is in it (empty when the line is not on screen).
  QWidget* gutter() const { return gutter_; }
  QRect gutter_line_rect(int line) const;
  // The line at a height of the gutter, 0 when there is none.
  int gutter_line_at(int y) const;

  // The gutter paints and is clicked through these.
  int gutter_width() const;
  void paint_gutter(QPaintEvent* event);
  void gutter_pressed(int y);

 signals:
  // A click on a line number in live mode: set or delete a breakpoint at `line` of dwarf_file().
  void breakpoint_toggle_requested(int line);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void show_message(const QString& message);
  void highlight(int line);
  int marker_width() const;

  QWidget* gutter_ = nullptr;
  std::vector<std::filesystem::path> roots_;
  std::string file_;  // the DWARF path of the location shown
  int line_ = 0;
  QString shown_file_;
  int highlighted_line_ = 0;
  bool breakpoints_enabled_ = false;
  std::vector<int> breakpoint_lines_;  // sorted
  std::vector<InlineMark> inline_marks_;
};

}  // namespace seam::gui

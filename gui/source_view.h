// SourceView: a read-only view of a frame's source file, with line numbers
// and the frame's line highlighted and centred. The DWARF path is mapped to a
// local file through the source roots (locate_source); without one the view
// says which path it could not find and how to add a root.
//
//   auto* view = new SourceView(parent);
//   view->set_roots({"/src/linux-6.1"});
//   view->show_location(frame->file, frame->line);
//   view->shown_file();  // "/src/linux-6.1/drivers/tty/sysrq.c", "" if not found
#pragma once

#include <QPlainTextEdit>
#include <QString>
#include <filesystem>
#include <string>
#include <vector>

namespace seam::gui {

class SourceView : public QPlainTextEdit {
  Q_OBJECT
 public:
  explicit SourceView(QWidget* parent = nullptr);

  // Shows the location again with the new roots.
  void set_roots(std::vector<std::filesystem::path> roots);
  const std::vector<std::filesystem::path>& roots() const { return roots_; }
  // `file` as DWARF has it ("" for no location: the view empties); `line` 1-based, 0 for none.
  void show_location(const std::string& file, int line);

  // The local file shown, "" when a message is shown instead.
  QString shown_file() const { return shown_file_; }
  // The highlighted line (1-based), 0 if none.
  int highlighted_line() const { return highlighted_line_; }

  // The margin with the line numbers paints through these.
  int line_number_width() const;
  void paint_line_numbers(QPaintEvent* event);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void show_message(const QString& message);
  void highlight(int line);

  QWidget* line_numbers_ = nullptr;
  std::vector<std::filesystem::path> roots_;
  std::string file_;  // the DWARF path of the location shown
  int line_ = 0;
  QString shown_file_;
  int highlighted_line_ = 0;
};

}  // namespace seam::gui

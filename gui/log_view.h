// LogView: the Log pane — the kernel log as a table, a level filter, and a
// search box.
//
//   auto* view = new LogView(log_model, parent);
//   view->set_max_level(3);            // "err and worse"
//   view->search("sysrq");             // selects the first match; "1/10"
//   view->find_next();                 // Enter or F3; Shift+Enter/Shift+F3: find_previous()
//
// Keys, while the pane has focus: Ctrl+F goes to the search box, F3 and
// Shift+F3 move between matches (Enter and Shift+Enter in the box too),
// Escape in the box goes back to the table. Searching is case-insensitive,
// over the message, of the records the level filter shows; "Regex" makes the
// text a regular expression.
#pragma once

#include <QRegularExpression>
#include <QWidget>
#include <vector>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace seam::gui {

class LogModel;

class LogView : public QWidget {
  Q_OBJECT
 public:
  // `model` is borrowed: it must outlive the view.
  explicit LogView(LogModel* model, QWidget* parent = nullptr);

  // Records of `level` or more urgent only (0 emerg .. 7 debug: all).
  void set_max_level(int level);
  int max_level() const;
  // Searches for `text` (as typed in the box) and selects the first match.
  void search(const QString& text);
  void set_regex(bool regex);
  void find_next();
  void find_previous();
  void scroll_to_end();

  int match_count() const { return static_cast<int>(matches_.size()); }
  // The selected match, 0-based; -1 when there is none.
  int current_match() const { return current_; }
  // "3/17", "0/0", or why the expression is invalid.
  QString match_text() const;
  // The LogModel row of the current table row; -1 when none.
  int current_record() const;
  // The rows shown, after the level filter (a proxy of the LogModel).
  const QSortFilterProxyModel& shown() const { return *filter_; }
  QTableView* table() const { return table_; }
  QLineEdit* search_box() const { return search_; }
  QComboBox* level_box() const { return levels_; }

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  void update_matches();
  void go_to_match(int match);
  void show_count();
  void follow_palette();
  void fit_multiline_rows();

  LogModel* model_;
  QSortFilterProxyModel* filter_ = nullptr;
  QTableView* table_ = nullptr;
  QLineEdit* search_ = nullptr;
  QCheckBox* regex_ = nullptr;
  QComboBox* levels_ = nullptr;
  QLabel* count_ = nullptr;
  QRegularExpression expression_;
  std::vector<int> matches_;  // rows of filter_ whose message matches
  int current_ = -1;
};

}  // namespace seam::gui

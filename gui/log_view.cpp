#include "gui/log_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "engine/log_format.h"
#include "gui/log_model.h"
#include "gui/read_only_table.h"

namespace seam::gui {
namespace {

constexpr int kAllLevels = 7;

// Rows of records of a level at most max_level (more urgent is lower).
class LevelFilter : public QSortFilterProxyModel {
 public:
  using QSortFilterProxyModel::QSortFilterProxyModel;

  int max_level() const { return max_level_; }
  void set_max_level(int level) {
    if (level == max_level_) return;
    max_level_ = level;
    invalidateFilter();
  }

 protected:
  bool filterAcceptsRow(int source_row, const QModelIndex& source_parent) const override {
    QModelIndex index = sourceModel()->index(source_row, 0, source_parent);
    return sourceModel()->data(index, LogModel::kLevelRole).toInt() <= max_level_;
  }

 private:
  int max_level_ = kAllLevels;
};

LevelFilter& level_filter(QSortFilterProxyModel& filter) {
  return static_cast<LevelFilter&>(filter);
}

bool is_return(const QKeyEvent& key) {
  return key.key() == Qt::Key_Return || key.key() == Qt::Key_Enter;
}

}  // namespace

LogView::LogView(LogModel* model, QWidget* parent) : QWidget(parent), model_(model) {
  filter_ = new LevelFilter(this);
  filter_->setSourceModel(model_);

  search_ = new QLineEdit(this);
  search_->setPlaceholderText(
      "Search the log (Ctrl+F; Enter/F3: next, Shift+Enter/Shift+F3: previous)");
  search_->setClearButtonEnabled(true);
  search_->installEventFilter(this);
  regex_ = new QCheckBox("Regex", this);
  regex_->setToolTip("Search with a regular expression (always case-insensitive)");
  count_ = new QLabel(this);
  count_->setMinimumWidth(count_->fontMetrics().horizontalAdvance("00000/00000"));
  levels_ = new QComboBox(this);
  levels_->setToolTip("Show only records of this level or more urgent");
  levels_->addItem("All levels", kAllLevels);
  for (int level = kAllLevels - 1; level > 0; --level) {
    std::string_view name = engine::log_level_name(level);
    levels_->addItem(
        QString::fromUtf8(name.data(), static_cast<qsizetype>(name.size())) + " and worse", level);
  }
  levels_->addItem("emerg only", 0);

  table_ = new QTableView(this);
  table_->setModel(filter_);
  set_up_read_only_table(table_);
  table_->resizeColumnsToContents();

  auto* bar = new QHBoxLayout;
  bar->setContentsMargins(0, 0, 0, 0);
  bar->addWidget(search_, 1);
  bar->addWidget(regex_);
  bar->addWidget(count_);
  bar->addWidget(levels_);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(bar);
  layout->addWidget(table_);

  connect(search_, &QLineEdit::textChanged, this, &LogView::update_matches);
  connect(regex_, &QCheckBox::toggled, this, &LogView::update_matches);
  connect(levels_, &QComboBox::currentIndexChanged, this,
          [this](int item) { set_max_level(levels_->itemData(item).toInt()); });
  // The pane's keys: they act wherever the focus is inside the pane.
  auto* find = new QShortcut(QKeySequence::Find, this);
  find->setContext(Qt::WidgetWithChildrenShortcut);
  connect(find, &QShortcut::activated, this, [this] {
    search_->setFocus(Qt::ShortcutFocusReason);
    search_->selectAll();
  });
  auto* next = new QShortcut(QKeySequence(Qt::Key_F3), this);
  next->setContext(Qt::WidgetWithChildrenShortcut);
  connect(next, &QShortcut::activated, this, &LogView::find_next);
  auto* previous = new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F3), this);
  previous->setContext(Qt::WidgetWithChildrenShortcut);
  connect(previous, &QShortcut::activated, this, &LogView::find_previous);

  // New records (a live guest's log read again): the rows, and so the matches, changed.
  connect(model_, &QAbstractItemModel::modelReset, this, [this] {
    fit_multiline_rows();
    update_matches();
  });
  follow_palette();
  fit_multiline_rows();
  show_count();
}

// A record of several lines (a register dump) gets a row tall enough for all.
void LogView::fit_multiline_rows() {
  for (int row = 0; row < filter_->rowCount(); ++row) {
    if (filter_->index(row, LogModel::kText).data().toString().contains('\n')) {
      table_->resizeRowToContents(row);
    }
  }
}

void LogView::set_max_level(int level) {
  level = std::clamp(level, 0, kAllLevels);
  level_filter(*filter_).set_max_level(level);
  fit_multiline_rows();
  if (int item = levels_->findData(level); item >= 0 && item != levels_->currentIndex()) {
    levels_->setCurrentIndex(item);  // comes back here with the same level: a no-op
  }
  // The matches were rows of the old filter.
  if (!search_->text().isEmpty()) {
    update_matches();
  } else {
    scroll_to_end();
  }
}

int LogView::max_level() const {
  return level_filter(*filter_).max_level();
}

void LogView::search(const QString& text) {
  if (search_->text() == text) {
    update_matches();
  } else {
    search_->setText(text);  // textChanged: update_matches
  }
}

void LogView::set_regex(bool regex) {
  regex_->setChecked(regex);
}

void LogView::update_matches() {
  matches_.clear();
  current_ = -1;
  QString text = search_->text();
  expression_ = QRegularExpression();
  if (!text.isEmpty()) {
    expression_ = QRegularExpression(regex_->isChecked() ? text : QRegularExpression::escape(text),
                                     QRegularExpression::CaseInsensitiveOption);
  }
  model_->set_highlight(expression_);
  if (!text.isEmpty() && expression_.isValid()) {
    for (int row = 0; row < filter_->rowCount(); ++row) {
      if (model_->matches(filter_->mapToSource(filter_->index(row, 0)).row(), expression_)) {
        matches_.push_back(row);
      }
    }
  }
  if (!matches_.empty()) {
    go_to_match(0);
  } else {
    show_count();
  }
}

// From the table's current row, so that a row clicked between searches is
// where the next one starts; around the end to the other end.
void LogView::find_next() {
  if (matches_.empty()) return;
  int row = table_->currentIndex().row();
  auto after = std::upper_bound(matches_.begin(), matches_.end(), row);
  go_to_match(after == matches_.end() ? 0 : static_cast<int>(after - matches_.begin()));
}

void LogView::find_previous() {
  if (matches_.empty()) return;
  int row = table_->currentIndex().isValid() ? table_->currentIndex().row() : filter_->rowCount();
  auto before = std::lower_bound(matches_.begin(), matches_.end(), row);
  go_to_match(before == matches_.begin() ? match_count() - 1
                                         : static_cast<int>(before - matches_.begin()) - 1);
}

void LogView::go_to_match(int match) {
  current_ = match;
  QModelIndex index = filter_->index(matches_[match], LogModel::kText);
  table_->setCurrentIndex(index);
  table_->scrollTo(index, QAbstractItemView::PositionAtCenter);
  show_count();
}

void LogView::scroll_to_end() {
  table_->scrollToBottom();
}

QString LogView::match_text() const {
  if (!search_->text().isEmpty() && !expression_.isValid()) {
    return "bad regex: " + expression_.errorString();
  }
  return QString("%1/%2").arg(current_ + 1).arg(match_count());
}

int LogView::current_record() const {
  QModelIndex index = table_->currentIndex();
  return index.isValid() ? filter_->mapToSource(index).row() : -1;
}

void LogView::show_count() {
  count_->setText(search_->text().isEmpty() ? QString() : match_text());
}

bool LogView::eventFilter(QObject* watched, QEvent* event) {
  if (watched == search_ && event->type() == QEvent::KeyPress) {
    const auto& key = static_cast<const QKeyEvent&>(*event);
    if (is_return(key)) {
      if (key.modifiers() & Qt::ShiftModifier) {
        find_previous();
      } else {
        find_next();
      }
      return true;
    }
    if (key.key() == Qt::Key_Escape) {
      table_->setFocus(Qt::OtherFocusReason);
      return true;
    }
  }
  return QWidget::eventFilter(watched, event);
}

void LogView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange) follow_palette();
  QWidget::changeEvent(event);
}

// The level colours have a shade for each kind of background.
void LogView::follow_palette() {
  model_->set_palette(table_->palette());
}

}  // namespace seam::gui

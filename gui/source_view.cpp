#include "gui/source_view.h"

#include <QFile>
#include <QFontDatabase>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>

#include "gui/source_locator.h"

namespace seam::gui {
namespace {

// The margin left of the text, painted by the view (QPlainTextEdit has none).
class LineNumbers : public QWidget {
 public:
  explicit LineNumbers(SourceView* view) : QWidget(view), view_(view) {}
  QSize sizeHint() const override { return {view_->line_number_width(), 0}; }

 protected:
  void paintEvent(QPaintEvent* event) override { view_->paint_line_numbers(event); }

 private:
  SourceView* view_;
};

}  // namespace

SourceView::SourceView(QWidget* parent) : QPlainTextEdit(parent) {
  setReadOnly(true);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  line_numbers_ = new LineNumbers(this);
  auto update_width = [this] { setViewportMargins(line_number_width(), 0, 0, 0); };
  connect(this, &QPlainTextEdit::blockCountChanged, this, update_width);
  connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
    if (dy != 0) {
      line_numbers_->scroll(0, dy);
    } else {
      line_numbers_->update(0, rect.y(), line_numbers_->width(), rect.height());
    }
  });
  update_width();
}

void SourceView::set_roots(std::vector<std::filesystem::path> roots) {
  roots_ = std::move(roots);
  std::string file = std::move(file_);
  file_.clear();  // forces a reload
  show_location(file, line_);
}

void SourceView::show_location(const std::string& file, int line) {
  line_ = line;
  if (file == file_ && !shown_file_.isEmpty()) {  // another frame in the same file
    highlight(line);
    return;
  }
  file_ = file;
  shown_file_.clear();
  if (file.empty()) {
    show_message(QString());
    return;
  }
  std::optional<std::filesystem::path> local = locate_source(file, roots_);
  if (!local) {
    show_message(QString("source not available: %1\n\n(add a source root: "
                         "seam-gui --source-root DIR, or File > Add Source Root...; "
                         "the path is tried under each root without its leading "
                         "directories, one at a time)")
                     .arg(QString::fromStdString(file)));
    return;
  }
  QString path = QString::fromStdString(local->string());
  QFile source(path);
  if (!source.open(QIODevice::ReadOnly | QIODevice::Text)) {
    show_message(QString("cannot read %1: %2").arg(path, source.errorString()));
    return;
  }
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setPlainText(QString::fromUtf8(source.readAll()));
  shown_file_ = path;
  highlight(line);
}

void SourceView::show_message(const QString& message) {
  setLineWrapMode(QPlainTextEdit::WidgetWidth);  // a sentence, not code
  setPlainText(message);
  setExtraSelections({});
  highlighted_line_ = 0;
}

void SourceView::highlight(int line) {
  QTextBlock block = document()->findBlockByNumber(line - 1);
  if (line <= 0 || !block.isValid()) {
    setExtraSelections({});
    highlighted_line_ = 0;
    return;
  }
  QTextEdit::ExtraSelection selection;
  selection.format.setBackground(palette().highlight().color().lighter(160));
  selection.format.setProperty(QTextFormat::FullWidthSelection, true);
  selection.cursor = QTextCursor(block);
  setExtraSelections({selection});
  setTextCursor(selection.cursor);
  centerCursor();
  highlighted_line_ = line;
}

int SourceView::line_number_width() const {
  int digits = QString::number(std::max(1, blockCount())).size();
  return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

void SourceView::paint_line_numbers(QPaintEvent* event) {
  QPainter painter(line_numbers_);
  painter.fillRect(event->rect(), palette().window());
  if (shown_file_.isEmpty()) return;  // a message has no line numbers
  QTextBlock block = firstVisibleBlock();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  int height = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    if (block.isVisible()) {
      int number = block.blockNumber() + 1;
      painter.setPen(number == highlighted_line_ ? palette().text().color()
                                                 : palette().placeholderText().color());
      painter.drawText(0, top, line_numbers_->width() - 4, height, Qt::AlignRight,
                       QString::number(number));
    }
    top += qRound(blockBoundingRect(block).height());
    block = block.next();
  }
}

void SourceView::resizeEvent(QResizeEvent* event) {
  QPlainTextEdit::resizeEvent(event);
  QRect area = contentsRect();
  line_numbers_->setGeometry(area.left(), area.top(), line_number_width(), area.height());
}

}  // namespace seam::gui

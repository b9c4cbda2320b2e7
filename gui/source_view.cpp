#include "gui/source_view.h"

#include <QFile>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolTip>
#include <algorithm>

#include "gui/source_locator.h"
#include "gui/theme.h"

namespace seam::gui {
namespace {

// The margin left of the text, painted by the view (QPlainTextEdit has none).
class Gutter : public QWidget {
 public:
  explicit Gutter(SourceView* view) : QWidget(view), view_(view) {}
  QSize sizeHint() const override { return {view_->gutter_width(), 0}; }

 protected:
  void paintEvent(QPaintEvent* event) override { view_->paint_gutter(event); }
  void mousePressEvent(QMouseEvent* event) override {
    if (event->button() == Qt::LeftButton) view_->gutter_pressed(qRound(event->position().y()));
  }
  bool event(QEvent* event) override {
    if (event->type() == QEvent::ToolTip) {
      auto* help = static_cast<QHelpEvent*>(event);
      QString tip = view_->gutter_tooltip(view_->gutter_line_at(help->pos().y()));
      if (tip.isEmpty()) {
        QToolTip::hideText();
      } else {
        QToolTip::showText(help->globalPos(), tip, this);
      }
      return true;
    }
    return QWidget::event(event);
  }

 private:
  SourceView* view_;
};

}  // namespace

SourceView::SourceView(QWidget* parent) : QPlainTextEdit(parent) {
  setReadOnly(true);
  setLineWrapMode(QPlainTextEdit::NoWrap);
  setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  gutter_ = new Gutter(this);
  auto update_width = [this] { setViewportMargins(gutter_width(), 0, 0, 0); };
  connect(this, &QPlainTextEdit::blockCountChanged, this, update_width);
  connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
    if (dy != 0) {
      gutter_->scroll(0, dy);
    } else {
      gutter_->update(0, rect.y(), gutter_->width(), rect.height());
    }
  });
  update_width();
}

void SourceView::set_roots(std::vector<std::filesystem::path> roots) {
  roots_ = std::move(roots);
  std::string file = std::move(file_);
  file_.clear();  // forces a reload
  std::vector<InlineMark> marks = std::move(inline_marks_);
  show_location(file, line_);
  inline_marks_ = std::move(marks);  // the same file: its marks still hold
}

void SourceView::show_location(const std::string& file, int line) {
  line_ = line;
  if (file == file_ && !shown_file_.isEmpty()) {  // another frame in the same file
    highlight(line);
    return;
  }
  if (file != file_) inline_marks_.clear();
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
  selection.format.setBackground(highlight_colour(ColourRole::kCurrentLine, palette()));
  selection.format.setProperty(QTextFormat::FullWidthSelection, true);
  selection.cursor = QTextCursor(block);
  setExtraSelections({selection});
  setTextCursor(selection.cursor);
  centerCursor();
  highlighted_line_ = line;
}

int SourceView::cursor_line() const {
  return shown_file_.isEmpty() ? 0 : textCursor().blockNumber() + 1;
}

void SourceView::set_breakpoints_enabled(bool enabled) {
  breakpoints_enabled_ = enabled;
  setViewportMargins(gutter_width(), 0, 0, 0);
  QRect area = contentsRect();
  gutter_->setGeometry(area.left(), area.top(), gutter_width(), area.height());
  gutter_->update();
}

void SourceView::set_breakpoint_lines(std::vector<int> lines) {
  std::sort(lines.begin(), lines.end());
  breakpoint_lines_ = std::move(lines);
  gutter_->update();
}

void SourceView::set_inline_marks(std::vector<InlineMark> marks) {
  inline_marks_ = std::move(marks);
  gutter_->update();
}

QString SourceView::gutter_tooltip(int line) const {
  if (line <= 0) return {};
  QStringList tips;
  for (const InlineMark& mark : inline_marks_) {
    if (mark.line == line) tips << "inlined: " + mark.callee + "()";
  }
  if (breakpoints_enabled_ &&
      std::binary_search(breakpoint_lines_.begin(), breakpoint_lines_.end(), line)) {
    tips << "breakpoint (click to delete)";
  }
  return tips.join('\n');
}

// One column for the breakpoint dots (live mode), one for the inline marks.
int SourceView::marker_width() const {
  return fontMetrics().height();
}

int SourceView::gutter_width() const {
  int digits = QString::number(std::max(1, blockCount())).size();
  int markers = (breakpoints_enabled_ ? 2 : 1) * marker_width();
  return markers + 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * digits;
}

QRect SourceView::gutter_line_rect(int line) const {
  if (shown_file_.isEmpty() || line <= 0) return {};
  QTextBlock block = document()->findBlockByNumber(line - 1);
  if (!block.isValid() || !block.isVisible()) return {};
  QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
  QRect rect(0, qRound(geometry.top()), gutter_->width(), qRound(geometry.height()));
  return rect.intersects(gutter_->rect()) ? rect : QRect();
}

int SourceView::gutter_line_at(int y) const {
  if (shown_file_.isEmpty()) return 0;
  for (QTextBlock block = firstVisibleBlock(); block.isValid(); block = block.next()) {
    QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
    if (geometry.top() > y) break;
    if (block.isVisible() && y < geometry.bottom()) return block.blockNumber() + 1;
  }
  return 0;
}

void SourceView::gutter_pressed(int y) {
  if (!breakpoints_enabled_) return;
  if (int line = gutter_line_at(y); line > 0) emit breakpoint_toggle_requested(line);
}

void SourceView::paint_gutter(QPaintEvent* event) {
  QPainter painter(gutter_);
  painter.fillRect(event->rect(), palette().window());
  if (shown_file_.isEmpty()) return;  // a message has no line numbers
  painter.setRenderHint(QPainter::Antialiasing);
  int marker = marker_width();
  int dots = breakpoints_enabled_ ? marker : 0;  // the dot column, left of the inline marks
  QTextBlock block = firstVisibleBlock();
  int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
  int height = fontMetrics().height();
  while (block.isValid() && top <= event->rect().bottom()) {
    if (block.isVisible()) {
      int number = block.blockNumber() + 1;
      if (dots && std::binary_search(breakpoint_lines_.begin(), breakpoint_lines_.end(), number)) {
        // Red on any theme: a breakpoint's colour in every debugger.
        painter.setPen(Qt::NoPen);
        painter.setBrush(QColor(0xd0, 0x30, 0x30));
        int size = height * 3 / 5;
        painter.drawEllipse(QRect((marker - size) / 2, top + (height - size) / 2, size, size));
      }
      bool inlined = std::any_of(inline_marks_.begin(), inline_marks_.end(),
                                 [&](const InlineMark& mark) { return mark.line == number; });
      if (inlined) {
        painter.setPen(palette().link().color());
        painter.drawText(dots, top, marker, height, Qt::AlignCenter, QString(QChar(0x0192)));
      }
      painter.setPen(number == highlighted_line_ ? palette().text().color()
                                                 : palette().placeholderText().color());
      painter.drawText(dots + marker, top, gutter_->width() - dots - marker - 4, height,
                       Qt::AlignRight, QString::number(number));
    }
    top += qRound(blockBoundingRect(block).height());
    block = block.next();
  }
}

void SourceView::resizeEvent(QResizeEvent* event) {
  QPlainTextEdit::resizeEvent(event);
  QRect area = contentsRect();
  gutter_->setGeometry(area.left(), area.top(), gutter_width(), area.height());
}

}  // namespace seam::gui

#include "gui/disassembly_view.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QShortcut>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>
#include <mutex>

#include "gui/read_only_table.h"

namespace seam::gui {
namespace {

// A function longer than this many instructions around the pc is shown in part.
constexpr int kAround = 48;

QString hex_address(uint64_t address) {
  return QString("0x%1").arg(address, 16, 16, QLatin1Char('0'));
}

}  // namespace

DisassemblyView::DisassemblyView(std::shared_ptr<LoadedSession> loaded, QWidget* parent)
    : QWidget(parent), loaded_(std::move(loaded)) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  banner_ = new QLabel(this);
  banner_->setWordWrap(true);
  banner_->setMargin(4);
  banner_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  banner_->hide();
  auto* header = new QHBoxLayout();
  back_ = new QToolButton(this);
  back_->setText("Back");
  back_->setToolTip("Back to the code shown before following a branch (Alt+Left)");
  back_->setEnabled(false);
  connect(back_, &QToolButton::clicked, this, [this] { go_back(); });
  auto* back_key = new QShortcut(QKeySequence(Qt::ALT | Qt::Key_Left), this);
  back_key->setContext(Qt::WidgetWithChildrenShortcut);
  connect(back_key, &QShortcut::activated, this, [this] { go_back(); });
  title_ = new QLabel(this);
  title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  header->addWidget(back_);
  header->addWidget(title_, 1);
  error_ = new QLabel(this);
  error_->setWordWrap(true);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();
  table_ = new QTableWidget(0, kColumnCount, this);
  table_->setHorizontalHeaderLabels({"Address", "Location", "Instruction", "Source"});
  table_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
  set_up_read_only_table(table_, 4);
  // Double-click and Enter both activate a row: its branch is followed.
  connect(table_, &QTableWidget::activated, this,
          [this](const QModelIndex& index) { follow_target(index.row()); });
  layout->addWidget(banner_);
  layout->addLayout(header);
  layout->addWidget(error_);
  layout->addWidget(table_, 1);
}

void DisassemblyView::set_banner(const QString& text) {
  banner_->setText(text);
  banner_->setVisible(!text.isEmpty());
}

QString DisassemblyView::banner_text() const {
  return banner_->text();
}

QString DisassemblyView::error_text() const {
  return error_->text();
}

int DisassemblyView::row_count() const {
  return table_->rowCount();
}

QString DisassemblyView::instruction_text(int row) const {
  QTableWidgetItem* item = table_->item(row, kInstruction);
  return item ? item->text() : QString();
}

void DisassemblyView::show_pc(uint64_t pc) {
  history_.clear();
  back_->setEnabled(false);
  if (pc == 0) {
    disassembly_ = {};
    highlighted_row_ = -1;
    title_->clear();
    error_->clear();
    error_->hide();
    table_->setRowCount(0);
    return;
  }
  load(pc);
}

bool DisassemblyView::show_address(uint64_t address) {
  uint64_t before = shown_address_;
  if (!load(address)) return false;
  if (before) history_.push_back(before);
  back_->setEnabled(!history_.empty());
  return true;
}

bool DisassemblyView::follow_target(int row) {
  if (row < 0 || row >= static_cast<int>(disassembly_.instructions.size())) return false;
  const engine::DisassembledInstruction& instruction = disassembly_.instructions[row];
  if (!instruction.target || !instruction.target_is_branch) return false;
  return show_address(*instruction.target);
}

bool DisassemblyView::go_back() {
  if (history_.empty()) return false;
  uint64_t address = history_.back();
  history_.pop_back();
  back_->setEnabled(!history_.empty());
  return load(address);
}

// The whole function when it has a size, else a window around the address
// (assembly labels, code no symbol covers).
bool DisassemblyView::load(uint64_t address) {
  Result<engine::Disassembly> code = [&]() -> Result<engine::Disassembly> {
    // Never wait for the session: a live guest that runs holds it until it stops.
    std::unique_lock<std::mutex> held(*loaded_->session_lock, std::try_to_lock);
    if (!held.owns_lock()) {
      return Error(
          "the session is busy (the guest is running, or a backtrace is being read): "
          "the code is read again when the frame is selected");
    }
    Result<engine::Disassembly> whole =
        loaded_->session->disassemble({.address = address, .whole_function = true});
    if (whole && static_cast<int>(whole->instructions.size()) <= 20 * kAround) return whole;
    return loaded_->session->disassemble(
        {.address = address, .count_before = kAround, .count_after = kAround});
  }();
  if (!code) {
    error_->setText(QString::fromStdString(code.error().message()));
    error_->show();
    return false;
  }
  error_->clear();
  error_->hide();
  shown_address_ = address;
  disassembly_ = std::move(*code);
  QString title = disassembly_.function.empty()
                      ? QString("No function holds %1").arg(hex_address(address))
                      : QString("%1 [%2]  %3, %4 bytes")
                            .arg(QString::fromStdString(disassembly_.function),
                                 QString::fromStdString(disassembly_.module),
                                 hex_address(disassembly_.function_address))
                            .arg(disassembly_.function_size);
  for (const std::string& note : disassembly_.notes) title += "\n" + QString::fromStdString(note);
  title_->setText(title);
  fill_table();
  return true;
}

void DisassemblyView::fill_table() {
  const std::vector<engine::DisassembledInstruction>& code = disassembly_.instructions;
  table_->clearContents();
  table_->setRowCount(static_cast<int>(code.size()));
  highlighted_row_ = code.empty() ? -1 : static_cast<int>(disassembly_.asked_index);
  QColor highlight = palette().color(QPalette::Highlight);
  highlight.setAlpha(70);
  for (int row = 0; row < static_cast<int>(code.size()); ++row) {
    const engine::DisassembledInstruction& i = code[row];
    QString bytes;
    for (uint8_t b : i.bytes) bytes += QString("%1 ").arg(b, 2, 16, QLatin1Char('0'));
    QString source =
        i.file.empty()
            ? QString()
            : QString("%1:%2").arg(QString::fromStdString(i.file).section('/', -1)).arg(i.line);
    QStringList cells = {
        hex_address(i.address),
        i.symbol.empty() ? QString() : "<" + QString::fromStdString(i.symbol) + ">",
        QString::fromStdString(engine::instruction_text(i)), source};
    for (int column = 0; column < kColumnCount; ++column) {
      auto* item = new QTableWidgetItem(cells[column]);
      item->setToolTip(column == kSource ? QString::fromStdString(i.file) : bytes.trimmed());
      if (row == highlighted_row_) {
        item->setBackground(highlight);
        QFont font = table_->font();
        font.setBold(true);
        item->setFont(font);
      }
      table_->setItem(row, column, item);
    }
  }
  table_->resizeColumnsToContents();
  if (highlighted_row_ >= 0) {
    table_->selectRow(highlighted_row_);
    table_->scrollTo(table_->model()->index(highlighted_row_, kInstruction),
                     QAbstractItemView::PositionAtCenter);
  }
}

}  // namespace seam::gui

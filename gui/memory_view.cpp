#include "gui/memory_view.h"

#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QVBoxLayout>
#include <mutex>

#include "gui/memory_model.h"
#include "gui/read_only_table.h"

namespace seam::gui {

MemoryView::MemoryView(std::shared_ptr<LoadedSession> loaded, QWidget* parent)
    : QWidget(parent), loaded_(std::move(loaded)) {
  // Reads take the session lock: a backtrace may be read in the worker meanwhile.
  // A live guest that runs holds it until it stops: a row shown then is not
  // waited for (the window would freeze) but unread, and read again on reread().
  model_ = new MemoryModel(
      [loaded = loaded_](uint64_t address, std::span<std::byte> out) -> Result<void> {
        std::unique_lock<std::mutex> held(*loaded->session_lock, std::try_to_lock);
        if (!held.owns_lock() && loaded->session->live()) {
          return Error("the guest is running: interrupt it (Shift+F5) to read its memory");
        }
        if (!held.owns_lock()) held.lock();  // a dump: only a backtrace read, soon done
        return loaded->session->read_memory(address, out, engine::AddressSpace::kVirtual);
      },
      this);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  address_ = new QLineEdit(this);
  address_->setPlaceholderText("Address: ffffffff81000000, linux_banner, panic+0x10");
  connect(address_, &QLineEdit::returnPressed, this, [this] { go_to(address_->text()); });
  error_ = new QLabel(this);
  error_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_->hide();
  table_ = new QTableView(this);
  table_->setModel(model_);
  set_up_read_only_table(table_, 4);
  table_->setSelectionBehavior(QAbstractItemView::SelectItems);  // a byte group, not a line
  table_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(table_, &QTableView::doubleClicked, this, &MemoryView::follow_pointer);
  connect(table_, &QTableView::customContextMenuRequested, this, &MemoryView::show_context_menu);
  layout->addWidget(address_);
  layout->addWidget(error_);
  layout->addWidget(table_);
}

bool MemoryView::go_to(const QString& expression) {
  Result<uint64_t> address = [&] {
    std::lock_guard<std::mutex> held(*loaded_->session_lock);
    return loaded_->session->evaluate_address(expression.trimmed().toStdString());
  }();
  if (!address) {
    error_->setText(QString::fromStdString(address.error().message()));
    error_->show();
    return false;
  }
  go_to_address(*address);
  return true;
}

void MemoryView::go_to_address(uint64_t address) {
  error_->clear();
  error_->hide();
  model_->go_to(address);
  table_->resizeColumnsToContents();
  int row = model_->row_of(address);
  QModelIndex index = model_->index(row, MemoryModel::kWord0);
  table_->setCurrentIndex(index);
  table_->scrollTo(index, QAbstractItemView::PositionAtTop);
}

bool MemoryView::follow_pointer(const QModelIndex& index) {
  std::optional<uint64_t> pointer = model_->pointer_at(index);
  if (!pointer) return false;
  address_->setText(QString("%1").arg(*pointer, 16, 16, QLatin1Char('0')));
  go_to_address(*pointer);
  return true;
}

void MemoryView::reread() {
  if (model_->rowCount() > 0) model_->go_to(model_->start());
}

QString MemoryView::error_text() const {
  return error_->text();
}

void MemoryView::show_context_menu(const QPoint& position) {
  QModelIndex index = table_->indexAt(position);
  std::optional<uint64_t> pointer = model_->pointer_at(index);
  if (!pointer) return;
  QMenu menu(this);
  menu.addAction(QString("Follow pointer %1").arg(*pointer, 16, 16, QLatin1Char('0')), this,
                 [this, index] { follow_pointer(index); });
  menu.exec(table_->viewport()->mapToGlobal(position));
}

}  // namespace seam::gui

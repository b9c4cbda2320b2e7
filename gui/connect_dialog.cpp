#include "gui/connect_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

#include "gui/debug_files_editor.h"
#include "gui/session_inputs.h"

namespace seam::gui {
namespace {

const QString kGroup = QStringLiteral("connect");
constexpr const char* kDefaultAddress = "127.0.0.1:1234";  // QEMU's -s

}  // namespace

ConnectDialog::ConnectDialog(QWidget* parent) : SessionDialog(kGroup, parent) {
  setWindowTitle("Connect to QEMU — seam-gui");
  address_ = new QLineEdit(this);
  address_->setObjectName("address");
  address_->setPlaceholderText(kDefaultAddress);
  address_->setToolTip(
      "QEMU's gdbstub: start QEMU with -gdb tcp:127.0.0.1:PORT (or -s for port 1234)");
  auto* address_label = new QLabel("&gdbstub (HOST:PORT):", this);
  address_label->setBuddy(address_);
  auto* form = new QFormLayout;
  form->addRow(address_label, address_);

  QDialogButtonBox* buttons = lay_out(form, address_, QDialogButtonBox::Ok);
  buttons->button(QDialogButtonBox::Ok)->setText("&Connect");

  engine::SessionOptions last = stored_options();
  if (last.gdbstub.empty()) last.gdbstub = kDefaultAddress;
  set_options(last);
  address_->setFocus();
}

void ConnectDialog::set_options(const engine::SessionOptions& options) {
  address_->setText(QString::fromStdString(options.gdbstub));
  files()->set_values(options.vmlinux, options.module_paths);
}

Result<engine::SessionOptions> ConnectDialog::options() const {
  engine::SessionOptions options;
  options.gdbstub = address_->text().trimmed().toStdString();
  if (options.gdbstub.empty()) options.gdbstub = kDefaultAddress;
  if (Result<void> ok = check_gdbstub_address(options.gdbstub); !ok) return ok.error();
  if (Result<void> ok = files()->fill(options); !ok) return ok.error();
  return options;
}

}  // namespace seam::gui

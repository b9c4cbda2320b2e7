#include "gui/connect_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

#include "gui/debug_files_editor.h"
#include "gui/dialog_message.h"
#include "gui/session_inputs.h"

namespace seam::gui {
namespace {

const QString kGroup = QStringLiteral("connect");
constexpr const char* kDefaultAddress = "127.0.0.1:1234";  // QEMU's -s

}  // namespace

ConnectDialog::ConnectDialog(QWidget* parent) : QDialog(parent) {
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

  files_ = new DebugFilesEditor(this);
  message_ = make_refusal_label(this);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  buttons->setObjectName("buttons");
  buttons->button(QDialogButtonBox::Ok)->setText("&Connect");
  connect(buttons, &QDialogButtonBox::accepted, this, &ConnectDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &ConnectDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(files_, 1);
  layout->addWidget(message_);
  layout->addWidget(buttons);
  setTabOrder(address_, files_->first_widget());
  setTabOrder(files_->last_widget(), buttons);

  QSettings settings;
  engine::SessionOptions last = stored_session_options(settings, kGroup);
  if (last.gdbstub.empty()) last.gdbstub = kDefaultAddress;
  set_options(last);
  address_->setFocus();
}

void ConnectDialog::set_options(const engine::SessionOptions& options) {
  address_->setText(QString::fromStdString(options.gdbstub));
  files_->set_values(options.vmlinux, options.module_paths);
}

Result<engine::SessionOptions> ConnectDialog::options() const {
  engine::SessionOptions options;
  options.gdbstub = address_->text().trimmed().toStdString();
  if (options.gdbstub.empty()) options.gdbstub = kDefaultAddress;
  if (Result<void> ok = check_gdbstub_address(options.gdbstub); !ok) return ok.error();
  if (Result<void> ok = files_->fill(options); !ok) return ok.error();
  return options;
}

QString ConnectDialog::message() const {
  return message_->isHidden() ? QString() : message_->text();
}

void ConnectDialog::accept() {
  Result<engine::SessionOptions> options = this->options();
  if (!options) {
    show_refusal(message_, QString::fromStdString(options.error().message()));
    return;
  }
  message_->hide();
  accepted_ = std::move(*options);
  QSettings settings;
  store_session_options(settings, kGroup, accepted_);
  QDialog::accept();
}

}  // namespace seam::gui

#include "gui/open_dump_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
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

const QString kGroup = QStringLiteral("open_dump");

}  // namespace

OpenDumpDialog::OpenDumpDialog(QWidget* parent) : QDialog(parent) {
  setWindowTitle("Open a crash dump — seam-gui");
  dump_ = new QComboBox(this);
  dump_->setObjectName("dump");
  dump_->setEditable(true);
  dump_->setInsertPolicy(QComboBox::NoInsert);
  dump_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
  dump_->setMinimumContentsLength(50);
  dump_->lineEdit()->setPlaceholderText("vmcore: ELF, kdump-compressed, ...");
  dump_->setToolTip("The crash dump; the list holds the dumps opened last, with their files");
  dump_browse_ = new QPushButton("B&rowse...", this);
  dump_browse_->setObjectName("dump_browse");
  connect(dump_browse_, &QPushButton::clicked, this, &OpenDumpDialog::browse_dump);
  auto* dump_row = new QHBoxLayout;
  dump_row->addWidget(dump_, 1);
  dump_row->addWidget(dump_browse_);
  auto* dump_label = new QLabel("&Dump:", this);
  dump_label->setBuddy(dump_);
  auto* form = new QFormLayout;
  form->addRow(dump_label, dump_row);

  files_ = new DebugFilesEditor(this);
  message_ = make_refusal_label(this);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
  buttons->setObjectName("buttons");
  connect(buttons, &QDialogButtonBox::accepted, this, &OpenDumpDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &OpenDumpDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(files_, 1);
  layout->addWidget(message_);
  layout->addWidget(buttons);
  setTabOrder(dump_, dump_browse_);
  setTabOrder(dump_browse_, files_->first_widget());
  setTabOrder(files_->last_widget(), buttons);

  // The recent dumps (their files with them), then the last values.
  QSettings settings;
  for (const engine::SessionOptions& recent : recent_dumps(settings)) {
    dump_->addItem(QString::fromStdString(recent.vmcore));
  }
  connect(dump_, &QComboBox::activated, this, &OpenDumpDialog::recent_chosen);
  set_options(stored_session_options(settings, kGroup));
  dump_->setFocus();
}

void OpenDumpDialog::set_options(const engine::SessionOptions& options) {
  dump_->setEditText(QString::fromStdString(options.vmcore));
  files_->set_values(options.vmlinux, options.module_paths);
}

Result<engine::SessionOptions> OpenDumpDialog::options() const {
  engine::SessionOptions options;
  options.vmcore = dump_->currentText().trimmed().toStdString();
  if (Result<void> ok = check_dump_file(options.vmcore); !ok) return ok.error();
  if (Result<void> ok = files_->fill(options); !ok) return ok.error();
  return options;
}

QString OpenDumpDialog::message() const {
  return message_->isHidden() ? QString() : message_->text();
}

void OpenDumpDialog::accept() {
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

void OpenDumpDialog::browse_dump() {
  QString file =
      QFileDialog::getOpenFileName(this, "A kernel crash dump", dump_->currentText(),
                                   "Crash dumps (vmcore* *.elf* *.kdump* dump*);;All files (*)");
  if (!file.isEmpty()) dump_->setEditText(file);
}

// A recent dump brings back the vmlinux and modules it was opened with.
void OpenDumpDialog::recent_chosen(int index) {
  QSettings settings;
  std::vector<engine::SessionOptions> recent = recent_dumps(settings);
  if (index < 0 || index >= static_cast<int>(recent.size())) return;
  if (recent[index].vmcore != dump_->itemText(index).toStdString()) return;
  set_options(recent[index]);
}

}  // namespace seam::gui

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

#include "gui/debug_files_editor.h"
#include "gui/session_inputs.h"

namespace seam::gui {
namespace {

const QString kGroup = QStringLiteral("open_dump");

}  // namespace

OpenDumpDialog::OpenDumpDialog(QWidget* parent) : SessionDialog(kGroup, parent) {
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

  setTabOrder(dump_, dump_browse_);
  lay_out(form, dump_browse_, QDialogButtonBox::Open);

  // The recent dumps (their files with them), then the last values.
  QSettings settings;
  for (const engine::SessionOptions& recent : recent_dumps(settings)) {
    dump_->addItem(QString::fromStdString(recent.vmcore));
  }
  connect(dump_, &QComboBox::activated, this, &OpenDumpDialog::recent_chosen);
  set_options(stored_options());
  dump_->setFocus();
}

void OpenDumpDialog::set_options(const engine::SessionOptions& options) {
  dump_->setEditText(QString::fromStdString(options.vmcore));
  files()->set_values(options.vmlinux, options.module_paths);
}

Result<engine::SessionOptions> OpenDumpDialog::options() const {
  engine::SessionOptions options;
  options.vmcore = dump_->currentText().trimmed().toStdString();
  if (Result<void> ok = check_dump_file(options.vmcore); !ok) return ok.error();
  if (Result<void> ok = files()->fill(options); !ok) return ok.error();
  return options;
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

#include "gui/debug_files_editor.h"

#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "gui/session_inputs.h"

namespace seam::gui {

DebugFilesEditor::DebugFilesEditor(QWidget* parent) : QWidget(parent) {
  vmlinux_ = new QLineEdit(this);
  vmlinux_->setObjectName("vmlinux");
  vmlinux_->setPlaceholderText("found from the kernel's release if empty");
  vmlinux_->setToolTip(
      "The vmlinux with debug info of the kernel. Empty: Seam looks where distributions install "
      "it for the kernel's release (Debian: /usr/lib/debug/boot/vmlinux-RELEASE, from "
      "linux-image-RELEASE-dbg).");
  vmlinux_browse_ = new QPushButton("&Browse...", this);
  vmlinux_browse_->setObjectName("vmlinux_browse");
  connect(vmlinux_browse_, &QPushButton::clicked, this, &DebugFilesEditor::browse_vmlinux);
  auto* vmlinux_row = new QHBoxLayout;
  vmlinux_row->addWidget(vmlinux_, 1);
  vmlinux_row->addWidget(vmlinux_browse_);

  modules_ = new QListWidget(this);
  modules_->setObjectName("modules");
  modules_->setSelectionMode(QAbstractItemView::ExtendedSelection);
  modules_->setToolTip("Module .ko files with debug info, or directories searched for NAME.ko");
  auto* add_file = new QPushButton("&Add Modules...", this);
  add_file->setObjectName("add_module_file");
  connect(add_file, &QPushButton::clicked, this, &DebugFilesEditor::add_module_files);
  auto* add_dir = new QPushButton("Add D&irectory...", this);
  add_dir->setObjectName("add_module_dir");
  connect(add_dir, &QPushButton::clicked, this, &DebugFilesEditor::add_module_dir);
  remove_module_ = new QPushButton("R&emove", this);
  remove_module_->setObjectName("remove_module");
  connect(remove_module_, &QPushButton::clicked, this, &DebugFilesEditor::remove_selected_modules);
  auto* buttons = new QVBoxLayout;
  buttons->addWidget(add_file);
  buttons->addWidget(add_dir);
  buttons->addWidget(remove_module_);
  buttons->addStretch(1);
  auto* modules_row = new QHBoxLayout;
  modules_row->addWidget(modules_, 1);
  modules_row->addLayout(buttons);

  auto* form = new QFormLayout(this);
  form->setContentsMargins(0, 0, 0, 0);
  auto* vmlinux_label = new QLabel("&vmlinux:", this);
  vmlinux_label->setBuddy(vmlinux_);
  auto* modules_label = new QLabel("Modu&les:", this);
  modules_label->setBuddy(modules_);
  form->addRow(vmlinux_label, vmlinux_row);
  form->addRow(modules_label, modules_row);

  setTabOrder(vmlinux_, vmlinux_browse_);
  setTabOrder(vmlinux_browse_, modules_);
  setTabOrder(modules_, add_file);
  setTabOrder(add_file, add_dir);
  setTabOrder(add_dir, remove_module_);
}

QWidget* DebugFilesEditor::first_widget() const {
  return vmlinux_;
}

QWidget* DebugFilesEditor::last_widget() const {
  return remove_module_;
}

void DebugFilesEditor::set_values(const std::string& vmlinux,
                                  const std::vector<std::string>& modules) {
  vmlinux_->setText(QString::fromStdString(vmlinux));
  modules_->clear();
  for (const std::string& module : modules) modules_->addItem(QString::fromStdString(module));
}

std::vector<std::string> DebugFilesEditor::modules() const {
  std::vector<std::string> paths;
  paths.reserve(modules_->count());
  for (int row = 0; row < modules_->count(); ++row) {
    paths.push_back(modules_->item(row)->text().toStdString());
  }
  return paths;
}

Result<void> DebugFilesEditor::fill(engine::SessionOptions& options) const {
  options.module_paths.clear();
  if (Result<void> ok = set_vmlinux(vmlinux_->text().trimmed().toStdString(), options); !ok) {
    return ok;
  }
  return add_modules(modules(), options);
}

void DebugFilesEditor::browse_vmlinux() {
  QString file = QFileDialog::getOpenFileName(this, "The vmlinux with debug info", vmlinux_->text(),
                                              "vmlinux (vmlinux*);;All files (*)");
  if (!file.isEmpty()) vmlinux_->setText(file);
}

void DebugFilesEditor::add_module_files() {
  QStringList files = QFileDialog::getOpenFileNames(
      this, "Kernel modules with debug info", QString(),
      "Kernel modules (*.ko *.ko.xz *.ko.gz *.ko.zst);;All files (*)");
  modules_->addItems(files);
}

void DebugFilesEditor::add_module_dir() {
  QString dir = QFileDialog::getExistingDirectory(this, "A directory searched for NAME.ko");
  if (!dir.isEmpty()) modules_->addItem(dir);
}

void DebugFilesEditor::remove_selected_modules() {
  for (QListWidgetItem* item : modules_->selectedItems()) delete item;
}

}  // namespace seam::gui

// DebugFilesEditor: the vmlinux and module rows that the Open Dump and
// Connect to QEMU dialogs share: a vmlinux file (optional: the dump's
// release finds a distribution's debug vmlinux) and a list of module .ko
// files or directories, each with browse buttons.
//
//   auto* files = new DebugFilesEditor(dialog);
//   files->set_values(last.vmlinux, last.module_paths);
//   engine::SessionOptions options{.vmcore = dump};
//   if (Result<void> ok = files->fill(options); !ok) say(ok.error().message());
//
// Child widgets by objectName, for tests and keyboard users: "vmlinux",
// "vmlinux_browse", "modules", "add_module_file", "add_module_dir", "remove_module".
#pragma once

#include <QWidget>
#include <string>
#include <vector>

#include "engine/session.h"
#include "symbolizer/result.h"

class QLineEdit;
class QListWidget;
class QPushButton;

namespace seam::gui {

class DebugFilesEditor : public QWidget {
  Q_OBJECT
 public:
  explicit DebugFilesEditor(QWidget* parent = nullptr);

  void set_values(const std::string& vmlinux, const std::vector<std::string>& modules);
  std::vector<std::string> modules() const;
  // Checks the files (a vmlinux is an ELF executable; modules are .ko or
  // directories) and sets options.vmlinux and options.module_paths.
  Result<void> fill(engine::SessionOptions& options) const;

  // The first and last widgets of the rows, for the dialogs' tab order.
  QWidget* first_widget() const;
  QWidget* last_widget() const;

 private:
  void browse_vmlinux();
  void add_module_files();
  void add_module_dir();
  void remove_selected_modules();

  QLineEdit* vmlinux_ = nullptr;
  QPushButton* vmlinux_browse_ = nullptr;
  QListWidget* modules_ = nullptr;
  QPushButton* remove_module_ = nullptr;
};

}  // namespace seam::gui

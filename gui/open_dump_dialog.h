// OpenDumpDialog: File > Open Dump..., and what seam-gui shows when started
// without arguments: the dump, its vmlinux (optional) and module files or
// directories, checked before anything is opened, remembered between runs
// (QSettings group "open_dump"), with the dumps opened last to pick from
// (remember_recent_dump, once a dump has opened).
//
//   OpenDumpDialog dialog(parent);             // the last values filled in
//   if (dialog.exec() == QDialog::Accepted) {
//     engine::SessionOptions options = dialog.accepted_options();
//     ...
//   }
//   dialog.set_options(options);               // back, to fix what failed
//
// Child widgets by objectName: "dump" (an editable combo box of the recent
// dumps), "dump_browse", "message" (why OK was refused), "buttons", and
// those of DebugFilesEditor ("vmlinux", "modules"...).
#pragma once

#include <QDialog>

#include "engine/session.h"
#include "symbolizer/result.h"

class QComboBox;
class QLabel;
class QPushButton;

namespace seam::gui {

class DebugFilesEditor;

class OpenDumpDialog : public QDialog {
  Q_OBJECT
 public:
  explicit OpenDumpDialog(QWidget* parent = nullptr);

  // The fields checked (the dump is a readable file, the vmlinux an ELF
  // executable, the modules .ko or directories); errors name the file.
  Result<engine::SessionOptions> options() const;
  void set_options(const engine::SessionOptions& options);
  // After Accepted: what options() gave.
  const engine::SessionOptions& accepted_options() const { return accepted_; }
  QString message() const;

  // OK: checks, then remembers the values and closes; else says why and stays.
  void accept() override;

 private:
  void browse_dump();
  void recent_chosen(int index);

  QComboBox* dump_ = nullptr;
  QPushButton* dump_browse_ = nullptr;
  DebugFilesEditor* files_ = nullptr;
  QLabel* message_ = nullptr;
  engine::SessionOptions accepted_;
};

}  // namespace seam::gui

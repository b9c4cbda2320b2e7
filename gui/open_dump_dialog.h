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
// dumps), "dump_browse", and SessionDialog's ("message": why OK was
// refused, "buttons", "vmlinux", "modules"...).
#pragma once

#include "gui/session_dialog.h"

class QComboBox;
class QPushButton;

namespace seam::gui {

class OpenDumpDialog : public SessionDialog {
  Q_OBJECT
 public:
  explicit OpenDumpDialog(QWidget* parent = nullptr);

  // The fields checked (the dump is a readable file, the vmlinux an ELF
  // executable, the modules .ko or directories); errors name the file.
  Result<engine::SessionOptions> options() const override;
  void set_options(const engine::SessionOptions& options) override;

 private:
  void browse_dump();
  void recent_chosen(int index);

  QComboBox* dump_ = nullptr;
  QPushButton* dump_browse_ = nullptr;
};

}  // namespace seam::gui

// ConnectDialog: File > Connect to QEMU...: a live kernel through QEMU's
// gdbstub (HOST:PORT, 127.0.0.1:1234 by default, as QEMU's -s), its vmlinux
// and modules, checked and remembered between runs (QSettings group "connect").
//
//   ConnectDialog dialog(parent);
//   if (dialog.exec() == QDialog::Accepted) open(dialog.accepted_options());
//
// Child widgets by objectName: "address", and SessionDialog's ("message",
// "buttons", "vmlinux", "modules"...).
#pragma once

#include "gui/session_dialog.h"

class QLineEdit;

namespace seam::gui {

class ConnectDialog : public SessionDialog {
  Q_OBJECT
 public:
  explicit ConnectDialog(QWidget* parent = nullptr);

  // The address checked (HOST:PORT), then the files.
  Result<engine::SessionOptions> options() const override;
  void set_options(const engine::SessionOptions& options) override;

 private:
  QLineEdit* address_ = nullptr;
};

}  // namespace seam::gui

// ConnectDialog: File > Connect to QEMU...: a live kernel through QEMU's
// gdbstub (HOST:PORT, 127.0.0.1:1234 by default, as QEMU's -s), its vmlinux
// and modules, checked and remembered between runs (QSettings group "connect").
//
//   ConnectDialog dialog(parent);
//   if (dialog.exec() == QDialog::Accepted) open(dialog.accepted_options());
//
// Child widgets by objectName: "address", "message", "buttons", and those of
// DebugFilesEditor ("vmlinux", "modules"...).
#pragma once

#include <QDialog>

#include "engine/session.h"
#include "symbolizer/result.h"

class QLabel;
class QLineEdit;

namespace seam::gui {

class DebugFilesEditor;

class ConnectDialog : public QDialog {
  Q_OBJECT
 public:
  explicit ConnectDialog(QWidget* parent = nullptr);

  Result<engine::SessionOptions> options() const;
  void set_options(const engine::SessionOptions& options);
  const engine::SessionOptions& accepted_options() const { return accepted_; }
  QString message() const;

  void accept() override;

 private:
  QLineEdit* address_ = nullptr;
  DebugFilesEditor* files_ = nullptr;
  QLabel* message_ = nullptr;
  engine::SessionOptions accepted_;
};

}  // namespace seam::gui

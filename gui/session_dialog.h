// SessionDialog: what the dialogs that start a session (OpenDumpDialog,
// ConnectDialog) share: the debug files editor, the line saying why OK was
// refused, the buttons, and OK's check-remember-close, with the values kept
// between runs in a QSettings group of the dialog's own.
//
//   class OpenDumpDialog : public SessionDialog {
//     OpenDumpDialog(QWidget* parent) : SessionDialog("open_dump", parent) {
//       ... the dialog's own fields in `form` ...
//       lay_out(form, dump_browse_, QDialogButtonBox::Open);
//       set_options(stored_options());
//     }
//     Result<engine::SessionOptions> options() const override;  // checked
//   };
//   if (dialog.exec() == QDialog::Accepted) open(dialog.accepted_options());
//
// Child widgets by objectName: "message", "buttons", and those of
// DebugFilesEditor ("vmlinux", "modules"...).
#pragma once

#include <QDialog>
#include <QDialogButtonBox>
#include <QString>

#include "engine/session.h"
#include "symbolizer/result.h"

class QLabel;
class QLayout;

namespace seam::gui {

class DebugFilesEditor;

class SessionDialog : public QDialog {
  Q_OBJECT
 public:
  // The fields checked; errors name the file or address.
  virtual Result<engine::SessionOptions> options() const = 0;
  virtual void set_options(const engine::SessionOptions& options) = 0;
  // After Accepted: what options() gave.
  const engine::SessionOptions& accepted_options() const { return accepted_; }
  // Why OK was refused last; empty while it has not been.
  QString message() const;

  // OK: checks, then remembers the values and closes; else says why and stays.
  void accept() override;

 protected:
  SessionDialog(QString settings_group, QWidget* parent);

  // The dialog's own fields, then the debug files, the refusal line and
  // the buttons (`accept_button` and Cancel), tabbing from `last_field` into
  // the files. Creates files(); call once, before set_options.
  QDialogButtonBox* lay_out(QLayout* fields, QWidget* last_field,
                            QDialogButtonBox::StandardButton accept_button);
  DebugFilesEditor* files() const { return files_; }
  // The values stored at the last OK (empty ones before any).
  engine::SessionOptions stored_options() const;

 private:
  QString settings_group_;
  DebugFilesEditor* files_ = nullptr;
  QLabel* message_ = nullptr;
  engine::SessionOptions accepted_;
};

}  // namespace seam::gui

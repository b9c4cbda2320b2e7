// Startup: how seam-gui gets from its command line (or none) to a window.
// It owns the session loader, the Open Dump and Connect to QEMU dialogs,
// the progress dialog, the error box and the window:
//
//   Startup startup(source_roots);
//   QObject::connect(&startup, &Startup::finished, &app, &QApplication::exit);
//   if (line.open_dialog()) startup.show_open_dump_dialog();
//   else startup.open(line.options);
//
// A failure shows the error (it names the file or HOST:PORT) and what to do.
// From a dialog, OK brings the dialog back with the values, to fix them;
// from the command line, OK ends with status 1. File > Open Dump... and
// File > Connect to QEMU... in the window go through the same dialogs; a
// session that opens replaces the window (the old one is closed: one
// session at a time). Closing the window ends with status 0.
//
// The application must not quit on its own when its last window closes
// (QApplication::setQuitOnLastWindowClosed(false)): between the error box
// and the dialog coming back, no window is shown.
#pragma once

#include <QObject>
#include <QPointer>
#include <QString>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/session.h"
#include "gui/session_loader.h"

class QDialog;
class QMessageBox;
class QProgressDialog;

namespace seam::gui {

class ConnectDialog;
class MainWindow;
class OpenDumpDialog;

class Startup : public QObject {
  Q_OBJECT
 public:
  // `source_roots`: for each window's Source dock. `screenshot`: grab the
  // first window to this PNG once its backtrace is shown, then finish (a
  // failure then goes to stderr only: nobody is there to click OK).
  explicit Startup(std::vector<std::filesystem::path> source_roots, std::string screenshot = {},
                   QObject* parent = nullptr);
  ~Startup() override;  // closes the window: a live guest is left as it was found

  // The command line's dump or QEMU.
  void open(const engine::SessionOptions& options);
  void show_open_dump_dialog();
  void show_connect_dialog();

  MainWindow* window() const { return window_; }
  OpenDumpDialog* open_dump_dialog() const { return open_dump_dialog_.get(); }
  ConnectDialog* connect_dialog() const { return connect_dialog_.get(); }
  QProgressDialog* progress_dialog() const;  // while a session loads
  QMessageBox* error_box() const;            // while a failure is shown
  const SessionLoader& loader() const { return loader_; }

  // What the error box says to do about a failure to open `options`.
  static QString what_to_do(const engine::SessionOptions& options);

 signals:
  void window_shown(MainWindow* window);
  // The application should exit with `status`: 0 when the window closed or
  // the first dialog was cancelled, 1 when the command line's session failed.
  void finished(int status);

 private:
  enum class Origin { kCommandLine, kOpenDumpDialog, kConnectDialog };

  void start_loading(const engine::SessionOptions& options, Origin origin);
  void show_progress(int step, int steps, const QString& what);
  void close_progress();
  void session_loaded();
  void session_failed(const QString& message);
  void error_box_closed();
  void dialog_cancelled();
  void window_destroyed(QObject* window);
  void grab_screenshot();

  std::vector<std::filesystem::path> source_roots_;
  std::string screenshot_;
  SessionLoader loader_;
  engine::SessionOptions loading_;  // what the loader opens (or failed to)
  Origin origin_ = Origin::kCommandLine;
  std::unique_ptr<OpenDumpDialog> open_dump_dialog_;
  std::unique_ptr<ConnectDialog> connect_dialog_;
  // Deleted later, not at once: a modal QProgressDialog runs the event loop
  // inside setValue(), where the load may end.
  QPointer<QProgressDialog> progress_;
  QPointer<QMessageBox> error_box_;
  MainWindow* window_ = nullptr;  // deletes itself on close
};

}  // namespace seam::gui

#include "gui/startup.h"

#include <QApplication>
#include <QMessageBox>
#include <QProgressDialog>
#include <QSettings>
#include <QTimer>
#include <cstdio>

#include "gui/connect_dialog.h"
#include "gui/main_window.h"
#include "gui/open_dump_dialog.h"
#include "gui/session_inputs.h"

namespace seam::gui {
namespace {

QString target_name(const engine::SessionOptions& options) {
  return QString::fromStdString(options.vmcore.empty() ? "QEMU at " + options.gdbstub
                                                       : options.vmcore);
}

}  // namespace

Startup::Startup(std::vector<std::filesystem::path> source_roots, std::string screenshot,
                 QObject* parent)
    : QObject(parent), source_roots_(std::move(source_roots)), screenshot_(std::move(screenshot)) {
  connect(&loader_, &SessionLoader::progress, this, &Startup::show_progress);
  connect(&loader_, &SessionLoader::loaded, this, &Startup::session_loaded);
  connect(&loader_, &SessionLoader::failed, this, &Startup::session_failed);
}

Startup::~Startup() {
  if (window_) {
    disconnect(window_, nullptr, this, nullptr);
    delete window_;
  }
  delete progress_;
  delete error_box_;
}

QProgressDialog* Startup::progress_dialog() const {
  return progress_;
}

QMessageBox* Startup::error_box() const {
  return error_box_;
}

QString Startup::what_to_do(const engine::SessionOptions& options) {
  if (options.vmcore.empty()) {
    return "Check that QEMU is running with a gdbstub on that port (-gdb tcp:" +
           QString::fromStdString(options.gdbstub) +
           ", or -s for 127.0.0.1:1234), that the host and port are right, and that no other "
           "debugger is connected to it.";
  }
  return "Check that the file is a kernel crash dump (a vmcore: ELF, kdump-compressed...; "
         "`file` tells), that it is whole (not truncated), and that the vmlinux is the dumped "
         "kernel's, with debug info (the same release and build).";
}

void Startup::open(const engine::SessionOptions& options) {
  start_loading(options, Origin::kCommandLine);
}

void Startup::show_open_dump_dialog() {
  if (loader_.running()) return;  // one load at a time: its progress is on screen
  if (!open_dump_dialog_) {
    open_dump_dialog_ = std::make_unique<OpenDumpDialog>();
    open_dump_dialog_->setWindowModality(Qt::ApplicationModal);
    connect(open_dump_dialog_.get(), &QDialog::accepted, this, [this] {
      start_loading(open_dump_dialog_->accepted_options(), Origin::kOpenDumpDialog);
    });
    connect(open_dump_dialog_.get(), &QDialog::rejected, this, &Startup::dialog_cancelled);
  }
  open_dump_dialog_->show();
  open_dump_dialog_->raise();
  open_dump_dialog_->activateWindow();
}

void Startup::show_connect_dialog() {
  if (loader_.running()) return;
  if (!connect_dialog_) {
    connect_dialog_ = std::make_unique<ConnectDialog>();
    connect_dialog_->setWindowModality(Qt::ApplicationModal);
    connect(connect_dialog_.get(), &QDialog::accepted, this,
            [this] { start_loading(connect_dialog_->accepted_options(), Origin::kConnectDialog); });
    connect(connect_dialog_.get(), &QDialog::rejected, this, &Startup::dialog_cancelled);
  }
  connect_dialog_->show();
  connect_dialog_->raise();
  connect_dialog_->activateWindow();
}

void Startup::dialog_cancelled() {
  if (!window_) emit finished(0);  // started without arguments, and nothing opened
}

void Startup::start_loading(const engine::SessionOptions& options, Origin origin) {
  loading_ = options;
  origin_ = origin;
  // Not modal: the window of the last session stays usable while the next one loads.
  close_progress();
  progress_ = new QProgressDialog("Opening " + target_name(options) + "...", QString(), 0,
                                  kLoadSteps, window_);
  progress_->setObjectName("load_progress");
  progress_->setWindowTitle("seam-gui");
  progress_->setWindowModality(Qt::NonModal);
  progress_->setCancelButton(nullptr);  // Session::open cannot be interrupted
  progress_->setMinimumDuration(300);
  progress_->setMinimumWidth(480);
  progress_->setValue(0);
  loader_.start(options);
}

void Startup::show_progress(int step, int steps, const QString& what) {
  if (!progress_) return;
  progress_->setMaximum(steps);
  progress_->setValue(step);
  progress_->setLabelText(what);
}

void Startup::close_progress() {
  if (!progress_) return;
  progress_->hide();
  progress_->deleteLater();
  progress_ = nullptr;
}

void Startup::session_loaded() {
  close_progress();
  std::shared_ptr<LoadedSession> loaded = loader_.take();
  if (!loading_.vmcore.empty()) {
    QSettings settings;
    remember_recent_dump(settings, loading_);
  }
  MainWindow* old = window_;
  window_ = new MainWindow(std::move(loaded));
  window_->setAttribute(Qt::WA_DeleteOnClose);
  window_->set_source_roots(source_roots_);
  connect(window_, &QObject::destroyed, this, &Startup::window_destroyed);
  connect(window_, &MainWindow::open_dump_requested, this, &Startup::show_open_dump_dialog);
  connect(window_, &MainWindow::connect_requested, this, &Startup::show_connect_dialog);
  if (!screenshot_.empty()) {
    // Once, after the first backtrace: the event loop lays the window out first.
    connect(
        window_, &MainWindow::backtrace_shown, this,
        [this] { QTimer::singleShot(300, this, &Startup::grab_screenshot); },
        Qt::SingleShotConnection);
  }
  window_->show();
  if (old) old->close();  // saves the layout; the new window restored the same
  emit window_shown(window_);
}

void Startup::grab_screenshot() {
  if (!window_) return;
  bool saved = window_->grab().save(QString::fromStdString(screenshot_), "PNG");
  if (!saved) std::fprintf(stderr, "seam-gui: cannot write %s\n", screenshot_.c_str());
  emit finished(saved ? 0 : 1);
}

void Startup::session_failed(const QString& message) {
  close_progress();
  if (origin_ == Origin::kCommandLine) {
    std::fprintf(stderr, "seam-gui: %s\n", message.toLocal8Bit().constData());
    if (!screenshot_.empty()) {  // a screenshot run has nobody to click OK
      emit finished(1);
      return;
    }
  }
  error_box_ =
      new QMessageBox(QMessageBox::Critical, "seam-gui",
                      "Cannot open " + target_name(loading_) + ".", QMessageBox::Ok, window_);
  error_box_->setObjectName("load_error");
  error_box_->setInformativeText(message + "\n\n" + what_to_do(loading_));
  error_box_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  error_box_->setAttribute(Qt::WA_DeleteOnClose);
  error_box_->setWindowModality(Qt::ApplicationModal);
  connect(error_box_, &QMessageBox::finished, this, &Startup::error_box_closed);
  error_box_->show();
}

void Startup::error_box_closed() {
  switch (origin_) {
    case Origin::kCommandLine:
      if (!window_) emit finished(1);
      return;
    case Origin::kOpenDumpDialog:
      // Back with what failed, to be fixed.
      show_open_dump_dialog();
      open_dump_dialog_->set_options(loading_);
      return;
    case Origin::kConnectDialog:
      show_connect_dialog();
      connect_dialog_->set_options(loading_);
      return;
  }
}

void Startup::window_destroyed(QObject* window) {
  if (window != window_) return;  // a window replaced by a newer session's
  window_ = nullptr;
  emit finished(0);
}

}  // namespace seam::gui

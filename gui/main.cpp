// seam-gui: a Qt window onto a crash dump or a live kernel.
//
//   seam-gui vmcore -s vmlinux [-s seam_crash.ko]
//   seam-gui -g 127.0.0.1:1234 -s vmlinux
//   seam-gui vmcore -s vmlinux --source-root ~/src/linux-6.1 --screenshot out.png
//
// The session opens in a worker thread behind a progress dialog; what fails
// is said in a message box and the exit status is 1; a bad command line is
// said on stderr (no display needed) with status 2.
#include <QApplication>
#include <QMessageBox>
#include <QPixmap>
#include <QProgressDialog>
#include <QSettings>
#include <QTimer>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gui/command_line.h"
#include "gui/main_window.h"
#include "gui/session_loader.h"
#include "gui/source_roots.h"

int main(int argc, char** argv) {
  // The command line is read before Qt starts, so that --help and usage
  // errors work without a display.
  std::vector<std::string> args(argv + 1, argv + argc);

  seam::Result<seam::gui::CommandLine> line = seam::gui::parse_command_line(args);
  if (line && line->help) {
    std::fputs(seam::gui::command_line_usage().c_str(), stdout);
    return 0;
  }
  if (!line) {
    std::fprintf(stderr, "seam-gui: %s\n%s", line.error().message().c_str(),
                 seam::gui::command_line_usage().c_str());
    return 2;
  }
  QApplication app(argc, argv);
  QApplication::setApplicationName("seam-gui");
  QApplication::setOrganizationName("seam");  // where QSettings keeps the source roots

  // The command line's roots first: they are this session's, the settings' are older.
  std::vector<std::filesystem::path> roots(line->source_roots.begin(), line->source_roots.end());
  for (std::filesystem::path& root : seam::gui::stored_source_roots(QSettings())) {
    roots.push_back(std::move(root));
  }

  const seam::engine::SessionOptions& options = line->options;
  QString what = QString::fromStdString(options.vmcore.empty() ? "QEMU at " + options.gdbstub
                                                               : options.vmcore);
  QProgressDialog progress("Opening " + what + "...", QString(), 0, 0);  // busy, no cancel
  progress.setWindowTitle("seam-gui");
  progress.setMinimumDuration(300);

  std::unique_ptr<seam::gui::MainWindow> window;
  seam::gui::SessionLoader loader;
  QObject::connect(&loader, &seam::gui::SessionLoader::loaded, [&] {
    progress.reset();
    window = std::make_unique<seam::gui::MainWindow>(loader.take());
    window->set_source_roots(roots);
    if (!line->screenshot.empty()) {
      // Once, after the first backtrace: the event loop lays the window out first.
      QObject::connect(
          window.get(), &seam::gui::MainWindow::backtrace_shown, window.get(),
          [&] {
            QTimer::singleShot(300, window.get(), [&] {
              QString file = QString::fromStdString(line->screenshot);
              bool saved = window->grab().save(file, "PNG");
              if (!saved)
                std::fprintf(stderr, "seam-gui: cannot write %s\n", line->screenshot.c_str());
              QApplication::exit(saved ? 0 : 1);
            });
          },
          Qt::SingleShotConnection);
    }
    window->show();
  });
  QObject::connect(&loader, &seam::gui::SessionLoader::failed, [&](const QString& message) {
    progress.reset();
    std::fprintf(stderr, "seam-gui: %s\n", message.toLocal8Bit().constData());
    if (line->screenshot.empty())  // a screenshot run has nobody to click OK
      QMessageBox::critical(nullptr, "seam-gui",
                            "Cannot open " + what + ":\n\n" + message +
                                "\n\nCheck the dump (-c or bare), the vmlinux (-s) and the "
                                "modules (-s), as `seam -c VMCORE -s VMLINUX sys` would.");
    QApplication::exit(1);
  });
  loader.start(options);
  int status = QApplication::exec();
  window.reset();  // leaves a live guest as it was found, before Qt goes
  return status;
}

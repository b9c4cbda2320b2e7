// seam-gui: a Qt window onto a crash dump or a live kernel.
//
//   seam-gui vmcore -s vmlinux [-s seam_crash.ko]
//   seam-gui -g 127.0.0.1:1234 -s vmlinux
//   seam-gui                      # the Open Dump dialog (File > Connect to QEMU... too)
//   seam-gui vmcore -s vmlinux --source-root ~/src/linux-6.1 --screenshot out.png --theme dark
//
// The session opens in a worker thread behind a progress dialog
// (gui/startup.h); what fails is said in a message box, then the exit status
// is 1 (or the dialog comes back); a bad command line is said on stderr (no
// display needed) with status 2.
#include <QApplication>
#include <QSettings>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "gui/command_line.h"
#include "gui/main_window.h"
#include "gui/screenshot_report.h"
#include "gui/source_roots.h"
#include "gui/startup.h"
#include "gui/theme.h"

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
  QApplication::setOrganizationName("seam");  // where QSettings keeps what seam-gui remembers
  // Startup says when to quit: no window is shown between an error box and
  // the dialog that comes back after it.
  QApplication::setQuitOnLastWindowClosed(false);

  // --theme, else View > Theme's choice, else the system's; read before any
  // palette is set, since the platform's is one of the system's hints.
  seam::gui::Theme theme = line->theme.value_or(seam::gui::stored_theme(QSettings()));
  seam::gui::apply_theme(
      seam::gui::resolves_to_dark(theme, seam::gui::read_system_colour_inputs()));

  // The command line's roots first: they are this session's, the settings' are older.
  std::vector<std::filesystem::path> roots(line->source_roots.begin(), line->source_roots.end());
  for (std::filesystem::path& root : seam::gui::stored_source_roots(QSettings())) {
    roots.push_back(std::move(root));
  }

  int status = 0;
  {
    seam::gui::Startup startup(std::move(roots), line->screenshot);
    QObject::connect(&startup, &seam::gui::Startup::finished, &app, &QApplication::exit);
    if (!line->screenshot.empty()) {
      // Beside the PNG, what the window showed (FILE.json): once, with the first backtrace,
      // as the screenshot is.
      QObject::connect(&startup, &seam::gui::Startup::window_shown, [&](seam::gui::MainWindow* w) {
        QObject::connect(
            w, &seam::gui::MainWindow::backtrace_shown, w,
            [w, path = line->screenshot + ".json"] {
              seam::Result<void> written = seam::gui::write_screenshot_report(*w, path);
              if (!written) std::fprintf(stderr, "seam-gui: %s\n", written.error().message().c_str());
            },
            Qt::SingleShotConnection);
      });
    }
    if (line->open_dialog()) {
      startup.show_open_dump_dialog();
    } else {
      startup.open(line->options);
    }
    status = QApplication::exec();
  }  // the window goes first: a live guest is left as it was found, before Qt goes
  return status;
}

// What a --screenshot run's window showed, as JSON beside the PNG
// (FILE.png.json), so that a test can check more than pixels: the backtrace
// pane's rows and their functions, the selected and the crashed task.
//
//   Result<void> written = write_screenshot_report(window, "shot.png.json");
//   // {"backtrace_rows": 34, "frames": [{"function": "rust_crashme::crash_here",
//   //   "language": "rust"}, ...], "selected_pid": 27, "crashed_pid": 27, "locals_rows": 2}
#pragma once

#include <QByteArray>
#include <string>

#include "symbolizer/result.h"

namespace seam::gui {

class MainWindow;

QByteArray screenshot_report(const MainWindow& window);
Result<void> write_screenshot_report(const MainWindow& window, const std::string& path);

}  // namespace seam::gui

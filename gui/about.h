// The Help > About text: Seam's version and those of what it is built on
// (Qt, elfutils' libdw, LLVM's demangler), for bug reports.
//
//   QMessageBox::about(window, "About seam-gui", about_text());
#pragma once

#include <QString>

namespace seam::gui {

QString about_text();

}  // namespace seam::gui

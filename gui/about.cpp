#include "gui/about.h"

#include <elfutils/libdwfl.h>
#include <llvm/Config/llvm-config.h>

#include <QtGlobal>

namespace seam::gui {

// SEAM_VERSION comes from the project's version (gui/CMakeLists.txt); Qt and
// libdw are asked at run time, as the libraries loaded may differ from the
// headers; the demangler is linked statically, so its headers' version is it.
QString about_text() {
  return QString(
             "<h3>seam-gui %1</h3>"
             "<p>A debugger for Linux kernels: crash dumps and live QEMU guests.</p>"
             "<p>Qt %2 (built with %3)<br>elfutils libdw %4<br>LLVM demangler %5</p>")
      .arg(SEAM_VERSION, qVersion(), QT_VERSION_STR, dwfl_version(nullptr), LLVM_VERSION_STRING);
}

}  // namespace seam::gui

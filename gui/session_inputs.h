// What the Open Dump and Connect to QEMU dialogs check and remember: the
// fields of an engine::SessionOptions, checked before a session is opened
// (so that a missing file is said at once, by name) and kept in QSettings.
//
//   engine::SessionOptions options;
//   if (Result<void> ok = check_dump_file(dump); !ok) say(ok.error().message());
//   if (Result<void> ok = set_vmlinux(vmlinux, options); !ok) say(...);
//   if (Result<void> ok = add_modules({"m.ko", "/lib/modules/6.1/"}, options); !ok) say(...);
//   QSettings settings;
//   store_session_options(settings, "open_dump", options);
//   engine::SessionOptions last = stored_session_options(settings, "open_dump");
//
// The vmlinux and modules are told apart as `seam -s` does
// (engine::add_debug_file: by ELF type, or a directory of modules).
#pragma once

#include <QSettings>
#include <QString>
#include <string>
#include <vector>

#include "engine/session.h"
#include "symbolizer/result.h"

namespace seam::gui {

// An existing, readable regular file (what it holds, Session::open says).
Result<void> check_dump_file(const std::string& path);
// "HOST:PORT", PORT in 1..65535.
Result<void> check_gdbstub_address(const std::string& address);
// `path` must be a vmlinux (an ELF executable); "" leaves it to the dump's release.
Result<void> set_vmlinux(const std::string& path, engine::SessionOptions& options);
// Each a module .ko or a directory of modules, not a vmlinux.
Result<void> add_modules(const std::vector<std::string>& paths, engine::SessionOptions& options);

// Under `group`: "vmcore", "gdbstub", "vmlinux", "modules".
void store_session_options(QSettings& settings, const QString& group,
                           const engine::SessionOptions& options);
engine::SessionOptions stored_session_options(QSettings& settings, const QString& group);

// The dumps opened last, newest first, each with its vmlinux and modules
// (group "recent_dumps"); a dump opened again moves to the front.
constexpr int kRecentDumps = 8;
void remember_recent_dump(QSettings& settings, const engine::SessionOptions& options);
std::vector<engine::SessionOptions> recent_dumps(QSettings& settings);

}  // namespace seam::gui

#include "gui/session_inputs.h"

#include <QStringList>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "engine/debug_file_options.h"

namespace seam::gui {
namespace {

QStringList to_qt(const std::vector<std::string>& strings) {
  QStringList list;
  for (const std::string& s : strings) list << QString::fromStdString(s);
  return list;
}

std::vector<std::string> from_qt(const QStringList& list) {
  std::vector<std::string> strings;
  for (const QString& s : list) strings.push_back(s.toStdString());
  return strings;
}

void write_options(QSettings& settings, const engine::SessionOptions& options) {
  settings.setValue("vmcore", QString::fromStdString(options.vmcore));
  settings.setValue("gdbstub", QString::fromStdString(options.gdbstub));
  settings.setValue("vmlinux", QString::fromStdString(options.vmlinux));
  settings.setValue("modules", to_qt(options.module_paths));
}

engine::SessionOptions read_options(const QSettings& settings) {
  engine::SessionOptions options;
  options.vmcore = settings.value("vmcore").toString().toStdString();
  options.gdbstub = settings.value("gdbstub").toString().toStdString();
  options.vmlinux = settings.value("vmlinux").toString().toStdString();
  options.module_paths = from_qt(settings.value("modules").toStringList());
  return options;
}

}  // namespace

Result<void> check_dump_file(const std::string& path) {
  if (path.empty()) return Error("no dump file given: choose a vmcore");
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error) return Error(path + ": " + error.message());
  if (!std::filesystem::is_regular_file(status)) return Error(path + ": not a file");
  if (!std::ifstream(path, std::ios::binary))
    return Error(path + ": cannot be read (permissions?)");
  return {};
}

Result<void> check_gdbstub_address(const std::string& address) {
  size_t colon = address.rfind(':');
  if (address.empty() || colon == std::string::npos || colon == 0) {
    return Error("'" + address + "' is not HOST:PORT (QEMU's -gdb tcp:127.0.0.1:1234)");
  }
  std::string_view port_text = std::string_view(address).substr(colon + 1);
  int port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
      port > 65535) {
    return Error("'" + address + "': the port must be a number from 1 to 65535");
  }
  return {};
}

Result<void> set_vmlinux(const std::string& path, engine::SessionOptions& options) {
  options.vmlinux.clear();
  if (path.empty()) return {};
  engine::SessionOptions sorted;
  if (Result<void> ok = engine::add_debug_file(path, sorted); !ok) return ok;
  if (sorted.vmlinux.empty()) {
    return Error(path + ": not a vmlinux (an ELF executable): give modules in the modules list");
  }
  options.vmlinux = path;
  return {};
}

Result<void> add_modules(const std::vector<std::string>& paths, engine::SessionOptions& options) {
  for (const std::string& path : paths) {
    engine::SessionOptions sorted;
    if (Result<void> ok = engine::add_debug_file(path, sorted); !ok) return ok;
    if (!sorted.vmlinux.empty()) {
      return Error(path + ": a vmlinux, not a module: give it as the vmlinux");
    }
    options.module_paths.push_back(path);
  }
  return {};
}

void store_session_options(QSettings& settings, const QString& group,
                           const engine::SessionOptions& options) {
  settings.beginGroup(group);
  write_options(settings, options);
  settings.endGroup();
}

engine::SessionOptions stored_session_options(QSettings& settings, const QString& group) {
  settings.beginGroup(group);
  engine::SessionOptions options = read_options(settings);
  settings.endGroup();
  return options;
}

void remember_recent_dump(QSettings& settings, const engine::SessionOptions& options) {
  std::vector<engine::SessionOptions> recent = recent_dumps(settings);
  std::erase_if(recent,
                [&](const engine::SessionOptions& old) { return old.vmcore == options.vmcore; });
  recent.insert(recent.begin(), options);
  if (recent.size() > kRecentDumps) recent.resize(kRecentDumps);
  settings.beginWriteArray("recent_dumps", static_cast<int>(recent.size()));
  for (size_t i = 0; i < recent.size(); ++i) {
    settings.setArrayIndex(static_cast<int>(i));
    write_options(settings, recent[i]);
  }
  settings.endArray();
}

std::vector<engine::SessionOptions> recent_dumps(QSettings& settings) {
  std::vector<engine::SessionOptions> recent;
  int size = settings.beginReadArray("recent_dumps");
  for (int i = 0; i < size; ++i) {
    settings.setArrayIndex(i);
    engine::SessionOptions options = read_options(settings);
    if (!options.vmcore.empty()) recent.push_back(std::move(options));
  }
  settings.endArray();
  return recent;
}

}  // namespace seam::gui

#include "gui/command_line.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace seam::gui {
namespace {

constexpr int kRelocatable = 1, kExecutable = 2;  // ELF e_type: ET_REL, ET_EXEC

// ELF e_type of `path`, or 0 if it is not an ELF file.
Result<int> elf_type(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(path + ": cannot open");
  unsigned char header[18] = {};
  file.read(reinterpret_cast<char*>(header), sizeof header);
  if (file.gcount() != sizeof header || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' ||
      header[3] != 'F') {
    return 0;
  }
  bool big_endian = header[5] == 2;  // EI_DATA: ELFDATA2MSB
  return big_endian ? header[16] << 8 | header[17] : header[16] | header[17] << 8;
}

// Puts a -s where it belongs: the vmlinux or the module paths.
Result<void> classify_symbols(const std::string& path, engine::SessionOptions& options) {
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error) return Error(path + ": " + error.message());
  if (std::filesystem::is_directory(status)) {
    options.module_paths.push_back(path);
    return {};
  }
  Result<int> type = elf_type(path);
  if (!type) return type.error();
  if (*type == kExecutable) {
    if (!options.vmlinux.empty()) {
      return Error("two vmlinux files given: " + options.vmlinux + " and " + path);
    }
    options.vmlinux = path;
  } else if (*type == kRelocatable || path.ends_with(".ko.xz") || path.ends_with(".ko.gz") ||
             path.ends_with(".ko.zst")) {
    options.module_paths.push_back(path);
  } else {
    return Error(path +
                 ": neither a vmlinux (ELF executable) nor a kernel module (ELF relocatable .ko) "
                 "nor a directory");
  }
  return {};
}

}  // namespace

std::string command_line_usage() {
  return "usage: seam-gui VMCORE -s VMLINUX [-s MODULE|DIR]...\n"
         "       seam-gui -g HOST:PORT -s VMLINUX [-s MODULE|DIR]...\n"
         "  -c, --vmcore VMCORE    the crash dump (or give it bare)\n"
         "  -g, --gdb HOST:PORT    or a live kernel: QEMU's gdbstub\n"
         "  -s, --symbols FILE|DIR the vmlinux, a module .ko, or a directory of modules\n";
}

Result<CommandLine> parse_command_line(const std::vector<std::string>& args) {
  CommandLine line;
  std::vector<std::string> symbols;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> Result<std::string> {
      if (i + 1 >= args.size()) return Error(arg + " needs a value (see seam-gui --help)");
      return args[++i];
    };
    if (arg == "-h" || arg == "--help") {
      line.help = true;
    } else if (arg == "-c" || arg == "--vmcore" || arg == "-g" || arg == "--gdb" || arg == "-s" ||
               arg == "--symbols") {
      Result<std::string> text = value();
      if (!text) return text.error();
      if (arg == "-s" || arg == "--symbols") {
        symbols.push_back(*text);
      } else if (!line.options.vmcore.empty() || !line.options.gdbstub.empty()) {
        return Error("give one dump or one live QEMU (-g HOST:PORT), not two");
      } else {
        (arg[1] == 'g' || arg == "--gdb" ? line.options.gdbstub : line.options.vmcore) = *text;
      }
    } else if (arg.starts_with('-') && arg.size() > 1) {
      return Error("unknown option '" + arg + "' (see seam-gui --help)");
    } else if (line.options.vmcore.empty() && line.options.gdbstub.empty()) {
      line.options.vmcore = arg;
    } else {
      return Error("unexpected argument '" + arg + "': give one dump (see seam-gui --help)");
    }
  }
  if (line.help) return line;
  if (line.options.vmcore.empty() && line.options.gdbstub.empty()) {
    return Error("no dump given: seam-gui VMCORE -s VMLINUX, or -g HOST:PORT for a live QEMU");
  }
  for (const std::string& path : symbols) {
    if (Result<void> ok = classify_symbols(path, line.options); !ok) return ok.error();
  }
  return line;
}

}  // namespace seam::gui

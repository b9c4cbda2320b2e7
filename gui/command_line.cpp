#include "gui/command_line.h"

#include "engine/debug_file_options.h"

namespace seam::gui {

std::string command_line_usage() {
  return "usage: seam-gui VMCORE -s VMLINUX [-s MODULE|DIR]...\n"
         "       seam-gui -g HOST:PORT -s VMLINUX [-s MODULE|DIR]...\n"
         "       seam-gui                (the Open Dump dialog; File > Connect to QEMU...)\n"
         "  -c, --vmcore VMCORE    the crash dump (or give it bare)\n"
         "  -g, --gdb HOST:PORT    or a live kernel: QEMU's gdbstub\n"
         "  -s, --symbols FILE|DIR the vmlinux, a module .ko, or a directory of modules\n"
         "  --source-root DIR      where to look for the source files (repeatable; also\n"
         "                         File > Add Source Root..., kept in the settings)\n"
         "  --screenshot FILE      grab the window to FILE (PNG) once the backtrace is\n"
         "                         shown, then quit: for tests and bug reports\n"
         "  --theme light|dark|system  colours (default: View > Theme's, else the system's)\n";
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
    } else if (arg == "--source-root" || arg == "--screenshot" || arg == "--theme") {
      Result<std::string> text = value();
      if (!text) return text.error();
      if (arg == "--source-root") {
        line.source_roots.push_back(*text);
      } else if (arg == "--theme") {
        Result<Theme> theme = parse_theme(*text);
        if (!theme) return theme.error();
        line.theme = *theme;
      } else {
        line.screenshot = *text;
      }
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
  if (line.open_dialog() && !symbols.empty()) {
    return Error(
        "-s given but no dump: seam-gui VMCORE -s VMLINUX, -g HOST:PORT for a live QEMU, "
        "or no arguments for the Open Dump dialog");
  }
  if (line.open_dialog() && !line.screenshot.empty()) {
    return Error("--screenshot needs a dump (or -g HOST:PORT) on the command line");
  }
  for (const std::string& path : symbols) {
    if (Result<void> ok = engine::add_debug_file(path, line.options); !ok) return ok.error();
  }
  return line;
}

}  // namespace seam::gui

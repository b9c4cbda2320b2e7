// The command line of seam-gui, as the CLI's (-c/-g/-s), but the dump may
// also be given bare:
//
//   Result<CommandLine> line = parse_command_line(
//       {"vmcore", "-s", "vmlinux", "-s", "m.ko", "--source-root", "/src/linux-6.1"});
//   if (!line) show(line.error().message());
//   else if (line->help) print(command_line_usage());
//   else if (line->open_dialog()) show the Open Dump dialog;
//   else open(line->options);
//
// Each -s is told by its content (ELF executable: the vmlinux; relocatable or
// a directory: modules), so the order of -s does not matter.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/session.h"
#include "gui/theme.h"
#include "symbolizer/result.h"

namespace seam::gui {

struct CommandLine {
  engine::SessionOptions options;
  // --source-root DIR, repeatable, in order: where the Source dock looks first.
  std::vector<std::string> source_roots;
  // --screenshot FILE: once the first backtrace is shown, grab the window to FILE and quit.
  std::string screenshot;
  // --theme light|dark|system; nullopt: the one chosen in View > Theme, else the system's.
  std::optional<Theme> theme;
  bool help = false;

  // No dump and no live QEMU given: seam-gui starts with the Open Dump dialog.
  bool open_dialog() const { return options.vmcore.empty() && options.gdbstub.empty(); }
};

// `args` without the program name.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

std::string command_line_usage();

}  // namespace seam::gui

// The command line of seam-gui, as the CLI's (-c/-g/-s), but the dump may
// also be given bare:
//
//   Result<CommandLine> line = parse_command_line(
//       {"vmcore", "-s", "vmlinux", "-s", "m.ko", "--source-root", "/src/linux-6.1"});
//   if (!line) show(line.error().message());
//   else if (line->help) print(command_line_usage());
//   else open(line->options);
//
// Each -s is told by its content (ELF executable: the vmlinux; relocatable or
// a directory: modules), so the order of -s does not matter.
#pragma once

#include <string>
#include <vector>

#include "engine/session.h"
#include "symbolizer/result.h"

namespace seam::gui {

struct CommandLine {
  engine::SessionOptions options;
  // --source-root DIR, repeatable, in order: where the Source dock looks first.
  std::vector<std::string> source_roots;
  // --screenshot FILE: once the first backtrace is shown, grab the window to FILE and quit.
  std::string screenshot;
  bool help = false;
};

// `args` without the program name.
Result<CommandLine> parse_command_line(const std::vector<std::string>& args);

std::string command_line_usage();

}  // namespace seam::gui

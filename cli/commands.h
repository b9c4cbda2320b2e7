// The `seam` subcommands. Each takes the full argv with argv[1] being the
// subcommand name, prints results to stdout and errors to stderr, and returns
// the process exit code.
#pragma once

namespace seam::cli {

int demangle_command(int argc, char** argv);
int symbolize_command(int argc, char** argv);
// Session mode, `seam -c VMCORE -s VMLINUX [COMMAND...]`: argv[1] is its
// first option rather than a subcommand name (cli/session_command.h).
int session_command(int argc, char** argv);

}  // namespace seam::cli

// seam's session mode: a vmcore opened with its vmlinux and modules, then one
// command from the command line, or commands from a prompt (a terminal) or
// from stdin (a pipe or a file).
//
//   seam -c vmcore.kdump -s vmlinux-6.1.0-56-cloud-amd64 -s modules/ sys
//   seam -c vmcore.kdump -s vmlinux rd -p 0x1000 4 --json
//   printf 'sys\nps\n' | seam -c vmcore.kdump -s vmlinux
//   seam -c vmcore.kdump -s vmlinux            # seam> prompt
//
// Each -s is classified by its content: an ELF executable is the vmlinux, an
// ELF relocatable file a module (.ko), a directory is searched for modules.
// Commands: sys, log, ps, mod, rd, sym, dis, help (and quit/exit at the prompt);
// their output formats are those of cli/session_printer.h.
//
// Exit status: 0; 1 when the dump cannot be opened or a command fails (for
// commands read from stdin: any of them); 2 for a usage error.
#pragma once

#include <ostream>

namespace seam::cli {

// argv[1] is the first option (`seam -c ...`). Defined in session_command.cpp
// and also declared in commands.h with the other subcommands.
int session_command(int argc, char** argv);

// The session usage and its commands, for `seam --help`.
void print_session_usage(std::ostream& out);

}  // namespace seam::cli

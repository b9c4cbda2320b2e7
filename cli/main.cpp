// seam: the command-line front of Seam.
#include <cstring>
#include <iostream>
#include <string_view>

#include "cli/commands.h"
#include "cli/session_command.h"

namespace {

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*run)(int, char**);
};

constexpr Command kCommands[] = {
    {"symbolize", "resolve addresses in an ELF file to functions, inline frames and source lines",
     seam::cli::symbolize_command},
    {"demangle", "demangle C++ and Rust symbols (arguments, or a filter on stdin)",
     seam::cli::demangle_command},
};

void print_usage(std::ostream& out) {
  out << "Usage: seam COMMAND [OPTIONS] [ARGS]\n"
         "       seam -c VMCORE -s VMLINUX [-s MODULE.ko|DIR]... [COMMAND [ARGS...] [--json]]\n"
         "       seam -g HOST:PORT -s VMLINUX [-s MODULE.ko|DIR]... [COMMAND ...]  (live QEMU)\n\n"
         "Seam is a debugger for Linux kernels written in C, Rust and C++.\n\n"
         "Commands:\n";
  for (const Command& command : kCommands) {
    out << "  " << command.name << std::string(12 - command.name.size(), ' ') << command.summary
        << '\n';
  }
  out << '\n';
  seam::cli::print_session_usage(out);
  out << "\nRun 'seam COMMAND --help' for the options of a command, 'seam -c VMCORE --help'\n"
         "for those of a session, 'seam -c VMCORE help COMMAND' for a session command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // iostreams without stdio synchronisation read and write in blocks; this
  // must come before any I/O.
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    print_usage(std::cerr);
    return 2;
  }
  std::string_view name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(std::cout);
    return 0;
  }
  if (name == "--version") {
    std::cout << "seam " SEAM_VERSION "\n";
    return 0;
  }
  // `seam -c VMCORE ...`, `seam -g HOST:PORT ...`: a session rather than a subcommand.
  if (name.starts_with('-')) return seam::cli::session_command(argc, argv);
  for (const Command& command : kCommands) {
    if (command.name == name) return command.run(argc, argv);
  }
  std::cerr << "seam: unknown command '" << name << "' (see 'seam --help')\n";
  return 2;
}

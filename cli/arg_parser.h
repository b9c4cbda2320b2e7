// A small command-line parser for seam's subcommands: long and short options,
// flags, repeatable options, positional arguments and generated --help text.
//
//   ArgParser p("seam symbolize", "Resolve addresses to functions and source lines.");
//   std::string file; bool json = false;
//   p.option("-e", "--exe", "FILE", "binary to symbolize", &file);
//   p.flag("", "--json", "print JSON", &json);
//   Result<std::vector<std::string>> positional = p.parse(argc, argv);
//
// The same parser also reads the words of a command typed at seam's prompt:
// p.parse(std::vector<std::string>{"rd", "-p", "0x1000"}, 1).
#pragma once

#include <string>
#include <vector>

#include "symbolizer/result.h"

namespace seam::cli {

class ArgParser {
 public:
  ArgParser(std::string command, std::string summary, std::string positional_usage = "");

  void flag(std::string short_name, std::string long_name, std::string help, bool* out);
  void option(std::string short_name, std::string long_name, std::string metavar, std::string help,
              std::string* out);
  void repeated(std::string short_name, std::string long_name, std::string metavar,
                std::string help, std::vector<std::string>* out);

  // Parses argv[first..argc). Returns the positional arguments, or an error
  // naming the bad option. `--help`/`-h` sets help_requested().
  Result<std::vector<std::string>> parse(int argc, char** argv, int first = 1);
  // The same over words[first..].
  Result<std::vector<std::string>> parse(const std::vector<std::string>& words, size_t first = 0);

  // Stop parsing options at the first positional argument: it and every
  // word after it are returned as they are (as POSIX getopt with '+'), so
  // `seam -c VMCORE rd -p 0x1000` leaves `rd -p 0x1000` to the command.
  void stop_at_first_positional() { stop_at_positional_ = true; }

  bool help_requested() const { return help_requested_; }
  std::string help() const;

 private:
  struct Spec {
    std::string short_name, long_name, metavar, help;
    bool* flag = nullptr;
    std::string* value = nullptr;
    std::vector<std::string>* values = nullptr;
  };
  const Spec* find(const std::string& name) const;

  std::string command_, summary_, positional_usage_;
  std::vector<Spec> specs_;
  bool help_requested_ = false;
  bool stop_at_positional_ = false;
};

}  // namespace seam::cli

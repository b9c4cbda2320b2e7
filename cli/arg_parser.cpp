#include "cli/arg_parser.h"

#include <sstream>

namespace seam::cli {

ArgParser::ArgParser(std::string command, std::string summary, std::string positional_usage)
    : command_(std::move(command)),
      summary_(std::move(summary)),
      positional_usage_(std::move(positional_usage)) {}

void ArgParser::flag(std::string short_name, std::string long_name, std::string help, bool* out) {
  specs_.push_back({std::move(short_name), std::move(long_name), "", std::move(help), out});
}

void ArgParser::option(std::string short_name, std::string long_name, std::string metavar,
                       std::string help, std::string* out) {
  Spec spec{std::move(short_name), std::move(long_name), std::move(metavar), std::move(help)};
  spec.value = out;
  specs_.push_back(std::move(spec));
}

void ArgParser::repeated(std::string short_name, std::string long_name, std::string metavar,
                         std::string help, std::vector<std::string>* out) {
  Spec spec{std::move(short_name), std::move(long_name), std::move(metavar), std::move(help)};
  spec.values = out;
  specs_.push_back(std::move(spec));
}

const ArgParser::Spec* ArgParser::find(const std::string& name) const {
  for (const Spec& spec : specs_) {
    if (name == spec.short_name || name == spec.long_name) return &spec;
  }
  return nullptr;
}

Result<std::vector<std::string>> ArgParser::parse(int argc, char** argv, int first) {
  std::vector<std::string> words;
  for (int i = first; i < argc; ++i) words.emplace_back(argv[i]);
  return parse(words);
}

Result<std::vector<std::string>> ArgParser::parse(const std::vector<std::string>& words,
                                                  size_t first) {
  std::vector<std::string> positional;
  bool options_done = false;
  const size_t argc = words.size();
  for (size_t i = first; i < argc; ++i) {
    const std::string& arg = words[i];
    if (options_done || arg.size() < 2 || arg[0] != '-' || arg == "-") {
      positional.push_back(arg);
      if (stop_at_positional_) options_done = true;
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      help_requested_ = true;
      continue;
    }
    // "--name=value" and "-xVALUE" forms as well as "--name value".
    std::string name = arg, inline_value;
    bool has_inline = false;
    if (size_t eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
      has_inline = true;
    } else if (arg[1] != '-' && arg.size() > 2 && !find(arg)) {
      name = arg.substr(0, 2);
      inline_value = arg.substr(2);
      has_inline = true;
    }
    const Spec* spec = find(name);
    if (!spec) {
      // A negative number or an address like -0x10 is a positional argument.
      if (arg.find_first_not_of("-0123456789abcdefxABCDEFX") == std::string::npos) {
        positional.push_back(arg);
        if (stop_at_positional_) options_done = true;
        continue;
      }
      return Error(command_ + ": unknown option '" + arg + "' (see '" + command_ + " --help')");
    }
    if (spec->flag) {
      if (has_inline) return Error(command_ + ": option '" + name + "' takes no value");
      *spec->flag = true;
      continue;
    }
    std::string value;
    if (has_inline) {
      value = inline_value;
    } else if (i + 1 < argc) {
      value = words[++i];
    } else {
      return Error(command_ + ": option '" + name + "' needs a value " + spec->metavar);
    }
    if (spec->value) *spec->value = value;
    if (spec->values) spec->values->push_back(value);
  }
  return positional;
}

std::string ArgParser::help() const {
  std::ostringstream out;
  out << "Usage: " << command_ << " [OPTIONS]";
  if (!positional_usage_.empty()) out << ' ' << positional_usage_;
  out << "\n\n" << summary_ << "\n\nOptions:\n";
  for (const Spec& spec : specs_) {
    std::string names = spec.short_name.empty() ? "    " : spec.short_name + ", ";
    names += spec.long_name;
    if (!spec.metavar.empty()) names += ' ' + spec.metavar;
    out << "  " << names;
    out << std::string(names.size() < 30 ? 30 - names.size() : 1, ' ') << spec.help << '\n';
  }
  out << "  -h, --help" << std::string(20, ' ') << "show this help\n";
  return out.str();
}

}  // namespace seam::cli

// seam demangle: C++ and Rust symbols -> readable names, like c++filt and
// rustfilt. Symbols come from the arguments or, without any, from stdin used
// as a filter: every mangled name inside the text is replaced, so
// `dmesg | seam demangle` works.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/json_writer.h"
#include "symbolizer/demangle.h"

namespace seam::cli {
namespace {

void print_json(std::ostream& out, std::string_view symbol) {
  DemangledName name = demangle(symbol);
  JsonWriter json(out);
  json.begin_object();
  json.key("symbol").value(symbol);
  json.key("name").value(name.name);
  json.key("suffix").value(name.suffix);
  json.key("language").value(language_name(name.language));
  json.key("demangled").value(name.demangled);
  json.end_object();
  out << '\n';
}

// Reads stdin in large blocks with read(2) and hands complete lines to
// `process`, followed by the final unterminated line if any. Output is
// flushed whenever the input runs dry, i.e. before every read that could
// block: a slow producer (`dmesg -w`) sees each line demangled at once, and
// a fast one (a file) is processed in big blocks without a write per line.
template <typename Process>
bool for_each_line_block(Process&& process) {
  constexpr size_t kBlockSize = 256 * 1024;
  std::vector<char> buffer(kBlockSize);
  std::string pending;  // a line not yet terminated
  while (true) {
    std::cout.flush();
    ssize_t n = ::read(STDIN_FILENO, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::cerr << "seam demangle: reading stdin: " << std::strerror(errno) << '\n';
      return false;
    }
    if (n == 0) break;
    std::string_view block(buffer.data(), static_cast<size_t>(n));
    size_t last_newline = block.rfind('\n');
    if (last_newline == std::string_view::npos) {
      pending.append(block);
      continue;
    }
    pending.append(block.substr(0, last_newline + 1));
    process(std::string_view(pending));
    pending.assign(block.substr(last_newline + 1));
  }
  if (!pending.empty()) process(std::string_view(pending));
  std::cout.flush();
  return true;
}

// `seam demangle` with no symbols: replace the mangled names in the text.
bool filter_stdin() {
  return for_each_line_block([](std::string_view lines) { std::cout << demangle_text(lines); });
}

// `seam demangle --json` with no symbols: one symbol per line, one object each.
bool json_from_stdin() {
  return for_each_line_block([](std::string_view lines) {
    while (!lines.empty()) {
      size_t end = lines.find('\n');
      std::string_view line = lines.substr(0, end);
      lines.remove_prefix(end == std::string_view::npos ? lines.size() : end + 1);
      size_t first = line.find_first_not_of(" \t\r");
      if (first == std::string_view::npos) continue;
      line = line.substr(first, line.find_last_not_of(" \t\r") + 1 - first);
      print_json(std::cout, line);
    }
  });
}

}  // namespace

int demangle_command(int argc, char** argv) {
  bool json = false;
  ArgParser parser("seam demangle",
                   "Demangle C++ (Itanium) and Rust (legacy and v0) symbols. Each SYMBOL is\n"
                   "printed demangled, as c++filt or rustfilt would; compiler suffixes such as\n"
                   ".cold are kept. Without SYMBOLs, stdin is copied to stdout with every\n"
                   "mangled name in it demangled, e.g. 'dmesg | seam demangle'.",
                   "[SYMBOL...]");
  parser.flag("", "--json",
              "print one JSON object per symbol (with stdin: one symbol per line):\n" +
                  std::string(32, ' ') + "symbol, name, suffix, language, demangled",
              &json);
  Result<std::vector<std::string>> symbols = parser.parse(argc, argv, 2);
  if (!symbols) {
    std::cerr << symbols.error().message() << '\n';
    return 2;
  }
  if (parser.help_requested()) {
    std::cout << parser.help();
    return 0;
  }

  if (symbols->empty()) return (json ? json_from_stdin() : filter_stdin()) ? 0 : 1;
  for (const std::string& symbol : *symbols) {
    if (json) {
      print_json(std::cout, symbol);
    } else {
      std::cout << demangle(symbol).display() << '\n';
    }
  }
  std::cout.flush();
  return std::cout ? 0 : 1;
}

}  // namespace seam::cli

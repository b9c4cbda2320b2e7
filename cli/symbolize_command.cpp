// seam symbolize: addresses in an ELF file -> functions, inline frames, lines.
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/symbolize_printer.h"
#include "symbolizer/binary.h"

namespace seam::cli {
namespace {

Result<uint64_t> parse_address(const std::string& text) {
  std::string digits = text;
  if (digits.rfind("0x", 0) == 0 || digits.rfind("0X", 0) == 0) digits = digits.substr(2);
  if (digits.empty() || digits.size() > 16 ||
      digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return Error("'" + text + "' is not a hexadecimal address");
  }
  return std::stoull(digits, nullptr, 16);
}

Result<SectionPlacement> parse_sections(const std::vector<std::string>& specs) {
  SectionPlacement placement;
  for (const std::string& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0) {
      return Error("--section wants NAME=ADDR, got '" + spec + "'");
    }
    Result<uint64_t> address = parse_address(spec.substr(eq + 1));
    if (!address) return address.error().context("--section " + spec);
    placement[spec.substr(0, eq)] = *address;
  }
  return placement;
}

// Freeing the indexes of a large vmlinux (millions of small objects) takes
// longer than the kernel takes to reclaim the whole process: once the answers
// are written, leave without running destructors.
int exit_without_teardown(int status) {
  std::cout.flush();
  std::_Exit(status);
}

}  // namespace

int symbolize_command(int argc, char** argv) {
  std::string file, base_text;
  bool inlines = false, json = false, print_address = false, verbose = false;
  std::vector<std::string> sections, debug_dirs;
  ArgParser parser("seam symbolize",
                   "Resolve addresses in an ELF file (executable, shared object, vmlinux or\n"
                   "kernel module) to functions, inlined calls and source lines. Addresses\n"
                   "come from the arguments or, if there are none, one per line on stdin.",
                   "[ADDR...]");
  parser.option("-e", "--exe", "FILE", "the ELF file (required)", &file);
  parser.option("", "--base", "ADDR",
                "load bias of FILE (a PIE's load address, a kernel's KASLR offset);\n" +
                    std::string(32, ' ') + "addresses are then runtime addresses",
                &base_text);
  parser.repeated("", "--section", "NAME=ADDR", "place a section of a .ko (repeatable)", &sections);
  parser.repeated("", "--debug-dir", "DIR", "also search DIR for debug files (repeatable)",
                  &debug_dirs);
  parser.flag("-i", "--inlines", "print every inlined frame, innermost first", &inlines);
  parser.flag("-a", "--print-address", "print each address before its frames", &print_address);
  parser.flag("", "--json", "print one JSON object per address", &json);
  parser.flag("-v", "--verbose", "say where the debug info came from", &verbose);
  Result<std::vector<std::string>> positional = parser.parse(argc, argv, 2);
  if (!positional) {
    std::cerr << "seam: " << positional.error().message() << '\n';
    return 2;
  }
  if (parser.help_requested()) {
    std::cout << parser.help();
    return 0;
  }
  if (file.empty()) {
    std::cerr << "seam symbolize: no file given: use -e FILE (see 'seam symbolize --help')\n";
    return 2;
  }

  LoadOptions options;
  Result<SectionPlacement> placement = parse_sections(sections);
  if (!placement) {
    std::cerr << "seam symbolize: " << placement.error().message() << '\n';
    return 2;
  }
  options.section_addresses = *placement;
  debug_dirs.insert(debug_dirs.end(), options.debug_dirs.begin(), options.debug_dirs.end());
  options.debug_dirs = debug_dirs;

  // Addresses are checked before the (possibly large) file is loaded.
  // file address = runtime address - bias
  int64_t bias = 0;
  if (!base_text.empty()) {
    Result<uint64_t> base = parse_address(base_text);
    if (!base) {
      std::cerr << "seam symbolize: --base: " << base.error().message() << '\n';
      return 2;
    }
    bias = static_cast<int64_t>(*base);
  }
  std::vector<uint64_t> addresses;
  for (const std::string& text : *positional) {
    Result<uint64_t> address = parse_address(text);
    if (!address) {
      std::cerr << "seam symbolize: " << address.error().message() << '\n';
      return 2;
    }
    addresses.push_back(*address);
  }

  Result<std::unique_ptr<Binary>> binary = Binary::open(file, options);
  if (!binary) {
    std::cerr << "seam symbolize: " << binary.error().message() << '\n';
    return 1;
  }
  for (const std::string& warning : (*binary)->warnings()) {
    std::cerr << "seam symbolize: warning: " << warning << '\n';
  }
  if (verbose) std::cerr << "seam symbolize: names from " << (*binary)->debug_info_source() << '\n';

  SymbolizePrinter printer(std::cout, {json, inlines, print_address});
  auto symbolize = [&](uint64_t address) {
    Symbolized result = (*binary)->symbolize(address - bias);
    result.address = address;  // Report the address as the user gave it.
    printer.print(result);
  };
  if (!positional->empty()) {
    for (uint64_t address : addresses) symbolize(address);
    return exit_without_teardown(0);
  }
  int status = 0;
  std::string line;
  // Flush whenever the input runs dry rather than after every answer: a
  // program talking to seam through a pipe gets each answer before it sends
  // the next address, and a batch on stdin is written in large blocks.
  while ((std::cin.rdbuf()->in_avail() > 0 || std::cout.flush()) && std::getline(std::cin, line)) {
    std::istringstream tokens(line);
    std::string token;
    if (!(tokens >> token)) continue;
    Result<uint64_t> address = parse_address(token);
    if (!address) {
      std::cerr << "seam symbolize: " << address.error().message() << '\n';
      status = 1;
      continue;
    }
    symbolize(*address);
  }
  return exit_without_teardown(status);
}

}  // namespace seam::cli

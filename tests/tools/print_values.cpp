// seam_print_values BINARY [--depth N] [VAR...]: prints "name<TAB>type<TAB>value"
// for global variables of a binary, read from its file (a -no-pie program's
// .data, a vmlinux's .data/.rodata). The oracle side of
// tests/integration/test_value_format.py, which compares with gdb's print.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "symbolizer/dwarf_type_name.h"
#include "tests/tools/global_variables.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: seam_print_values BINARY [--depth N] [VAR...]\n");
    return 2;
  }
  seam::engine::ValueFormatOptions options;
  options.max_depth = 16;
  options.max_elements = 200;  // gdb's `print elements` default
  options.max_string = 200;
  std::vector<std::string> names;
  for (int i = 2; i < argc; ++i) {
    if (std::strcmp(argv[i], "--depth") == 0 && i + 1 < argc) {
      options.max_depth = std::atoi(argv[++i]);
    } else {
      names.emplace_back(argv[i]);
    }
  }
  auto binary = seam::Binary::open(argv[1], {});
  if (!binary) {
    std::fprintf(stderr, "seam_print_values: %s\n", binary.error().message().c_str());
    return 1;
  }
  seam::test::GlobalVariables globals(argv[1]);
  seam::test::BinaryValueReader reader(**binary);
  if (names.empty())
    for (const auto& entry : globals.all()) names.push_back(entry.first);
  for (const std::string& name : names) {
    const seam::test::GlobalVariable* variable = globals.find(name);
    if (variable == nullptr) {
      std::printf("%s\t?\t<no such variable>\n", name.c_str());
      continue;
    }
    std::vector<std::byte> bytes = seam::test::variable_bytes(**binary, *variable);
    std::string type = seam::type_name(variable->type, variable->language);
    std::string value =
        seam::engine::format_value(variable->type, bytes, variable->language, reader, options);
    std::printf("%s\t%s\t%s\n", name.c_str(), type.c_str(), value.c_str());
  }
  return 0;
}

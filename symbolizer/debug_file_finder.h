// Finding separate debug info for a stripped binary, the way gdb does:
//   1. by build-id:    DIR/.build-id/xx/yyyy.debug for each debug directory
//   2. by debuglink:   next to the binary, in its .debug/ folder, and under
//                      each debug directory + the binary's own directory
//                      (the CRC in .gnu_debuglink must match)
//   3. by debuginfod:  elfutils' libdebuginfod, only when DEBUGINFOD_URLS is set
//
//   DebugFileFinder finder({"/usr/lib/debug"});
//   std::optional<std::string> path = finder.find(elf);
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "symbolizer/elf_file.h"

namespace seam {

class DebugFileFinder {
 public:
  explicit DebugFileFinder(std::vector<std::string> debug_dirs)
      : debug_dirs_(std::move(debug_dirs)) {}

  // Path of a file holding the DWARF for `elf`, or nullopt. `tried` (if
  // given) receives every place looked at, for an error message.
  std::optional<std::string> find(const ElfFile& elf,
                                  std::vector<std::string>* tried = nullptr) const;

 private:
  std::optional<std::string> by_build_id(const std::vector<uint8_t>& build_id,
                                         std::vector<std::string>* tried) const;
  std::optional<std::string> by_debuglink(const ElfFile& elf,
                                          std::vector<std::string>* tried) const;
  static std::optional<std::string> by_debuginfod(const std::vector<uint8_t>& build_id,
                                                  std::vector<std::string>* tried);

  std::vector<std::string> debug_dirs_;
};

}  // namespace seam

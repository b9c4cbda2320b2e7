// Finds the local copy of a source file named by DWARF. The paths there are
// the build machine's ("debian/build/build_amd64_none_cloud-amd64/fs/read_write.c",
// "/build/reproducible-path/linux-6.1.192/arch/x86/entry/entry_64.S"), so each
// source root is tried with successively shorter suffixes of the path: the
// whole path, then without its first component, and so on.
//
//   std::optional<std::filesystem::path> local =
//       locate_source("debian/build/x/drivers/tty/sysrq.c", {"/src/linux-6.1"});
//   // -> /src/linux-6.1/drivers/tty/sysrq.c, if that file exists
//
// Roots are tried in order, the longest suffix first within a root: the first
// root that has the file at all wins, however short the suffix that matched.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace seam::gui {

// An absolute path that exists is its own answer, roots or not.
std::optional<std::filesystem::path> locate_source(const std::string& dwarf_path,
                                                   const std::vector<std::filesystem::path>& roots);

}  // namespace seam::gui

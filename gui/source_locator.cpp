#include "gui/source_locator.h"

#include <system_error>

namespace seam::gui {

std::optional<std::filesystem::path> locate_source(
    const std::string& dwarf_path, const std::vector<std::filesystem::path>& roots) {
  namespace fs = std::filesystem;
  if (dwarf_path.empty()) return std::nullopt;
  std::error_code error;
  fs::path path(dwarf_path);
  if (path.is_absolute() && fs::is_regular_file(path, error)) return path;

  std::vector<fs::path> parts;
  for (const fs::path& part : path.relative_path()) parts.push_back(part);
  for (const fs::path& root : roots) {
    for (size_t skip = 0; skip < parts.size(); ++skip) {
      fs::path candidate = root;
      for (size_t i = skip; i < parts.size(); ++i) candidate /= parts[i];
      if (fs::is_regular_file(candidate, error)) return candidate;
    }
  }
  return std::nullopt;
}

}  // namespace seam::gui

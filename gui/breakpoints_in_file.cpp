#include "gui/breakpoints_in_file.h"

#include <algorithm>

namespace seam::gui {
namespace {

// `path` ends with `suffix` starting at a directory boundary.
bool ends_with_component(std::string_view path, std::string_view suffix) {
  if (suffix.empty() || !path.ends_with(suffix)) return false;
  return path.size() == suffix.size() || path[path.size() - suffix.size() - 1] == '/';
}

}  // namespace

bool same_source_file(std::string_view a, std::string_view b) {
  return ends_with_component(a, b) || ends_with_component(b, a);
}

std::vector<int> breakpoint_lines(const std::vector<engine::LiveBreakpoint>& breakpoints,
                                  std::string_view file) {
  std::vector<int> lines;
  for (const engine::LiveBreakpoint& b : breakpoints) {
    for (const engine::BreakpointSite& site : b.sites) {
      if (site.line > 0 && same_source_file(site.file, file)) lines.push_back(site.line);
    }
  }
  std::sort(lines.begin(), lines.end());
  lines.erase(std::unique(lines.begin(), lines.end()), lines.end());
  return lines;
}

std::optional<int> breakpoint_at_line(const std::vector<engine::LiveBreakpoint>& breakpoints,
                                      std::string_view file, int line) {
  for (const engine::LiveBreakpoint& b : breakpoints) {
    for (const engine::BreakpointSite& site : b.sites) {
      if (site.line == line && same_source_file(site.file, file)) return b.id;
    }
  }
  return std::nullopt;
}

}  // namespace seam::gui

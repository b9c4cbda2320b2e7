// Which live breakpoints are in a source file, by line: the Source view's
// gutter paints them, and a click on a line with one deletes it. A site is in
// the file when its line-table path and the frame's DWARF path are the same
// file (equal, or one ends with the other at a '/').
//
//   std::vector<int> dots = breakpoint_lines(live->breakpoints(), frame->file);
//   std::optional<int> id = breakpoint_at_line(live->breakpoints(), frame->file, 637);
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/live_control.h"

namespace seam::gui {

bool same_source_file(std::string_view a, std::string_view b);

// The lines of `file` with a breakpoint site, sorted, each once.
std::vector<int> breakpoint_lines(const std::vector<engine::LiveBreakpoint>& breakpoints,
                                  std::string_view file);

// The breakpoint with a site at `file`:`line`, if one has.
std::optional<int> breakpoint_at_line(const std::vector<engine::LiveBreakpoint>& breakpoints,
                                      std::string_view file, int line);

}  // namespace seam::gui

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

// What a FILE:LINE breakpoint at a frame's DWARF path is tried with, most
// specific first: the path, then without its leading directories down to
// "dir/file". A frame's path has the unit's directory before the line
// table's name ("debian/build/.../fs/read_write.c"), which locations match
// by its end ("fs/read_write.c").
std::vector<std::string> location_files(std::string_view dwarf_file);

// The breakpoint with a site at `file`:`line`, if one has.
std::optional<int> breakpoint_at_line(const std::vector<engine::LiveBreakpoint>& breakpoints,
                                      std::string_view file, int line);

}  // namespace seam::gui

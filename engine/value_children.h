// The parts of a typed value as a tree, for views that expand a variable
// (seam-gui's Locals, `bt -f --json`): struct, class and union members (a
// C++ base class as a part named after the base), a Rust enum's active
// variant's fields, tuple fields (`0`, `1`... as Rust names them), array,
// slice and Vec elements (`[0]`, `[1]`...), and through a pointer or
// reference to an aggregate the members of what it points to. Each part's
// value is the formatter's text for it (engine/value_format), so a part
// reads as it does inside its parent's text.
//
//   std::vector<Variable> parts = value_children(type_die, bytes, Language::C, reader);
//   // p: struct point * = 0x404060 <c_point>  ->  {x, int, 1}, {y, int, 2}
//
// Bounded whatever the DWARF and the memory say (a linked list, a huge
// struct): parts nest at most max_depth deep, at most max_nodes are made
// for one value (breadth first, so a value's own parts come before its
// parts' parts), and what is read through pointers is capped. A pointer
// whose target cannot be read has one part, `*name`, saying so.
#pragma once

#include <elfutils/libdw.h>

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "engine/session.h"
#include "engine/value_format.h"
#include "symbolizer/language.h"

namespace seam::engine {

struct ValueChildrenOptions {
  int max_depth = 4;          // levels of parts below the value
  size_t max_nodes = 500;     // parts made for one value, all levels
  ValueFormatOptions format;  // for each part's value text
};

// `name` is the value's own (a variable's name), for the `*name` part of an
// unreadable pointer. `bytes` may be shorter than the type: the parts past
// them are <optimized out>.
std::vector<Variable> value_children(Dwarf_Die type, std::span<const std::byte> bytes,
                                     const std::string& name, Language language,
                                     ValueReader& reader, const ValueChildrenOptions& options = {});

}  // namespace seam::engine

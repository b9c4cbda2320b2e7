// The calls inlined into a function of a loaded binary, at runtime addresses:
// what Session::inlined_calls answers for the vmlinux (KASLR applied) or a
// module (its .ko placed where the kernel loaded it).
//
//   Result<std::vector<InlinedCall>> calls = inlined_calls_at(vmlinux, kaslr_offset, pc);
//   for (const InlinedCall& c : *calls) mark(c.call_file, c.call_line, c.callee);
#pragma once

#include <cstdint>
#include <vector>

#include "engine/session.h"
#include "symbolizer/binary.h"

namespace seam::engine {

// `pc` is a runtime address in `binary`'s code, placed at `bias` (runtime =
// file address + bias). An error names the address and the file when the
// binary has no DWARF or no DWARF function covers `pc`; a function without
// inlined calls gives an empty list.
Result<std::vector<InlinedCall>> inlined_calls_at(Binary& binary, int64_t bias, uint64_t pc);

}  // namespace seam::engine

// InlinedCall: one call the compiler inlined into a function — where the
// caller's source makes the call (DW_AT_call_file/line/column of its
// DW_TAG_inlined_subroutine) and where its code went.
//
//   std::optional<std::vector<InlinedCall>> calls = binary.inlined_calls(pc);
//   for (const InlinedCall& c : calls.value_or({}))
//     mark(c.call_file, c.call_line, c.callee);   // "sysrq.c:573 calls rcu_read_lock"
#pragma once

#include <cstdint>
#include <string>

namespace seam {

struct InlinedCall {
  std::string callee;     // demangled, as frames name functions ("rcu_read_lock")
  std::string call_file;  // the calling line's file (absolute, as frames' files)
  uint32_t call_line = 0;
  uint32_t call_column = 0;
  uint64_t low_pc = 0;  // file address of its lowest byte; 0 when no code is left of it
  // 1: inlined into the function itself; 2: into one of those calls; ...
  int depth = 1;
};

}  // namespace seam

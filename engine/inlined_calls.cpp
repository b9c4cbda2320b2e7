#include "engine/inlined_calls.h"

#include <cinttypes>

#include "symbolizer/printf_format.h"

namespace seam::engine {

Result<std::vector<InlinedCall>> inlined_calls_at(Binary& binary, int64_t bias, uint64_t pc) {
  if (!binary.dwarf()) {
    return Error(
        sformat("no DWARF in %s: inlined calls need its debug info (pass the file with "
                "debug info, or its debug file, with -s)",
                binary.path().c_str()));
  }
  uint64_t file_address = pc - static_cast<uint64_t>(bias);
  std::optional<std::vector<seam::InlinedCall>> found = binary.inlined_calls(file_address);
  if (!found) {
    return Error(sformat("no DWARF function of %s contains 0x%" PRIx64
                         " (assembly, or code without debug info)",
                         binary.path().c_str(), pc));
  }
  std::vector<InlinedCall> calls;
  calls.reserve(found->size());
  for (seam::InlinedCall& call : *found) {
    calls.push_back(InlinedCall{
        .callee = std::move(call.callee),
        .call_file = std::move(call.call_file),
        .call_line = static_cast<int>(call.call_line),
        .call_column = static_cast<int>(call.call_column),
        .low_pc = call.low_pc == 0 ? 0 : call.low_pc + static_cast<uint64_t>(bias),
        .depth = call.depth,
    });
  }
  return calls;
}

}  // namespace seam::engine

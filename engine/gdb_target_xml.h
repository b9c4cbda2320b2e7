// The register layout a gdbstub describes in its target.xml (and the files it
// includes): each register's name, number, size and offset in the `g` packet.
//
//   Result<RegisterLayout> layout = parse_target_xml("target.xml",
//       [&](const std::string& file) { return remote.read_feature(file); });
//   if (const RegisterDesc* cr3 = layout->find("cr3")) read_at(g, cr3->offset, cr3->size());
//
// Only what a debugger needs is read: <architecture>, <reg> and <xi:include>;
// the rest of the XML (types, flags) is skipped without validation.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "symbolizer/result.h"

namespace seam::engine {

struct RegisterDesc {
  std::string name;
  int regnum = 0;  // the number `p` takes
  int bitsize = 0;
  size_t offset = 0;  // byte offset in the `g` reply when registers are numbered without gaps
  std::string type;   // "int64", "code_ptr", "i387_ext", ...
  std::string group;
  size_t size() const { return static_cast<size_t>(bitsize + 7) / 8; }
};

struct RegisterLayout {
  std::string architecture;        // "i386:x86-64"
  std::vector<RegisterDesc> regs;  // by regnum
  const RegisterDesc* find(std::string_view name) const;
};

// Fetches one description file by name ("target.xml", "i386-64bit.xml").
using FeatureReader = std::function<Result<std::string>(const std::string& file)>;

Result<RegisterLayout> parse_target_xml(const std::string& file, const FeatureReader& read);

}  // namespace seam::engine

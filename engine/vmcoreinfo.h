// Vmcoreinfo: the kernel's own description of itself that it leaves for crash
// tools (kernel/crash_core.c): "KEY=value" lines such as OSRELEASE,
// SYMBOL(init_top_pgt), NUMBER(phys_base), OFFSET(printk_info.seq), KERNELOFFSET.
//
//   Vmcoreinfo info = Vmcoreinfo::parse(*target.vmcoreinfo());
//   std::optional<uint64_t> pgt = info.symbol("init_top_pgt");  // hex in the text
//   std::optional<int64_t> phys_base = info.number("phys_base"); // decimal, may be negative
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace seam::engine {

class Vmcoreinfo {
 public:
  static Vmcoreinfo parse(std::string_view text);

  std::optional<std::string_view> get(std::string_view key) const;
  std::optional<uint64_t> symbol(std::string_view name) const;  // SYMBOL(name)=hex
  std::optional<int64_t> number(std::string_view name) const;   // NUMBER(name)=decimal
  std::optional<uint64_t> offset(std::string_view name) const;  // OFFSET(struct.member)=decimal
  std::optional<uint64_t> size(std::string_view name) const;    // SIZE(name)=decimal
  std::optional<uint64_t> kernel_offset() const;                // KERNELOFFSET=hex
  std::string release() const;                                  // OSRELEASE, or ""
  bool empty() const { return entries_.empty(); }

 private:
  std::map<std::string, std::string, std::less<>> entries_;
};

}  // namespace seam::engine

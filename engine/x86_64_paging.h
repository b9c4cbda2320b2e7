// X86_64Paging: virtual -> physical translation by walking x86-64 page tables
// (4-level, or 5-level with LA57) in a target's physical memory, as the MMU
// does. One walk covers every kernel region alike — direct map (wherever
// KASLR put page_offset_base), vmalloc, vmemmap, modules, the kernel image —
// and user space through a process's own root.
//
//   X86_64Paging paging(/*root=*/init_top_pgt_phys, /*levels=*/5);
//   Result<Translation> t = paging.translate(target, 0xffffffff81000000);
//   if (t) read_physical(t->physical, ...);   // valid for t->page_size bytes
#pragma once

#include <cstdint>

#include "engine/target.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct Translation {
  uint64_t physical = 0;
  uint64_t page_size = 0;  // 4 KiB, 2 MiB or 1 GiB: the physical range is contiguous within it
};

class X86_64Paging {
 public:
  X86_64Paging(uint64_t root_physical, int levels) : root_(root_physical), levels_(levels) {}

  Result<Translation> translate(Target& target, uint64_t virtual_address) const;
  uint64_t root() const { return root_; }
  int levels() const { return levels_; }

 private:
  uint64_t root_;
  int levels_;  // 4 or 5
};

}  // namespace seam::engine

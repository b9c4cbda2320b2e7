// DwarfUnits: which compilation unit holds an address, and libdw's knowledge
// of the units, at the cost of the units actually needed.
//
// Why: libdw (elfutils 0.188) finds a unit only by reading every unit header
// before it, and dwarf_getaranges / dwarf_addrdie read the header of every
// unit .debug_aranges names. With the file memory-mapped, the kernel maps
// 64 KiB around each page fault (fault-around), so on Debian's vmlinux (2172
// units, 160 MB of .debug_info) those header reads alone put ~100 MB into the
// resident set. Here:
//
//   - .debug_aranges is parsed by Seam and searched exactly as dwarf_addrdie
//     searches it, without reading any unit header;
//   - units are walked (libdw learns them) in Seam's own loop, which gives
//     the pages of .debug_info behind it back with madvise(MADV_DONTNEED)
//     when that is safe (a private file mapping of a non-ET_REL file: a later
//     access faults them in again from the page cache);
//   - the unit DIEs' own address ranges serve the units .debug_aranges misses
//     (clang and rustc omit it or cover only some units), read by one walk.
//
// One per Dwarf, owned by the Binary and lent to every reader of it
// (DwarfIndex, DwarfTypes), so the units are walked once:
//
//   DwarfUnits units(dwarf);
//   std::optional<Dwarf_Die> cu = units.unit_of(0xffffffff81234567);
//   units.for_each_unit([](Dwarf_Die& cu, uint8_t unit_type) { ... });
//
// Not thread-safe.
#pragma once

#include <elfutils/libdw.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace seam {

// Linkers mark the ranges of discarded code with 0 (ld.bfd, in units of a
// program that does not start at 0) or with -1 / -2 (lld, DWARF 5); the
// latter never hold code.
inline bool is_tombstone(uint64_t low) {
  return low == ~uint64_t(0) || low == ~uint64_t(0) - 1;
}

// Calls add(low, high) for each non-empty address range of a DIE
// (DW_AT_low_pc/high_pc or DW_AT_ranges), tombstones left out.
template <typename Add>
void for_each_range(Dwarf_Die* die, Add&& add) {
  Dwarf_Addr base, low, high;
  for (ptrdiff_t offset = 0; (offset = dwarf_ranges(die, offset, &base, &low, &high)) > 0;) {
    if (high > low && !is_tombstone(low)) add(low, high);
  }
}

// Address intervals, possibly overlapping, each with an id; built by pushing
// intervals and calling finish() once.
struct IntervalIndex {
  struct Interval {
    uint64_t low;
    uint64_t high;  // exclusive
    uint64_t id;
  };
  // Sorted by `low` after finish(), with a running maximum of `high` so that
  // a lookup stops scanning backwards as soon as nothing earlier can reach.
  std::vector<Interval> intervals;
  std::vector<uint64_t> max_high;

  void finish();
  // Calls visit(interval) for each interval containing `address`, latest
  // start first, until visit returns true.
  template <typename Visit>
  void for_each_containing(uint64_t address, Visit&& visit) const {
    auto above = std::upper_bound(intervals.begin(), intervals.end(), address,
                                  [](uint64_t a, const Interval& i) { return a < i.low; });
    for (size_t i = above - intervals.begin(); i-- > 0;) {
      if (max_high[i] <= address) return;  // Nothing at or before i reaches the address.
      if (address < intervals[i].high && visit(intervals[i])) return;
    }
  }
};

// The bytes of a section as libdw sees them (decompressed or relocated
// sections are not in the file mapping), or an empty view. `file_offset`,
// when given, receives the section's offset in the file.
std::string_view dwarf_section_bytes(Dwarf* dwarf, const char* name,
                                     uint64_t* file_offset = nullptr);

class DwarfUnits {
 public:
  // `dwarf` is borrowed and must outlive this.

  explicit DwarfUnits(Dwarf* dwarf);
  ~DwarfUnits();
  DwarfUnits(const DwarfUnits&) = delete;
  DwarfUnits& operator=(const DwarfUnits&) = delete;

  Dwarf* dwarf() const { return dwarf_; }

  // The unit .debug_aranges names for `address`: the very unit dwarf_addrdie
  // gives (same table, same order, same binary search), but only that unit's
  // header and those before it are read. nullopt when the table has no such
  // address, or is missing or malformed (dwarf_addrdie fails then too).
  std::optional<Dwarf_Die> arange_unit(uint64_t address);

  // The unit holding code at `address`: .debug_aranges first, else the unit
  // whose DIE ranges hold it (the latest starting), read by one walk of every
  // unit the first time .debug_aranges does not answer.
  std::optional<Dwarf_Die> unit_of(uint64_t address);

  // The DIE of the unit whose header is at `header` in .debug_info.
  std::optional<Dwarf_Die> unit_at(Dwarf_Off header);

  // Calls visit(unit_die, unit_type) (DW_UT_*) for every unit of .debug_info
  // in order, giving back the pages behind the walk. DIEs stay valid: their
  // pages come back on the next access.
  void for_each_unit(const std::function<void(Dwarf_Die&, uint8_t)>& visit);

 private:
  class PageDropper;
  struct Arange {
    uint64_t low;
    uint64_t length;
    Dwarf_Off header;  // the unit's header offset in .debug_info
  };

  void read_aranges();
  void build_die_ranges();
  void intern_through(Dwarf_Off header);
  PageDropper& pages();

  Dwarf* dwarf_;
  bool aranges_read_ = false;
  std::vector<Arange> aranges_;  // sorted by low, as libdw sorts them
  bool die_ranges_built_ = false;
  IntervalIndex die_ranges_;  // id: unit header offset
  // How far libdw has been walked through the unit headers.
  Dwarf_Off walked_ = 0;
  size_t walked_units_ = 0;
  bool walk_done_ = false;
  std::unique_ptr<PageDropper> pages_;  // created on the first walk
};

}  // namespace seam

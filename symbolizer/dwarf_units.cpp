#include "symbolizer/dwarf_units.h"

#include <dwarf.h>
#include <gelf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace seam {

void IntervalIndex::finish() {
  std::sort(intervals.begin(), intervals.end(),
            [](const Interval& a, const Interval& b) { return a.low < b.low; });
  max_high.resize(intervals.size());
  uint64_t running = 0;
  for (size_t i = 0; i < intervals.size(); ++i) {
    running = std::max(running, intervals[i].high);
    max_high[i] = running;
  }
}

std::string_view dwarf_section_bytes(Dwarf* dwarf, const char* name, uint64_t* file_offset) {
  Elf* elf = dwarf_getelf(dwarf);
  size_t strtab = 0;
  if (!elf || elf_getshdrstrndx(elf, &strtab) != 0) return {};
  // libdw also reads GNU-compressed ".zdebug_*" sections (decompressed in place).
  std::string gnu_compressed = std::string(".z") + (name[0] == '.' ? name + 1 : name);
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    const char* section =
        gelf_getshdr(scn, &shdr) ? elf_strptr(elf, strtab, shdr.sh_name) : nullptr;
    if (!section || (std::strcmp(section, name) != 0 && gnu_compressed != section) ||
        shdr.sh_type == SHT_NOBITS) {
      continue;
    }
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) return {};
    if (file_offset) *file_offset = shdr.sh_offset;
    return {static_cast<const char*>(data->d_buf), data->d_size};
  }
  return {};
}

// Gives back the pages of .debug_info that libdw has read and is done with.
//
// Only safe for a private file mapping nobody wrote to: libdw's view of the
// section must be the mapping itself (not a decompressed or relocated copy),
// the file not ET_REL (Seam relocates those in place; nothing else writes to
// the mapping), and /proc/self/maps must show a private file mapping there
// (libelf may also have read the file into the heap, where this would be fatal).
class DwarfUnits::PageDropper {
 public:
  explicit PageDropper(Dwarf* dwarf) {
    Elf* elf = dwarf_getelf(dwarf);
    GElf_Ehdr ehdr;
    size_t image_size = 0;
    const char* image = elf ? elf_rawfile(elf, &image_size) : nullptr;
    uint64_t file_offset = 0;
    std::string_view info = dwarf_section_bytes(dwarf, ".debug_info", &file_offset);
    if (!image || info.empty() || !gelf_getehdr(elf, &ehdr) || ehdr.e_type == ET_REL ||
        info.data() != image + file_offset) {
      return;
    }
    page_ = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    begin_ = reinterpret_cast<uintptr_t>(info.data());
    end_ = begin_ + info.size();
    dropped_ = (begin_ + page_ - 1) & ~(page_ - 1);  // never a page shared with other data
    enabled_ = is_private_file_mapping(begin_, end_);
  }

  // Releases the whole pages of .debug_info below `offset`.
  void release_before(Dwarf_Off offset) {
    if (!enabled_) return;
    uintptr_t limit = std::min(begin_ + offset, end_) & ~(page_ - 1);
    if (limit <= dropped_) return;
    // An address computed to page granularity: madvise takes it as a pointer.
    // NOLINTNEXTLINE(performance-no-int-to-ptr)
    madvise(reinterpret_cast<void*>(dropped_), limit - dropped_, MADV_DONTNEED);
    dropped_ = limit;
  }

  // Lets the pages below `offset` be released again (after a later walk
  // started earlier in the section).
  void rewind(Dwarf_Off offset) {
    if (!enabled_) return;
    uintptr_t start = (begin_ + offset) & ~(page_ - 1);
    dropped_ = std::max(std::min(dropped_, start), (begin_ + page_ - 1) & ~(page_ - 1));
  }

 private:
  static bool is_private_file_mapping(uintptr_t begin, uintptr_t end) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
      std::istringstream fields(line);
      std::string range, perms, offset, device;
      uint64_t inode = 0;
      fields >> range >> perms >> offset >> device >> inode;
      size_t dash = range.find('-');
      if (dash == std::string::npos) continue;
      uintptr_t low = std::stoull(range.substr(0, dash), nullptr, 16);
      uintptr_t high = std::stoull(range.substr(dash + 1), nullptr, 16);
      if (begin >= low && begin < high) {
        return end <= high && perms.size() == 4 && perms[3] == 'p' && inode != 0;
      }
    }
    return false;
  }

  bool enabled_ = false;
  uintptr_t page_ = 4096;
  uintptr_t begin_ = 0;
  uintptr_t end_ = 0;
  uintptr_t dropped_ = 0;
};

DwarfUnits::DwarfUnits(Dwarf* dwarf) : dwarf_(dwarf) {}

DwarfUnits::~DwarfUnits() = default;

DwarfUnits::PageDropper& DwarfUnits::pages() {
  if (!pages_) pages_ = std::make_unique<PageDropper>(dwarf_);
  return *pages_;
}

// libdw reads unit headers in order whatever is asked for: walking them here
// lets the pages behind the walk be released as it goes.
void DwarfUnits::intern_through(Dwarf_Off header) {
  while (!walk_done_ && walked_ <= header) {
    Dwarf_Off next = 0;
    size_t header_size = 0;
    Dwarf_Die cu;
    if (dwarf_nextcu(dwarf_, walked_, &next, &header_size, nullptr, nullptr, nullptr) != 0 ||
        !dwarf_offdie(dwarf_, walked_ + header_size, &cu)) {
      walk_done_ = true;
      break;
    }
    if (++walked_units_ % 64 == 0) pages().release_before(walked_);
    walked_ = next;
  }
}

std::optional<Dwarf_Die> DwarfUnits::unit_at(Dwarf_Off header) {
  intern_through(header);
  Dwarf_Off next = 0;
  size_t header_size = 0;
  Dwarf_Die cu;
  // A header offset that is not a unit's (corrupt DWARF) finds no unit.
  if (dwarf_nextcu(dwarf_, header, &next, &header_size, nullptr, nullptr, nullptr) != 0 ||
      !dwarf_offdie(dwarf_, header + header_size, &cu) ||
      dwarf_dieoffset(&cu) - dwarf_cuoffset(&cu) != header) {
    return std::nullopt;
  }
  return cu;
}

void DwarfUnits::for_each_unit(const std::function<void(Dwarf_Die&, uint8_t)>& visit) {
  pages().rewind(0);
  Dwarf_Off offset = 0;
  Dwarf_Off next = 0;
  size_t header_size = 0;
  size_t count = 0;
  while (dwarf_nextcu(dwarf_, offset, &next, &header_size, nullptr, nullptr, nullptr) == 0) {
    intern_through(offset);
    Dwarf_Die cu;
    uint8_t unit_type = 0;
    if (dwarf_offdie(dwarf_, offset + header_size, &cu) &&
        dwarf_cu_info(cu.cu, nullptr, &unit_type, nullptr, nullptr, nullptr, nullptr, nullptr) ==
            0) {
      visit(cu, unit_type);
    }
    if (++count % 16 == 0) pages().release_before(offset);
    offset = next;
  }
}

// Parsed as libdw 0.188's dwarf_getaranges parses it, so that the table (and
// so the unit found) is the same: any malformed set voids the whole table,
// (0, 0) ends a set only at its end, zero-length entries stay, and entries
// are sorted by address keeping the file's order among equal ones (glibc's
// qsort is a merge sort). libdw also checks that each entry's unit exists,
// which needs every header: here a bad unit only fails its own lookups.
void DwarfUnits::read_aranges() {
  aranges_read_ = true;
  std::string_view section = dwarf_section_bytes(dwarf_, ".debug_aranges");
  const auto* bytes = reinterpret_cast<const uint8_t*>(section.data());
  const size_t size = section.size();
  const size_t info_size = dwarf_section_bytes(dwarf_, ".debug_info").size();
  auto read = [&](size_t at, size_t width) {
    uint64_t value = 0;
    std::memcpy(&value, bytes + at, width);  // little-endian hosts and targets
    return value;
  };
  auto invalid = [this]() { aranges_.clear(); };
  size_t at = 0;
  while (at < size) {
    const size_t set = at;
    if (at + 4 > size) return invalid();
    uint64_t length = read(at, 4);
    size_t width = 4;
    at += 4;
    if (length == 0xffffffff) {
      if (at + 8 > size) return invalid();
      length = read(at, 8);
      width = 8;
      at += 8;
    } else if (length >= 0xfffffff0) {
      return invalid();
    }
    if (length > size - at) return invalid();
    const size_t end = at + length;
    if (at + 2 > size || read(at, 2) != 2) return invalid();
    at += 2;
    if (at + width > size) return invalid();
    Dwarf_Off header = read(at, width);
    at += width;
    if (header + 4 > info_size) return invalid();
    if (at + 2 > size) return invalid();
    size_t address_size = bytes[at];
    if ((address_size != 4 && address_size != 8) || bytes[at + 1] != 0) return invalid();
    at += 2;
    // Tuples are aligned to twice the address size from the set's start.
    const size_t tuple = 2 * address_size;
    at += (tuple - (at - set) % tuple) % tuple;
    while (true) {
      if (at + tuple > size) return invalid();
      uint64_t low = read(at, address_size);
      uint64_t range_length = read(at + address_size, address_size);
      at += tuple;
      if (low == 0 && range_length == 0) {
        if (at >= end) break;
        continue;
      }
      aranges_.push_back({low, range_length, header});
    }
  }
  std::stable_sort(aranges_.begin(), aranges_.end(),
                   [](const Arange& a, const Arange& b) { return a.low < b.low; });
}

std::optional<Dwarf_Die> DwarfUnits::arange_unit(uint64_t address) {
  if (!aranges_read_) read_aranges();
  // dwarf_getarange_addr's binary search: on overlapping entries it stops at
  // the first one it meets, and an empty entry matches its own address.
  size_t lower = 0;
  size_t upper = aranges_.size();
  while (lower < upper) {
    size_t middle = (lower + upper) / 2;
    const Arange& arange = aranges_[middle];
    if (address < arange.low) {
      upper = middle;
    } else if (address > arange.low && address - arange.low >= arange.length) {
      lower = middle + 1;
    } else {
      return unit_at(arange.header);
    }
  }
  return std::nullopt;
}

void DwarfUnits::build_die_ranges() {
  die_ranges_built_ = true;
  for_each_unit([this](Dwarf_Die& cu, uint8_t) {
    Dwarf_Off header = dwarf_dieoffset(&cu) - dwarf_cuoffset(&cu);
    for_each_range(&cu, [&](uint64_t low, uint64_t high) {
      die_ranges_.intervals.push_back({low, high, header});
    });
  });
  die_ranges_.finish();
}

std::optional<Dwarf_Die> DwarfUnits::unit_of(uint64_t address) {
  if (std::optional<Dwarf_Die> unit = arange_unit(address)) return unit;
  if (!die_ranges_built_) build_die_ranges();
  std::optional<Dwarf_Off> header;
  die_ranges_.for_each_containing(address, [&](const IntervalIndex::Interval& range) {
    header = range.id;
    return true;
  });
  if (!header) return std::nullopt;
  return unit_at(*header);
}

}  // namespace seam

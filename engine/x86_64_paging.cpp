#include "engine/x86_64_paging.h"

#include <array>
#include <cstring>
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

constexpr uint64_t kPresent = 1ULL << 0;
constexpr uint64_t kPageSizeBit = 1ULL << 7;  // a large page at this level (PDPT: 1 GiB, PD: 2 MiB)
// Bits 12..51 hold the next table's (or the page's) physical address; the
// top bits are NX and protection keys, and with SME the encryption bit, which
// Seam does not support (NUMBER(sme_mask) is 0 on every dump seen).
constexpr uint64_t kAddressMask = 0x000ffffffffff000ULL;

bool canonical(uint64_t address, int levels) {
  int bits = levels == 5 ? 57 : 48;
  uint64_t top = address >> (bits - 1);
  return top == 0 || top == (~0ULL >> (bits - 1));
}

}  // namespace

Result<Translation> X86_64Paging::translate(Target& target, uint64_t address) const {
  if (!canonical(address, levels_)) {
    return Error(sformat("0x%" PRIx64 " is not a canonical %d-level address", address, levels_));
  }
  uint64_t table = root_ & kAddressMask;
  for (int level = levels_; level >= 1; --level) {
    int shift = 12 + 9 * (level - 1);
    uint64_t index = (address >> shift) & 0x1ff;
    std::array<std::byte, 8> raw;
    if (auto read = target.read_physical(table + index * 8, raw); !read) {
      return read.error().context(
          sformat("reading the level-%d page table entry for 0x%" PRIx64, level, address));
    }
    uint64_t entry;
    std::memcpy(&entry, raw.data(), sizeof entry);
    if (!(entry & kPresent)) {
      return Error(
          sformat("0x%" PRIx64 " is not mapped (no level-%d page table entry)", address, level));
    }
    bool leaf = level == 1 || ((level == 2 || level == 3) && (entry & kPageSizeBit));
    if (leaf) {
      uint64_t page_size = 1ULL << shift;
      uint64_t base = entry & kAddressMask & ~(page_size - 1);
      return Translation{base + (address & (page_size - 1)), page_size};
    }
    table = entry & kAddressMask;
  }
  return Error("unreachable");  // the loop always returns at level 1
}

}  // namespace seam::engine

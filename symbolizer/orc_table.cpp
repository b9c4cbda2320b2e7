#include "symbolizer/orc_table.h"

#include <gelf.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <string_view>

namespace seam {
namespace {

constexpr size_t kEntrySize = 6;

struct SectionBytes {
  uint64_t address;
  std::span<const uint8_t> bytes;
};

std::optional<SectionBytes> find_section(Elf* elf, std::string_view name) {
  size_t names = 0;
  if (elf_getshdrstrndx(elf, &names) != 0) return std::nullopt;
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr header;
    if (!gelf_getshdr(scn, &header)) continue;
    const char* section_name = elf_strptr(elf, names, header.sh_name);
    if (!section_name || name != section_name || header.sh_type == SHT_NOBITS) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || !data->d_buf) return std::nullopt;
    return SectionBytes{header.sh_addr, {static_cast<const uint8_t*>(data->d_buf), data->d_size}};
  }
  return std::nullopt;
}

}  // namespace

OrcEntry OrcEntry::decode(std::span<const uint8_t, 6> raw) {
  OrcEntry entry;
  std::memcpy(&entry.sp_offset, raw.data(), 2);
  std::memcpy(&entry.bp_offset, raw.data() + 2, 2);
  uint16_t bits;
  std::memcpy(&bits, raw.data() + 4, 2);
  entry.sp_reg = static_cast<OrcReg>(bits & 0xf);
  entry.bp_reg = static_cast<OrcReg>((bits >> 4) & 0xf);
  entry.type = static_cast<OrcType>((bits >> 8) & 0x3);
  entry.end = (bits >> 10) & 1;
  return entry;
}

Result<OrcTable> OrcTable::from_elf(const ElfFile& elf) {
  std::optional<SectionBytes> ips = find_section(elf.elf(), ".orc_unwind_ip");
  std::optional<SectionBytes> entries = find_section(elf.elf(), ".orc_unwind");
  if (!ips || !entries) {
    return Error(elf.path() + " has no ORC tables (.orc_unwind_ip, .orc_unwind)");
  }
  if (elf.is_relocatable()) {
    return Error(elf.path() + ": a module's ORC tables are read from the running kernel");
  }
  std::vector<int32_t> offsets(ips->bytes.size() / 4);
  std::memcpy(offsets.data(), ips->bytes.data(), offsets.size() * 4);
  return from_arrays(ips->address, offsets, entries->bytes);
}

Result<OrcTable> OrcTable::from_arrays(uint64_t ip_table, std::span<const int32_t> ip_offsets,
                                       std::span<const uint8_t> entries) {
  if (entries.size() / kEntrySize < ip_offsets.size()) {
    return Error("ORC tables disagree: " + std::to_string(ip_offsets.size()) + " addresses but " +
                 std::to_string(entries.size() / kEntrySize) + " entries");
  }
  OrcTable table;
  table.starts_.reserve(ip_offsets.size());
  table.entries_.reserve(ip_offsets.size());
  for (size_t i = 0; i < ip_offsets.size(); ++i) {
    table.starts_.push_back(ip_table + 4 * i + static_cast<int64_t>(ip_offsets[i]));
    table.entries_.push_back(OrcEntry::decode(
        std::span<const uint8_t, kEntrySize>(entries.data() + i * kEntrySize, kEntrySize)));
  }
  // The kernel sorts the tables at build time (objtool/sorttable); a module's
  // are sorted at load. Sort anyway: a lookup must never see them unsorted.
  if (!std::is_sorted(table.starts_.begin(), table.starts_.end())) {
    std::vector<size_t> order(table.starts_.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return table.starts_[a] < table.starts_[b]; });
    std::vector<uint64_t> starts;
    std::vector<OrcEntry> sorted;
    for (size_t i : order) {
      starts.push_back(table.starts_[i]);
      sorted.push_back(table.entries_[i]);
    }
    table.starts_ = std::move(starts);
    table.entries_ = std::move(sorted);
  }
  return table;
}

std::optional<OrcEntry> OrcTable::lookup(uint64_t address) const {
  auto it = std::upper_bound(starts_.begin(), starts_.end(), address);
  if (it == starts_.begin()) return std::nullopt;
  return entries_[static_cast<size_t>(it - starts_.begin()) - 1];
}

}  // namespace seam

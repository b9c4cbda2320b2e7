// DwarfUnits on the test binary's own DWARF (built with -g by GCC, so with
// .debug_aranges): the unit found for every function is the one libdw's
// dwarf_addrdie finds, and the walk visits the units dwarf_get_units lists.
#include "symbolizer/dwarf_units.h"

#include <dwarf.h>
#include <fcntl.h>
#include <gelf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <set>
#include <utility>
#include <vector>

extern "C" [[gnu::noinline]] [[gnu::used]] int seam_dwarf_units_anchor(int x) {
  return x * 3 + 1;
}

namespace seam {
namespace {

class DwarfUnitsTest : public testing::Test {
 protected:
  void SetUp() override {
    elf_version(EV_CURRENT);
    fd_ = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd_, 0);
    elf_ = elf_begin(fd_, ELF_C_READ_MMAP_PRIVATE, nullptr);
    ASSERT_NE(elf_, nullptr);
    dwarf_ = dwarf_begin_elf(elf_, DWARF_C_READ, nullptr);
    ASSERT_NE(dwarf_, nullptr) << "the unit tests must be built with -g";
  }
  void TearDown() override {
    if (dwarf_) dwarf_end(dwarf_);
    if (elf_) elf_end(elf_);
    if (fd_ >= 0) close(fd_);
  }

  // Start addresses of the defined functions in .symtab.
  std::vector<uint64_t> function_addresses() const {
    std::vector<uint64_t> addresses;
    for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
      GElf_Shdr shdr;
      if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB) continue;
      Elf_Data* data = elf_getdata(scn, nullptr);
      for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; ++i) {
        GElf_Sym sym;
        if (gelf_getsym(data, static_cast<int>(i), &sym) && GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
            sym.st_shndx != SHN_UNDEF && sym.st_value != 0) {
          addresses.push_back(sym.st_value);
          if (sym.st_size > 1) addresses.push_back(sym.st_value + sym.st_size / 2);
        }
      }
    }
    return addresses;
  }

  int fd_ = -1;
  Elf* elf_ = nullptr;
  Dwarf* dwarf_ = nullptr;
};

TEST_F(DwarfUnitsTest, ArangeUnitIsDwarfAddrdiesUnit) {
  ASSERT_FALSE(dwarf_section_bytes(dwarf_, ".debug_aranges").empty())
      << "GCC writes .debug_aranges";
  auto units = std::make_unique<DwarfUnits>(dwarf_);
  std::vector<uint64_t> addresses = function_addresses();
  ASSERT_GT(addresses.size(), 100U);
  size_t found = 0;
  // Ours first: the order must not matter (libdw learns units as we go).
  std::vector<std::optional<Dwarf_Die>> ours;
  ours.reserve(addresses.size());
  for (uint64_t address : addresses) ours.push_back(units->arange_unit(address));
  for (size_t i = 0; i < addresses.size(); ++i) {
    Dwarf_Die theirs;
    bool libdw_found = dwarf_addrdie(dwarf_, addresses[i], &theirs) != nullptr;
    ASSERT_EQ(ours[i].has_value(), libdw_found) << std::hex << addresses[i];
    if (!libdw_found) continue;
    ++found;
    EXPECT_EQ(dwarf_dieoffset(&*ours[i]), dwarf_dieoffset(&theirs)) << std::hex << addresses[i];
  }
  EXPECT_GT(found, addresses.size() / 2);
}

TEST_F(DwarfUnitsTest, UnitOfAnAddressHoldsItsFunction) {
  auto units = std::make_unique<DwarfUnits>(dwarf_);
  // A PIE's link-time addresses differ from run-time ones: look the symbol up.
  uint64_t anchor = 0;
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn && !anchor; scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_SYMTAB) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    for (size_t i = 0; data && i < shdr.sh_size / shdr.sh_entsize; ++i) {
      GElf_Sym sym;
      const char* name = gelf_getsym(data, static_cast<int>(i), &sym)
                             ? elf_strptr(elf_, shdr.sh_link, sym.st_name)
                             : nullptr;
      if (name && std::strcmp(name, "seam_dwarf_units_anchor") == 0) anchor = sym.st_value;
    }
  }
  ASSERT_NE(anchor, 0U);
  std::optional<Dwarf_Die> cu = units->unit_of(anchor + 1);
  ASSERT_TRUE(cu.has_value());
  const char* name = dwarf_diename(&*cu);
  ASSERT_NE(name, nullptr);
  EXPECT_TRUE(std::string_view(name).ends_with("dwarf_units_test.cpp")) << name;
  EXPECT_FALSE(units->unit_of(~uint64_t(0) - 16).has_value());
}

TEST_F(DwarfUnitsTest, WalkVisitsEveryUnitOfDwarfGetUnits) {
  std::vector<std::pair<Dwarf_Off, uint8_t>> expected;
  Dwarf_CU* cu = nullptr;
  uint8_t unit_type = 0;
  Dwarf_Die cu_die;
  while (dwarf_get_units(dwarf_, cu, &cu, nullptr, &unit_type, &cu_die, nullptr) == 0) {
    expected.emplace_back(dwarf_dieoffset(&cu_die), unit_type);
  }
  ASSERT_FALSE(expected.empty());
  auto units = std::make_unique<DwarfUnits>(dwarf_);
  for (int pass = 0; pass < 2; ++pass) {
    std::vector<std::pair<Dwarf_Off, uint8_t>> walked;
    units->for_each_unit(
        [&](Dwarf_Die& die, uint8_t type) { walked.emplace_back(dwarf_dieoffset(&die), type); });
    EXPECT_EQ(walked, expected);
  }
  for (const auto& [die_offset, type] : expected) {
    Dwarf_Die die;
    ASSERT_TRUE(dwarf_offdie(dwarf_, die_offset, &die));
    std::optional<Dwarf_Die> at = units->unit_at(die_offset - dwarf_cuoffset(&die));
    ASSERT_TRUE(at.has_value());
    EXPECT_EQ(dwarf_dieoffset(&*at), die_offset);
  }
  // Not a unit's header: no unit.
  EXPECT_FALSE(units->unit_at(expected.front().first + 1).has_value());
}

TEST(IntervalIndexTest, LatestStartFirstAndStopsWhenNothingReaches) {
  IntervalIndex index;
  index.intervals = {{0x100, 0x200, 1}, {0x120, 0x140, 2}, {0x180, 0x190, 3}, {0x300, 0x310, 4}};
  index.finish();
  auto containing = [&](uint64_t address) {
    std::vector<uint64_t> ids;
    index.for_each_containing(address, [&](const IntervalIndex::Interval& i) {
      ids.push_back(i.id);
      return false;
    });
    return ids;
  };
  EXPECT_EQ(containing(0x130), (std::vector<uint64_t>{2, 1}));
  EXPECT_EQ(containing(0x185), (std::vector<uint64_t>{3, 1}));
  EXPECT_EQ(containing(0x150), (std::vector<uint64_t>{1}));
  EXPECT_TRUE(containing(0x200).empty());
  EXPECT_TRUE(containing(0xff).empty());
  EXPECT_EQ(containing(0x30f), (std::vector<uint64_t>{4}));
}

}  // namespace
}  // namespace seam

// OrcTable: the x86-64 kernel's ORC unwind tables (objtool's "Oops Rewind
// Capability"): for each code address, how to find the caller's stack
// pointer and frame pointer. The kernel's own unwinder uses them; so does Seam,
// before DWARF CFI and frame pointers.
//
//   Result<OrcTable> orc = OrcTable::from_elf(vmlinux_elf);     // .orc_unwind_ip + .orc_unwind
//   if (std::optional<OrcEntry> e = orc->lookup(link_address)) {
//     if (e->sp_reg == OrcReg::kSp) cfa = sp + e->sp_offset;  ...
//   }
//
// A module's tables are read from the running kernel instead (its mod->arch
// arrays are already relocated): OrcTable::from_arrays.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "symbolizer/elf_file.h"
#include "symbolizer/result.h"

namespace seam {

// ORC_REG_* of arch/x86/include/asm/orc_types.h.
enum class OrcReg : uint8_t {
  kUndefined = 0,
  kPrevSp = 1,
  kDx = 2,
  kDi = 3,
  kBp = 4,
  kSp = 5,
  kR10 = 6,
  kR13 = 7,
  kBpIndirect = 8,
  kSpIndirect = 9,
};

// UNWIND_HINT_TYPE_*: how the frame at this address was entered.
enum class OrcType : uint8_t {
  kCall = 0,         // a normal call frame: return address at CFA - 8
  kRegs = 1,         // a full struct pt_regs at the stack pointer (entry code)
  kRegsPartial = 2,  // only the iret frame of pt_regs
};

struct OrcEntry {
  int16_t sp_offset = 0;
  int16_t bp_offset = 0;
  OrcReg sp_reg = OrcReg::kUndefined;
  OrcReg bp_reg = OrcReg::kUndefined;
  OrcType type = OrcType::kCall;
  bool end = false;  // the bottom of a stack: nothing to unwind to

  // The 6-byte packed struct orc_entry, little-endian.
  static OrcEntry decode(std::span<const uint8_t, 6> raw);
};

class OrcTable {
 public:
  static Result<OrcTable> from_elf(const ElfFile& elf);
  // `ip_offsets[i]` is the self-relative offset stored at ip_table + 4 * i.
  static Result<OrcTable> from_arrays(uint64_t ip_table, std::span<const int32_t> ip_offsets,
                                      std::span<const uint8_t> entries);

  // The entry in force at `address`: the one with the greatest start <= address.
  std::optional<OrcEntry> lookup(uint64_t address) const;
  size_t size() const { return starts_.size(); }
  bool empty() const { return starts_.empty(); }

 private:
  std::vector<uint64_t> starts_;  // sorted code addresses
  std::vector<OrcEntry> entries_;
};

}  // namespace seam

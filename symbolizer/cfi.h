// CfiTable: a binary's DWARF call frame information (.debug_frame, then
// .eh_frame) as rules: for a file address, how to compute the caller's CFA
// and where each register of the caller was saved.
//
//   Result<CfiTable> cfi = CfiTable::open(binary->dwarf(), binary->elf());
//   Result<CfiRow> row = cfi->row(file_address);       // vmlinux: link address
//   if (row && row->cfa.kind == CfiCfa::kRegOffset)
//     cfa = regs[row->cfa.reg] + row->cfa.offset;
//   CfiRule rbx = row->rule(3);   // DWARF x86-64 numbering: 3 = rbx, 16 = RA
//   if (rbx.kind == CfiRule::kOffset) rbx_value = read_u64(cfa + rbx.offset);
//
// Only the rules are read here: evaluating them against registers and memory
// is the unwinder's job (engine/stack_trace.cpp). DWARF expressions other
// than the plain forms above come back as kUnsupported, with the reason, so
// an unwinder can stop with a clear message instead of guessing.
#pragma once

#include <elfutils/libdw.h>
#include <libelf.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "symbolizer/result.h"

namespace seam {

struct CfiCfa {
  enum Kind { kRegOffset, kUnsupported };
  Kind kind = kUnsupported;
  int reg = -1;  // DWARF register number
  int64_t offset = 0;
  std::string unsupported;  // why, for kUnsupported
};

// How to recover one register of the caller (DWARF's register rules).
struct CfiRule {
  enum Kind {
    kUndefined,    // lost: call-clobbered, or not described
    kSameValue,    // unchanged by this frame
    kOffset,       // saved in memory at CFA + offset
    kValOffset,    // its value is CFA + offset
    kRegister,     // its value is in register `reg`
    kUnsupported,  // a DWARF expression this reader does not evaluate
  };
  Kind kind = kUndefined;
  int64_t offset = 0;
  int reg = -1;
  std::string unsupported;
};

struct CfiRow {
  uint64_t start = 0, end = 0;  // the file addresses the row covers
  int return_address_register = 16;
  bool signal_frame = false;  // the caller's pc is exact, not a return address
  std::string section;        // ".debug_frame" or ".eh_frame"
  CfiCfa cfa;
  // Rules of the registers the row says something about; the others are
  // kUndefined (see rule()).
  std::map<int, CfiRule> registers;

  // The rule for DWARF register `regno`. When the row has none: kSameValue
  // for the psABI's callee-saved registers (rbx, rbp, r12-r15), else kUndefined.
  CfiRule rule(int regno) const;
};

class CfiTable {
 public:
  // `dwarf` gives .debug_frame (may be null), `elf` gives .eh_frame (may be
  // null; ignored for relocatable files, whose .eh_frame is not relocated).
  // Both must outlive the table. Fails when neither has CFI.
  static Result<CfiTable> open(Dwarf* dwarf, Elf* elf, const std::string& name);

  CfiTable(CfiTable&&) noexcept;
  CfiTable& operator=(CfiTable&&) noexcept;
  ~CfiTable();

  // The row covering `file_address`, from .debug_frame else .eh_frame;
  // an error when neither covers it.
  Result<CfiRow> row(uint64_t file_address) const;

 private:
  CfiTable() = default;
  Dwarf_CFI* debug_frame_ = nullptr;  // owned by the Dwarf
  Dwarf_CFI* eh_frame_ = nullptr;     // ours: dwarf_cfi_end
  std::string name_;
};

// DWARF x86-64 register numbers the kernel unwinder cares about.
inline constexpr int kDwarfRbx = 3;
inline constexpr int kDwarfRbp = 6;
inline constexpr int kDwarfRsp = 7;
inline constexpr int kDwarfR12 = 12;
inline constexpr int kDwarfR15 = 15;
inline constexpr int kDwarfReturnAddress = 16;

}  // namespace seam

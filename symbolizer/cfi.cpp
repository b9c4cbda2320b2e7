#include "symbolizer/cfi.h"

#include <dwarf.h>
#include <gelf.h>

#include <cstdlib>

#include "symbolizer/printf_format.h"

namespace seam {
namespace {

std::string libdw_error() {
  const char* message = dwarf_errmsg(-1);
  return message ? message : "unknown libdw error";
}

// libdw turns the common register rules into short expressions in ops_mem
// (dwarf_frame_register): offset(N) is "call_frame_cfa; plus_uconst N" (or
// just call_frame_cfa for N = 0), val_offset(N) the same plus stack_value,
// register(R) "bregx R 0" (+ stack_value). Decode those back into rules.
CfiRule decode_register(const Dwarf_Op* ops, size_t nops, const Dwarf_Op* ops_mem) {
  CfiRule rule;
  if (nops == 0) {
    rule.kind = ops == nullptr ? CfiRule::kSameValue : CfiRule::kUndefined;
    (void)ops_mem;
    return rule;
  }
  bool value = ops[nops - 1].atom == DW_OP_stack_value;
  size_t n = value ? nops - 1 : nops;
  if (n >= 1 && ops[0].atom == DW_OP_call_frame_cfa) {
    int64_t offset = 0;
    bool ok = true;
    // CFA + N: "plus_uconst N", "consts N" (libdw's short form) or "consts N; plus".
    bool with_offset =
        (n == 2 && (ops[1].atom == DW_OP_plus_uconst || ops[1].atom == DW_OP_consts)) ||
        (n == 3 && ops[1].atom == DW_OP_consts && ops[2].atom == DW_OP_plus);
    if (with_offset) {
      offset = static_cast<int64_t>(ops[1].number);
    } else if (n != 1) {
      ok = false;
    }
    if (ok) {
      rule.kind = value ? CfiRule::kValOffset : CfiRule::kOffset;
      rule.offset = offset;
      return rule;
    }
  }
  if (n == 1 && value &&
      (ops[0].atom == DW_OP_bregx || (ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31))) {
    bool bregx = ops[0].atom == DW_OP_bregx;
    int64_t offset = static_cast<int64_t>(bregx ? ops[0].number2 : ops[0].number);
    if (offset == 0) {
      rule.kind = CfiRule::kRegister;
      rule.reg = bregx ? static_cast<int>(ops[0].number) : ops[0].atom - DW_OP_breg0;
      return rule;
    }
  }
  rule.kind = CfiRule::kUnsupported;
  rule.unsupported = sformat("a DWARF expression rule (%zu operations, first 0x%x)", nops,
                             static_cast<unsigned>(ops[0].atom));
  return rule;
}

CfiCfa decode_cfa(const Dwarf_Op* ops, size_t nops) {
  CfiCfa cfa;
  if (nops == 1 && ops[0].atom == DW_OP_bregx) {
    cfa.kind = CfiCfa::kRegOffset;
    cfa.reg = static_cast<int>(ops[0].number);
    cfa.offset = static_cast<int64_t>(ops[0].number2);
  } else if (nops == 1 && ops[0].atom >= DW_OP_breg0 && ops[0].atom <= DW_OP_breg31) {
    cfa.kind = CfiCfa::kRegOffset;
    cfa.reg = ops[0].atom - DW_OP_breg0;
    cfa.offset = static_cast<int64_t>(ops[0].number);
  } else if (nops == 0) {
    cfa.unsupported = "no CFA rule";
  } else {
    cfa.unsupported = sformat("a DWARF expression CFA (%zu operations, first 0x%x)", nops,
                              static_cast<unsigned>(ops[0].atom));
  }
  return cfa;
}

Result<CfiRow> row_from(Dwarf_CFI* cfi, uint64_t address, const char* section) {
  Dwarf_Frame* frame = nullptr;
  if (dwarf_cfi_addrframe(cfi, address, &frame) != 0 || !frame) {
    return Error(libdw_error());
  }
  // dwarf_cfi_addrframe mallocs the frame; it is ours to free.
  std::unique_ptr<Dwarf_Frame, decltype(&std::free)> owned(frame, &std::free);
  CfiRow row;
  row.section = section;
  Dwarf_Addr start = 0, end = 0;
  bool signal = false;
  int ra = dwarf_frame_info(frame, &start, &end, &signal);
  if (ra < 0) return Error(libdw_error());
  row.return_address_register = ra;
  row.start = start;
  row.end = end;
  row.signal_frame = signal;
  Dwarf_Op* ops = nullptr;
  size_t nops = 0;
  if (dwarf_frame_cfa(frame, &ops, &nops) != 0) return Error(libdw_error());
  row.cfa = decode_cfa(ops, nops);
  // rax..r15 and the return address column: all the x86-64 unwinder uses.
  for (int regno = 0; regno <= kDwarfReturnAddress; ++regno) {
    Dwarf_Op ops_mem[3];
    Dwarf_Op* reg_ops = nullptr;
    size_t reg_nops = 0;
    if (dwarf_frame_register(frame, regno, ops_mem, &reg_ops, &reg_nops) != 0) continue;
    CfiRule rule = decode_register(reg_ops, reg_nops, ops_mem);
    if (rule.kind != CfiRule::kUndefined) row.registers[regno] = rule;
  }
  return row;
}

}  // namespace

CfiRule CfiRow::rule(int regno) const {
  auto it = registers.find(regno);
  if (it != registers.end()) return it->second;
  // The x86-64 psABI's callee-saved registers keep their value unless the
  // row says where they were saved: compilers describe only the ones they
  // save. libdw applies that ABI default only when it has an ebl backend for
  // the file, which it does not for a .debug_frame read through dwarf_getcfi.
  if (regno == kDwarfRbx || regno == kDwarfRbp || (regno >= kDwarfR12 && regno <= kDwarfR15)) {
    return CfiRule{.kind = CfiRule::kSameValue};
  }
  return CfiRule{};
}

Result<CfiTable> CfiTable::open(Dwarf* dwarf, Elf* elf, const std::string& name) {
  CfiTable table;
  table.name_ = name;
  if (dwarf) table.debug_frame_ = dwarf_getcfi(dwarf);
  if (elf) {
    GElf_Ehdr header;
    bool relocatable = gelf_getehdr(elf, &header) && header.e_type == ET_REL;
    if (!relocatable) table.eh_frame_ = dwarf_getcfi_elf(elf);
  }
  if (!table.debug_frame_ && !table.eh_frame_) {
    return Error(name + " has no call frame information (.debug_frame, .eh_frame)");
  }
  return table;
}

CfiTable::CfiTable(CfiTable&& other) noexcept
    : debug_frame_(other.debug_frame_), eh_frame_(other.eh_frame_), name_(std::move(other.name_)) {
  other.debug_frame_ = nullptr;
  other.eh_frame_ = nullptr;
}

CfiTable& CfiTable::operator=(CfiTable&& other) noexcept {
  if (this != &other) {
    if (eh_frame_) dwarf_cfi_end(eh_frame_);
    debug_frame_ = other.debug_frame_;
    eh_frame_ = other.eh_frame_;
    name_ = std::move(other.name_);
    other.debug_frame_ = nullptr;
    other.eh_frame_ = nullptr;
  }
  return *this;
}

CfiTable::~CfiTable() {
  if (eh_frame_) dwarf_cfi_end(eh_frame_);
}

Result<CfiRow> CfiTable::row(uint64_t file_address) const {
  std::string why;
  if (debug_frame_) {
    Result<CfiRow> row = row_from(debug_frame_, file_address, ".debug_frame");
    if (row) return row;
    why = ".debug_frame: " + row.error().message();
  }
  if (eh_frame_) {
    Result<CfiRow> row = row_from(eh_frame_, file_address, ".eh_frame");
    if (row) return row;
    why += (why.empty() ? "" : "; ") + std::string(".eh_frame: ") + row.error().message();
  }
  return Error("no CFI for " + hex(file_address) + " in " + name_ + " (" + why + ")");
}

}  // namespace seam

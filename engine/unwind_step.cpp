#include "engine/unwind_step.h"

#include "symbolizer/language.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {

CfiStepResult cfi_unwind_step(const CfiTable& cfi, uint64_t file_address, const Registers& current,
                              const StackReader& read) {
  CfiStepResult out;
  Result<CfiRow> row = cfi.row(file_address);
  if (!row) return out;
  uint64_t pc = current.get(Reg::kRip).value_or(0);
  std::string where = "CFI (" + row->section + ") at " + hex(pc);
  if (row->cfa.kind != CfiCfa::kRegOffset || row->cfa.reg < 0 ||
      row->cfa.reg > kDwarfReturnAddress) {
    out.error =
        where + ": " + (row->cfa.unsupported.empty() ? "unusable CFA rule" : row->cfa.unsupported);
    return out;
  }
  std::optional<uint64_t> base = current.get(static_cast<Reg>(row->cfa.reg));
  if (!base) {
    out.error = where + ": the CFA needs " + std::string(reg_name(static_cast<Reg>(row->cfa.reg))) +
                ", which is not known";
    return out;
  }
  CfiNext result;
  result.cfa = *base + static_cast<uint64_t>(row->cfa.offset);
  // The caller's value of one register; false (and out.error) when its save
  // slot cannot be read. Undefined and unsupported rules leave it unknown.
  auto recover = [&](int regno, Reg into) -> bool {
    CfiRule rule = row->rule(regno);
    switch (rule.kind) {
      case CfiRule::kSameValue:
        if (auto v = current.get(into)) result.registers.set(into, *v);
        return true;
      case CfiRule::kOffset: {
        Result<uint64_t> v = read(result.cfa + static_cast<uint64_t>(rule.offset));
        if (!v) {
          out.error = where + ": " + v.error().message();
          return false;
        }
        result.registers.set(into, *v);
        return true;
      }
      case CfiRule::kValOffset:
        result.registers.set(into, result.cfa + static_cast<uint64_t>(rule.offset));
        return true;
      case CfiRule::kRegister:
        if (rule.reg >= 0 && rule.reg <= kDwarfReturnAddress) {
          if (auto v = current.get(static_cast<Reg>(rule.reg))) result.registers.set(into, *v);
        }
        return true;
      case CfiRule::kUndefined:
      case CfiRule::kUnsupported: return true;
    }
    return true;
  };
  if (!recover(row->return_address_register, Reg::kRip)) return out;
  if (!result.registers.get(Reg::kRip)) {
    CfiRule ra = row->rule(row->return_address_register);
    out.error = where + ": no return address (" +
                (ra.kind == CfiRule::kUnsupported ? ra.unsupported : std::string("undefined")) +
                ")";
    return out;
  }
  // The caller's sp is the CFA unless the row says otherwise.
  result.registers.set(Reg::kRsp, result.cfa);
  if (row->rule(kDwarfRsp).kind != CfiRule::kUndefined && !recover(kDwarfRsp, Reg::kRsp))
    return out;
  for (Reg r : {Reg::kRbx, Reg::kRbp, Reg::kR12, Reg::kR13, Reg::kR14, Reg::kR15}) {
    if (!recover(static_cast<int>(r), r)) return out;
  }
  out.next = result;
  return out;
}

Result<uint64_t> frame_pointer_step(uint64_t bp, const StackReader& read, Registers& next) {
  Result<uint64_t> caller_bp = read(bp);
  Result<uint64_t> ret = read(bp + 8);
  if (!caller_bp) return caller_bp.error();
  if (!ret) return ret.error();
  next.set(Reg::kRip, *ret);
  next.set(Reg::kRsp, bp + 16);
  next.set(Reg::kRbp, *caller_bp);
  return bp + 16;
}

Symbolized symbolize_exact_pc(Binary& binary, uint64_t file_address) {
  Symbolized symbolized = binary.symbolize(file_address);
  if (symbolized.frames.empty() || symbolized.frames.front().line == 0) return symbolized;
  std::optional<LineRange> statement = binary.source_locations().gdb_line_at(file_address);
  SourceFrame& innermost = symbolized.frames.front();
  auto base = [](const std::string& path) { return path.substr(path.rfind('/') + 1); };
  // Only the line: both readers name the same file, perhaps spelled differently.
  if (statement && statement->low == file_address && statement->is_stmt && statement->line != 0 &&
      base(statement->file) == base(innermost.file)) {
    innermost.line = statement->line;
  }
  return symbolized;
}

size_t append_symbolized_frames(Backtrace& bt, const Symbolized& symbolized,
                                const FramePlace& place) {
  const Registers& regs = *place.registers;
  uint64_t pc = regs.get(Reg::kRip).value_or(0);
  uint64_t sp = regs.get(Reg::kRsp).value_or(0);
  size_t first = bt.frames.size();
  for (const SourceFrame& sf : symbolized.frames) {
    Frame f;
    f.pc = pc;
    f.sp = sp;
    f.cfa = place.cfa.value_or(0);
    f.function = sf.function + sf.suffix;
    f.linkage_name = sf.linkage_name;
    f.language = std::string(language_name(sf.language));
    f.module = place.module;
    f.file = sf.file;
    f.line = static_cast<int>(sf.line);
    f.column = static_cast<int>(sf.column);
    f.inlined = sf.inlined;
    if (!sf.inlined && sf.function_start)
      f.offset = pc - (sf.function_start + static_cast<uint64_t>(place.bias));
    f.unwound_by = place.unwound_by;
    f.registers = regs;
    bt.frames.push_back(std::move(f));
  }
  if (bt.frames.size() == first) {
    Frame f;
    f.pc = pc;
    f.sp = sp;
    f.cfa = place.cfa.value_or(0);
    f.module = place.module;
    f.unwound_by = place.unwound_by;
    f.registers = regs;
    bt.frames.push_back(std::move(f));
  }
  for (size_t i = first; i < bt.frames.size(); ++i) bt.frames[i].index = static_cast<int>(i);
  return first;
}

}  // namespace seam::engine

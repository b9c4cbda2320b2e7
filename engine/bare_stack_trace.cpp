#include "engine/bare_stack_trace.h"

#include <string_view>

#include "symbolizer/printf_format.h"

namespace seam::engine {

std::string BareStackTracer::module_name() const {
  const std::string& path = elf_.path();
  return path.substr(path.find_last_of('/') + 1);
}

const CfiTable* BareStackTracer::cfi() {
  if (!cfi_tried_) {
    cfi_tried_ = true;
    Result<CfiTable> table = CfiTable::open(elf_.dwarf(), elf_.elf(), elf_.path());
    if (table)
      cfi_ = std::move(*table);
    else
      cfi_error_ = table.error().message();
  }
  return cfi_ ? &*cfi_ : nullptr;
}

// Code is what a function symbol of the ELF covers: a return address
// anywhere else means the unwind went wrong.
bool BareStackTracer::is_code(uint64_t pc) {
  std::optional<SymbolMatch> match = elf_.symbols().lookup(pc);
  if (!match || std::string_view("TtWw").find(match->type) == std::string_view::npos) return false;
  return match->size == 0 || match->offset < match->size;
}

Backtrace BareStackTracer::unwind(const Registers& first) {
  Backtrace bt;
  std::optional<uint64_t> first_sp = first.get(Reg::kRsp);
  uint64_t low = first_sp.value_or(0);
  uint64_t high = low + kBareStackWindow;
  StackReader read = [&](uint64_t address) -> Result<uint64_t> {
    if (address < low || address + 8 > high || address + 8 < address) {
      return Error("address " + hex(address) + " is outside the stack window (" + hex(low) +
                   " to " + hex(high) + ")");
    }
    return read_(address);
  };
  Registers regs = first;
  bool exact = true;
  std::string unwound_by = "registers";
  std::optional<uint64_t> cfa;
  for (;;) {
    std::optional<uint64_t> pc = regs.get(Reg::kRip);
    std::optional<uint64_t> sp = regs.get(Reg::kRsp);
    if (!pc || !sp) {
      bt.end_reason = "no pc or sp";
      break;
    }
    uint64_t lookup = exact ? *pc : *pc - 1;
    append_symbolized_frames(bt, exact ? symbolize_exact_pc(elf_, lookup) : elf_.symbolize(lookup),
                             {&regs, cfa, module_name(), 0, unwound_by});
    if (static_cast<int>(bt.frames.size()) >= kMaxFrames) {
      bt.end_reason = "stopped after " + std::to_string(kMaxFrames) + " frames";
      break;
    }
    Registers next;
    std::string next_by;
    std::optional<uint64_t> new_cfa;
    const CfiTable* table = cfi();
    CfiStepResult step;
    if (table) step = cfi_unwind_step(*table, lookup, regs, read);
    if (step.next) {
      next = step.next->registers;
      new_cfa = step.next->cfa;
      next_by = "cfi";
    } else if (!step.error.empty()) {
      // The outermost frame's CFI marks the return address undefined: the
      // bottom of the stack, as the entry code says it.
      bt.end_reason = step.error.find("no return address (undefined)") != std::string::npos
                          ? "end of stack"
                          : step.error;
      break;
    } else {
      // Frame pointers: [rbp] = caller's rbp, [rbp + 8] = return address.
      std::string why = table ? "no CFI for " + hex(*pc) : cfi_error_;
      std::optional<uint64_t> bp = regs.get(Reg::kRbp);
      if (!bp) {
        bt.end_reason = why + ", and rbp is not known";
        break;
      }
      Result<uint64_t> fp_cfa = frame_pointer_step(*bp, read, next);
      if (!fp_cfa) {
        bt.end_reason = why + "; frame pointer: " + fp_cfa.error().message();
        break;
      }
      new_cfa = *fp_cfa;
      next_by = "frame pointer";
    }
    uint64_t ret = next.get(Reg::kRip).value_or(0);
    if (ret == 0) {
      bt.end_reason = "end of stack";
      break;
    }
    if (!is_code(ret)) {
      bt.end_reason = sformat("the return address %s found by %s at %s is not code of the ELF",
                              hex(ret).c_str(), next_by.c_str(), hex(*pc).c_str());
      break;
    }
    uint64_t new_sp = next.get(Reg::kRsp).value_or(0);
    if (new_sp <= *sp) {
      bt.end_reason = "stack loop: sp " + hex(new_sp) + " does not grow";
      break;
    }
    for (auto it = bt.frames.rbegin(); it != bt.frames.rend() && it->pc == *pc && it->sp == *sp;
         ++it) {
      it->cfa = *new_cfa;
    }
    next.set(Reg::kCs, regs.get(Reg::kCs).value_or(0x10));
    regs = next;
    exact = false;
    unwound_by = next_by;
    cfa = new_cfa;
  }
  return bt;
}

}  // namespace seam::engine

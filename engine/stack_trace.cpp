// StackTracer: the kernel's ORC unwinder (arch/x86/kernel/unwind_orc.c,
// unwind_next_frame) over a dump, with a frame-pointer fallback.
#include "engine/stack_trace.h"

#include "engine/unwind_step.h"

#include <algorithm>

#include "symbolizer/demangle.h"
#include "symbolizer/elf_file.h"
#include "symbolizer/language.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

constexpr uint64_t kThreadSize = 16 * 1024;
constexpr uint64_t kIrqStackSize = 16 * 1024;
constexpr uint64_t kExceptionStacksFallback = 64 * 1024;

// struct pt_regs (arch/x86/include/asm/ptrace.h), x86-64: fixed by the entry code.
constexpr uint64_t kPtRegsSize = 21 * 8;
constexpr Reg kPtRegsOrder[] = {
    Reg::kR15, Reg::kR14,     Reg::kR13, Reg::kR12, Reg::kRbp,    Reg::kRbx, Reg::kR11,
    Reg::kR10, Reg::kR9,      Reg::kR8,  Reg::kRax, Reg::kRcx,    Reg::kRdx, Reg::kRsi,
    Reg::kRdi, Reg::kOrigRax, Reg::kRip, Reg::kCs,  Reg::kRflags, Reg::kRsp, Reg::kSs};

// What objtool can write (orc_types.h): anything else is a corrupt table, and
// following it would print frames that are not there.
bool orc_entry_valid(const OrcEntry& e) {
  if (static_cast<int>(e.type) > static_cast<int>(OrcType::kRegsPartial)) return false;
  switch (e.sp_reg) {
    case OrcReg::kUndefined:
    case OrcReg::kDx:
    case OrcReg::kDi:
    case OrcReg::kBp:
    case OrcReg::kSp:
    case OrcReg::kR10:
    case OrcReg::kR13:
    case OrcReg::kBpIndirect:
    case OrcReg::kSpIndirect: break;
    default: return false;
  }
  return e.bp_reg == OrcReg::kUndefined || e.bp_reg == OrcReg::kPrevSp || e.bp_reg == OrcReg::kBp;
}

}  // namespace

struct StackTracer::ModuleOrc {
  uint64_t base = 0, size = 0;
  // The init sections (init_layout), present while a module loads: a crash
  // in its init function runs there.
  uint64_t init_base = 0, init_size = 0;
  std::optional<OrcTable> table;
  std::string error;
};

struct StackTracer::CfiCache {
  std::optional<CfiTable> table;
  std::string error;
};

StackTracer::StackTracer(LinuxKernel& kernel, std::vector<CodeModule> modules)
    : kernel_(kernel), modules_(std::move(modules)) {}

StackTracer::~StackTracer() = default;

Result<void> StackTracer::open_vmlinux_orc() {
  if (vmlinux_orc_tried_) {
    if (vmlinux_orc_) return {};
    return Error(vmlinux_orc_error_);
  }
  vmlinux_orc_tried_ = true;
  Result<ElfFile> elf = ElfFile::open(kernel_.vmlinux().path());
  if (!elf) {
    vmlinux_orc_error_ = elf.error().message();
    return elf.error();
  }
  Result<OrcTable> orc = OrcTable::from_elf(*elf);
  if (!orc) {
    vmlinux_orc_error_ = orc.error().message();
    return orc.error();
  }
  vmlinux_orc_ = std::move(*orc);
  return {};
}

bool StackTracer::in_vmlinux_text(uint64_t pc) {
  if (!text_) {
    auto start = kernel_.vmlinux().symbol_address("_stext");
    auto end = kernel_.vmlinux().symbol_address("_etext");
    auto init_end = kernel_.vmlinux().symbol_address("_einittext");
    if (!start || !end) {
      text_ = std::pair<uint64_t, uint64_t>{0, 0};
    } else {
      text_ = std::pair<uint64_t, uint64_t>{*start, init_end ? std::max(*end, *init_end) : *end};
    }
  }
  uint64_t link = kernel_.to_link(pc);
  return link >= text_->first && link < text_->second;
}

bool StackTracer::is_kernel_code(uint64_t pc) {
  return in_vmlinux_text(pc) || code_module(pc) != nullptr || module_orc(pc) != nullptr;
}

Binary* StackTracer::binary_of(uint64_t pc, uint64_t& file_address) {
  if (in_vmlinux_text(pc)) {
    file_address = kernel_.to_link(pc);
    return &kernel_.vmlinux();
  }
  const CodeModule* m = code_module(pc);
  file_address = pc;  // the .ko's sections are placed where the kernel loaded them
  return m ? m->binary : nullptr;
}

// CFI is opened only when ORC has no answer (frame-pointer kernels, modules
// without ORC), so a kernel with ORC never pays for it.
const CfiTable* StackTracer::cfi_of(Binary* binary, std::string& error) {
  std::unique_ptr<CfiCache>& cache = cfi_[binary];
  if (!cache) {
    cache = std::make_unique<CfiCache>();
    Result<CfiTable> table = CfiTable::open(binary->dwarf(), binary->elf(), binary->path());
    if (table) {
      cache->table = std::move(*table);
    } else {
      cache->error = table.error().message();
    }
  }
  if (!cache->table) {
    error = cache->error;
    return nullptr;
  }
  return &*cache->table;
}

// A module's ORC from the running kernel: mod->arch.orc_unwind_ip[num_orcs]
// (self-relative int32) and mod->arch.orc_unwind[num_orcs] (6-byte entries).
StackTracer::ModuleOrc* StackTracer::module_orc(uint64_t pc) {
  if (!module_list_read_) {
    module_list_read_ = true;
    LinuxKernel& k = kernel_;
    Result<uint64_t> head = k.symbol_address("modules");
    Result<Member> list = k.member("module", "list");
    if (head && list) {
      Result<uint64_t> first = k.memory().read_u64(*head);
      uint64_t node = first ? *first : *head;
      for (int guard = 0; node != *head && guard < 4096; ++guard) {
        uint64_t mod = node - list->offset;
        auto name = k.read_member_string(mod, "module", "name");
        auto base = k.read_member(mod, "module", "core_layout.base");
        auto size = k.read_member(mod, "module", "core_layout.size");
        auto ips = k.read_member(mod, "module", "arch.orc_unwind_ip");
        auto entries = k.read_member(mod, "module", "arch.orc_unwind");
        auto count = k.read_member(mod, "module", "arch.num_orcs");
        if (name && base && size) {
          auto orc = std::make_unique<ModuleOrc>();
          orc->base = *base;
          orc->size = *size;
          auto init_base = k.read_member(mod, "module", "init_layout.base");
          auto init_size = k.read_member(mod, "module", "init_layout.size");
          if (init_base && init_size && *init_base && *init_size < (1u << 30)) {
            orc->init_base = *init_base;
            orc->init_size = *init_size;
          }
          if (!ips || !entries || !count) {
            orc->error = "module " + *name + ": no ORC fields in struct module";
          } else if (*count == 0 || *count > (1u << 22)) {
            orc->error = "module " + *name + ": " + std::to_string(*count) + " ORC entries";
          } else {
            std::vector<int32_t> offsets(*count);
            std::vector<uint8_t> raw(*count * 6);
            auto a = k.memory().read(*ips, std::as_writable_bytes(std::span(offsets)));
            auto b = k.memory().read(*entries, std::as_writable_bytes(std::span(raw)));
            if (!a) {
              orc->error = a.error().message();
            } else if (!b) {
              orc->error = b.error().message();
            } else if (auto table = OrcTable::from_arrays(*ips, offsets, raw)) {
              orc->table = std::move(*table);
            } else {
              orc->error = table.error().message();
            }
          }
          module_orcs_[*name] = std::move(orc);
        }
        auto next = k.memory().read_u64(node);
        if (!next) break;
        node = *next;
      }
    }
  }
  for (auto& [name, orc] : module_orcs_) {
    if (pc >= orc->base && pc < orc->base + orc->size) return orc.get();
    if (pc >= orc->init_base && pc < orc->init_base + orc->init_size) return orc.get();
  }
  return nullptr;
}

const CodeModule* StackTracer::code_module(uint64_t pc) {
  for (const CodeModule& m : modules_) {
    if (pc >= m.base && pc < m.base + m.size) return &m;
  }
  module_orc(pc);  // reads the module list once, with each module's init range
  for (auto& [name, orc] : module_orcs_) {
    if (pc < orc->init_base || pc >= orc->init_base + orc->init_size) continue;
    for (const CodeModule& m : modules_) {
      if (m.name == name) return &m;
    }
  }
  return nullptr;
}

std::optional<OrcEntry> StackTracer::orc_lookup(uint64_t pc, std::string& error) {
  if (in_vmlinux_text(pc)) {
    if (auto ok = open_vmlinux_orc(); !ok) {
      error = "no ORC in the vmlinux: " + ok.error().message();
      return std::nullopt;
    }
    return vmlinux_orc_->lookup(kernel_.to_link(pc));
  }
  if (ModuleOrc* orc = module_orc(pc)) {
    if (!orc->table) {
      error = orc->error;
      return std::nullopt;
    }
    return orc->table->lookup(pc);
  }
  error = "no kernel or module code at " + hex(pc);
  return std::nullopt;
}

std::vector<StackTracer::Stack> StackTracer::stacks_of(uint64_t task, int cpu,
                                                       std::vector<std::string>& notes) {
  std::vector<Stack> stacks;
  if (auto stack = kernel_.read_member(task, "task_struct", "stack")) {
    stacks.push_back({*stack, *stack + kThreadSize, "task"});
  } else {
    notes.push_back(stack.error().message());
  }
  if (cpu >= 0) {
    if (auto ptr = kernel_.per_cpu_address("hardirq_stack_ptr", cpu)) {
      if (auto top = kernel_.memory().read_u64(*ptr); top && *top) {
        uint64_t high = *top + 8;
        stacks.push_back({high - kIrqStackSize, high, "irq"});
      }
    }
    if (auto ptr = kernel_.per_cpu_address("cea_exception_stacks", cpu)) {
      if (auto base = kernel_.memory().read_u64(*ptr); base && *base) {
        uint64_t size = kExceptionStacksFallback;
        if (auto s = kernel_.type_size("cea_exception_stacks"); s && *s) size = *s;
        stacks.push_back({*base, *base + size, "exception"});
        // The entry stack (syscall/NMI entry trampolines) is in the same
        // struct cpu_entry_area as the exception stacks.
        auto estacks = kernel_.member("cpu_entry_area", "estacks");
        auto entry = kernel_.member("cpu_entry_area", "entry_stack_page");
        auto entry_size = kernel_.type_size("entry_stack_page");
        if (estacks && entry && entry_size && *entry_size) {
          uint64_t low = *base - estacks->offset + entry->offset;
          stacks.push_back({low, low + *entry_size, "entry"});
        }
      }
    }
  }
  return stacks;
}

void StackTracer::add_frames(Backtrace& bt, const Registers& regs, std::optional<uint64_t> cfa,
                             bool exact, const std::string& unwound_by, bool boundary,
                             const std::string& boundary_kind) {
  uint64_t pc = regs.get(Reg::kRip).value_or(0);
  uint64_t lookup = exact ? pc : pc - 1;
  Symbolized symbolized;
  std::string module;
  uint64_t start_runtime_delta = 0;  // runtime - file address
  if (in_vmlinux_text(pc)) {
    module = "vmlinux";
    symbolized = exact ? symbolize_exact_pc(kernel_.vmlinux(), kernel_.to_link(lookup))
                       : kernel_.vmlinux().symbolize(kernel_.to_link(lookup));
    start_runtime_delta = pc - kernel_.to_link(pc);
  }
  if (module.empty()) {
    if (const CodeModule* m = code_module(pc)) {
      module = m->name;
      if (m->binary) {
        symbolized = exact ? symbolize_exact_pc(*m->binary, lookup) : m->binary->symbolize(lookup);
      } else if (m->kallsyms) {
        // No .ko: the name from the kernel's own symbol table, without source.
        if (std::optional<KallsymsMatch> match = m->kallsyms->lookup(lookup)) {
          SourceFrame sf;
          sf.function = match->symbol->demangled;
          sf.linkage_name = match->symbol->name;
          Language mangled = demangle(match->symbol->name).language;
          sf.language = mangled == Language::Unknown ? Language::C : mangled;
          sf.function_start = match->symbol->address;
          sf.source = SymbolSource::SymbolTable;
          symbolized.frames.push_back(std::move(sf));
        }
      }
    }
  }
  size_t first = append_symbolized_frames(
      bt, symbolized, {&regs, cfa, module, static_cast<int64_t>(start_runtime_delta), unwound_by});
  if (boundary) {
    Frame& f = bt.frames[first];
    f.boundary = true;
    const Frame& concrete = bt.frames.back();
    std::string where = concrete.function.empty()
                            ? hex(pc)
                            : concrete.function + sformat("+0x%" PRIx64, concrete.offset);
    f.boundary_text = boundary_kind + " RIP: " + where;
  }
}

Backtrace StackTracer::unwind(Registers regs, uint64_t task, int cpu, bool first_is_exact) {
  Backtrace bt;
  bt.cpu = cpu;
  std::vector<std::string> notes;
  std::vector<Stack> stacks = stacks_of(task, cpu, notes);
  auto stack_of = [&](uint64_t address, uint64_t size) -> int {
    for (size_t i = 0; i < stacks.size(); ++i) {
      if (address >= stacks[i].low && address + size <= stacks[i].high &&
          address + size > address) {
        return static_cast<int>(i);
      }
    }
    return -1;
  };
  std::string read_error;
  auto read_stack = [&](uint64_t address) -> std::optional<uint64_t> {
    if (stack_of(address, 8) < 0) {
      read_error = "address " + hex(address) + " is not on a known stack";
      return std::nullopt;
    }
    auto value = kernel_.memory().read_u64(address);
    if (!value) {
      read_error = value.error().message();
      return std::nullopt;
    }
    return *value;
  };
  // read_stack as a StackReader: the error is read_error.
  StackReader read_stack_or_error = [&](uint64_t address) {
    std::optional<uint64_t> value = read_stack(address);
    if (!value) return Result<uint64_t>(Error(read_error));
    return Result<uint64_t>(*value);
  };

  // DWARF CFI of pc's binary: nullopt with cfi_error "" when there is no CFI
  // row for pc (frame pointers may still work), with cfi_error set when the
  // row cannot be evaluated.
  std::string cfi_error;
  auto cfi_step = [&](const Registers& current, bool exact_pc) -> std::optional<CfiNext> {
    cfi_error.clear();
    uint64_t pc = current.get(Reg::kRip).value_or(0);
    uint64_t file_address = 0;
    Binary* binary = binary_of(exact_pc ? pc : pc - 1, file_address);
    std::string open_error;
    const CfiTable* cfi = binary ? cfi_of(binary, open_error) : nullptr;
    if (!cfi) return std::nullopt;
    CfiStepResult step = cfi_unwind_step(*cfi, file_address, current, read_stack_or_error);
    cfi_error = step.error;
    return step.next;
  };

  bool exact = first_is_exact;
  std::string unwound_by = "registers";
  bool boundary = false;
  std::optional<uint64_t> cfa;
  for (int step = 0;; ++step) {
    std::optional<uint64_t> pc = regs.get(Reg::kRip);
    std::optional<uint64_t> sp = regs.get(Reg::kRsp);
    if (!pc || !sp) {
      bt.end_reason = "no pc or sp";
      break;
    }
    add_frames(bt, regs, std::nullopt, exact, unwound_by, boundary, "exception");
    if (static_cast<int>(bt.frames.size()) >= kMaxFrames) {
      bt.end_reason = "stopped after " + std::to_string(kMaxFrames) + " frames";
      break;
    }
    int sp_stack = stack_of(*sp, 8);
    if (sp_stack < 0) {
      bt.end_reason = "sp " + hex(*sp) + " is not on a known stack";
      break;
    }

    std::string error;
    std::optional<OrcEntry> orc = orc_lookup(exact ? *pc : *pc - 1, error);
    if (orc && !orc_entry_valid(*orc)) {
      bt.end_reason = sformat("corrupt ORC entry for %s (sp_reg %d, bp_reg %d, type %d)",
                              hex(*pc).c_str(), static_cast<int>(orc->sp_reg),
                              static_cast<int>(orc->bp_reg), static_cast<int>(orc->type));
      break;
    }
    if (orc && orc->sp_reg == OrcReg::kUndefined && !orc->end) orc.reset();  // a gap in ORC
    Registers next;
    next.set(Reg::kCs, regs.get(Reg::kCs).value_or(0x10));
    bool next_exact = false;
    std::string next_by;
    bool next_boundary = false;
    std::optional<uint64_t> new_cfa;
    if (!orc) {
      std::string why = error.empty() ? "no ORC entry for " + hex(*pc) : error;
      // Reads a struct pt_regs at `at` into `next`: an exception or syscall boundary.
      auto read_pt_regs = [&](uint64_t at) -> bool {
        if (stack_of(at, kPtRegsSize) < 0) {
          read_error = "pt_regs at " + hex(at) + " is not on a known stack";
          return false;
        }
        for (size_t i = 0; i < std::size(kPtRegsOrder); ++i) {
          auto value = read_stack(at + 8 * i);
          if (!value) return false;
          next.set(kPtRegsOrder[i], *value);
        }
        new_cfa = at + kPtRegsSize;
        next_by = "pt_regs";
        next_exact = true;
        next_boundary = true;
        return true;
      };
      std::optional<uint64_t> bp = regs.get(Reg::kRbp);
      // The entry code of a frame-pointer kernel: a syscall's pt_regs sit at the
      // top of the task stack (unwind_frame.c: is_last_task_frame), and the
      // exception entry leaves rbp = &pt_regs + 1 (ENCODE_FRAME_POINTER).
      bool top_of_task =
          sp_stack == 0 && stacks[0].name == "task" && *sp + kPtRegsSize == stacks[0].high;
      std::optional<CfiNext> cfi_next;
      if (!top_of_task) cfi_next = cfi_step(regs, exact);
      if (top_of_task) {
        if (!read_pt_regs(*sp)) {
          bt.end_reason = read_error;
          break;
        }
        // A kernel thread's stack ends in a pt_regs with no user context.
        if ((next.get(Reg::kCs).value_or(0) & 3) == 0) {
          bt.end_reason = "end of stack";
          break;
        }
      } else if (cfi_next) {
        next = cfi_next->registers;
        next.set(Reg::kCs, regs.get(Reg::kCs).value_or(0x10));
        new_cfa = cfi_next->cfa;
        next_by = "cfi";
      } else if (!cfi_error.empty()) {
        bt.end_reason = cfi_error;
        break;
      } else if (bp && (*bp & 1) != 0) {
        if (!read_pt_regs(*bp - 1)) {
          bt.end_reason = read_error;
          break;
        }
      } else {
        // Frame pointers: [rbp] = caller's rbp, [rbp + 8] = return address.
        if (!bp || stack_of(*bp, 16) < 0) {
          bt.end_reason = why + ", and rbp is not on a known stack";
          break;
        }
        Result<uint64_t> fp_cfa = frame_pointer_step(*bp, read_stack_or_error, next);
        if (!fp_cfa) {
          bt.end_reason = read_error;  // the last failed read's, as before
          break;
        }
        new_cfa = *fp_cfa;
        next_by = "frame pointer";
      }
    } else {
      if (orc->end || orc->sp_reg == OrcReg::kUndefined) {
        bt.end_reason = "end of stack";
        break;
      }
      uint64_t base = 0;
      bool indirect = false;
      auto need = [&](Reg r) -> bool {
        if (auto v = regs.get(r)) {
          base = *v;
          return true;
        }
        return false;
      };
      bool ok = true;
      switch (orc->sp_reg) {
        case OrcReg::kSp:
          ok = need(Reg::kRsp);
          base += orc->sp_offset;
          break;
        case OrcReg::kBp:
          ok = need(Reg::kRbp);
          base += orc->sp_offset;
          break;
        case OrcReg::kSpIndirect:
          ok = need(Reg::kRsp);
          indirect = true;
          break;
        case OrcReg::kBpIndirect:
          ok = need(Reg::kRbp);
          base += orc->sp_offset;
          indirect = true;
          break;
        case OrcReg::kR10: ok = need(Reg::kR10); break;
        case OrcReg::kR13: ok = need(Reg::kR13); break;
        case OrcReg::kDi: ok = need(Reg::kRdi); break;
        case OrcReg::kDx: ok = need(Reg::kRdx); break;
        default: ok = false; break;
      }
      if (!ok) {
        bt.end_reason = sformat("ORC at %s needs a register that is not known (sp_reg %d)",
                                hex(*pc).c_str(), static_cast<int>(orc->sp_reg));
        break;
      }
      if (indirect) {
        auto value = read_stack(base);
        if (!value) {
          bt.end_reason = read_error;
          break;
        }
        base = *value;
        if (orc->sp_reg == OrcReg::kSpIndirect) base += orc->sp_offset;
      }
      uint64_t frame_sp = base;  // the CFA
      new_cfa = frame_sp;
      if (orc->type == OrcType::kCall) {
        auto ret = read_stack(frame_sp - 8);
        if (!ret) {
          bt.end_reason = read_error;
          break;
        }
        next.set(Reg::kRip, *ret);
        next.set(Reg::kRsp, frame_sp);
        if (auto bp = regs.get(Reg::kRbp)) next.set(Reg::kRbp, *bp);
        next_by = "orc";
        // CFI's save slots are relative to the CFA: trust them only when CFI
        // and ORC agree on it.
        if (restore_callee_saved_) {
          if (std::optional<CfiNext> cfi_next = cfi_step(regs, exact);
              cfi_next && cfi_next->cfa == frame_sp) {
            for (Reg r : {Reg::kRbx, Reg::kR12, Reg::kR13, Reg::kR14, Reg::kR15}) {
              if (auto v = cfi_next->registers.get(r)) next.set(r, *v);
            }
          }
        }
      } else if (orc->type == OrcType::kRegs) {
        if (stack_of(frame_sp, kPtRegsSize) < 0) {
          bt.end_reason = "pt_regs at " + hex(frame_sp) + " is not on a known stack";
          break;
        }
        bool failed = false;
        for (size_t i = 0; i < std::size(kPtRegsOrder); ++i) {
          auto value = read_stack(frame_sp + 8 * i);
          if (!value) {
            failed = true;
            break;
          }
          next.set(kPtRegsOrder[i], *value);
        }
        if (failed) {
          bt.end_reason = read_error;
          break;
        }
        next_by = "pt_regs";
        next_exact = true;
        next_boundary = true;
      } else {  // kRegsPartial: the iret frame only
        const Reg iret[] = {Reg::kRip, Reg::kCs, Reg::kRflags, Reg::kRsp, Reg::kSs};
        bool failed = false;
        for (size_t i = 0; i < std::size(iret); ++i) {
          auto value = read_stack(frame_sp + 8 * i);
          if (!value) {
            failed = true;
            break;
          }
          next.set(iret[i], *value);
        }
        if (failed) {
          bt.end_reason = read_error;
          break;
        }
        // Callee-saved registers not in the iret frame are still this frame's.
        for (Reg r : {Reg::kRbx, Reg::kRbp, Reg::kR12, Reg::kR13, Reg::kR14, Reg::kR15}) {
          if (auto v = regs.get(r)) next.set(r, *v);
        }
        next_by = "pt_regs";
        next_exact = true;
        next_boundary = true;
      }
      // The caller's frame pointer.
      if (orc->bp_reg == OrcReg::kPrevSp) {
        auto bp = read_stack(frame_sp + orc->bp_offset);
        if (!bp) {
          bt.end_reason = read_error;
          break;
        }
        next.set(Reg::kRbp, *bp);
      } else if (orc->bp_reg == OrcReg::kBp) {
        auto old_bp = regs.get(Reg::kRbp);
        auto bp = old_bp ? read_stack(*old_bp + orc->bp_offset) : std::nullopt;
        if (!bp) {
          bt.end_reason = old_bp ? read_error : "rbp is not known";
          break;
        }
        next.set(Reg::kRbp, *bp);
      }
    }

    // A return address outside kernel code means the unwind data (or the
    // stack) is wrong: stop here rather than print frames that are not there.
    if (!next_boundary) {
      uint64_t ret = next.get(Reg::kRip).value_or(0);
      if (!is_kernel_code(ret)) {
        bt.end_reason = sformat("the return address %s found by %s at %s is not kernel code",
                                hex(ret).c_str(), next_by.c_str(), hex(*pc).c_str());
        break;
      }
    }
    // A user-mode pt_regs: the stack ends in user space.
    if (next_boundary && (next.get(Reg::kCs).value_or(0) & 3) != 0) {
      Frame f;
      f.index = static_cast<int>(bt.frames.size());
      f.pc = next.get(Reg::kRip).value_or(0);
      f.sp = next.get(Reg::kRsp).value_or(0);
      f.cfa = new_cfa.value_or(0);
      f.module = "user";
      f.unwound_by = "pt_regs";
      f.boundary = true;
      f.boundary_text = "user space: RIP " + hex(f.pc) + " RSP " + hex(f.sp);
      bt.frames.push_back(std::move(f));
      bt.end_reason = "user space";
      break;
    }
    // Loops: on the same stack, the stack pointer must grow.
    uint64_t new_sp = next.get(Reg::kRsp).value_or(0);
    int new_stack = stack_of(new_sp, 8);
    if (new_stack < 0) {
      bt.end_reason = "the caller's sp " + hex(new_sp) + " is not on a known stack";
      break;
    }
    if (new_stack == sp_stack && new_sp <= *sp) {
      bt.end_reason = "stack loop: sp " + hex(new_sp) + " does not grow";
      break;
    }
    // Record the CFA on this frame's entries.
    if (new_cfa) {
      for (auto it = bt.frames.rbegin(); it != bt.frames.rend() && it->pc == *pc && it->sp == *sp;
           ++it) {
        it->cfa = *new_cfa;
      }
    }
    regs = next;
    exact = next_exact;
    unwound_by = next_by;
    boundary = next_boundary;
    cfa = new_cfa;
    (void)step;
  }
  if (!notes.empty() && bt.end_reason != "user space" && bt.end_reason != "end of stack") {
    bt.end_reason += " (" + notes.front() + ")";
  }
  return bt;
}

Result<Backtrace> StackTracer::running(uint64_t task, int cpu, const Registers& registers) {
  return unwind(registers, task, cpu, true);
}

Result<Backtrace> StackTracer::sleeping(uint64_t task, int cpu) {
  Result<uint64_t> sp = kernel_.read_member(task, "task_struct", "thread.sp");
  if (!sp) return sp.error();
  Result<Member> ret = kernel_.member("inactive_task_frame", "ret_addr");
  Result<Member> bp = kernel_.member("inactive_task_frame", "bp");
  Result<uint64_t> size = kernel_.type_size("inactive_task_frame");
  if (!ret || !bp || !size) {
    return Error("no struct inactive_task_frame in the vmlinux's DWARF: " +
                 (!ret  ? ret.error().message()
                  : !bp ? bp.error().message()
                        : size.error().message()));
  }
  Result<uint64_t> pc = kernel_.memory().read_u64(*sp + ret->offset);
  if (!pc) return pc.error().context("the task's switch frame");
  Result<uint64_t> frame_bp = kernel_.memory().read_u64(*sp + bp->offset);
  if (!frame_bp) return frame_bp.error().context("the task's switch frame");
  Registers regs;
  regs.set(Reg::kRip, *pc);
  regs.set(Reg::kRsp, *sp + *size);
  regs.set(Reg::kRbp, *frame_bp);
  regs.set(Reg::kCs, 0x10);
  return unwind(regs, task, cpu, false);
}

}  // namespace seam::engine

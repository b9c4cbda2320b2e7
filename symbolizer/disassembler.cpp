#include "symbolizer/disassembler.h"

#include <llvm/ADT/ArrayRef.h>
#include <llvm/MC/MCAsmInfo.h>
#include <llvm/MC/MCContext.h>
#include <llvm/MC/MCDisassembler/MCDisassembler.h>
#include <llvm/MC/MCInst.h>
#include <llvm/MC/MCInstPrinter.h>
#include <llvm/MC/MCInstrAnalysis.h>
#include <llvm/MC/MCInstrInfo.h>
#include <llvm/MC/MCRegisterInfo.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/MCTargetOptions.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/TargetParser/Triple.h>

#include <mutex>
#include <string>
#include <string_view>

#include "symbolizer/printf_format.h"

// Only the x86 target is linked (not all of LLVM's): its initialisers are
// declared here rather than through llvm/Support/TargetSelect.h, which names
// every target of the build.
extern "C" {
void LLVMInitializeX86TargetInfo();
void LLVMInitializeX86TargetMC();
void LLVMInitializeX86Disassembler();
}

namespace seam {
namespace {

constexpr const char* kTriple = "x86_64-unknown-linux-gnu";

// LLVM's target registry is process-wide: registered once, by the first
// Disassembler that decodes (never on a path that does not disassemble).
void register_x86_target() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86Disassembler();
  });
}

// Prefixes LLVM prints as words of their own before the mnemonic.
bool is_prefix(std::string_view word) {
  for (std::string_view prefix :
       {"lock", "rep", "repe", "repne", "repz", "repnz", "data16", "data32", "addr32", "notrack",
        "xacquire", "xrelease", "bnd", "rex64", "{vex}", "{vex2}", "{vex3}", "{evex}"}) {
    if (word == prefix) return true;
  }
  return false;
}

// The address a RIP-relative memory operand names: next pc + displacement.
// X86 memory operands are 5 MCInst operands: base, scale, index, displacement,
// segment. Unlike MCInstrAnalysis::evaluateMemoryOperandAddress, a segment
// prefix does not hide it: gdb shows it for "%gs:0x79452b9d(%rip)" (a per-CPU
// offset) and for the DS prefix the kernel patches over LOCK on one CPU.
std::optional<uint64_t> rip_relative_address(const llvm::MCInst& inst, unsigned rip,
                                             uint64_t next_pc) {
  for (unsigned i = 0; i + 4 < inst.getNumOperands(); ++i) {
    const llvm::MCOperand& base = inst.getOperand(i);
    if (!base.isReg() || base.getReg() != rip) continue;
    const llvm::MCOperand& index = inst.getOperand(i + 2);
    const llvm::MCOperand& displacement = inst.getOperand(i + 3);
    if (!index.isReg() || index.getReg() != 0 || !displacement.isImm()) return std::nullopt;
    return next_pc + static_cast<uint64_t>(displacement.getImm());
  }
  return std::nullopt;
}

// LLVM prints a negative immediate as "$-0x78a96847"; gdb, crash and objdump
// as the operand-size bits, "$0xffffffff875697b9" — the kernel address it
// usually is. The size is the AT&T suffix of the mnemonic ("movq").
std::string unsigned_immediates(std::string_view mnemonic, const std::string& operands) {
  size_t sign = operands.find("$-0x");
  if (sign == std::string::npos || mnemonic.empty()) return operands;
  int bits = 0;
  switch (mnemonic.back()) {
    case 'b': bits = 8; break;
    case 'w': bits = 16; break;
    case 'l': bits = 32; break;
    case 'q': bits = 64; break;
    default: return operands;
  }
  size_t digits = sign + 4;
  size_t end = operands.find_first_not_of("0123456789abcdef", digits);
  if (end == std::string::npos) end = operands.size();
  if (end == digits || end - digits > 16) return operands;
  uint64_t magnitude = std::stoull(operands.substr(digits, end - digits), nullptr, 16);
  uint64_t value = 0 - magnitude;
  if (bits < 64) value &= (uint64_t{1} << bits) - 1;
  return operands.substr(0, sign) + sformat("$0x%" PRIx64, value) + operands.substr(end);
}

// LLVM prints "\tmovb\t$0, (%rax)", prefixes in front: "\trep\t\tstosq\t%rax, ...".
// The words before the operands are the mnemonic (prefixes joined by a space).
void split_printed(std::string_view printed, Instruction& out, DisassemblySyntax syntax) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < printed.size()) {
    while (i < printed.size() && (printed[i] == '\t' || printed[i] == '\n')) ++i;
    size_t end = i;
    while (end < printed.size() && printed[end] != '\t' && printed[end] != '\n') ++end;
    if (end > i) parts.push_back(printed.substr(i, end - i));
    i = end;
  }
  std::string mnemonic;
  size_t p = 0;
  while (p < parts.size()) {
    bool prefix = is_prefix(parts[p]);
    if (!mnemonic.empty()) mnemonic += ' ';
    mnemonic += parts[p++];
    if (!prefix) break;
  }
  std::string operands;
  for (; p < parts.size(); ++p) operands += (operands.empty() ? "" : " ") + std::string(parts[p]);
  // gdb, crash and objdump write AT&T operands without a space after a comma;
  // no AT&T operand holds ", " otherwise.
  if (syntax == DisassemblySyntax::kAtt) {
    std::string compact;
    for (size_t c = 0; c < operands.size(); ++c) {
      if (operands[c] == ' ' && c > 0 && operands[c - 1] == ',') continue;
      compact += operands[c];
    }
    operands = std::move(compact);
  }
  if (syntax == DisassemblySyntax::kAtt) operands = unsigned_immediates(mnemonic, operands);
  out.mnemonic = std::move(mnemonic);
  out.operands = std::move(operands);
}

}  // namespace

std::string Instruction::text() const {
  return operands.empty() ? mnemonic : mnemonic + " " + operands;
}

struct Disassembler::Llvm {
  llvm::Triple triple{kTriple};
  std::unique_ptr<llvm::MCRegisterInfo> registers;
  std::unique_ptr<llvm::MCAsmInfo> asm_info;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget;
  std::unique_ptr<llvm::MCInstrInfo> instructions;
  std::unique_ptr<llvm::MCContext> context;
  std::unique_ptr<llvm::MCDisassembler> disassembler;
  std::unique_ptr<llvm::MCInstrAnalysis> analysis;
  std::unique_ptr<llvm::MCInstPrinter> printer;
  unsigned rip = 0;  // the register number of RIP (X86's register enum is not public)
};

Disassembler::Disassembler(DisassemblySyntax syntax) : syntax_(syntax) {}
Disassembler::~Disassembler() = default;

Result<Disassembler::Llvm*> Disassembler::llvm() {
  if (llvm_) return llvm_.get();
  register_x86_target();
  auto made = std::make_unique<Llvm>();
  std::string error;
  const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, error);
  if (!target) return Error("LLVM's x86-64 disassembler is not available: " + error);
  made->registers.reset(target->createMCRegInfo(kTriple));
  llvm::MCTargetOptions options;
  if (made->registers)
    made->asm_info.reset(target->createMCAsmInfo(*made->registers, kTriple, options));
  made->subtarget.reset(target->createMCSubtargetInfo(kTriple, "", ""));
  made->instructions.reset(target->createMCInstrInfo());
  if (!made->registers || !made->asm_info || !made->subtarget || !made->instructions)
    return Error("LLVM's x86-64 target description could not be created");
  made->context = std::make_unique<llvm::MCContext>(made->triple, made->asm_info.get(),
                                                    made->registers.get(), made->subtarget.get());
  made->disassembler.reset(target->createMCDisassembler(*made->subtarget, *made->context));
  made->analysis.reset(target->createMCInstrAnalysis(made->instructions.get()));
  // Variant 0 is AT&T, 1 Intel (X86's AssemblerDialect).
  unsigned variant = syntax_ == DisassemblySyntax::kIntel ? 1 : 0;
  made->printer.reset(target->createMCInstPrinter(made->triple, variant, *made->asm_info,
                                                  *made->instructions, *made->registers));
  if (!made->disassembler || !made->analysis || !made->printer)
    return Error("LLVM's x86-64 disassembler could not be created");
  for (unsigned reg = 1; reg < made->registers->getNumRegs(); ++reg) {
    if (std::string_view(made->registers->getName(reg)) == "RIP") made->rip = reg;
  }
  if (made->rip == 0) return Error("LLVM's x86-64 target has no RIP register");
  made->printer->setPrintImmHex(true);
  // Direct branches as the address they go to, as gdb prints them.
  made->printer->setPrintBranchImmAsAddress(true);
  llvm_ = std::move(made);
  return llvm_.get();
}

// One instruction at the start of `code`, at `pc`; nullopt if the bytes are
// none (or are cut off).
std::optional<Instruction> Disassembler::decode_one(Llvm& l, std::span<const uint8_t> code,
                                                    uint64_t pc) const {
  llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
  llvm::MCInst inst;
  uint64_t size = 0;
  llvm::MCDisassembler::DecodeStatus status =
      l.disassembler->getInstruction(inst, size, bytes, pc, llvm::nulls());
  if (status == llvm::MCDisassembler::Fail || size == 0 || size > bytes.size()) return std::nullopt;
  Instruction decoded;
  decoded.address = pc;
  decoded.bytes.assign(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(size));
  std::string printed;
  llvm::raw_string_ostream stream(printed);
  // X86's printer adds a branch's displacement to the address given: the
  // next instruction's, as the CPU does.
  l.printer->printInst(&inst, pc + size, "", *l.subtarget, stream);
  stream.flush();
  split_printed(printed, decoded, syntax_);
  uint64_t target = 0;
  if ((l.analysis->isBranch(inst) || l.analysis->isCall(inst)) &&
      l.analysis->evaluateBranch(inst, pc, size, target)) {
    decoded.branch_target = target;
  }
  decoded.rip_relative_address = rip_relative_address(inst, l.rip, pc + size);
  return decoded;
}

Result<std::vector<Instruction>> Disassembler::decode(std::span<const uint8_t> code,
                                                      uint64_t address, size_t max_instructions,
                                                      bool code_continues) {
  Result<Llvm*> made = llvm();
  if (!made) return made.error();
  std::vector<Instruction> out;
  size_t offset = 0;
  while (offset < code.size() && out.size() < max_instructions) {
    std::span<const uint8_t> rest = code.subspan(offset);
    uint64_t pc = address + offset;
    std::optional<Instruction> decoded = decode_one(**made, rest, pc);
    // Maybe an instruction the end of the span cut off: read more first.
    if (!decoded && code_continues && rest.size() < kMaxInstructionSize) break;
    if (decoded && decoded->mnemonic == "lock" && decoded->operands.empty()) {
      // LLVM decodes a LOCK prefix as an instruction of its own; gdb, crash
      // and objdump show it on the instruction it locks.
      std::optional<Instruction> locked = decode_one(**made, rest.subspan(1), pc + 1);
      if (!locked && code_continues && rest.size() < kMaxInstructionSize) break;
      if (locked) {
        locked->address = pc;
        locked->bytes.insert(locked->bytes.begin(), rest.front());
        locked->mnemonic = "lock " + locked->mnemonic;
        decoded = std::move(locked);
      }
    }
    if (!decoded) {
      decoded = Instruction{};
      decoded->address = pc;
      decoded->valid = false;
      decoded->mnemonic = "(bad)";
      decoded->bytes.assign(rest.begin(), rest.begin() + 1);
    }
    offset += decoded->size();
    out.push_back(std::move(*decoded));
  }
  return out;
}

}  // namespace seam

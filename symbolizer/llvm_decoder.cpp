// The plugin libseam_llvm_decoder.so: LLVM 19's x86 MC disassembler behind
// the RawDecoder interface of symbolizer/llvm_decoder.h. LLVM's static
// libraries are linked into it, and their symbols kept inside.
#include "symbolizer/llvm_decoder.h"

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

#include <memory>
#include <mutex>
#include <string_view>

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

class LlvmDecoder final : public RawDecoder {
 public:
  // Null with `error` set when LLVM's x86 target cannot be created (a broken build).
  static std::unique_ptr<LlvmDecoder> create(bool intel, std::string& error) {
    // LLVM's target registry is process-wide: registered once.
    static std::once_flag registered;
    std::call_once(registered, [] {
      LLVMInitializeX86TargetInfo();
      LLVMInitializeX86TargetMC();
      LLVMInitializeX86Disassembler();
    });
    std::unique_ptr<LlvmDecoder> d(new LlvmDecoder());
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(kTriple, error);
    if (!target) {
      error = "LLVM's x86-64 disassembler is not available: " + error;
      return nullptr;
    }
    d->registers_.reset(target->createMCRegInfo(kTriple));
    llvm::MCTargetOptions options;
    if (d->registers_)
      d->asm_info_.reset(target->createMCAsmInfo(*d->registers_, kTriple, options));
    d->subtarget_.reset(target->createMCSubtargetInfo(kTriple, "", ""));
    d->instructions_.reset(target->createMCInstrInfo());
    if (!d->registers_ || !d->asm_info_ || !d->subtarget_ || !d->instructions_) {
      error = "LLVM's x86-64 target description could not be created";
      return nullptr;
    }
    d->context_ = std::make_unique<llvm::MCContext>(d->triple_, d->asm_info_.get(),
                                                    d->registers_.get(), d->subtarget_.get());
    d->disassembler_.reset(target->createMCDisassembler(*d->subtarget_, *d->context_));
    d->analysis_.reset(target->createMCInstrAnalysis(d->instructions_.get()));
    // Variant 0 is AT&T, 1 Intel (X86's AssemblerDialect).
    d->printer_.reset(target->createMCInstPrinter(d->triple_, intel ? 1 : 0, *d->asm_info_,
                                                  *d->instructions_, *d->registers_));
    if (!d->disassembler_ || !d->analysis_ || !d->printer_) {
      error = "LLVM's x86-64 disassembler could not be created";
      return nullptr;
    }
    // X86's register enum is not public: RIP by its name.
    for (unsigned reg = 1; reg < d->registers_->getNumRegs(); ++reg) {
      if (std::string_view(d->registers_->getName(reg)) == "RIP") d->rip_ = reg;
    }
    if (d->rip_ == 0) {
      error = "LLVM's x86-64 target has no RIP register";
      return nullptr;
    }
    d->printer_->setPrintImmHex(true);
    // Direct branches as the address they go to, as gdb prints them.
    d->printer_->setPrintBranchImmAsAddress(true);
    return d;
  }

  std::optional<RawInstruction> decode(std::span<const uint8_t> code, uint64_t pc) override {
    llvm::ArrayRef<uint8_t> bytes(code.data(), code.size());
    llvm::MCInst inst;
    uint64_t size = 0;
    llvm::MCDisassembler::DecodeStatus status =
        disassembler_->getInstruction(inst, size, bytes, pc, llvm::nulls());
    if (status == llvm::MCDisassembler::Fail || size == 0 || size > bytes.size())
      return std::nullopt;
    RawInstruction out;
    out.size = size;
    llvm::raw_string_ostream stream(out.printed);
    // X86's printer adds a branch's displacement to the address given: the
    // next instruction's, as the CPU does.
    printer_->printInst(&inst, pc + size, "", *subtarget_, stream);
    stream.flush();
    uint64_t target = 0;
    if ((analysis_->isBranch(inst) || analysis_->isCall(inst)) &&
        analysis_->evaluateBranch(inst, pc, size, target)) {
      out.branch_target = target;
    }
    out.rip_relative_address = rip_relative_address(inst, rip_, pc + size);
    return out;
  }

 private:
  LlvmDecoder() = default;

  llvm::Triple triple_{kTriple};
  std::unique_ptr<llvm::MCRegisterInfo> registers_;
  std::unique_ptr<llvm::MCAsmInfo> asm_info_;
  std::unique_ptr<llvm::MCSubtargetInfo> subtarget_;
  std::unique_ptr<llvm::MCInstrInfo> instructions_;
  std::unique_ptr<llvm::MCContext> context_;
  std::unique_ptr<llvm::MCDisassembler> disassembler_;
  std::unique_ptr<llvm::MCInstrAnalysis> analysis_;
  std::unique_ptr<llvm::MCInstPrinter> printer_;
  unsigned rip_ = 0;
};

}  // namespace
}  // namespace seam

extern "C" __attribute__((visibility("default"))) seam::RawDecoder* seam_create_llvm_decoder(
    bool intel, std::string* error) {
  std::string why;
  std::unique_ptr<seam::LlvmDecoder> decoder = seam::LlvmDecoder::create(intel, why);
  if (!decoder && error) *error = why;
  return decoder.release();
}

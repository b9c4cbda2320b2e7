// symbolizer/disassembler.h on hand-written x86-64 bytes: what gdb and
// objdump print for them (AT&T, and Intel), branch and RIP-relative targets,
// and bytes that are no instruction; then engine/disassembly.h (the code
// around an address, named) on a fake target.
#include "symbolizer/disassembler.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <span>
#include <vector>

#include "engine/disassembly.h"
#include "engine/session.h"

namespace seam {
namespace {

constexpr uint64_t kBase = 0xffffffff81000000;

std::vector<Instruction> decode(const std::vector<uint8_t>& bytes,
                                DisassemblySyntax syntax = DisassemblySyntax::kAtt,
                                bool code_continues = false) {
  Disassembler disassembler(syntax);
  Result<std::vector<Instruction>> code =
      disassembler.decode(bytes, kBase, bytes.size(), code_continues);
  EXPECT_TRUE(code.ok()) << (code ? "" : code.error().message());
  return code ? *code : std::vector<Instruction>{};
}

TEST(Disassembler, StoreThroughPointerAsGdbPrintsIt) {
  // sysrq_handle_crash's `*killer = 1` on older kernels: movb $0x0,(%rax).
  std::vector<Instruction> code = decode({0xc6, 0x00, 0x00});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].address, kBase);
  EXPECT_EQ(code[0].size(), 3u);
  EXPECT_EQ(code[0].mnemonic, "movb");
  EXPECT_EQ(code[0].operands, "$0x0,(%rax)");
  EXPECT_EQ(code[0].text(), "movb $0x0,(%rax)");
  EXPECT_TRUE(code[0].valid);
  EXPECT_FALSE(code[0].branch_target);
  EXPECT_FALSE(code[0].rip_relative_address);
}

TEST(Disassembler, DirectCallAndJccTargets) {
  // call +0x10; je +5: targets relative to the next instruction.
  std::vector<Instruction> code = decode({0xe8, 0x10, 0x00, 0x00, 0x00, 0x74, 0x05});
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ(code[0].branch_target, kBase + 5 + 0x10);
  EXPECT_EQ(code[0].operands, "0xffffffff81000015");
  EXPECT_EQ(code[1].address, kBase + 5);
  EXPECT_EQ(code[1].mnemonic, "je");
  EXPECT_EQ(code[1].branch_target, kBase + 7 + 5);
}

TEST(Disassembler, IndirectCallHasNoBranchTargetButItsRipRelativeSlot) {
  // call *0x10(%rip)
  std::vector<Instruction> code = decode({0xff, 0x15, 0x10, 0x00, 0x00, 0x00});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_FALSE(code[0].branch_target);
  EXPECT_EQ(code[0].rip_relative_address, kBase + 6 + 0x10);
}

TEST(Disassembler, RipRelativeLoadAndSegmentPrefixedOne) {
  // mov 0x20(%rip),%rax; incl %gs:0x100(%rip) (a per-CPU variable: gdb
  // still computes next pc + displacement)
  std::vector<Instruction> code =
      decode({0x48, 0x8b, 0x05, 0x20, 0x00, 0x00, 0x00, 0x65, 0xff, 0x05, 0x00, 0x01, 0x00, 0x00});
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ(code[0].operands, "0x20(%rip),%rax");
  EXPECT_EQ(code[0].rip_relative_address, kBase + 7 + 0x20);
  EXPECT_EQ(code[1].operands, "%gs:0x100(%rip)");
  EXPECT_EQ(code[1].rip_relative_address, kBase + 14 + 0x100);
}

TEST(Disassembler, LockPrefixOnTheInstructionItLocks) {
  // lock cmpxchg %edx,(%rcx): LLVM decodes the prefix alone; gdb does not.
  std::vector<Instruction> code = decode({0xf0, 0x0f, 0xb1, 0x11, 0xc3});
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ(code[0].mnemonic, "lock cmpxchgl");
  EXPECT_EQ(code[0].operands, "%edx,(%rcx)");
  EXPECT_EQ(code[0].size(), 4u);
  EXPECT_EQ(code[1].address, kBase + 4);
}

TEST(Disassembler, RepPrefixInTheMnemonic) {
  std::vector<Instruction> code = decode({0xf3, 0x48, 0xab});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].mnemonic, "rep stosq");
  EXPECT_EQ(code[0].operands, "%rax,%es:(%rdi)");
}

TEST(Disassembler, NegativeImmediateAsTheOperandSizeBitsLikeGdb) {
  // mov $0xffffffff875697b9,%rdi (sign-extended imm32): a kernel address.
  std::vector<Instruction> code = decode({0x48, 0xc7, 0xc7, 0xb9, 0x97, 0x56, 0x87});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].operands, "$0xffffffff875697b9,%rdi");
  // or $0xffffffff,%eax (imm8 -1, 32-bit operation)
  code = decode({0x83, 0xc8, 0xff});
  ASSERT_EQ(code.size(), 1u);
  EXPECT_EQ(code[0].operands, "$0xffffffff,%eax");
}

TEST(Disassembler, IntelSyntax) {
  std::vector<Instruction> code = decode({0xc6, 0x00, 0x00, 0xff, 0xe0}, DisassemblySyntax::kIntel);
  ASSERT_EQ(code.size(), 2u);
  EXPECT_EQ(code[0].mnemonic, "mov");
  EXPECT_EQ(code[0].operands, "byte ptr [rax], 0x0");
  EXPECT_EQ(code[1].mnemonic, "jmp");
  EXPECT_EQ(code[1].operands, "rax");
}

TEST(Disassembler, GarbageIsBadBytesOneAtATime) {
  // 0x06 (push %es) and 0x27 (daa) do not exist in 64-bit mode; ret after them.
  std::vector<Instruction> code = decode({0x06, 0x27, 0x06, 0xc3});
  ASSERT_EQ(code.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(code[i].valid);
    EXPECT_EQ(code[i].mnemonic, "(bad)");
    EXPECT_EQ(code[i].size(), 1u);
    EXPECT_EQ(code[i].address, kBase + i);
  }
  EXPECT_TRUE(code[3].valid);
  EXPECT_EQ(code[3].address, kBase + 3);
}

TEST(Disassembler, EveryByteValueDecodesWithoutCrashing) {
  // 64 KiB of every byte pair, decoded as one stream: each byte is covered
  // by exactly one instruction, valid or not.
  std::vector<uint8_t> bytes;
  for (int hi = 0; hi < 256; ++hi) {
    for (int lo = 0; lo < 256; ++lo) {
      bytes.push_back(static_cast<uint8_t>(hi));
      bytes.push_back(static_cast<uint8_t>(lo));
    }
  }
  std::vector<Instruction> code = decode(bytes);
  ASSERT_FALSE(code.empty());
  uint64_t next = kBase;
  for (const Instruction& instruction : code) {
    ASSERT_EQ(instruction.address, next);
    ASSERT_GE(instruction.size(), 1u);
    ASSERT_LE(instruction.size(), Disassembler::kMaxInstructionSize);
    next += instruction.size();
  }
  EXPECT_EQ(next, kBase + bytes.size());
}

TEST(Disassembler, CutOffInstructionWaitsForMoreBytesOrIsBad) {
  // call rel32 with two of its five bytes.
  std::vector<Instruction> more = decode({0x90, 0xe8, 0x00}, DisassemblySyntax::kAtt, true);
  ASSERT_EQ(more.size(), 1u);  // the nop; the call needs more bytes
  std::vector<Instruction> end = decode({0x90, 0xe8, 0x00});
  ASSERT_EQ(end.size(), 3u);
  EXPECT_EQ(end[1].mnemonic, "(bad)");
  EXPECT_EQ(end[2].mnemonic, "(bad)");
}

TEST(Disassembler, StopsAtTheInstructionLimit) {
  Disassembler disassembler;
  std::vector<uint8_t> nops(100, 0x90);
  Result<std::vector<Instruction>> code = disassembler.decode(nops, kBase, 7);
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->size(), 7u);
}

}  // namespace
}  // namespace seam

// engine/disassembly.h on a fake target: a function across two pages, the
// second one missing from "memory" but in the "file".
namespace seam::engine {
namespace {

constexpr uint64_t kFunction = 0x1ff0;  // 16 bytes before the page boundary

struct FakeCode {
  std::vector<uint8_t> bytes;  // kFunction..: nop x 14, call g, ret
  bool second_page_in_memory = false;
  bool second_page_in_file = true;

  FakeCode() {
    bytes.assign(14, 0x90);
    // call g (at 0x3000 + 4): rel32 from the next instruction, 0x1ff0 + 19.
    uint32_t rel = static_cast<uint32_t>(0x3004 - (kFunction + 19));
    bytes.push_back(0xe8);
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(rel >> (8 * i)));
    bytes.push_back(0xc3);
  }

  bool has(uint64_t address, size_t size, bool memory) const {
    if (address < kFunction || address + size > kFunction + bytes.size() + 0x100) return false;
    bool second = address + size > 0x2000;
    return !second || (memory ? second_page_in_memory : second_page_in_file);
  }
  void copy(uint64_t address, std::span<std::byte> out) const {
    for (size_t i = 0; i < out.size(); ++i) {
      size_t at = address + i - kFunction;
      out[i] = static_cast<std::byte>(at < bytes.size() ? bytes[at] : 0xcc);
    }
  }

  CodeSource source() const {
    return CodeSource{[this](uint64_t address, std::span<std::byte> out) -> Result<void> {
                        if (!has(address, out.size(), true)) return Error("not in the dump");
                        copy(address, out);
                        return {};
                      },
                      [](uint64_t address) -> Result<SymbolInfo> {
                        SymbolInfo info;
                        if (address >= kFunction && address < kFunction + 20) {
                          info.address = kFunction;
                          info.size = 20;
                          info.name = info.demangled = "f";
                        } else if (address >= 0x3000 && address < 0x3100) {
                          info.address = 0x3000;
                          info.size = 0x100;
                          info.name = info.demangled = "g";
                        } else {
                          return Error("no symbol");
                        }
                        info.offset = address - info.address;
                        info.file = "f.c";
                        info.line = 7;
                        return info;
                      },
                      [this](uint64_t address, size_t size) -> std::optional<Result<FileCode>> {
                        if (!has(address, size, false)) return std::nullopt;
                        std::vector<std::byte> out(size);
                        copy(address, out);
                        FileCode code{{}, "vmlinux-test"};
                        for (std::byte b : out) code.bytes.push_back(static_cast<uint8_t>(b));
                        return Result<FileCode>(std::move(code));
                      }};
  }
};

TEST(CodeDisassembler, WholeFunctionAcrossAPageTheDumpLacksComesFromTheFile) {
  FakeCode fake;
  CodeDisassembler code(fake.source());
  Result<Disassembly> d = code.disassemble({.address = kFunction + 14, .whole_function = true});
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->function, "f");
  ASSERT_EQ(d->instructions.size(), 16u);  // 14 nops, call, ret
  EXPECT_EQ(d->asked_index, 14u);
  const DisassembledInstruction& call = d->instructions[14];
  EXPECT_EQ(call.symbol, "f+14");  // decimal, as gdb
  EXPECT_EQ(call.target, 0x3004u);
  EXPECT_TRUE(call.target_is_branch);
  EXPECT_EQ(call.target_symbol, "g+4");
  EXPECT_EQ(instruction_text(call), "callq 0x3004 <g+4>");
  EXPECT_EQ(call.file, "f.c");
  EXPECT_EQ(call.line, 7);
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_NE(d->notes[0].find("0x2000-0x2003 read from vmlinux-test"), std::string::npos)
      << d->notes[0];
}

TEST(CodeDisassembler, InstructionsBeforeComeFromTheFunctionStart) {
  FakeCode fake;
  fake.second_page_in_memory = true;
  CodeDisassembler code(fake.source());
  Result<Disassembly> d =
      code.disassemble({.address = kFunction + 19, .count_before = 3, .count_after = 1});
  ASSERT_TRUE(d.ok()) << d.error().message();
  ASSERT_EQ(d->instructions.size(), 4u);
  EXPECT_EQ(d->instructions[0].address, kFunction + 12);
  EXPECT_EQ(d->instructions[2].mnemonic, "callq");
  EXPECT_EQ(d->instructions[3].mnemonic, "retq");
  EXPECT_EQ(d->asked_index, 3u);
  EXPECT_TRUE(d->notes.empty());
}

TEST(CodeDisassembler, CodeNeitherHasIsAnErrorNamingTheAddress) {
  FakeCode fake;
  fake.second_page_in_file = false;
  CodeDisassembler code(fake.source());
  Result<Disassembly> d = code.disassemble({.address = 0x5000, .count_after = 4});
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.error().message().find("cannot read code at 0x5000"), std::string::npos)
      << d.error().message();
  // The function's second page nowhere: the listing stops there and says so.
  d = code.disassemble({.address = kFunction, .whole_function = true});
  ASSERT_TRUE(d.ok()) << d.error().message();
  EXPECT_EQ(d->instructions.size(), 14u);  // the nops; the call is cut off
  ASSERT_EQ(d->notes.size(), 1u);
  EXPECT_NE(d->notes[0].find("the code stops at 0x2000"), std::string::npos) << d->notes[0];
  EXPECT_FALSE(code.disassemble({.address = kFunction, .count_after = -1}).ok());
}

}  // namespace
}  // namespace seam::engine

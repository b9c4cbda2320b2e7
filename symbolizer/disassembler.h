// Disassembler: x86-64 machine code to instructions, with LLVM's MC
// disassembler. Knows bytes, not targets: the caller reads the code and names
// the addresses.
//
//   Disassembler disassembler;                       // cheap: LLVM starts on first use
//   std::vector<Instruction> code = disassembler.decode(bytes, 0xffffffff8150d8e0, 64);
//   for (const Instruction& i : code)
//     print(i.address, i.mnemonic, i.operands);      // "movb", "$0x0,(%rax)"
//   if (code[0].branch_target) name(*code[0].branch_target);  // call/jmp/jcc target
//
// LLVM's disassembler is a plugin (libseam_llvm_decoder.so) loaded by the
// first decode(): a process that never disassembles never pays for it.
// AT&T syntax by default, as gdb, crash and objdump print it (operands without
// a space after their commas, as they do); Intel with DisassemblySyntax::kIntel.
// Bytes that are no instruction become one "(bad)" instruction of one byte,
// and decoding goes on with the next byte, as objdump does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "symbolizer/result.h"

namespace seam {

class RawDecoder;  // symbolizer/llvm_decoder.h

enum class DisassemblySyntax { kAtt, kIntel };

struct Instruction {
  uint64_t address = 0;
  std::vector<uint8_t> bytes;  // its encoding; size() is its length
  // With its prefixes: "call", "movb", "lock cmpxchg", "(bad)".
  std::string mnemonic;
  // As the syntax writes them; a direct branch's target as an absolute
  // address ("0xffffffff81123450"), as gdb prints it.
  std::string operands;
  bool valid = true;  // false for "(bad)"
  // Where a direct call, jmp or jcc goes.
  std::optional<uint64_t> branch_target;
  // The address a RIP-relative memory operand names ("0x1234(%rip)").
  std::optional<uint64_t> rip_relative_address;

  size_t size() const { return bytes.size(); }
  // "mnemonic operands", or the mnemonic alone.
  std::string text() const;
};

class Disassembler {
 public:
  explicit Disassembler(DisassemblySyntax syntax = DisassemblySyntax::kAtt);
  ~Disassembler();
  Disassembler(const Disassembler&) = delete;
  Disassembler& operator=(const Disassembler&) = delete;

  // At most `max_instructions` instructions decoded from the start of `code`,
  // which is at `address` at run time (branch targets are computed from it).
  // `code_continues`: the bytes after `code` exist but were not read, so an
  // instruction that may run past its end stops the decoding (read more to
  // get it); else such bytes are "(bad)". An error only if LLVM's x86 target
  // cannot be created (a broken build).
  Result<std::vector<Instruction>> decode(std::span<const uint8_t> code, uint64_t address,
                                          size_t max_instructions, bool code_continues = false);

  // The longest x86 instruction: a caller reading code for N instructions
  // reads N times this at most.
  static constexpr size_t kMaxInstructionSize = 15;

 private:
  // LLVM's decoder, from the plugin loaded by the first decode().
  Result<RawDecoder*> decoder();
  std::optional<Instruction> decode_one(RawDecoder& decoder, std::span<const uint8_t> code,
                                        uint64_t pc) const;

  DisassemblySyntax syntax_;
  std::unique_ptr<RawDecoder> decoder_;
};

}  // namespace seam

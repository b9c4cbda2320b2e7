// Disassembly of a target's code for Session::disassemble: the bytes read
// from the target (or, where a dump lacks the page, from the binary's file),
// decoded by symbolizer/disassembler.h, each instruction and branch target
// named by the session's symbols.
//
//   CodeDisassembler code(CodeSource{
//       .read_memory = [&](uint64_t a, std::span<std::byte> out) { return read(a, out); },
//       .symbol_at = [&](uint64_t a) { return session.symbol_at(a); },
//       .read_file = [&](uint64_t a, size_t n) { return file_bytes(a, n); }});
//   Result<Disassembly> d = code.disassemble({.address = pc, .count_before = 8});
//   for (const DisassembledInstruction& i : d->instructions)
//     print(i.address, i.symbol, instruction_text(i));  // "call 0xffffffff81f0 <panic>"
//
// Instructions before an address need a place where decoding is in step with
// the code (x86 instructions have no fixed length): the start of the function
// holding the address, decoded forward, as gdb and crash do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "symbolizer/result.h"

namespace seam {
class Disassembler;
}

namespace seam::engine {

struct SymbolInfo;  // engine/session.h

struct DisassemblyRequest {
  uint64_t address = 0;
  // Instructions before `address` (from its function's start) and from it
  // (the one at or holding `address` first).
  int count_before = 0;
  int count_after = 16;
  // The whole function holding `address` instead (crash's `dis FUNCTION`).
  bool whole_function = false;
  bool intel = false;  // Intel syntax; AT&T (gdb's, crash's) otherwise
};

struct DisassembledInstruction {
  uint64_t address = 0;
  std::vector<uint8_t> bytes;
  std::string mnemonic;  // "movb", "lock cmpxchgl", "(bad)"
  std::string operands;  // "$0x0,(%rax)"; a direct branch's target as an address
  bool valid = true;     // false for "(bad)" bytes
  // The symbol holding the instruction, offset in decimal as gdb writes it:
  // "sysrq_handle_crash+22", "rust_crashme::crash_here"; "" if none.
  std::string symbol;
  std::string file;  // its source line, when DWARF knows it
  int line = 0;
  // A direct call/jmp/jcc's destination, or the address a RIP-relative
  // operand names, and the symbol there ("panic", "jiffies+8"; "" if none).
  std::optional<uint64_t> target;
  bool target_is_branch = false;
  std::string target_symbol;
};

struct Disassembly {
  // The function holding the asked address (demangled), its start and size;
  // "" when no symbol holds it (then decoding starts at the address).
  std::string function;
  uint64_t function_address = 0;
  uint64_t function_size = 0;
  std::string module;  // "vmlinux", a module's name
  std::vector<DisassembledInstruction> instructions;
  // Index in `instructions` of the one at or holding the asked address.
  size_t asked_index = 0;
  // Where the code came from when not only from the target: "code bytes at
  // 0x...-0x... read from vmlinux-6.1.0 (the dump lacks them)".
  std::vector<std::string> notes;
};

// The operands with the target named as gdb does: "call 0xffffffff810f1d80
// <panic>"; a RIP-relative one in a comment: "mov 0x1d(%rip),%rax  # 0x... <jiffies>".
std::string instruction_text(const DisassembledInstruction& instruction);

// What the session gives the disassembler: its memory, its symbols, and the
// bytes of the binary file that holds an address (nullopt: no file does).
struct FileCode {
  std::vector<uint8_t> bytes;
  std::string path;
};
struct CodeSource {
  std::function<Result<void>(uint64_t address, std::span<std::byte> out)> read_memory;
  std::function<Result<SymbolInfo>(uint64_t address)> symbol_at;
  std::function<std::optional<Result<FileCode>>(uint64_t address, size_t size)> read_file;
};

class CodeDisassembler {
 public:
  explicit CodeDisassembler(CodeSource source);
  ~CodeDisassembler();

  Result<Disassembly> disassemble(const DisassemblyRequest& request);

  // A function longer than this is shown from the asked address, not from its
  // start (a corrupt symbol size must not read megabytes).
  static constexpr uint64_t kMaxFunctionBytes = 256 * 1024;
  static constexpr int kMaxCount = 10000;

 private:
  // The code bytes of [address, address + size): the target's, a page at a
  // time, the file's where the target has none; stops at the first byte
  // neither has (an error if that is the first).
  Result<std::vector<uint8_t>> read_code(uint64_t address, size_t size,
                                         std::vector<std::string>& notes);
  Disassembler& disassembler(bool intel);
  std::string name_of(uint64_t address, std::string* file = nullptr, int* line = nullptr);

  CodeSource source_;
  std::unique_ptr<Disassembler> att_;
  std::unique_ptr<Disassembler> intel_;
};

}  // namespace seam::engine

// Rendering of a session's answers (sys, log, ps, mod, rd, sym) as crash-like
// text or as JSON, kept apart from argument handling and from where the
// answers come from: the printer takes engine structs and writes to a stream.
//
//   SessionPrinter printer(std::cout, /*json=*/false);
//   printer.system_info(*session->system_info());
//   printer.tasks(tasks);                       // in the order given
//   printer.memory(0xffffffff81000000, AddressSpace::kVirtual, bytes);
//
// Text formats (JSON: one value per call, then a newline):
//   sys   "    DUMPFILE: /path/vmcore" ... keys right-aligned to one width
//   log   "[    3.123456] text", one line per line of each record's text
//   ps    ">    1       0    0  ffff8880033b0000  R   init"
//   mod   "rust_crashme      ffffffffc0123000     16384  /path/rust_crashme.ko"
//   rd    "ffffffff81000000:  0000000000000001  0000000000000002  ................"
//   sym   "ffffffff8f9c5a40 (T) sysrq_handle_crash+0x10 [vmlinux] drivers/tty/sysrq.c:150"
//   bt    "PID: 1  TASK: ffff...  CPU: 0  COMMAND: \"init\"", then
//         "#0  ffffffff8f9c5a46 sysrq_handle_crash+0x16 [vmlinux] drivers/tty/sysrq.c:150"
//   bt -f, after each frame, declarations in the frame's language:
//         "      args:   int key = 99"         (C, C++)
//         "      locals: cb: &dyn Fn() = ..."  (Rust)
// In JSON every address is a string "0x..." in lower-case hex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>

#include "engine/session.h"

namespace seam::cli {

class SessionPrinter {
 public:
  SessionPrinter(std::ostream& out, bool json) : out_(out), json_(json) {}

  void system_info(const engine::SystemInfo& info);
  void log(std::span<const engine::LogRecord> records);
  void tasks(std::span<const engine::Task> tasks);
  void modules(std::span<const engine::ModuleInfo> modules);
  // `bytes` read at `address`; text: two 64-bit little-endian words a line.
  void memory(uint64_t address, engine::AddressSpace space, std::span<const std::byte> bytes);
  // `sym`: one line per symbol; the address shown is address + offset.
  void symbols(std::span<const engine::SymbolInfo> symbols);
  // `sym --inlined`: "FILE:LINE:COLUMN  callee  ADDR" a call, indented by its
  // depth, under the line naming `function`.
  void inlined_calls(const engine::SymbolInfo& function,
                     std::span<const engine::InlinedCall> calls);
  // `bt`: a header line, then one line per frame (inlined frames marked
  // "[inlined]", pt_regs boundaries on a line of their own), then why it ends.
  // With `variables` (bt -f) each frame's arguments and locals follow it.
  void backtrace(const engine::Backtrace& bt, bool variables = false);
  // `bt -a`, `bt -A`: one backtrace after the other (JSON: an array of them).
  void backtraces(std::span<const engine::Backtrace> bts, bool variables = false);
  // `frame N`: the frame's line, its variables, and its known registers.
  void frame(const engine::Backtrace& bt, const engine::Frame& frame);
  // One frame's line as bt prints it (live stops show where they are with it).
  void frame_line(const engine::Frame& frame);
  // `dis`: one line per instruction, as crash's dis and gdb's x/i print them:
  //   "0xffffffff8150d8f6 <sysrq_handle_crash+22>:  movb $0x0,(%rax)"
  // branch targets named ("call 0xffffffff810f1d80 <panic>"), RIP-relative
  // addresses in a "# 0x... <sym>" comment; notes first, as "# " lines. With
  // `source_lines` (dis -l) a "FILE: LINE" line where the source line changes.
  void disassembly(const engine::Disassembly& disassembly, bool source_lines = false);

 private:
  void print_rows(std::span<const std::pair<std::string_view, std::string>> rows);

  std::ostream& out_;
  bool json_;
};

// Pieces of the text formats, exposed for tests.
std::string format_size(uint64_t bytes);    // "109.6 MiB", "512 B"
std::string format_uptime(double seconds);  // "00:00:03 (3.12 s)", "2 days, 01:00:00 (...)"

}  // namespace seam::cli

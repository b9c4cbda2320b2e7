// Session: one debugging session on one kernel — a vmcore or a live QEMU
// (its gdbstub) — and the only engine API that cli/ and gui/ use.
//
//   SessionOptions options{.vmcore = "vmcore", .vmlinux = "vmlinux-6.1.0-56",
//                          .module_paths = {"seam_crash.ko"}};
//   Result<std::unique_ptr<Session>> session = Session::open(options);
//   if (!session) die(session.error().message());
//   for (const std::string& w : (*session)->warnings()) warn(w);
//   Result<std::vector<Task>> tasks = (*session)->tasks();
//
// Everything is read lazily and cached: opening reads the dump's headers,
// VMCOREINFO and the vmlinux's symbol table; `ps` then reads only tasks.
//
// Live: SessionOptions{.gdbstub = "127.0.0.1:1234", .vmlinux = ...}. QEMU
// stops the guest when Seam connects, so the session reads one instant;
// close() leaves the guest as it was found (running again, or stopped).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/disassembly.h"
#include "engine/registers.h"
#include "symbolizer/result.h"

namespace seam::engine {

class LiveControl;  // engine/live_control.h

struct SessionOptions {
  std::string vmcore;                     // dump file
  std::string gdbstub;                    // or a live QEMU's gdbstub, "HOST:PORT"
  std::string vmlinux;                    // vmlinux with DWARF (or found from the dump's release)
  std::vector<std::string> module_paths;  // .ko files, or directories searched for NAME.ko
  // Find KASLR and the page tables by searching memory, not from VMCOREINFO.
  bool ignore_vmcoreinfo = false;
};

struct TaskRef {
  int pid = 0;
  std::string comm;
  uint64_t address = 0;  // struct task_struct *
};

struct SystemInfo {
  std::string dump_path;    // "" on a live target
  std::string dump_format;  // Target::describe()
  std::string live;         // "QEMU gdbstub 127.0.0.1:1234"; "" for a dump
  std::string live_state;   // live: what Seam did to the guest, and will on leaving
  // Empty for a Linux kernel; else why there is no kernel model (a bare-metal
  // ELF): the kernel rows of `sys` are then meaningless.
  std::string no_kernel_model;
  std::string vmlinux_path;
  std::string release;  // utsname: "6.1.0-56-cloud-amd64"
  std::string version;  // "#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (...)"
  std::string machine;  // "x86_64"
  std::string nodename;
  int cpus = 0;               // CPUs present in the machine
  int dump_cpus = 0;          // CPUs with registers in the dump (live: vCPUs)
  uint64_t memory_bytes = 0;  // totalram_pages * page size
  std::optional<double> uptime_seconds;
  std::string panic_message;       // "" when the log has none
  std::optional<int> crashed_cpu;  // live: only when the kernel panicked
  std::optional<TaskRef> crashed_task;
  uint64_t kaslr_offset = 0;
  std::string kaslr_source;  // "VMCOREINFO" or how Seam found it
  int paging_levels = 0;     // 4 or 5
};

struct Task {
  uint64_t address = 0;  // struct task_struct *
  int pid = 0;
  int tgid = 0;
  int ppid = 0;
  int cpu = 0;          // the CPU it last ran on
  int active_cpu = -1;  // the CPU it is running on at the time of the dump, else -1
  char state = '?';     // ps letters: R S D T t X Z P I
  std::string comm;
  bool kernel_thread = false;  // no mm
};

struct LogRecord {
  uint64_t sequence = 0;
  uint64_t timestamp_ns = 0;
  int level = 0;  // 0 (emerg) .. 7 (debug)
  int facility = 0;
  std::string text;  // may hold several lines
};

struct ModuleInfo {
  std::string name;
  uint64_t address = 0;                      // struct module *
  uint64_t base = 0;                         // core text start
  uint64_t size = 0;                         // core size
  std::string state;                         // "live", "coming", "going", "unformed"
  std::map<std::string, uint64_t> sections;  // ".text" -> address, from the kernel
  std::string debug_file;                    // the .ko whose DWARF was loaded, "" if none
};

struct SymbolInfo {
  uint64_t address = 0;  // runtime address (KASLR / module placement applied)
  uint64_t offset = 0;   // asked address - address (sym ADDR)
  uint64_t size = 0;
  std::string name;       // as in the symbol table (mangled for Rust and C++)
  std::string demangled;  // == name for C
  std::string module;     // "vmlinux" or the module's name
  char type = '?';        // nm letter: T t D d B b R r
  std::string file;       // source, when DWARF knows it
  int line = 0;
};

// A call inlined into a function: the calling line, and where its code went.
struct InlinedCall {
  std::string callee;     // demangled
  std::string call_file;  // the calling line's source file, as frames name files
  int call_line = 0;
  int call_column = 0;
  uint64_t low_pc = 0;  // runtime address of its lowest byte; 0 when no code is left of it
  int depth = 1;        // 1: inlined into the function itself; 2: into one of those calls...
};

enum class AddressSpace { kVirtual, kPhysical };

// An argument or local variable of a frame, printed in the frame's language.
struct Variable {
  std::string name;
  std::string type;   // "const char *", "&str", "core::option::Option<&u32>"
  std::string value;  // "0xffffffff82a0e5b8 \"sysrq triggered crash\\n\"", "<optimized out>"
  // The value's parts, for views that expand it (engine/value_children.h):
  // members, the active variant's fields, elements `[0]`..., and a pointer's
  // or reference's target's members; each part has its own parts, bounded.
  std::vector<Variable> children;
};

// One frame of a backtrace. An address inside inlined code gives several
// frames: the innermost inlined call first (inlined = true), the concrete
// function last; they share pc, sp and cfa.
struct Frame {
  int index = 0;
  uint64_t pc = 0;
  uint64_t sp = 0;
  uint64_t cfa = 0;      // 0 when unknown
  std::string function;  // demangled; "" when nothing is known
  std::string linkage_name;
  std::string language;  // "c", "rust", "c++", "asm"...
  std::string module;    // "vmlinux", the module's name, "user" for a user-space end
  std::string file;
  int line = 0;
  int column = 0;
  bool inlined = false;
  std::string unwound_by;  // "registers", "orc", "frame pointer", "pt_regs"
  // An exception/interrupt boundary: this frame's registers came from a
  // struct pt_regs on the stack.
  bool boundary = false;
  std::string
      boundary_text;  // "exception RIP: sysrq_handle_crash+0x16", "user space: RIP 0x... RSP 0x..."
  uint64_t offset = 0;  // pc - start of the concrete function (0 for inlined frames)
  // The registers of this frame as the unwinder recovered them: all of them
  // for the first frame and after a pt_regs boundary, else rip, rsp and the
  // callee-saved ones it could restore; the others are unknown.
  Registers registers;
  // Filled when BacktraceRequest::variables is set: the frame's parameters
  // in declaration order, then the locals in scope at pc.
  std::vector<Variable> args;
  std::vector<Variable> locals;
  std::string variables_error;  // why args/locals could not be read, "" if they were
};

struct BacktraceRequest {
  std::optional<int> pid;  // this task
  // Else the task running on this CPU. Neither: the crashed task; live, when
  // the kernel has not panicked: the task of the vCPU the guest stopped on.
  std::optional<int> cpu;
  bool variables = false;  // evaluate each frame's arguments and locals
  // With `variables`: also each variable's parts (Variable::children), which
  // views that expand a value and --json want; they cost reads `bt -f` skips.
  bool variable_parts = false;
};

struct Backtrace {
  TaskRef task;
  int cpu = -1;
  std::vector<Frame> frames;
  // Why the list ends. Clean ends: "user space", "end of stack"; anything else
  // is what stopped the unwinder.
  std::string end_reason;
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> open(const SessionOptions& options);
  virtual ~Session() = default;

  // Problems found while opening that do not stop the session: the vmlinux
  // does not match the dump, a module has no debug info, a truncated dump...
  virtual const std::vector<std::string>& warnings() const = 0;
  // "vmcore: vmcore.kdump", "live: QEMU gdbstub 127.0.0.1:1234".
  virtual std::string describe() const = 0;
  // Ends the session (the destructor does too; cli/ exits without running
  // destructors): a live guest is left as it was found. Nothing else may be
  // called after it.
  virtual Result<void> close() = 0;

  virtual Result<SystemInfo> system_info() = 0;
  virtual Result<std::vector<LogRecord>> log() = 0;
  virtual Result<std::vector<Task>> tasks() = 0;  // processes and threads, idle tasks first
  virtual Result<std::vector<ModuleInfo>> modules() = 0;

  virtual Result<void> read_memory(uint64_t address, std::span<std::byte> out,
                                   AddressSpace space) = 0;
  // "0xffffffff81000000", "ffffffff81000000", "sysrq_handle_crash",
  // "panic+0x10", "seam_crash_do_bug" (module symbols too).
  virtual Result<uint64_t> evaluate_address(std::string_view expression) = 0;
  // The symbol containing `address`, with source position.
  virtual Result<SymbolInfo> symbol_at(uint64_t address) = 0;
  // Every call inlined into the concrete function containing `pc` (a frame's
  // pc), nested ones too, each before the calls inlined into it: the Source
  // pane marks their lines. Empty for a function without; an error without
  // DWARF there.
  virtual Result<std::vector<InlinedCall>> inlined_calls(uint64_t pc) = 0;
  // The instructions around `request.address` (or its whole function), each
  // with its symbol+offset, source line and named branch target
  // (engine/disassembly.h). LLVM's disassembler starts on the first call.
  virtual Result<Disassembly> disassemble(const DisassemblyRequest& request) = 0;
  // Symbols named `name`: linkage name, or demangled name for Rust/C++.
  virtual Result<std::vector<SymbolInfo>> symbols_named(std::string_view name) = 0;
  // The stack of a task (see BacktraceRequest).
  virtual Result<Backtrace> backtrace(const BacktraceRequest& request) = 0;
  // For completion in the interactive prompt.
  virtual std::vector<std::string> symbol_names_with_prefix(std::string_view prefix,
                                                            size_t limit) = 0;
  // Run control of a live guest (breakpoints, continue, step); null for a
  // crash dump. Owned by the session.
  virtual LiveControl* live() { return nullptr; }
};

}  // namespace seam::engine

// GdbstubTarget: a live kernel under QEMU's gdbstub as a Target — vCPUs are
// the stub's threads, registers come from `g` through the stub's own
// target.xml layout, memory from `m` (virtual, translated by QEMU with the
// selected vCPU's page tables) or `m` in Qqemu.PhyMemMode (physical). Plus
// the control a live session needs: interrupt, continue, step, breakpoints,
// monitor commands.
//
//   Result<std::unique_ptr<GdbstubTarget>> live = GdbstubTarget::connect("127.0.0.1:1234");
//   if (!live) die(live.error().message());
//   GdbstubTarget& t = **live;                 // QEMU stops the guest when we connect
//   Registers cpu1 = *t.registers(1);
//   auto kernel = LinuxKernel::open(t, vmlinux, {});  // KASLR found by CR3 + banner search
//   t.set_breakpoint(BreakpointType::kHardware, *kernel->symbol_address("do_sys_open"));
//   Result<StopEvent> stop = t.cont({.timeout = std::chrono::seconds(30)});
//   if (stop && stop->cpu) show(*t.registers(*stop->cpu));
//
// Memory lines and registers are cached while the guest is stopped and
// dropped on every resume. Reading while the guest runs is an error. Closing
// (the destructor) leaves the guest stopped, as gdb's `disconnect` does;
// detach() lets it run.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/gdb_remote.h"
#include "engine/target.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct GdbstubOptions {
  GdbRemoteOptions remote;
  // Memory is cached in lines of this many bytes (rounded down to a power
  // of two, 16 to 4096); 0: as many as one `m` reply carries
  // (GdbRemote::memory_chunk(), 2 KiB on QEMU). Each missing line costs one
  // exchange, and what a kernel reader touches is clustered (a task's fields,
  // a stack, a page-table page): on a live bt 2 KiB lines take fewer
  // exchanges than 512-byte or 1 KiB ones, and half as many as 4 KiB pages,
  // which take two `m` each.
  size_t cache_line = 0;
  // Cached bytes (each of the virtual and physical caches) before it starts over.
  size_t cache_bytes = 32u << 20;
};

// One register as the stub describes it, raw (little-endian bytes): the
// ones Registers has no slot for too (cr8, efer, st0, xmm0, mxcsr...).
struct RawRegister {
  std::string name;
  int regnum = 0;
  int bitsize = 0;
  std::vector<std::byte> bytes;
  std::optional<uint64_t> value() const;  // registers of at most 64 bits
};

// Why the guest is stopped.
struct StopEvent {
  StopReply reply;
  std::optional<int> cpu;    // the vCPU (index) the stop names, if any
  bool interrupted = false;  // we stopped it (interrupt, a timeout or a cancel)
};

struct ContinueOptions {
  // How long to let the guest run before interrupting it.
  std::chrono::milliseconds timeout = std::chrono::hours(24 * 365);
  // Set (from another thread) to stop waiting and interrupt the guest.
  const std::atomic<bool>* cancel = nullptr;
};

class GdbstubTarget final : public Target {
 public:
  // "HOST:PORT". Reads the register layout, the vCPU threads and the halt reason.
  static Result<std::unique_ptr<GdbstubTarget>> connect(const std::string& address,
                                                        const GdbstubOptions& options = {});
  ~GdbstubTarget() override;
  GdbstubTarget(const GdbstubTarget&) = delete;
  GdbstubTarget& operator=(const GdbstubTarget&) = delete;

  // "gdbstub 127.0.0.1:1234 (i386:x86-64, 2 vCPUs, stopped)"
  std::string describe() const override;
  Result<void> read_physical(uint64_t address, std::span<std::byte> out) override;
  bool reads_virtual() const override { return true; }
  Result<void> read_virtual(uint64_t address, std::span<std::byte> out) override;
  int cpu_count() const override { return static_cast<int>(threads_.size()); }
  Result<Registers> registers(int cpu) override;

  Result<std::vector<RawRegister>> raw_registers(int cpu);
  const RegisterLayout& layout() const { return layout_; }
  const std::vector<int64_t>& thread_ids() const { return threads_; }
  // The vCPU whose page tables translate read_virtual (default 0).
  Result<void> set_memory_cpu(int cpu);
  Result<void> write_virtual(uint64_t address, std::span<const std::byte> data);

  // Control.
  bool running() const { return running_; }
  const std::optional<StopEvent>& last_stop() const { return last_stop_; }
  // Stops a running guest; the stop it reports.
  Result<StopEvent> interrupt();
  // Lets every vCPU run; returns at once (wait() for the stop).
  Result<void> resume();
  // The stop after resume(), or nullopt when `timeout` passes or `*cancel` is
  // set first (the guest still runs).
  Result<std::optional<StopEvent>> wait(std::chrono::milliseconds timeout,
                                        const std::atomic<bool>* cancel = nullptr);
  // resume() and wait(): on the timeout or the cancel, interrupts the guest.
  Result<StopEvent> cont(const ContinueOptions& options);
  // One instruction on `cpu`, the others stay stopped. A step that does not
  // finish within the exchange timeout (a halted vCPU) is interrupted.
  Result<StopEvent> step(int cpu);
  Result<void> set_breakpoint(BreakpointType type, uint64_t address);
  Result<void> remove_breakpoint(BreakpointType type, uint64_t address);
  // A QEMU monitor command ("info registers", "info mtree"); its output.
  Result<std::string> monitor(std::string_view command);
  // Lets the guest run and closes the connection.
  Result<void> detach();

  GdbRemote& remote() { return *remote_; }

 private:
  GdbstubTarget(std::unique_ptr<GdbRemote> remote, GdbstubOptions options);
  Result<void> require_stopped(const char* what) const;
  Result<void> select_cpu(int cpu);
  Result<void> set_physical(bool on);
  Result<void> leave_physical();  // before the guest runs
  Result<std::vector<std::byte>> registers_bytes(int cpu);
  Result<void> read_cached(uint64_t address, std::span<std::byte> out, bool physical);
  void dropped_caches();
  StopEvent stop_event(StopReply reply, bool interrupted);
  Error error(const std::string& what) const;

  std::unique_ptr<GdbRemote> remote_;
  GdbstubOptions options_;
  RegisterLayout layout_;
  std::vector<int64_t> threads_;
  bool running_ = false;
  std::optional<StopEvent> last_stop_;
  int memory_cpu_ = 0;
  std::optional<int64_t> selected_thread_;  // the stub's Hg thread, as far as we know
  std::optional<bool> physical_mode_;       // Qqemu.PhyMemMode, as far as we know
  std::map<int, std::vector<std::byte>> register_cache_;
  uint64_t line_size_ = 4096;                                 // options_.cache_line, resolved
  std::map<uint64_t, std::vector<std::byte>> virtual_lines_;  // by line address
  std::map<uint64_t, std::vector<std::byte>> physical_lines_;
};

}  // namespace seam::engine

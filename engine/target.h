// Target: where a debugged kernel's memory and CPU registers come from — a
// vmcore (VmcoreTarget) or, later, a live QEMU gdbstub. The kernel model reads
// everything through this interface and knows nothing of file formats.
//
//   std::unique_ptr<Target> target = *VmcoreTarget::open("vmcore");
//   std::vector<std::byte> page(4096);
//   if (auto ok = target->read_physical(0x1000, page); !ok) warn(ok.error());
//   Registers cpu0 = *target->registers(0);
//
// Virtual addresses: a target may be able to read them by itself (a gdbstub's
// `m`, which goes through the CPU's MMU); a dump cannot in general, so the
// kernel model translates through the page tables and reads physical memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "engine/registers.h"
#include "symbolizer/result.h"

namespace seam::engine {

class Target {
 public:
  virtual ~Target() = default;

  // One line for `sys` and error messages, e.g. "vmcore.kdump (kdump-compressed, zlib)".
  virtual std::string describe() const = 0;

  // Fills `out` from physical memory at `address`. A page missing from the
  // dump (filtered out, beyond its end) fails this read only, naming the
  // address.
  virtual Result<void> read_physical(uint64_t address, std::span<std::byte> out) = 0;

  // True if read_virtual works without the kernel model's page-table walk.
  virtual bool reads_virtual() const { return false; }
  virtual Result<void> read_virtual(uint64_t address, std::span<std::byte> out) {
    (void)address;
    (void)out;
    return Error("this target reads physical memory only");
  }

  // CPUs whose registers the target knows (a dump: one per NT_PRSTATUS note;
  // gdbstub: one per vCPU thread), indexed 0..cpu_count()-1 in CPU order.
  virtual int cpu_count() const = 0;
  virtual Result<Registers> registers(int cpu) = 0;

  // The VMCOREINFO text the target carries (an ELF note, the kdump header),
  // if any. The kernel model can also find it in memory.
  virtual std::optional<std::string> vmcoreinfo() const { return std::nullopt; }

  // The CPU the dump says was running the crash (kdump header's current_cpu),
  // if the format records one. The kernel model prefers the kernel's own
  // `panic_cpu`.
  virtual std::optional<int> dump_crashed_cpu() const { return std::nullopt; }
};

}  // namespace seam::engine

// VmcoreTarget: a kernel crash dump as a Target — memory through libkdumpfile,
// registers and VMCOREINFO from the dump's own notes.
//
//   Result<std::unique_ptr<VmcoreTarget>> dump = VmcoreTarget::open("vmcore");
//   if (!dump) die(dump.error().message());  // "vmcore: truncated: ..."
//   for (const std::string& w : (*dump)->warnings()) warn(w);
//   std::vector<std::byte> page(4096);
//   if (auto ok = (*dump)->read_physical(0x1000, page); !ok) warn(ok.error().message());
//   Registers cpu0 = *(*dump)->registers(0);
//
// Reads the four kinds of dump QEMU 7.2 and makedumpfile write: ELF with
// virtual and physical PT_LOADs (`dump-guest-memory -p`), ELF with physical
// PT_LOADs only, kdump-compressed (diskdump; zlib, lzo, snappy or zstd pages,
// as far as libkdumpfile was built with them) and makedumpfile's flattened
// format (QEMU's kdump-* formats), which is reassembled in memory because
// libkdumpfile 0.5.1 cannot read it. The file is only ever read, with pread:
// opening reads the headers and notes, not the memory.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine/target.h"
#include "symbolizer/result.h"

namespace seam::engine {

class VmcoreTarget final : public Target {
 public:
  enum class Format {
    kElfVirtual,   // ELF, PT_LOADs with virtual and physical addresses
    kElfPhysical,  // ELF, physical addresses only (p_vaddr == p_paddr)
    kKdump,        // kdump-compressed (diskdump)
    kFlattened,    // makedumpfile's flattened stream of a kdump-compressed file
  };

  // Errors name the file: "vmcore: not a crash dump: ...", "vmcore: truncated: ...".
  static Result<std::unique_ptr<VmcoreTarget>> open(const std::string& path);
  ~VmcoreTarget() override;
  VmcoreTarget(const VmcoreTarget&) = delete;
  VmcoreTarget& operator=(const VmcoreTarget&) = delete;

  // "vmcore.kdump: kdump-compressed (zlib)", "vmcore: ELF vmcore, physical PT_LOADs only".
  std::string describe() const override;
  Result<void> read_physical(uint64_t address, std::span<std::byte> out) override;
  int cpu_count() const override;
  Result<Registers> registers(int cpu) override;
  std::optional<std::string> vmcoreinfo() const override;
  std::optional<int> dump_crashed_cpu() const override;

  // Problems that did not stop opening, each naming the file: a dump whose
  // memory is cut short, notes too short to decode, ...
  const std::vector<std::string>& warnings() const;
  const std::string& path() const;
  Format format() const;

 private:
  struct State;
  explicit VmcoreTarget(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace seam::engine

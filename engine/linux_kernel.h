// LinuxKernel: the running kernel inside a Target, as its own data structures
// describe it. It finds where the kernel is (KASLR offset, page tables,
// per-CPU areas), checks the vmlinux belongs to it, and offers typed access
// that the readers of tasks, modules and the log build on.
//
//   Result<std::unique_ptr<LinuxKernel>> kernel = LinuxKernel::open(target, vmlinux, {});
//   uint64_t init_task = *(*kernel)->symbol_address("init_task");
//   Result<uint64_t> pid = (*kernel)->read_member(init_task, "task_struct", "pid");
//   Result<uint64_t> current = (*kernel)->current_task(0);
//
// Where the facts come from, in order of trust: the kernel's own variables
// (panic_cpu, current_task, __per_cpu_offset), VMCOREINFO, the dump format.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/kernel_memory.h"
#include "engine/target.h"
#include "engine/vmcoreinfo.h"
#include "symbolizer/binary.h"
#include "symbolizer/dwarf_types.h"
#include "symbolizer/result.h"

namespace seam::engine {

struct KernelOpenOptions {
  // Find KASLR and the page tables from memory even when the dump has
  // VMCOREINFO (for dumps whose VMCOREINFO is wrong, and to test the search).
  bool ignore_vmcoreinfo = false;
};

class LinuxKernel {
 public:
  static Result<std::unique_ptr<LinuxKernel>> open(Target& target, Binary& vmlinux,
                                                   const KernelOpenOptions& options);

  KernelMemory& memory() { return memory_; }
  Target& target() { return target_; }
  Binary& vmlinux() { return vmlinux_; }
  const Vmcoreinfo& vmcoreinfo() const { return vmcoreinfo_; }
  // Problems that do not stop the model: a vmlinux of another build, ...
  const std::vector<std::string>& warnings() const { return warnings_; }

  uint64_t kaslr_offset() const { return kaslr_offset_; }
  const std::string& kaslr_source() const { return kaslr_source_; }
  int paging_levels() const { return memory_.paging() ? memory_.paging()->levels() : 0; }
  uint64_t page_size() const { return page_size_; }

  // A vmlinux symbol's address in the running kernel (KASLR applied; per-CPU
  // symbols are offsets into each CPU's area and come back unchanged).
  Result<uint64_t> symbol_address(std::string_view name);
  uint64_t to_runtime(uint64_t link_address) const;
  uint64_t to_link(uint64_t runtime_address) const;

  // Struct layout from the vmlinux's DWARF, cached.
  Result<Member> member(std::string_view type, std::string_view path);
  Result<uint64_t> type_size(std::string_view type);
  // Reads an unsigned member (1, 2, 4 or 8 bytes; bit fields extracted).
  Result<uint64_t> read_member(uint64_t object, std::string_view type, std::string_view path);
  Result<std::string> read_member_string(uint64_t object, std::string_view type,
                                         std::string_view path);

  // Per-CPU data.
  // The CPUs present in the machine (online or stopped by the panic).
  Result<std::vector<int>> cpus();
  Result<uint64_t> per_cpu_address(std::string_view symbol, int cpu);
  Result<uint64_t> current_task(int cpu);  // the task running on `cpu`
  Result<uint64_t> idle_task(int cpu);
  // The CPU that crashed: the kernel's panic_cpu, else what the dump says.
  std::optional<int> crashed_cpu();

 private:
  LinuxKernel(Target& target, Binary& vmlinux)
      : target_(target), vmlinux_(vmlinux), memory_(target) {}
  Result<void> locate(const KernelOpenOptions& options);
  Result<void> locate_from_vmcoreinfo();
  Result<void> locate_by_search();
  bool locate_from_kernel_rip(uint64_t banner_link, const std::string& banner);
  void check_vmlinux_matches();

  Target& target_;
  Binary& vmlinux_;
  KernelMemory memory_;
  Vmcoreinfo vmcoreinfo_;
  std::vector<std::string> warnings_;
  uint64_t kaslr_offset_ = 0;
  std::string kaslr_source_;
  uint64_t page_size_ = 4096;
  std::map<std::string, Member, std::less<>> members_;
  std::map<std::string, uint64_t, std::less<>> symbols_;
};

// The vmlinux's link-time start of the kernel mapping (__START_KERNEL_map).
inline constexpr uint64_t kStartKernelMap = 0xffffffff80000000ULL;

}  // namespace seam::engine

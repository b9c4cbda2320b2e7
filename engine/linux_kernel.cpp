#include "engine/linux_kernel.h"

#include <algorithm>
#include <cstring>
#include <set>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// KASLR moves the kernel image within [__START_KERNEL_map, +1 GiB) in steps
// of CONFIG_PHYSICAL_ALIGN (2 MiB on x86-64 distribution kernels).
constexpr uint64_t kKaslrAlign = 2ULL << 20;
constexpr uint64_t kKaslrRange = 1ULL << 30;
constexpr uint64_t kCr4La57 = 1ULL << 12;

// The compilation units known to define each structure the model reads, by
// a function that uses it: DwarfTypes reads that one unit instead of indexing
// all 2000+ units of a vmlinux (see symbolizer/dwarf_types.h).
Result<StructLayout> find_kernel_struct(DwarfTypes& types, std::string_view name) {
  if (name == "task_struct" || name == "signal_struct" || name == "thread_struct" ||
      name == "list_head" || name == "mm_struct") {
    return types.find_struct(name, {"copy_process", "__put_task_struct", "sched_fork"});
  }
  if (name == "module" || name == "module_layout") {
    return types.find_struct(name, {"do_init_module", "free_module", "load_module"});
  }
  if (name == "module_sect_attrs" || name == "module_sect_attr" || name == "bin_attribute" ||
      name == "attribute") {
    return types.find_struct(name, {"mod_sysfs_setup", "module_remove_modinfo_attrs"});
  }
  if (name.starts_with("prb_") || name.starts_with("printk_") || name == "dev_printk_info") {
    return types.find_struct(name, {"prb_read_valid", "prb_reserve", "prb_commit"});
  }
  if (name == "uts_namespace" || name == "new_utsname") {
    return types.find_struct(name, {"copy_utsname", "unshare_nsproxy_namespaces"});
  }
  if (name == "cea_exception_stacks" || name == "cpu_entry_area" || name == "entry_stack_page") {
    return types.find_struct(name, {"get_stack_info_noinstr", "setup_cpu_entry_areas"});
  }
  if (name == "inactive_task_frame" || name == "fork_frame" || name == "pt_regs") {
    return types.find_struct(name, {"copy_thread", "__show_regs"});
  }
  return types.find_struct(name);
}

// "Linux version 6.1.0-56-cloud-amd64 (debian-kernel@...) ..." -> "6.1.0-56-cloud-amd64"
std::string release_of_banner(std::string_view banner) {
  constexpr std::string_view kPrefix = "Linux version ";
  if (!banner.starts_with(kPrefix)) return {};
  banner.remove_prefix(kPrefix.size());
  return std::string(banner.substr(0, banner.find(' ')));
}

}  // namespace

Result<std::unique_ptr<LinuxKernel>> LinuxKernel::open(Target& target, Binary& vmlinux,
                                                       const KernelOpenOptions& options) {
  std::unique_ptr<LinuxKernel> kernel(new LinuxKernel(target, vmlinux));
  if (!vmlinux.types()) {
    return Error(vmlinux.path() +
                 " has no DWARF debug info: Seam needs the vmlinux with debug info "
                 "(Debian: /usr/lib/debug/boot/vmlinux-RELEASE from linux-image-RELEASE-dbg)");
  }
  if (auto text = target.vmcoreinfo()) kernel->vmcoreinfo_ = Vmcoreinfo::parse(*text);
  if (auto page = kernel->vmcoreinfo_.get("PAGESIZE"))
    kernel->page_size_ = std::stoull(std::string(*page));
  if (auto ok = kernel->locate(options); !ok) return ok.error();
  kernel->check_vmlinux_matches();
  return kernel;
}

Result<void> LinuxKernel::locate(const KernelOpenOptions& options) {
  if (!options.ignore_vmcoreinfo && vmcoreinfo_.symbol("init_top_pgt") &&
      vmcoreinfo_.number("phys_base")) {
    return locate_from_vmcoreinfo();
  }
  return locate_by_search();
}

// x86-64 VMCOREINFO names the kernel's top page table, phys_base (where the
// image is in physical memory) and the KASLR offset: everything needed.
Result<void> LinuxKernel::locate_from_vmcoreinfo() {
  uint64_t top = *vmcoreinfo_.symbol("init_top_pgt");
  auto phys_base = static_cast<uint64_t>(*vmcoreinfo_.number("phys_base"));
  int levels = vmcoreinfo_.number("pgtable_l5_enabled").value_or(0) == 1 ? 5 : 4;
  memory_.set_paging(X86_64Paging(top - kStartKernelMap + phys_base, levels));
  kaslr_offset_ = vmcoreinfo_.kernel_offset().value_or(0);
  kaslr_source_ = "VMCOREINFO";
  return {};
}

// No VMCOREINFO (or told to ignore it): find the kernel the way a person
// would. The image's linux_banner string is unique; at link time it sits at a
// known distance from _text. Any CPU's CR3 maps the kernel half; failing that,
// the banner is searched in physical memory and the kernel's own top page
// table lies at the same distance from it as in the vmlinux. Then each
// KASLR slot is tried until the banner reads back through the page tables.
Result<void> LinuxKernel::locate_by_search() {
  Result<uint64_t> banner_link = vmlinux_.symbol_address("linux_banner");
  Result<uint64_t> text_link = vmlinux_.symbol_address("_text");
  Result<uint64_t> top_link = vmlinux_.symbol_address("init_top_pgt");
  if (!banner_link || !text_link || !top_link) {
    return Error("cannot locate the kernel without VMCOREINFO: " + vmlinux_.path() +
                 " lacks linux_banner, _text or init_top_pgt");
  }
  Result<std::string> banner = vmlinux_.read_string_at(*banner_link, 256);
  if (!banner || banner->empty()) {
    return Error("cannot read linux_banner from " + vmlinux_.path());
  }

  if (target_.reads_virtual() && locate_from_kernel_rip(*banner_link, *banner)) return {};

  struct Candidate {
    uint64_t root;
    std::vector<int> levels;
  };
  std::vector<Candidate> candidates;
  for (int cpu = 0; cpu < target_.cpu_count(); ++cpu) {
    Result<Registers> regs = target_.registers(cpu);
    if (!regs) continue;
    if (auto cr3 = regs->get(Reg::kCr3)) {
      std::vector<int> levels = {5, 4};
      if (auto cr4 = regs->get(Reg::kCr4)) levels = {(*cr4 & kCr4La57) ? 5 : 4};
      candidates.push_back({*cr3 & ~0xfffULL, levels});
    }
  }

  auto banner_at = [&](uint64_t physical) {
    std::string bytes(banner->size(), '\0');
    if (!target_.read_physical(physical, std::as_writable_bytes(std::span(bytes)))) return false;
    return bytes == *banner;
  };
  auto try_candidate = [&](const Candidate& candidate) {
    for (int levels : candidate.levels) {
      X86_64Paging paging(candidate.root, levels);
      for (uint64_t offset = 0; offset < kKaslrRange; offset += kKaslrAlign) {
        Result<Translation> t = paging.translate(target_, *banner_link + offset);
        if (t && banner_at(t->physical)) {
          memory_.set_paging(paging);
          kaslr_offset_ = offset;
          return true;
        }
      }
    }
    return false;
  };

  for (const Candidate& candidate : candidates) {
    if (try_candidate(candidate)) {
      kaslr_source_ = "found by Seam (linux_banner through CR3's page tables)";
      return {};
    }
  }
  // The physical search: the image is 2 MiB aligned; give up after 64 GiB.
  uint64_t banner_in_image = *banner_link - *text_link;
  for (uint64_t start = 0; start < (64ULL << 30); start += kKaslrAlign) {
    if (!banner_at(start + banner_in_image)) continue;
    if (try_candidate({start + (*top_link - *text_link), {5, 4}})) {
      kaslr_source_ = "found by Seam (linux_banner in physical memory)";
      return {};
    }
  }
  return Error("cannot find the kernel of " + vmlinux_.path() +
               " in the dump: its linux_banner is nowhere in memory (is it the right vmlinux?)");
}

// A target that reads virtual memory itself (QEMU's gdbstub, through the
// vCPU's MMU) needs no page-table walk to test a KASLR slot: one read of
// linux_banner at its link address + the offset does it. And a vCPU stopped in
// the kernel (CPL 0) names the slot nearly outright: its rip lies in the
// image's text, so the offset is one of the few 2 MiB steps that put
// rip - offset inside [_stext, _etext). The code at rip, read once, is
// compared with the vmlinux's at each candidate to try the likeliest slot
// first: not for equality, as the kernel relocates per-CPU references in its
// text by the offset and patches alternatives, but by the bytes that differ.
// Every candidate is still tried. On a live bt this replaces some 45 physical
// reads with 2 or 3.
bool LinuxKernel::locate_from_kernel_rip(uint64_t banner_link, const std::string& banner) {
  Result<uint64_t> stext = vmlinux_.symbol_address("_stext");
  Result<uint64_t> etext = vmlinux_.symbol_address("_etext");
  if (!stext || !etext || *etext <= *stext) return false;
  auto banner_at = [&](uint64_t offset) {
    std::string bytes(banner.size(), '\0');
    return target_.read_virtual(banner_link + offset, std::as_writable_bytes(std::span(bytes))) &&
           bytes == banner;
  };
  for (int cpu = 0; cpu < target_.cpu_count(); ++cpu) {
    Result<Registers> regs = target_.registers(cpu);
    if (!regs) continue;
    std::optional<uint64_t> rip = regs->get(Reg::kRip);
    std::optional<uint64_t> cs = regs->get(Reg::kCs);
    std::optional<uint64_t> cr3 = regs->get(Reg::kCr3);
    std::optional<uint64_t> cr4 = regs->get(Reg::kCr4);
    if (!rip || !cs || (*cs & 3) != 0 || !cr3 || !cr4 || *rip < *stext) continue;
    // offset in (rip - _etext, rip - _stext], a multiple of the alignment.
    uint64_t highest = std::min(*rip - *stext, kKaslrRange - 1) & ~(kKaslrAlign - 1);
    std::vector<uint8_t> code(32);
    if (!target_.read_virtual(*rip, std::as_writable_bytes(std::span(code)))) code.clear();
    std::vector<std::pair<size_t, uint64_t>> scored;  // (bytes that differ, offset)
    for (uint64_t offset = highest;; offset -= kKaslrAlign) {
      if (*rip - offset >= *etext) break;
      size_t differ = code.size();
      if (Result<std::vector<uint8_t>> linked = vmlinux_.read_at(*rip - offset, code.size());
          linked && linked->size() == code.size()) {
        differ = 0;
        for (size_t i = 0; i < code.size(); ++i) differ += (*linked)[i] != code[i];
      }
      scored.emplace_back(differ, offset);
      if (offset == 0) break;
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto [differ, offset] : scored) {
      if (!banner_at(offset)) continue;
      memory_.set_paging(X86_64Paging(*cr3 & ~0xfffULL, (*cr4 & kCr4La57) ? 5 : 4));
      kaslr_offset_ = offset;
      kaslr_source_ = sformat("found by Seam (linux_banner, from CPU %d's rip)", cpu);
      return true;
    }
  }
  return false;
}

void LinuxKernel::check_vmlinux_matches() {
  std::string vmlinux_banner;
  if (auto link = vmlinux_.symbol_address("linux_banner")) {
    if (auto text = vmlinux_.read_string_at(*link, 512)) vmlinux_banner = *text;
  }
  std::string vmlinux_release = release_of_banner(vmlinux_banner);
  std::optional<std::string> vmlinux_build_id = vmlinux_.build_id();

  std::string dump_release = vmcoreinfo_.release();
  std::string dump_build_id(vmcoreinfo_.get("BUILD-ID").value_or(""));
  std::string dump_banner;
  if (auto runtime = symbol_address("linux_banner")) {
    if (auto text = memory_.read_string(*runtime, 512)) dump_banner = *text;
  }
  if (dump_release.empty()) dump_release = release_of_banner(dump_banner);

  // The strongest evidence both sides have decides: build-id, then release,
  // then the whole banner. A banner that cannot be read (a truncated dump)
  // proves nothing.
  bool mismatch = false;
  if (!dump_build_id.empty() && vmlinux_build_id) {
    mismatch = dump_build_id != *vmlinux_build_id;
  } else if (!dump_release.empty() && !vmlinux_release.empty() && dump_release != vmlinux_release) {
    mismatch = true;
  } else if (!dump_banner.empty() && !vmlinux_banner.empty()) {
    mismatch = dump_banner != vmlinux_banner;
  }
  if (!mismatch) return;
  auto describe = [](const std::string& release, const std::string& build_id) {
    std::string text = release.empty() ? "an unknown release" : release;
    if (!build_id.empty()) text += " (build-id " + build_id + ")";
    return text;
  };
  warnings_.push_back(
      "VMLINUX " + vmlinux_.path() + " does not belong to the dump: the dump's kernel is " +
      describe(dump_release, dump_build_id) + ", the vmlinux is " +
      describe(vmlinux_release, vmlinux_build_id.value_or("")) +
      ". Symbols, types and stacks will be wrong; pass the crashed kernel's vmlinux with -s "
      "(Debian: /usr/lib/debug/boot/vmlinux-RELEASE from linux-image-RELEASE-dbg)");
}

uint64_t LinuxKernel::to_runtime(uint64_t link_address) const {
  // Per-CPU symbols (offsets from 0) and absolute symbols are not relocated.
  return link_address >= kStartKernelMap ? link_address + kaslr_offset_ : link_address;
}

uint64_t LinuxKernel::to_link(uint64_t runtime_address) const {
  return runtime_address >= kStartKernelMap + kaslr_offset_ ? runtime_address - kaslr_offset_
                                                            : runtime_address;
}

Result<uint64_t> LinuxKernel::symbol_address(std::string_view name) {
  if (auto it = symbols_.find(name); it != symbols_.end()) return it->second;
  Result<uint64_t> link = vmlinux_.symbol_address(name);
  if (!link) return link.error();
  uint64_t runtime = to_runtime(*link);
  symbols_.emplace(std::string(name), runtime);
  return runtime;
}

Result<Member> LinuxKernel::member(std::string_view type, std::string_view path) {
  std::string key = std::string(type) + "." + std::string(path);
  if (auto it = members_.find(key); it != members_.end()) return it->second;
  Result<StructLayout> layout = find_kernel_struct(*vmlinux_.types(), type);
  if (!layout) return layout.error().context("reading the kernel's " + std::string(type));
  Result<Member> found = layout->member(path);
  if (!found) return found.error().context("struct " + std::string(type));
  members_.emplace(key, *found);
  return found;
}

Result<uint64_t> LinuxKernel::type_size(std::string_view type) {
  Result<StructLayout> layout = find_kernel_struct(*vmlinux_.types(), type);
  if (!layout) return layout.error();
  return layout->size();
}

Result<uint64_t> LinuxKernel::read_member(uint64_t object, std::string_view type,
                                          std::string_view path) {
  Result<Member> m = member(type, path);
  if (!m) return m.error();
  if (m->bit_size == 0) return memory_.read_unsigned(object + m->offset, m->size);
  // A bit field: read the bytes that hold it and extract (little-endian).
  size_t bytes = (m->bit_offset + m->bit_size + 7) / 8;
  uint64_t raw = 0;
  if (auto ok =
          memory_.read(object + m->offset, std::as_writable_bytes(std::span(&raw, 1)).first(bytes));
      !ok) {
    return ok.error();
  }
  return (raw >> m->bit_offset) & ((1ULL << m->bit_size) - 1);
}

Result<std::string> LinuxKernel::read_member_string(uint64_t object, std::string_view type,
                                                    std::string_view path) {
  Result<Member> m = member(type, path);
  if (!m) return m.error();
  return memory_.read_string(object + m->offset, m->size ? m->size : 256);
}

Result<std::vector<int>> LinuxKernel::cpus() {
  // Present, not online: panic() takes the other CPUs offline as it stops
  // them, so in a dump only the crashing CPU is still online.
  Result<uint64_t> mask = symbol_address("__cpu_present_mask");
  Result<uint64_t> ids = symbol_address("nr_cpu_ids");
  if (!mask || !ids) return Error("the vmlinux has no __cpu_present_mask or nr_cpu_ids");
  Result<uint32_t> count = memory_.read_u32(*ids);
  if (!count) return count.error().context("reading nr_cpu_ids");
  std::vector<int> cpus;
  for (uint32_t word = 0; word * 64 < std::min<uint32_t>(*count, 8192); ++word) {
    Result<uint64_t> bits = memory_.read_u64(*mask + word * 8);
    if (!bits) return bits.error().context("reading __cpu_present_mask");
    for (int bit = 0; bit < 64 && word * 64 + bit < *count; ++bit) {
      if (*bits & (1ULL << bit)) cpus.push_back(static_cast<int>(word * 64 + bit));
    }
  }
  return cpus;
}

Result<uint64_t> LinuxKernel::per_cpu_address(std::string_view symbol, int cpu) {
  Result<uint64_t> offsets = symbol_address("__per_cpu_offset");
  if (!offsets) return offsets.error();
  Result<uint64_t> offset = memory_.read_u64(*offsets + 8ULL * cpu);
  if (!offset) return offset.error().context(sformat("reading __per_cpu_offset[%d]", cpu));
  Result<uint64_t> variable = symbol_address(symbol);
  if (!variable) return variable.error();
  return *variable + *offset;
}

Result<uint64_t> LinuxKernel::current_task(int cpu) {
  // 6.1 keeps it in the per-CPU `current_task`; 6.2+ moved it to pcpu_hot.
  Result<uint64_t> slot = per_cpu_address("current_task", cpu);
  if (!slot) {
    slot = per_cpu_address("pcpu_hot", cpu);
    if (!slot) return slot.error().context(sformat("finding CPU %d's current task", cpu));
  }
  return memory_.read_u64(*slot);
}

Result<uint64_t> LinuxKernel::idle_task(int cpu) {
  if (Result<uint64_t> slot = per_cpu_address("idle_threads", cpu)) {
    if (Result<uint64_t> task = memory_.read_u64(*slot); task && *task) return *task;
  }
  if (cpu == 0) return symbol_address("init_task");
  return Error(sformat("CPU %d has no idle task", cpu));
}

std::optional<int> LinuxKernel::crashed_cpu() {
  // panic() records the CPU in panic_cpu (atomic_t, -1 when no panic).
  if (Result<uint64_t> address = symbol_address("panic_cpu")) {
    if (Result<int32_t> cpu = memory_.read_i32(*address); cpu && *cpu >= 0 && *cpu < 8192) {
      return *cpu;
    }
  }
  if (auto cpu = target_.dump_crashed_cpu()) return cpu;
  if (target_.cpu_count() == 1) return 0;
  return std::nullopt;
}

}  // namespace seam::engine

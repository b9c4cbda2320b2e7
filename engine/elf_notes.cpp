#include "engine/elf_notes.h"

#include <array>
#include <cstring>

namespace seam::engine {
namespace {

constexpr uint32_t kNtPrstatus = 1;  // NT_PRSTATUS, owner "CORE"
constexpr uint32_t kNtQemu = 0;      // QEMU's CPU state, owner "QEMU"

// x86-64 struct elf_prstatus: pr_info (12) + pr_cursig (2, padded to 4),
// pr_sigpend, pr_sighold (8 each), pr_pid/ppid/pgrp/sid (4 each), four struct
// timevals (16 each) = 112 bytes, then pr_reg (struct user_regs_struct, 27
// 8-byte words), then pr_fpvalid.
constexpr size_t kPrRegOffset = 112;
constexpr std::array<Reg, 27> kPrRegOrder = {
    Reg::kR15,    Reg::kR14,     Reg::kR13, Reg::kR12, Reg::kRbp,    Reg::kRbx, Reg::kR11,
    Reg::kR10,    Reg::kR9,      Reg::kR8,  Reg::kRax, Reg::kRcx,    Reg::kRdx, Reg::kRsi,
    Reg::kRdi,    Reg::kOrigRax, Reg::kRip, Reg::kCs,  Reg::kRflags, Reg::kRsp, Reg::kSs,
    Reg::kFsBase, Reg::kGsBase,  Reg::kDs,  Reg::kEs,  Reg::kFs,     Reg::kGs,
};

// QEMU's QEMUCPUState (target/i386/arch_dump.c): version and size (4 each),
// rax rbx rcx rdx rsi rdi rsp rbp r8..r15 rip rflags (8 each) from offset 8,
// ten QEMUCPUSegments {selector, limit, flags, pad (4 each), base (8)} for
// cs ds es fs gs ss ldt tr gdt idt from offset 152, cr[5] at 392, and since
// QEMU 5.0 kernel_gs_base at 432, which `size` tells apart.
constexpr size_t kQemuGprOffset = 8;
constexpr std::array<Reg, 18> kQemuGprOrder = {
    Reg::kRax, Reg::kRbx, Reg::kRcx, Reg::kRdx, Reg::kRsi, Reg::kRdi,
    Reg::kRsp, Reg::kRbp, Reg::kR8,  Reg::kR9,  Reg::kR10, Reg::kR11,
    Reg::kR12, Reg::kR13, Reg::kR14, Reg::kR15, Reg::kRip, Reg::kRflags,
};
constexpr size_t kQemuSegmentOffset = 152;
constexpr size_t kQemuSegmentSize = 24;
constexpr std::array<Reg, 6> kQemuSegmentOrder = {Reg::kCs, Reg::kDs, Reg::kEs,
                                                  Reg::kFs, Reg::kGs, Reg::kSs};
constexpr size_t kQemuCrOffset = 392;
constexpr size_t kQemuKernelGsBaseOffset = 432;
constexpr size_t kQemuMinSize = kQemuKernelGsBaseOffset;  // through cr[4]

// Little-endian loads (the dump is x86-64, so is the host Seam runs on).
uint32_t load32(std::span<const std::byte> bytes, size_t offset) {
  uint32_t v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}
uint64_t load64(std::span<const std::byte> bytes, size_t offset) {
  uint64_t v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

size_t align4(size_t n) {
  return (n + 3) & ~size_t{3};
}

}  // namespace

Result<std::vector<ElfNote>> parse_elf_notes(std::span<const std::byte> data) {
  std::vector<ElfNote> notes;
  size_t pos = 0;
  while (data.size() - pos >= 12) {
    const size_t start = pos;
    const uint32_t namesz = load32(data, pos);
    const uint32_t descsz = load32(data, pos + 4);
    const uint32_t type = load32(data, pos + 8);
    pos += 12;
    // Sizes are 32-bit and `pos` is within `data`, so these sums cannot wrap.
    if (align4(namesz) > data.size() - pos) {
      return Error("note at byte " + std::to_string(start) + ": name of " + std::to_string(namesz) +
                   " bytes runs past the end of the " + std::to_string(data.size()) +
                   "-byte note area");
    }
    std::string_view name(reinterpret_cast<const char*>(data.data() + pos), namesz);
    while (!name.empty() && name.back() == '\0') name.remove_suffix(1);
    pos += align4(namesz);
    // The last note's desc need not be padded to 4 bytes.
    if (descsz > data.size() - pos) {
      return Error("note \"" + std::string(name) + "\" at byte " + std::to_string(start) +
                   ": desc of " + std::to_string(descsz) + " bytes runs past the end of the " +
                   std::to_string(data.size()) + "-byte note area");
    }
    std::span<const std::byte> desc = data.subspan(pos, descsz);
    pos += std::min(align4(descsz), data.size() - pos);
    // An all-zero header is padding (kdump note areas are rounded up).
    if (namesz == 0 && descsz == 0 && type == 0) continue;
    notes.push_back(ElfNote{name, type, desc});
  }
  return notes;
}

bool decode_prstatus(std::span<const std::byte> desc, Registers& regs) {
  if (desc.size() < kPrRegOffset + kPrRegOrder.size() * 8) return false;
  for (size_t i = 0; i < kPrRegOrder.size(); ++i) {
    regs.set(kPrRegOrder[i], load64(desc, kPrRegOffset + i * 8));
  }
  return true;
}

bool decode_qemu_cpu_state(std::span<const std::byte> desc, Registers& regs) {
  if (desc.size() < kQemuMinSize) return false;
  // `size` is the structure's size as the writing QEMU knew it; fields past
  // it (kernel_gs_base in older QEMUs) are absent even if desc is longer.
  const size_t size = std::min<size_t>(load32(desc, 4), desc.size());
  if (size < kQemuMinSize) return false;
  for (size_t i = 0; i < kQemuGprOrder.size(); ++i) {
    regs.set(kQemuGprOrder[i], load64(desc, kQemuGprOffset + i * 8));
  }
  for (size_t i = 0; i < kQemuSegmentOrder.size(); ++i) {
    const size_t segment = kQemuSegmentOffset + i * kQemuSegmentSize;
    regs.set(kQemuSegmentOrder[i], load32(desc, segment));  // selector
    if (kQemuSegmentOrder[i] == Reg::kFs) regs.set(Reg::kFsBase, load64(desc, segment + 16));
    if (kQemuSegmentOrder[i] == Reg::kGs) regs.set(Reg::kGsBase, load64(desc, segment + 16));
  }
  regs.set(Reg::kCr0, load64(desc, kQemuCrOffset));
  regs.set(Reg::kCr2, load64(desc, kQemuCrOffset + 16));
  regs.set(Reg::kCr3, load64(desc, kQemuCrOffset + 24));
  regs.set(Reg::kCr4, load64(desc, kQemuCrOffset + 32));
  if (size >= kQemuKernelGsBaseOffset + 8) {
    regs.set(Reg::kKernelGsBase, load64(desc, kQemuKernelGsBaseOffset));
  }
  return true;
}

Result<DumpNotes> decode_dump_notes(std::span<const std::byte> data) {
  Result<std::vector<ElfNote>> notes = parse_elf_notes(data);
  if (!notes) return notes.error();
  DumpNotes out;
  std::vector<Registers> prstatus;
  std::vector<Registers> qemu;
  for (const ElfNote& note : *notes) {
    if (note.name == "CORE" && note.type == kNtPrstatus) {
      Registers& regs = prstatus.emplace_back();
      if (!decode_prstatus(note.desc, regs)) {
        out.warnings.push_back("NT_PRSTATUS note " + std::to_string(prstatus.size() - 1) + " has " +
                               std::to_string(note.desc.size()) +
                               " bytes, too short for x86-64; its CPU has no registers");
      }
    } else if (note.name == "QEMU" && note.type == kNtQemu) {
      Registers& regs = qemu.emplace_back();
      if (!decode_qemu_cpu_state(note.desc, regs)) {
        out.warnings.push_back("QEMU CPU state note " + std::to_string(qemu.size() - 1) + " has " +
                               std::to_string(note.desc.size()) +
                               " bytes, too short for x86-64; ignored");
      }
    } else if (note.name == "VMCOREINFO") {
      std::string_view text(reinterpret_cast<const char*>(note.desc.data()), note.desc.size());
      while (!text.empty() && text.back() == '\0') text.remove_suffix(1);
      out.vmcoreinfo = std::string(text);
    }
  }
  if (!prstatus.empty() && !qemu.empty() && prstatus.size() != qemu.size()) {
    out.warnings.push_back(std::to_string(prstatus.size()) + " NT_PRSTATUS notes but " +
                           std::to_string(qemu.size()) +
                           " QEMU CPU state notes; matched in note order");
  }
  // QEMU writes every CPU's NT_PRSTATUS, then every CPU's QEMU note: the i-th
  // of each is the same CPU. The PRSTATUS values are kept; the QEMU note adds
  // what PRSTATUS lacks (control registers, kernel_gs_base) and its fs/gs
  // bases win: they are the CPU's active bases, whereas a Linux-written
  // PRSTATUS holds the inactive (user) GS base.
  const size_t count = std::max(prstatus.size(), qemu.size());
  out.cpus.resize(count);
  for (size_t cpu = 0; cpu < count; ++cpu) {
    Registers& regs = out.cpus[cpu];
    if (cpu < prstatus.size()) regs = prstatus[cpu];
    if (cpu >= qemu.size()) continue;
    for (size_t i = 0; i < kRegCount; ++i) {
      const Reg reg = static_cast<Reg>(i);
      std::optional<uint64_t> value = qemu[cpu].get(reg);
      if (!value) continue;
      if (!regs.get(reg) || reg == Reg::kFsBase || reg == Reg::kGsBase) regs.set(reg, *value);
    }
  }
  return out;
}

}  // namespace seam::engine

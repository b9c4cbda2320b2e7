// Registers: one x86-64 CPU's register state, as a dump or a gdbstub gives it.
//
//   Registers regs = *target.registers(cpu);
//   if (auto rip = regs.get(Reg::kRip)) print(*rip);
//
// Every register may be unknown (a dump note that lacks it, an unwound frame
// whose caller-saved registers are lost), so each value carries a valid bit.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace seam::engine {

// The order is the DWARF register numbering of the x86-64 psABI for the first
// 17 (rax..r15, rip), so the unwinder can index by DWARF number directly.
enum class Reg : uint8_t {
  kRax,
  kRdx,
  kRcx,
  kRbx,
  kRsi,
  kRdi,
  kRbp,
  kRsp,
  kR8,
  kR9,
  kR10,
  kR11,
  kR12,
  kR13,
  kR14,
  kR15,
  kRip,
  kRflags,
  kCs,
  kSs,
  kDs,
  kEs,
  kFs,
  kGs,
  kFsBase,
  kGsBase,
  kKernelGsBase,
  kCr0,
  kCr2,
  kCr3,
  kCr4,
  kOrigRax,
  kCount
};

constexpr size_t kRegCount = static_cast<size_t>(Reg::kCount);

// "rax", "rip", "gs_base", ...
std::string_view reg_name(Reg reg);
std::optional<Reg> reg_from_name(std::string_view name);

class Registers {
 public:
  std::optional<uint64_t> get(Reg reg) const {
    size_t i = static_cast<size_t>(reg);
    if (!valid_[i]) return std::nullopt;
    return values_[i];
  }
  void set(Reg reg, uint64_t value) {
    size_t i = static_cast<size_t>(reg);
    values_[i] = value;
    valid_[i] = true;
  }
  void clear(Reg reg) { valid_[static_cast<size_t>(reg)] = false; }
  bool empty() const {
    for (bool v : valid_)
      if (v) return false;
    return true;
  }

 private:
  std::array<uint64_t, kRegCount> values_{};
  std::array<bool, kRegCount> valid_{};
};

}  // namespace seam::engine

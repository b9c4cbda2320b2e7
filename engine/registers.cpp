#include "engine/registers.h"

namespace seam::engine {
namespace {

constexpr std::string_view kNames[kRegCount] = {
    "rax", "rdx", "rcx", "rbx", "rsi",      "rdi", "rbp",     "rsp",     "r8",
    "r9",  "r10", "r11", "r12", "r13",      "r14", "r15",     "rip",     "rflags",
    "cs",  "ss",  "ds",  "es",  "fs",       "gs",  "fs_base", "gs_base", "kernel_gs_base",
    "cr0", "cr2", "cr3", "cr4", "orig_rax",
};

}  // namespace

std::string_view reg_name(Reg reg) {
  return kNames[static_cast<size_t>(reg)];
}

std::optional<Reg> reg_from_name(std::string_view name) {
  for (size_t i = 0; i < kRegCount; ++i) {
    if (kNames[i] == name) return static_cast<Reg>(i);
  }
  return std::nullopt;
}

}  // namespace seam::engine

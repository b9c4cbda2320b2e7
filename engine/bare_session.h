// BareSession: a Session over a kernel that is not Linux — an ELF without
// linux_banner/init_task, such as samples/baremetal's seam-baremetal.elf —
// in a dump or a live QEMU. No kernel model: addresses are as linked (no
// KASLR), virtual memory is read through the gdbstub live and through the
// CPU's CR3 page tables in a dump, backtraces are the CPUs' stacks unwound
// by the ELF's CFI (engine/bare_stack_trace.h), live control works as on
// Linux. `ps`, `log` and `mod` fail, saying there is no Linux kernel.
//
//   Result<std::unique_ptr<Session>> s = open_bare_session(options, std::move(target),
//                                                          std::move(elf));
//   Result<Backtrace> bt = (*s)->backtrace({.cpu = 0});
//
// Internal to engine/: Session::open chooses it.
#pragma once

#include <memory>

#include "engine/session.h"
#include "engine/session_target.h"
#include "symbolizer/binary.h"

namespace seam::engine {

Result<std::unique_ptr<Session>> open_bare_session(const SessionOptions& options,
                                                   std::unique_ptr<SessionTarget> opened,
                                                   std::unique_ptr<Binary> elf);

}  // namespace seam::engine

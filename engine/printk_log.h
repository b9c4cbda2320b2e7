// The kernel log from the printk lockless ring buffer (Linux 5.10+, `prb`),
// decoded as drgn's get_dmesg() and the kernel's own dmesg do.
//
//   Result<std::vector<LogRecord>> records = read_printk_log(kernel);
//   for (const LogRecord& r : *records) print(r.timestamp_ns, r.text);
//
// The ring (kernel/printk/printk_ringbuffer.h): a descriptor ring whose
// entries carry a state and the logical positions of their text in a data
// ring, and a parallel array of printk_info (sequence, timestamp, level).
// Records from tail_id to head_id that are committed or finalized are read;
// a reused or half-written descriptor is skipped, as the kernel would.
#pragma once

#include <vector>

#include "engine/linux_kernel.h"
#include "engine/session.h"

namespace seam::engine {

Result<std::vector<LogRecord>> read_printk_log(LinuxKernel& kernel);

}  // namespace seam::engine

// How a kernel log record is printed: one place for `seam log` (cli/) and
// seam-gui's Log pane (gui/), so both show the same lines.
//
//   for (const LogRecord& r : *session->log()) out << log_line(r) << '\n';
//   std::string stamp = log_timestamp(r.timestamp_ns);   // "[    1.970771]"
//   std::string_view name = log_level_name(r.level);     // "warning"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "engine/session.h"

namespace seam::engine {

// Seconds.microseconds since boot in brackets, as dmesg prints them:
// "[    0.000000]", "[12345.678901]".
std::string log_timestamp(uint64_t timestamp_ns);

// A record as `seam log` prints it, without the final newline: the timestamp,
// a space, the text. Further lines of a multi-line record (a register dump)
// follow bare, as dmesg and drgn's get_dmesg() print them.
std::string log_line(const LogRecord& record);

// "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug" for
// levels 0..7; "" for any other number.
std::string_view log_level_name(int level);

}  // namespace seam::engine

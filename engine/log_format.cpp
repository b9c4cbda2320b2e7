#include "engine/log_format.h"

#include <cinttypes>
#include <iterator>

#include "symbolizer/printf_format.h"

namespace seam::engine {

std::string log_timestamp(uint64_t timestamp_ns) {
  return sformat("[%5" PRIu64 ".%06" PRIu64 "]", timestamp_ns / 1000000000,
                 timestamp_ns % 1000000000 / 1000);
}

std::string log_line(const LogRecord& record) {
  return log_timestamp(record.timestamp_ns) + " " + record.text;
}

std::string_view log_level_name(int level) {
  // The names of the kernel's KERN_* levels, which dmesg --level takes.
  static constexpr std::string_view kNames[] = {"emerg",   "alert",  "crit", "err",
                                                "warning", "notice", "info", "debug"};
  if (level < 0 || level >= static_cast<int>(std::size(kNames))) return {};
  return kNames[level];
}

}  // namespace seam::engine

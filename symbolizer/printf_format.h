// printf-style formatting into a std::string, because GCC 12's libstdc++ (Debian
// 12's default compiler) has no <format>.
//
//   std::string message = sformat("reading %zu bytes at 0x%" PRIx64, size, address);
//   std::string text = hex(0xffffffff81000000);   // "0xffffffff81000000"
#pragma once

#include <cinttypes>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <string>

namespace seam {

[[gnu::format(printf, 1, 2)]] inline std::string sformat(const char* format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int size = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size > 0) std::vsnprintf(text.data(), text.size() + 1, format, args);
  va_end(args);
  return text;
}

inline std::string hex(uint64_t value) {
  return sformat("0x%" PRIx64, value);
}

}  // namespace seam

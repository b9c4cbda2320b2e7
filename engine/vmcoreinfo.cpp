#include "engine/vmcoreinfo.h"

#include <charconv>

namespace seam::engine {
namespace {

template <typename T>
std::optional<T> parse_integer(std::string_view text, int base) {
  T value{};
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, base);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

Vmcoreinfo Vmcoreinfo::parse(std::string_view text) {
  Vmcoreinfo info;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    size_t equals = line.find('=');
    // The note is NUL-padded; stop at the first NUL.
    if (size_t nul = line.find('\0'); nul != std::string_view::npos) {
      line = line.substr(0, nul);
      text = {};
    }
    if (equals == std::string_view::npos || equals >= line.size()) continue;
    info.entries_.emplace(std::string(line.substr(0, equals)),
                          std::string(line.substr(equals + 1)));
  }
  return info;
}

std::optional<std::string_view> Vmcoreinfo::get(std::string_view key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

std::optional<uint64_t> Vmcoreinfo::symbol(std::string_view name) const {
  auto value = get("SYMBOL(" + std::string(name) + ")");
  return value ? parse_integer<uint64_t>(*value, 16) : std::nullopt;
}

std::optional<int64_t> Vmcoreinfo::number(std::string_view name) const {
  auto value = get("NUMBER(" + std::string(name) + ")");
  return value ? parse_integer<int64_t>(*value, 10) : std::nullopt;
}

std::optional<uint64_t> Vmcoreinfo::offset(std::string_view name) const {
  auto value = get("OFFSET(" + std::string(name) + ")");
  return value ? parse_integer<uint64_t>(*value, 10) : std::nullopt;
}

std::optional<uint64_t> Vmcoreinfo::size(std::string_view name) const {
  auto value = get("SIZE(" + std::string(name) + ")");
  return value ? parse_integer<uint64_t>(*value, 10) : std::nullopt;
}

std::optional<uint64_t> Vmcoreinfo::kernel_offset() const {
  auto value = get("KERNELOFFSET");
  return value ? parse_integer<uint64_t>(*value, 16) : std::nullopt;
}

std::string Vmcoreinfo::release() const {
  auto value = get("OSRELEASE");
  return value ? std::string(*value) : std::string();
}

}  // namespace seam::engine

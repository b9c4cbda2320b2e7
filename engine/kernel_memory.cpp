#include "engine/kernel_memory.h"

#include <algorithm>
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {
constexpr uint64_t kPage = 4096;
}

Result<uint64_t> KernelMemory::translate(uint64_t address) {
  uint64_t page = address & ~(kPage - 1);
  if (auto it = page_cache_.find(page); it != page_cache_.end()) {
    return it->second + (address - page);
  }
  if (!paging_) {
    return Error(sformat(
        "cannot translate 0x%" PRIx64 ": the kernel's page tables are not known yet", address));
  }
  Result<Translation> translation = paging_->translate(target_, page);
  if (!translation) return translation.error();
  page_cache_.emplace(page, translation->physical);
  return translation->physical + (address - page);
}

Result<void> KernelMemory::read(uint64_t address, std::span<std::byte> out) {
  if (target_.reads_virtual()) return target_.read_virtual(address, out);
  size_t done = 0;
  while (done < out.size()) {
    uint64_t current = address + done;
    size_t chunk = std::min<uint64_t>(out.size() - done, kPage - (current & (kPage - 1)));
    Result<uint64_t> physical = translate(current);
    if (!physical) {
      return physical.error().context(
          sformat("reading %zu bytes at 0x%" PRIx64, out.size(), address));
    }
    if (auto ok = target_.read_physical(*physical, out.subspan(done, chunk)); !ok) {
      return ok.error().context(sformat("reading %zu bytes at 0x%" PRIx64, out.size(), address));
    }
    done += chunk;
  }
  return {};
}

Result<uint64_t> KernelMemory::read_unsigned(uint64_t address, size_t size) {
  switch (size) {
    case 1: {
      auto v = read_value<uint8_t>(address);
      if (!v) return v.error();
      return uint64_t{*v};
    }
    case 2: {
      auto v = read_value<uint16_t>(address);
      if (!v) return v.error();
      return uint64_t{*v};
    }
    case 4: {
      auto v = read_value<uint32_t>(address);
      if (!v) return v.error();
      return uint64_t{*v};
    }
    case 8: return read_value<uint64_t>(address);
    default: return Error(sformat("cannot read a %zu-byte integer at 0x%" PRIx64, size, address));
  }
}

Result<std::string> KernelMemory::read_string(uint64_t address, size_t max) {
  std::string text;
  // Read page by page so that a string ending just before an unmapped page works.
  while (text.size() < max) {
    size_t chunk =
        std::min<uint64_t>(max - text.size(), kPage - ((address + text.size()) & (kPage - 1)));
    std::string buffer(chunk, '\0');
    if (auto ok = read(address + text.size(), std::as_writable_bytes(std::span(buffer))); !ok) {
      if (text.empty()) return ok.error();
      break;
    }
    size_t nul = buffer.find('\0');
    text += buffer.substr(0, nul);
    if (nul != std::string::npos) break;
  }
  return text;
}

}  // namespace seam::engine

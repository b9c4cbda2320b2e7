// KernelMemory: the kernel's virtual address space over a Target — typed,
// bounds-checked reads with errors that name the address.
//
//   KernelMemory memory(target);
//   memory.set_paging(X86_64Paging(root, 5));  // once the kernel model knows the root
//   Result<uint64_t> next = memory.read_u64(list_head);
//   Result<std::string> comm = memory.read_string(task + comm_offset, 16);
//
// Targets that read virtual memory themselves (a gdbstub) are used directly;
// dumps go through the page tables. Translations are cached per 4 KiB page:
// a `ps` walks hundreds of tasks whose fields share few pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <unordered_map>

#include "engine/target.h"
#include "engine/x86_64_paging.h"
#include "symbolizer/result.h"

namespace seam::engine {

class KernelMemory {
 public:
  explicit KernelMemory(Target& target) : target_(target) {}

  void set_paging(const X86_64Paging& paging) {
    paging_ = paging;
    page_cache_.clear();
  }
  const std::optional<X86_64Paging>& paging() const { return paging_; }
  Target& target() { return target_; }

  Result<void> read(uint64_t address, std::span<std::byte> out);
  Result<uint64_t> translate(uint64_t address);

  template <typename T>
  Result<T> read_value(uint64_t address) {
    static_assert(std::is_trivially_copyable_v<T>);
    T value;
    if (auto ok = read(address, std::as_writable_bytes(std::span(&value, 1))); !ok) {
      return ok.error();
    }
    return value;
  }
  Result<uint64_t> read_u64(uint64_t address) { return read_value<uint64_t>(address); }
  Result<uint32_t> read_u32(uint64_t address) { return read_value<uint32_t>(address); }
  Result<int32_t> read_i32(uint64_t address) { return read_value<int32_t>(address); }
  // An unsigned integer of 1, 2, 4 or 8 bytes (a DWARF member's size).
  Result<uint64_t> read_unsigned(uint64_t address, size_t size);
  // A NUL-terminated string of at most `max` bytes (not an error if unterminated).
  Result<std::string> read_string(uint64_t address, size_t max);

 private:
  Target& target_;
  std::optional<X86_64Paging> paging_;
  std::unordered_map<uint64_t, uint64_t> page_cache_;  // virtual page -> physical page
};

}  // namespace seam::engine

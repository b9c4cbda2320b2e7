// FlattenedDump: makedumpfile's *flattened* format (what `makedumpfile -F`
// and QEMU's `dump-guest-memory -z` / kdump-zlib write to a pipe), turned back
// into the kdump-compressed file it encodes, in memory, without touching disk.
//
//   if (is_flattened_dump(first_bytes)) {
//     Result<FlattenedImage> image = reassemble_flattened_dump(fd, file_size);
//     if (!image) return image.error().context(path);
//     kdump_open_fd(ctx, image->fd.get());   // an ordinary diskdump file now
//   }
//
// The format: a 4096-byte header ("makedumpfile", then big-endian int64 type
// = 1 and version = 1), then records of a big-endian int64 offset and int64
// size followed by `size` bytes that belong at `offset` of the kdump file, and
// an end marker record (offset = size = -1). Records may overlap; later ones
// win, as when makedumpfile -R replays them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>

#include "symbolizer/result.h"

namespace seam::engine {

// A file descriptor that closes itself.
class OwnedFd {
 public:
  OwnedFd() = default;
  explicit OwnedFd(int fd) : fd_(fd) {}
  OwnedFd(OwnedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  OwnedFd& operator=(OwnedFd&& other) noexcept;
  OwnedFd(const OwnedFd&) = delete;
  OwnedFd& operator=(const OwnedFd&) = delete;
  ~OwnedFd();

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

constexpr size_t kFlattenedHeaderSize = 4096;

// True if `head` (the file's first bytes) starts with the flattened signature.
bool is_flattened_dump(std::span<const std::byte> head);

struct FlattenedImage {
  OwnedFd fd;          // anonymous memfd holding the reassembled kdump file
  uint64_t size = 0;   // its size in bytes
  size_t records = 0;  // data records replayed
};

// Reads the whole flattened stream from `fd` (`file_size` bytes) with pread,
// validating every record, and writes each record's data at its offset of an
// anonymous memfd. Errors start with "truncated: " or "corrupt flattened
// dump: " and say where; the caller adds the file name.
Result<FlattenedImage> reassemble_flattened_dump(int fd, uint64_t file_size);

}  // namespace seam::engine

#include "engine/flattened_dump.h"
#include "symbolizer/printf_format.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace seam::engine {
namespace {

constexpr char kSignature[] = "makedumpfile";  // then NULs up to 16 bytes
constexpr size_t kSignatureSize = 16;
constexpr int64_t kTypeFlatHeader = 1;
constexpr int64_t kVersionFlatHeader = 1;
constexpr int64_t kEndFlag = -1;  // END_FLAG_FLAT_HEADER, as both offset and size
constexpr size_t kRecordHeaderSize = 16;
// No real dump comes near this (1 PiB); it keeps a corrupt offset from
// creating an absurd sparse file and keeps offset + size far from overflow.
constexpr uint64_t kMaxImageSize = uint64_t{1} << 50;
// Data moves through one buffer of this size: the stream is read once,
// sequentially, with large preads, whatever the record sizes.
constexpr size_t kBufferSize = size_t{1} << 20;

int64_t load_be64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return static_cast<int64_t>(v);
}

// Sequential reads of the stream through one buffer.
class StreamReader {
 public:
  StreamReader(int fd, uint64_t file_size) : fd_(fd), file_size_(file_size), buffer_(kBufferSize) {}

  // The `n` bytes at `pos` (n <= kBufferSize, pos + n <= file size).
  Result<const std::byte*> view(uint64_t pos, size_t n) {
    if (pos < start_ || pos + n > start_ + length_) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kBufferSize, file_size_ - pos));
      size_t got = 0;
      while (got < want) {
        ssize_t r = ::pread(fd_, buffer_.data() + got, want - got, static_cast<off_t>(pos + got));
        if (r < 0 && errno == EINTR) continue;
        if (r < 0)
          return Error("cannot read at byte " + std::to_string(pos + got) + ": " +
                       std::strerror(errno));
        if (r == 0) break;  // the file shrank under us
        got += static_cast<size_t>(r);
      }
      start_ = pos;
      length_ = got;
      if (got < n) {
        return Error("truncated: the file ended at byte " + std::to_string(pos + got) +
                     " while reading it");
      }
    }
    return buffer_.data() + (pos - start_);
  }

 private:
  int fd_;
  uint64_t file_size_;
  std::vector<std::byte> buffer_;
  uint64_t start_ = 0;
  size_t length_ = 0;
};

Result<void> write_all(int fd, const std::byte* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t w = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      return Error(std::string("cannot write the reassembled dump to memory: ") +
                   (w < 0 ? std::strerror(errno) : "no progress"));
    }
    data += w;
    size -= static_cast<size_t>(w);
    offset += static_cast<uint64_t>(w);
  }
  return {};
}

}  // namespace

OwnedFd& OwnedFd::operator=(OwnedFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

OwnedFd::~OwnedFd() {
  if (fd_ >= 0) ::close(fd_);
}

bool is_flattened_dump(std::span<const std::byte> head) {
  return head.size() >= kSignatureSize &&
         std::memcmp(head.data(), kSignature, sizeof kSignature - 1) == 0;
}

Result<FlattenedImage> reassemble_flattened_dump(int fd, uint64_t file_size) {
  if (file_size < kFlattenedHeaderSize) {
    return Error("truncated: the flattened header needs " + std::to_string(kFlattenedHeaderSize) +
                 " bytes, the file has " + std::to_string(file_size));
  }
  StreamReader reader(fd, file_size);
  Result<const std::byte*> header = reader.view(0, kSignatureSize + 16);
  if (!header) return header.error();
  const int64_t type = load_be64(*header + kSignatureSize);
  const int64_t version = load_be64(*header + kSignatureSize + 8);
  if (type != kTypeFlatHeader || version != kVersionFlatHeader) {
    return Error("corrupt flattened dump: header type " + std::to_string(type) + ", version " +
                 std::to_string(version) + " (only type 1 version 1 exists)");
  }

  // libkdumpfile 0.5.1 has no reader for the flattened format ("Unknown file
  // format"), and the records can only be found by walking the stream from
  // its start. Rather than write a converted copy to disk (what `makedumpfile
  // -R` does, and a step the user would have to know about), the kdump file
  // is rebuilt in an anonymous memfd, which libkdumpfile then opens as the
  // ordinary diskdump file it is. The memfd's pages are not mapped into Seam,
  // and the stream goes through one 1 MiB buffer.
  OwnedFd image(::memfd_create("seam-flattened-vmcore", MFD_CLOEXEC));
  if (!image) {
    return Error(std::string("cannot create a memfd for the reassembled dump: ") +
                 std::strerror(errno));
  }

  uint64_t pos = kFlattenedHeaderSize;
  uint64_t image_size = 0;
  size_t records = 0;
  for (;;) {
    if (file_size - pos < kRecordHeaderSize) {
      return Error("truncated: the flattened stream stops at byte " + std::to_string(file_size) +
                   " after " + std::to_string(records) +
                   " records, without its end marker; the file was cut short (copy it again)");
    }
    Result<const std::byte*> head = reader.view(pos, kRecordHeaderSize);
    if (!head) return head.error();
    const int64_t offset = load_be64(*head);
    const int64_t size = load_be64(*head + 8);
    if (offset == kEndFlag && size == kEndFlag) break;
    const std::string where = "record " + std::to_string(records) + " at byte " +
                              std::to_string(pos) + " (offset " + hex(offset) + ", size " +
                              std::to_string(size) + ")";
    if (offset < 0 || size < 0 || static_cast<uint64_t>(offset) > kMaxImageSize ||
        static_cast<uint64_t>(size) > kMaxImageSize - static_cast<uint64_t>(offset)) {
      return Error("corrupt flattened dump: " + where + " is out of range");
    }
    pos += kRecordHeaderSize;
    if (static_cast<uint64_t>(size) > file_size - pos) {
      return Error("truncated: flattened " + where + " needs " + std::to_string(size) +
                   " bytes of data, only " + std::to_string(file_size - pos) +
                   " remain; the file was cut short (copy it again)");
    }
    uint64_t left = static_cast<uint64_t>(size);
    uint64_t to = static_cast<uint64_t>(offset);
    while (left > 0) {
      const size_t chunk = static_cast<size_t>(std::min<uint64_t>(left, kBufferSize));
      Result<const std::byte*> data = reader.view(pos, chunk);
      if (!data) return data.error();
      if (Result<void> ok = write_all(image.get(), *data, chunk, to); !ok) return ok.error();
      pos += chunk;
      to += chunk;
      left -= chunk;
    }
    image_size = std::max(image_size, to);
    ++records;
  }
  return FlattenedImage{std::move(image), image_size, records};
}

}  // namespace seam::engine

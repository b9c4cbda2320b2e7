#include "symbolizer/debug_file_finder.h"

#include <dlfcn.h>
#include <elfutils/debuginfod.h>
#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>

namespace seam {
namespace {

namespace fs = std::filesystem;

std::string hex(const std::vector<uint8_t>& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// The CRC-32 that .gnu_debuglink records is zlib's crc32 of the whole file.
std::optional<uint32_t> file_crc32(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  uLong crc = crc32(0, nullptr, 0);
  std::vector<unsigned char> buffer(1 << 16);
  ssize_t n;
  while ((n = ::read(fd, buffer.data(), buffer.size())) > 0) {
    crc = crc32(crc, buffer.data(), static_cast<uInt>(n));
  }
  ::close(fd);
  if (n < 0) return std::nullopt;
  return static_cast<uint32_t>(crc);
}

bool is_file(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

}  // namespace

std::optional<std::string> DebugFileFinder::find(const ElfFile& elf,
                                                 std::vector<std::string>* tried) const {
  std::vector<uint8_t> build_id = elf.build_id();
  if (!build_id.empty()) {
    if (auto path = by_build_id(build_id, tried)) return path;
  }
  if (auto path = by_debuglink(elf, tried)) return path;
  if (!build_id.empty()) return by_debuginfod(build_id, tried);
  return std::nullopt;
}

std::optional<std::string> DebugFileFinder::by_build_id(const std::vector<uint8_t>& build_id,
                                                        std::vector<std::string>* tried) const {
  if (build_id.size() < 2) return std::nullopt;
  std::string id = hex(build_id);
  for (const std::string& dir : debug_dirs_) {
    std::string path = dir + "/.build-id/" + id.substr(0, 2) + "/" + id.substr(2) + ".debug";
    if (tried) tried->push_back(path);
    if (is_file(path)) return path;
  }
  return std::nullopt;
}

std::optional<std::string> DebugFileFinder::by_debuglink(const ElfFile& elf,
                                                         std::vector<std::string>* tried) const {
  std::optional<Debuglink> link = elf.debuglink();
  if (!link) return std::nullopt;
  std::error_code ec;
  fs::path binary = fs::absolute(elf.path(), ec);
  fs::path dir = binary.parent_path();
  std::vector<std::string> candidates = {
      (dir / link->file_name).string(),
      (dir / ".debug" / link->file_name).string(),
  };
  for (const std::string& debug_dir : debug_dirs_) {
    candidates.push_back(debug_dir + dir.string() + "/" + link->file_name);
  }
  for (const std::string& path : candidates) {
    if (tried) tried->push_back(path);
    // The binary itself can sit next to a file of the same name: skip it.
    if (!is_file(path) || fs::equivalent(path, binary, ec)) continue;
    if (file_crc32(path) == link->crc) return path;
    if (tried) tried->back() += " (CRC mismatch)";
  }
  return std::nullopt;
}

std::optional<std::string> DebugFileFinder::by_debuginfod(const std::vector<uint8_t>& build_id,
                                                          std::vector<std::string>* tried) {
  const char* urls = std::getenv("DEBUGINFOD_URLS");
  if (!urls || !*urls) return std::nullopt;
  if (tried) tried->push_back(std::string("debuginfod (") + urls + ")");
  // libdebuginfod brings libcurl and some thirty more libraries: load it only
  // when asked to, as elfutils' libdwfl does, so every other run starts lean.
  void* library = dlopen("libdebuginfod.so.1", RTLD_LAZY | RTLD_LOCAL);
  if (!library) return std::nullopt;
  auto begin = reinterpret_cast<decltype(&debuginfod_begin)>(dlsym(library, "debuginfod_begin"));
  auto find = reinterpret_cast<decltype(&debuginfod_find_debuginfo)>(
      dlsym(library, "debuginfod_find_debuginfo"));
  auto end = reinterpret_cast<decltype(&debuginfod_end)>(dlsym(library, "debuginfod_end"));
  std::optional<std::string> result;
  if (debuginfod_client* client = begin && find && end ? begin() : nullptr) {
    char* path = nullptr;
    int fd = find(client, build_id.data(), static_cast<int>(build_id.size()), &path);
    end(client);
    if (fd >= 0) {
      ::close(fd);
      result = path;
    }
    std::free(path);
  }
  // Stays loaded: libcurl does not take kindly to being unloaded.
  return result;
}

}  // namespace seam

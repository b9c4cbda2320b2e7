#include "engine/debug_file_options.h"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace seam::engine {
namespace {

constexpr int kRelocatable = 1, kExecutable = 2;  // ELF e_type: ET_REL, ET_EXEC

// ELF e_type of `path`, or 0 if it is not an ELF file. Only the header is
// read: a vmlinux is hundreds of MiB.
Result<int> elf_type(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Error(path + ": cannot open");
  unsigned char header[18] = {};
  file.read(reinterpret_cast<char*>(header), sizeof header);
  if (file.gcount() != sizeof header || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' ||
      header[3] != 'F') {
    return 0;
  }
  bool big_endian = header[5] == 2;  // EI_DATA: ELFDATA2MSB
  return big_endian ? header[16] << 8 | header[17] : header[16] | header[17] << 8;
}

}  // namespace

Result<void> add_debug_file(const std::string& path, SessionOptions& options) {
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error) return Error(path + ": " + error.message());
  if (std::filesystem::is_directory(status)) {
    options.module_paths.push_back(path);
    return {};
  }
  Result<int> type = elf_type(path);
  if (!type) return type.error();
  if (*type == kExecutable) {
    if (!options.vmlinux.empty()) {
      return Error("two vmlinux files given: " + options.vmlinux + " and " + path);
    }
    options.vmlinux = path;
  } else if (*type == kRelocatable || path.ends_with(".ko.xz") || path.ends_with(".ko.gz") ||
             path.ends_with(".ko.zst")) {
    options.module_paths.push_back(path);
  } else {
    return Error(path +
                 ": neither a vmlinux (ELF executable) nor a kernel module (ELF relocatable .ko) "
                 "nor a directory");
  }
  return {};
}

}  // namespace seam::engine

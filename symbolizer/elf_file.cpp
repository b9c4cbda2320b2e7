#include "symbolizer/elf_file.h"

#include <elf.h>
#include <fcntl.h>
#include <gelf.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace seam {
namespace {

#ifndef ELFCOMPRESS_ZSTD
constexpr unsigned ELFCOMPRESS_ZSTD = 2;  // Not yet in elfutils 0.188's <elf.h>.
#endif

std::string libelf_error() {
  return elf_errmsg(-1);
}

std::string section_name(Elf* elf, Elf_Scn* scn) {
  size_t shstrndx = 0;
  GElf_Shdr shdr;
  if (elf_getshdrstrndx(elf, &shstrndx) != 0 || !gelf_getshdr(scn, &shdr)) return "";
  const char* name = elf_strptr(elf, shstrndx, shdr.sh_name);
  return name ? name : "";
}

uint64_t align_up(uint64_t value, uint64_t alignment) {
  if (alignment <= 1) return value;
  return (value + alignment - 1) / alignment * alignment;
}

// A file cut short (an interrupted copy, a partial download) is the most common
// bad input; libelf would accept the headers and fail later, piecemeal. Check
// that every header and section lies inside the file up front.
Result<void> check_within_file(Elf* elf, uint64_t file_size) {
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(elf, &ehdr)) return Error("bad ELF header: " + libelf_error());
  auto truncated = [&](const std::string& what) {
    return Error("truncated ELF file: " + what + " ends past the end of the file (" +
                 std::to_string(file_size) + " bytes); the file is incomplete, copy it again");
  };
  // From the raw header: libelf quietly drops a section table it cannot read.
  uint64_t section_headers = std::max<uint64_t>(ehdr.e_shnum, 1) * ehdr.e_shentsize;
  if (ehdr.e_shoff != 0 &&
      (ehdr.e_shoff > file_size || section_headers > file_size - ehdr.e_shoff)) {
    return truncated("the section header table");
  }
  uint64_t program_headers = uint64_t(ehdr.e_phnum) * ehdr.e_phentsize;
  if (ehdr.e_phoff != 0 &&
      (ehdr.e_phoff > file_size || program_headers > file_size - ehdr.e_phoff)) {
    return truncated("the program header table");
  }
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr)) return Error("bad section header: " + libelf_error());
    if (shdr.sh_type == SHT_NOBITS) continue;
    if (shdr.sh_offset > file_size || shdr.sh_size > file_size - shdr.sh_offset) {
      return truncated("section " + section_name(elf, scn));
    }
  }
  return {};
}

}  // namespace

ElfFile::ElfFile(std::string path, int fd, Elf* elf) : path_(std::move(path)), fd_(fd), elf_(elf) {
  GElf_Ehdr ehdr;
  if (gelf_getehdr(elf_, &ehdr)) type_ = ehdr.e_type;
}

ElfFile::ElfFile(ElfFile&& other) noexcept
    : path_(std::move(other.path_)),
      fd_(other.fd_),
      elf_(other.elf_),
      type_(other.type_),
      owned_buffers_(std::move(other.owned_buffers_)),
      placed_addresses_(std::move(other.placed_addresses_)) {
  other.fd_ = -1;
  other.elf_ = nullptr;
}

ElfFile& ElfFile::operator=(ElfFile&& other) noexcept {
  // Swapping hands our old Elf and descriptor to `other`, which releases them.
  std::swap(path_, other.path_);
  std::swap(fd_, other.fd_);
  std::swap(elf_, other.elf_);
  std::swap(type_, other.type_);
  std::swap(owned_buffers_, other.owned_buffers_);
  std::swap(placed_addresses_, other.placed_addresses_);
  return *this;
}

ElfFile::~ElfFile() {
  if (elf_) elf_end(elf_);
  if (fd_ >= 0) close(fd_);
}

Result<ElfFile> ElfFile::open(const std::string& path) {
  elf_version(EV_CURRENT);
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return Error(path + ": not a regular file");
  }
  // A private mapping: sections are decompressed and relocated in place
  // without ever writing to the file.
  Elf* elf = elf_begin(fd, ELF_C_READ_MMAP_PRIVATE, nullptr);
  if (!elf) {
    std::string message = libelf_error();
    close(fd);
    return Error(path + ": cannot read as ELF: " + message);
  }
  ElfFile file(path, fd, elf);
  if (elf_kind(elf) == ELF_K_AR) return Error(path + ": is an ar archive, not an ELF file");
  if (elf_kind(elf) != ELF_K_ELF) return Error(path + ": not an ELF file");
  if (Result<void> ok = check_within_file(elf, st.st_size); !ok) {
    return ok.error().context(path);
  }
  return file;
}

bool ElfFile::is_relocatable() const {
  return type_ == ET_REL;
}

std::vector<uint8_t> ElfFile::build_id() const {
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE) continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data) continue;
    GElf_Nhdr nhdr;
    size_t offset = 0, name_offset = 0, desc_offset = 0;
    while ((offset = gelf_getnote(data, offset, &nhdr, &name_offset, &desc_offset)) > 0) {
      const char* base = static_cast<const char*>(data->d_buf);
      if (nhdr.n_type == NT_GNU_BUILD_ID && nhdr.n_namesz == 4 &&
          std::memcmp(base + name_offset, "GNU", 4) == 0) {
        const auto* desc = reinterpret_cast<const uint8_t*>(base + desc_offset);
        return {desc, desc + nhdr.n_descsz};
      }
    }
  }
  return {};
}

std::optional<Debuglink> ElfFile::debuglink() const {
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
    if (section_name(elf_, scn) != ".gnu_debuglink") continue;
    Elf_Data* data = elf_getdata(scn, nullptr);
    if (!data || data->d_size < 8) return std::nullopt;
    const char* bytes = static_cast<const char*>(data->d_buf);
    size_t name_length = strnlen(bytes, data->d_size);
    size_t crc_offset = align_up(name_length + 1, 4);
    if (name_length == 0 || crc_offset + 4 > data->d_size) return std::nullopt;
    Debuglink link{std::string(bytes, name_length), 0};
    std::memcpy(&link.crc, bytes + crc_offset, 4);
    return link;
  }
  return std::nullopt;
}

bool ElfFile::has_section(const std::string& name) const {
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr;
    if (gelf_getshdr(scn, &shdr) && shdr.sh_type != SHT_NOBITS && section_name(elf_, scn) == name) {
      return true;
    }
  }
  return false;
}

std::optional<uint64_t> ElfFile::section_address(size_t section_index) const {
  if (section_index < placed_addresses_.size()) return placed_addresses_[section_index];
  Elf_Scn* scn = elf_getscn(elf_, section_index);
  GElf_Shdr shdr;
  if (!scn || !gelf_getshdr(scn, &shdr)) return std::nullopt;
  return shdr.sh_addr;
}

Result<void> ElfFile::prepare_debug_sections() {
  if (Result<void> ok = decompress_sections(); !ok) return ok.error().context(path_);
  if (!is_relocatable()) return {};
  if (placed_addresses_.empty()) {
    if (Result<void> ok = place_sections({}); !ok) return ok;
  }
  if (Result<void> ok = apply_debug_relocations(); !ok) {
    return ok.error().context(path_ + ": cannot relocate the debug info");
  }
  return {};
}

Result<void> ElfFile::decompress_sections() {
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_COMPRESSED)) continue;
    GElf_Chdr chdr;
    if (!gelf_getchdr(scn, &chdr)) {
      return Error("section " + section_name(elf_, scn) + ": bad compression header");
    }
    if (chdr.ch_type != ELFCOMPRESS_ZSTD) {
      // zlib: libelf knows how.
      if (elf_compress(scn, 0, 0) < 0) {
        return Error("cannot decompress section " + section_name(elf_, scn) + ": " +
                     libelf_error());
      }
      continue;
    }
    // zstd: libelf 0.188 does not know it. Decompress into a buffer of our own
    // and make the section's data point at it, as an uncompressed section.
    Elf_Data* data = elf_getdata(scn, nullptr);
    size_t header_size =
        gelf_getclass(elf_) == ELFCLASS32 ? sizeof(Elf32_Chdr) : sizeof(Elf64_Chdr);
    if (!data || data->d_size < header_size) {
      return Error("section " + section_name(elf_, scn) + ": truncated compressed data");
    }
    const uint8_t* frame = static_cast<const uint8_t*>(data->d_buf) + header_size;
    size_t frame_size = data->d_size - header_size;
    // The header's size must agree with the frame's own before we allocate it:
    // a corrupt header must not make us reserve gigabytes.
    unsigned long long content_size = ZSTD_getFrameContentSize(frame, frame_size);
    if (content_size != ZSTD_CONTENTSIZE_UNKNOWN && content_size != chdr.ch_size) {
      return Error("section " + section_name(elf_, scn) +
                   ": corrupt zstd compression header (sizes disagree)");
    }
    std::unique_ptr<uint8_t[]> buffer(new (std::nothrow) uint8_t[chdr.ch_size ? chdr.ch_size : 1]);
    if (!buffer) {
      return Error("section " + section_name(elf_, scn) + ": cannot allocate " +
                   std::to_string(chdr.ch_size) + " bytes to decompress it");
    }
    size_t got = ZSTD_decompress(buffer.get(), chdr.ch_size, frame, frame_size);
    if (ZSTD_isError(got) || got != chdr.ch_size) {
      return Error("cannot decompress zstd section " + section_name(elf_, scn) + ": " +
                   (ZSTD_isError(got) ? ZSTD_getErrorName(got) : "size mismatch"));
    }
    data->d_buf = buffer.get();
    data->d_size = chdr.ch_size;
    data->d_type = ELF_T_BYTE;
    data->d_align = chdr.ch_addralign;
    shdr.sh_flags &= ~uint64_t(SHF_COMPRESSED);
    shdr.sh_size = chdr.ch_size;
    shdr.sh_addralign = chdr.ch_addralign;
    if (!gelf_update_shdr(scn, &shdr))
      return Error("cannot update section header: " + libelf_error());
    owned_buffers_.push_back(std::move(buffer));
  }
  return {};
}

Result<void> ElfFile::place_sections(const SectionPlacement& placement) {
  if (!is_relocatable()) {
    if (placement.empty()) return {};
    return Error(path_ + ": section addresses are only meaningful for relocatable files (.ko)");
  }
  size_t count = 0;
  if (elf_getshdrnum(elf_, &count) != 0) return Error(path_ + ": bad section header table");
  placed_addresses_.assign(count, 0);

  // Sections the user placed first; the others go after the highest of them.
  SectionPlacement unused = placement;
  uint64_t next_free = 0;
  for (size_t i = 1; i < count; ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr shdr;
    if (!scn || !gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC)) continue;
    auto it = placement.find(section_name(elf_, scn));
    if (it == placement.end()) continue;
    placed_addresses_[i] = it->second;
    next_free = std::max(next_free, it->second + shdr.sh_size);
    unused.erase(it->first);
  }
  if (!unused.empty()) {
    return Error(path_ + ": no allocated section named " + unused.begin()->first +
                 " (see 'readelf -S " + path_ + "')");
  }

  for (size_t i = 1; i < count; ++i) {
    Elf_Scn* scn = elf_getscn(elf_, i);
    GElf_Shdr shdr;
    if (!scn || !gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC)) continue;
    if (!placement.count(section_name(elf_, scn))) {
      next_free = align_up(next_free, shdr.sh_addralign);
      placed_addresses_[i] = next_free;
      next_free += shdr.sh_size;
    }
    shdr.sh_addr = placed_addresses_[i];
    if (!gelf_update_shdr(scn, &shdr)) {
      return Error(path_ + ": cannot place section: " + libelf_error());
    }
  }
  return {};
}

Result<void> ElfFile::apply_debug_relocations() {
  GElf_Ehdr ehdr;
  if (!gelf_getehdr(elf_, &ehdr)) return Error("bad ELF header");
  for (Elf_Scn* scn = elf_nextscn(elf_, nullptr); scn; scn = elf_nextscn(elf_, scn)) {
    GElf_Shdr rela_shdr;
    if (!gelf_getshdr(scn, &rela_shdr) || rela_shdr.sh_type != SHT_RELA) continue;
    Elf_Scn* target = elf_getscn(elf_, rela_shdr.sh_info);
    std::string target_name = target ? section_name(elf_, target) : "";
    // Only debug info needs relocating to be read; code and data stay as they are.
    if (target_name.rfind(".debug_", 0) != 0) continue;
    if (ehdr.e_machine != EM_X86_64) {
      return Error("relocating debug info is implemented for x86-64 only");
    }
    Elf_Data* relocations = elf_getdata(scn, nullptr);
    Elf_Data* symbols = elf_getdata(elf_getscn(elf_, rela_shdr.sh_link), nullptr);
    Elf_Data* contents = elf_getdata(target, nullptr);
    if (!relocations || !symbols || !contents) {
      return Error("cannot read relocations for " + target_name + ": " + libelf_error());
    }
    auto* bytes = static_cast<uint8_t*>(contents->d_buf);
    size_t relocation_count = rela_shdr.sh_entsize ? rela_shdr.sh_size / rela_shdr.sh_entsize : 0;
    for (size_t i = 0; i < relocation_count; ++i) {
      GElf_Rela rela;
      GElf_Sym sym;
      if (!gelf_getrela(relocations, static_cast<int>(i), &rela) ||
          !gelf_getsym(symbols, static_cast<int>(GELF_R_SYM(rela.r_info)), &sym)) {
        return Error("relocation " + std::to_string(i) + " of " + target_name +
                     " is corrupt (bad symbol index)");
      }
      uint64_t symbol_value = 0;
      if (sym.st_shndx == SHN_ABS) {
        symbol_value = sym.st_value;
      } else if (sym.st_shndx != SHN_UNDEF && sym.st_shndx < placed_addresses_.size()) {
        symbol_value = placed_addresses_[sym.st_shndx] + sym.st_value;
      }
      uint64_t value = symbol_value + rela.r_addend;
      uint64_t place = rela.r_offset;  // Debug sections are not loaded: address 0.
      size_t width = 0;
      switch (GELF_R_TYPE(rela.r_info)) {
        case R_X86_64_NONE: continue;
        case R_X86_64_64: width = 8; break;
        case R_X86_64_32:
        case R_X86_64_32S: width = 4; break;
        case R_X86_64_PC32:
          value -= place;
          width = 4;
          break;
        case R_X86_64_PC64:
          value -= place;
          width = 8;
          break;
        default:
          return Error("unsupported relocation type " + std::to_string(GELF_R_TYPE(rela.r_info)) +
                       " in " + target_name);
      }
      if (rela.r_offset > contents->d_size || contents->d_size - rela.r_offset < width) {
        return Error("relocation offset out of range in " + target_name);
      }
      std::memcpy(bytes + rela.r_offset, &value, width);  // Little-endian x86-64.
    }
  }
  return {};
}

}  // namespace seam

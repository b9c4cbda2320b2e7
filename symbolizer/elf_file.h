// ElfFile: one ELF file opened through libelf, validated, with its debug
// sections made ready for libdw.
//
//   Result<ElfFile> elf = ElfFile::open("vmlinux");
//   if (!elf) return elf.error();
//   elf->build_id();              // bytes of NT_GNU_BUILD_ID, or empty
//   elf->has_dwarf();             // .debug_info present
//   elf->place_sections(placement);  // a .ko: where its sections were loaded
//   elf->prepare_debug_sections();   // decompress, relocate a .ko's DWARF
//
// Why "prepare": elfutils 0.188 decompresses only zlib sections itself, and
// relocates ET_REL debug info only through libdwfl. Seam does both here, in
// memory (a private copy-on-write mapping; the file is never written), so the
// rest of the symbolizer can use plain libdw. A vmlinux linked with
// --emit-relocs carries .rela.debug_* sections too: those are already applied
// and must be ignored, which is why only ET_REL files are relocated.
#pragma once

#include <libelf.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "symbolizer/result.h"

namespace seam {

// Where the sections of a relocatable file (a kernel module) are loaded:
// section name -> address. Sections not named are laid out one after another
// from address 0, in section-header order, as libdwfl does.
using SectionPlacement = std::map<std::string, uint64_t>;

struct Debuglink {
  std::string file_name;
  uint32_t crc = 0;
};

class ElfFile {
 public:
  static Result<ElfFile> open(const std::string& path);

  ElfFile(ElfFile&& other) noexcept;
  ElfFile& operator=(ElfFile&& other) noexcept;
  ElfFile(const ElfFile&) = delete;
  ElfFile& operator=(const ElfFile&) = delete;
  ~ElfFile();

  Elf* elf() const { return elf_; }
  const std::string& path() const { return path_; }
  uint16_t type() const { return type_; }  // ET_EXEC, ET_DYN, ET_REL, ...
  bool is_relocatable() const;

  std::vector<uint8_t> build_id() const;
  std::optional<Debuglink> debuglink() const;
  bool has_section(const std::string& name) const;
  bool has_dwarf() const { return has_section(".debug_info"); }
  // Address of a section after placement (ET_REL), or its sh_addr.
  std::optional<uint64_t> section_address(size_t section_index) const;

  // For ET_REL files, gives each allocated section its load address (the
  // symbol table and the DWARF need them). Any other file takes no placement.
  Result<void> place_sections(const SectionPlacement& placement);

  // Decompresses SHF_COMPRESSED sections (zlib and zstd) and, for ET_REL
  // files, applies the relocations of the debug sections to the placed
  // sections. Call once, after place_sections, before handing elf() to libdw.
  Result<void> prepare_debug_sections();

 private:
  ElfFile(std::string path, int fd, Elf* elf);
  Result<void> decompress_sections();
  Result<void> apply_debug_relocations();

  std::string path_;
  int fd_ = -1;
  Elf* elf_ = nullptr;
  uint16_t type_ = 0;
  // Buffers that replace the data of decompressed sections; libelf points
  // into them, so they live as long as the Elf.
  std::vector<std::unique_ptr<uint8_t[]>> owned_buffers_;
  std::vector<uint64_t> placed_addresses_;  // per section index, ET_REL only
};

}  // namespace seam

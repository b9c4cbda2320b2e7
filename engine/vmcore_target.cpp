#include "engine/vmcore_target.h"

#include <elf.h>
#include <fcntl.h>
#include <libkdumpfile/kdumpfile.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "engine/elf_notes.h"
#include "engine/flattened_dump.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

constexpr char kKdumpSignature[] = "KDUMP   ";  // 8 bytes, no NUL in the file
constexpr size_t kKdumpHeaderSize = 464;        // struct disk_dump_header up to tasks[]
// Bits of disk_dump_header.status: how the pages are compressed.
constexpr uint32_t kCompressedZlib = 0x1;
constexpr uint32_t kCompressedLzo = 0x2;
constexpr uint32_t kCompressedSnappy = 0x4;
constexpr uint32_t kCompressedZstd = 0x20;
constexpr size_t kPageDescSize = 24;  // struct page_desc: offset, size, flags, page_flags
// Notes and VMCOREINFO are kilobytes; anything past this is a corrupt size.
constexpr uint64_t kMaxNoteBytes = uint64_t{64} << 20;

struct KdumpFree {
  void operator()(kdump_ctx_t* ctx) const { kdump_free(ctx); }
};
using KdumpContext = std::unique_ptr<kdump_ctx_t, KdumpFree>;

template <typename T>
T load(const std::vector<std::byte>& bytes, size_t offset) {
  T v;
  std::memcpy(&v, bytes.data() + offset, sizeof v);
  return v;
}

// The `size` bytes at `offset`; "truncated: WHAT ..." if the file is shorter.
Result<std::vector<std::byte>> read_at(int fd, uint64_t file_size, uint64_t offset, uint64_t size,
                                       const std::string& what) {
  if (offset > file_size || size > file_size - offset) {
    return Error("truncated: " + what + " (bytes " + std::to_string(offset) + ".." +
                 std::to_string(offset + size) + ") run past the end of the " +
                 std::to_string(file_size) + "-byte file");
  }
  std::vector<std::byte> out(size);
  size_t got = 0;
  while (got < size) {
    ssize_t r = ::pread(fd, out.data() + got, size - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return Error("cannot read " + what + ": " + std::strerror(errno));
    if (r == 0) return Error("truncated: the file ended while reading " + what);
    got += static_cast<size_t>(r);
  }
  return out;
}

// A PT_LOAD: `size` bytes of physical memory at `paddr` are at `offset`.
struct ElfLoad {
  uint64_t paddr = 0;
  uint64_t offset = 0;
  uint64_t size = 0;
};

// Which pages a kdump file lists, to find a page's descriptor: one per bit set
// in the second bitmap, in page order, from `descs_offset`.
struct KdumpPageIndex {
  uint64_t page_size = 0;
  uint64_t descs_offset = 0;
  std::vector<uint64_t> bits;  // bit n of the bitmap: page frame n is in the dump
  std::vector<uint64_t> rank;  // rank[i]: bits set in bits[0..i)

  // The index of page frame `pfn`'s descriptor, or nullopt if it is not listed.
  std::optional<uint64_t> descriptor(uint64_t pfn) const {
    const uint64_t word = pfn / 64;
    if (word >= bits.size()) return std::nullopt;
    const uint64_t below = bits[word] & ((uint64_t{1} << (pfn % 64)) - 1);
    if (!(bits[word] >> (pfn % 64) & 1)) return std::nullopt;
    return rank[word] + static_cast<uint64_t>(std::popcount(below));
  }
};

// What Seam learns from the headers itself, before libkdumpfile sees the file.
struct Layout {
  VmcoreTarget::Format format = VmcoreTarget::Format::kElfPhysical;
  std::string compression;  // kdump only: "zlib", ...
  DumpNotes notes;
  std::optional<int> crashed_cpu;
  uint64_t expected_size = 0;  // the file size the headers imply (0: not known)
  uint64_t memory_end = 0;     // where the memory the headers list ends in the file
  // Kept only for a truncated file, whose missing pages libkdumpfile would
  // read as zeros (it pads short reads): ELF reads go through `loads`, kdump
  // reads first check the page's descriptor through `pages`.
  std::vector<ElfLoad> loads;
  KdumpPageIndex pages;
};

// libkdumpfile takes the page size from VMCOREINFO's PAGESIZE and 0.5.1 does
// not survive a damaged one (a huge allocation, or a crash on the first
// read), so it is checked before libkdumpfile sees the file.
Result<void> check_vmcoreinfo_page_size(const std::optional<std::string>& info) {
  if (!info) return {};
  const size_t at = info->rfind("PAGESIZE=", 0) == 0 ? 0 : info->find("\nPAGESIZE=");
  if (at == std::string::npos) return {};
  const size_t start = info->find('=', at) + 1;
  const std::string value = info->substr(start, info->find('\n', start) - start);
  if (value != "4096") {
    return Error("corrupt VMCOREINFO: PAGESIZE=" + value + " (x86-64 pages are 4096 bytes)");
  }
  return {};
}

// Checks the section headers as libkdumpfile 0.5.1 will use them, because it
// trusts them: it reads e_shnum entries of e_shentsize bytes each as Elf64_Shdr
// (from offset 0 if e_shoff is 0), and compares names in the section-name
// table with strcmp. A damaged e_shentsize crashes it. QEMU writes a section
// table for PN_XNUM and a .shstrtab after the memory. Returns where the
// sections end, for the truncation warning.
Result<uint64_t> check_elf_sections(int fd, uint64_t file_size, const Elf64_Ehdr& eh) {
  uint64_t shnum = eh.e_shnum;
  const bool has_section0 = eh.e_shoff != 0 && (shnum == 0 || eh.e_phnum == PN_XNUM);
  if (!has_section0 && shnum == 0) return 0;
  if (eh.e_shentsize != sizeof(Elf64_Shdr)) {
    return Error("corrupt ELF header: section header size " + std::to_string(eh.e_shentsize) +
                 ", expected " + std::to_string(sizeof(Elf64_Shdr)));
  }
  if (has_section0 && shnum == 0) {  // too many for e_shnum: the count is section 0's sh_size
    Result<std::vector<std::byte>> section0 =
        read_at(fd, file_size, eh.e_shoff, sizeof(Elf64_Shdr), "section header 0");
    if (!section0) return section0.error();
    shnum = load<Elf64_Shdr>(*section0, 0).sh_size;
  }
  if (shnum > file_size / sizeof(Elf64_Shdr)) {
    return Error("corrupt ELF header: " + std::to_string(shnum) + " section headers");
  }
  Result<std::vector<std::byte>> table =
      read_at(fd, file_size, eh.e_shoff, shnum * sizeof(Elf64_Shdr), "the section headers");
  if (!table) return table.error();
  uint64_t end = eh.e_shoff + shnum * sizeof(Elf64_Shdr);
  for (uint64_t i = 0; i < shnum; ++i) {
    const auto sh = load<Elf64_Shdr>(*table, i * sizeof(Elf64_Shdr));
    if (sh.sh_type == SHT_NOBITS) continue;
    if (sh.sh_offset > UINT64_MAX - sh.sh_size) {
      return Error("corrupt section header " + std::to_string(i) + ": offset " + hex(sh.sh_offset) +
                   " + size " + hex(sh.sh_size) + " overflows");
    }
    end = std::max(end, sh.sh_offset + sh.sh_size);
  }
  if (eh.e_shstrndx != 0 && eh.e_shstrndx < shnum) {
    const auto strtab = load<Elf64_Shdr>(*table, eh.e_shstrndx * sizeof(Elf64_Shdr));
    if (strtab.sh_size > kMaxNoteBytes) {
      return Error("corrupt section-name table: " + std::to_string(strtab.sh_size) + " bytes");
    }
    // Unterminated names would be read past the table. Past EOF (a file cut
    // short), libkdumpfile reads zeros.
    if (strtab.sh_size > 0 && strtab.sh_offset + strtab.sh_size <= file_size) {
      Result<std::vector<std::byte>> last =
          read_at(fd, file_size, strtab.sh_offset + strtab.sh_size - 1, 1, "section names");
      if (!last) return last.error();
      if ((*last)[0] != std::byte{0}) return Error("corrupt section-name table: not terminated");
    }
  }
  return end;
}

Result<Layout> read_elf_layout(int fd, uint64_t file_size) {
  Result<std::vector<std::byte>> header =
      read_at(fd, file_size, 0, sizeof(Elf64_Ehdr), "the ELF header");
  if (!header) return header.error();
  Elf64_Ehdr eh = load<Elf64_Ehdr>(*header, 0);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB) {
    return Error("not an x86-64 crash dump: a 32-bit or big-endian ELF file");
  }
  if (eh.e_type != ET_CORE) {
    return Error("not a crash dump: an ELF file of type " + std::to_string(eh.e_type) +
                 ", not a core file (is this the vmlinux rather than the vmcore?)");
  }
  if (eh.e_machine != EM_X86_64) {
    return Error("not an x86-64 crash dump: ELF machine " + std::to_string(eh.e_machine));
  }
  if (eh.e_version != EV_CURRENT) {
    return Error("corrupt ELF header: version " + std::to_string(eh.e_version));
  }
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) {
    return Error("corrupt ELF header: program header size " + std::to_string(eh.e_phentsize) +
                 ", expected " + std::to_string(sizeof(Elf64_Phdr)));
  }
  uint64_t phnum = eh.e_phnum;
  if (phnum == PN_XNUM) {  // too many for e_phnum: the count is section 0's sh_info
    if (eh.e_shoff == 0) return Error("corrupt ELF header: PN_XNUM program headers, no sections");
    Result<std::vector<std::byte>> section0 =
        read_at(fd, file_size, eh.e_shoff, sizeof(Elf64_Shdr), "section header 0");
    if (!section0) return section0.error();
    phnum = load<Elf64_Shdr>(*section0, 0).sh_info;
  }
  if (phnum == 0) return Error("corrupt ELF core: no program headers");
  Result<std::vector<std::byte>> table =
      read_at(fd, file_size, eh.e_phoff, phnum * sizeof(Elf64_Phdr), "the program headers");
  if (!table) return table.error();

  Layout layout;
  bool virtual_loads = false;
  std::vector<std::byte> notes;
  for (uint64_t i = 0; i < phnum; ++i) {
    const Elf64_Phdr ph = load<Elf64_Phdr>(*table, i * sizeof(Elf64_Phdr));
    if (ph.p_offset > UINT64_MAX - ph.p_filesz) {
      return Error("corrupt program header " + std::to_string(i) + ": offset " + hex(ph.p_offset) +
                   " + size " + hex(ph.p_filesz) + " overflows");
    }
    if (ph.p_type == PT_LOAD) {
      layout.memory_end = std::max(layout.memory_end, ph.p_offset + ph.p_filesz);
      if (ph.p_vaddr != ph.p_paddr) virtual_loads = true;
      if (ph.p_filesz > 0) layout.loads.push_back(ElfLoad{ph.p_paddr, ph.p_offset, ph.p_filesz});
    } else if (ph.p_type == PT_NOTE) {
      if (ph.p_filesz > kMaxNoteBytes) {
        return Error("corrupt program header " + std::to_string(i) + ": a " +
                     std::to_string(ph.p_filesz) + "-byte note segment");
      }
      Result<std::vector<std::byte>> segment =
          read_at(fd, file_size, ph.p_offset, ph.p_filesz, "the notes (PT_NOTE)");
      if (!segment) return segment.error();
      notes.insert(notes.end(), segment->begin(), segment->end());
    }
  }
  // Several PT_NOTE segments each hold whole notes, so their concatenation
  // parses like one.
  Result<DumpNotes> decoded = decode_dump_notes(notes);
  if (!decoded) return decoded.error().context("corrupt notes");
  layout.notes = std::move(*decoded);
  if (Result<void> ok = check_vmcoreinfo_page_size(layout.notes.vmcoreinfo); !ok) return ok.error();
  layout.format =
      virtual_loads ? VmcoreTarget::Format::kElfVirtual : VmcoreTarget::Format::kElfPhysical;
  Result<uint64_t> sections_end = check_elf_sections(fd, file_size, eh);
  if (!sections_end) return sections_end.error();
  layout.expected_size = std::max(layout.memory_end, *sections_end);
  if (layout.memory_end <= file_size) layout.loads = {};
  return layout;
}

// The size a kdump file must have to hold every page its bitmap lists: the
// page descriptors follow the bitmaps, one per bit set in the second bitmap,
// and pages are written in descriptor order, so the last descriptor's data
// ends the file. Reads the bitmap (1 bit per page: 4 KiB for 128 MiB of RAM)
// and one descriptor; fills `pages`.
Result<uint64_t> kdump_expected_size(int fd, uint64_t file_size, uint64_t bitmap_offset,
                                     uint64_t bitmap_bytes, KdumpPageIndex& pages) {
  const uint64_t half = bitmap_bytes / 2;
  Result<std::vector<std::byte>> bitmap =
      read_at(fd, file_size, bitmap_offset + half, half, "the kdump bitmap");
  if (!bitmap) return bitmap.error();
  pages.bits.assign((half + 7) / 8, 0);
  std::memcpy(pages.bits.data(), bitmap->data(), half);
  pages.rank.resize(pages.bits.size());
  uint64_t count = 0;
  for (size_t i = 0; i < pages.bits.size(); ++i) {
    pages.rank[i] = count;
    count += static_cast<uint64_t>(std::popcount(pages.bits[i]));
  }
  pages.descs_offset = bitmap_offset + bitmap_bytes;
  const uint64_t descs_end = pages.descs_offset + count * kPageDescSize;
  if (count == 0 || descs_end > file_size) return descs_end;
  Result<std::vector<std::byte>> last =
      read_at(fd, file_size, descs_end - kPageDescSize, kPageDescSize, "a page descriptor");
  if (!last) return last.error();
  const auto offset = load<int64_t>(*last, 0);
  const auto size = load<uint32_t>(*last, 8);
  if (offset < 0 || static_cast<uint64_t>(offset) > UINT64_MAX / 2) return descs_end;
  return std::max(descs_end, static_cast<uint64_t>(offset) + size);
}

// The compression disk_dump_header.status announces (each page's descriptor
// says again whether that page is compressed).
const char* compression_name(uint32_t status) {
  if (status & kCompressedZstd) return "zstd";
  if (status & kCompressedSnappy) return "snappy";
  if (status & kCompressedLzo) return "lzo";
  if (status & kCompressedZlib) return "zlib";
  return "pages uncompressed";
}

// struct disk_dump_header and struct kdump_sub_header (makedumpfile's
// diskdump_mod.h); `check_size` compares the data the headers list with the
// file (pointless for a reassembled flattened dump, which has no EOF to hit).
Result<Layout> read_kdump_layout(int fd, uint64_t file_size, bool check_size) {
  Result<std::vector<std::byte>> header =
      read_at(fd, file_size, 0, kKdumpHeaderSize, "the kdump header");
  if (!header) return header.error();
  const auto header_version = load<int32_t>(*header, 8);
  const auto status = load<uint32_t>(*header, 424);
  const auto block_size = load<int32_t>(*header, 428);
  const auto sub_hdr_size = load<int32_t>(*header, 432);
  const auto bitmap_blocks = load<uint32_t>(*header, 436);
  const auto max_mapnr = load<uint32_t>(*header, 440);
  const auto current_cpu = load<uint32_t>(*header, 456);
  const auto nr_cpus = load<int32_t>(*header, 460);
  if (header_version < 1 || header_version > 100) {
    return Error("corrupt kdump header: header_version " + std::to_string(header_version));
  }
  if (block_size < 512 || block_size > (1 << 20) || !std::has_single_bit(uint32_t(block_size))) {
    return Error("corrupt kdump header: block_size " + std::to_string(block_size));
  }
  if (sub_hdr_size < 0 || sub_hdr_size > (1 << 20)) {
    return Error("corrupt kdump header: sub_hdr_size " + std::to_string(sub_hdr_size));
  }

  Layout layout;
  layout.compression = compression_name(status);
  if (nr_cpus <= 0 || current_cpu < static_cast<uint32_t>(nr_cpus)) {
    layout.crashed_cpu = static_cast<int>(current_cpu);
  }

  // The sub-header grew with header_version: VMCOREINFO from 3, notes from 4,
  // 64-bit max_mapnr from 6.
  std::vector<std::byte> sub;
  if (header_version >= 3) {
    const uint64_t sub_size = header_version >= 6 ? 104 : header_version >= 4 ? 64 : 48;
    if (uint64_t(sub_hdr_size) * uint64_t(block_size) < sub_size) {
      return Error("corrupt kdump header: sub_hdr_size " + std::to_string(sub_hdr_size) +
                   " blocks cannot hold the sub-header");
    }
    Result<std::vector<std::byte>> read =
        read_at(fd, file_size, uint64_t(block_size), sub_size, "the kdump sub-header");
    if (!read) return read.error();
    sub = std::move(*read);
  }
  // libkdumpfile 0.5.1 sizes its page maps by max_mapnr and reads that many
  // bits of the bitmaps, trusting both: a max_mapnr the bitmaps do not cover
  // (or no bitmap) crashes it.
  const uint64_t bitmap_bits = uint64_t(bitmap_blocks) * uint64_t(block_size) * 8 / 2;
  for (uint64_t mapnr :
       {uint64_t{max_mapnr}, header_version >= 6 ? load<uint64_t>(sub, 96) : uint64_t{max_mapnr}}) {
    if (mapnr == 0 || mapnr > bitmap_bits) {
      return Error("corrupt kdump header: max_mapnr " + std::to_string(mapnr) + " with " +
                   std::to_string(bitmap_blocks) + " bitmap blocks (" +
                   std::to_string(bitmap_bits) + " pages)");
    }
  }
  auto area = [&](size_t field, const std::string& what) -> Result<std::vector<std::byte>> {
    const auto offset = load<int64_t>(sub, field);
    const auto size = load<uint64_t>(sub, field + 8);
    if (size == 0) return std::vector<std::byte>{};
    if (offset < 0 || size > kMaxNoteBytes) {
      return Error("corrupt kdump sub-header: " + what + " at offset " + std::to_string(offset) +
                   ", " + std::to_string(size) + " bytes");
    }
    return read_at(fd, file_size, static_cast<uint64_t>(offset), size, what);
  };
  if (header_version >= 4) {
    Result<std::vector<std::byte>> notes = area(48, "the notes");
    if (!notes) return notes.error();
    Result<DumpNotes> decoded = decode_dump_notes(*notes);
    if (!decoded) return decoded.error().context("corrupt notes");
    layout.notes = std::move(*decoded);
    if (Result<void> ok = check_vmcoreinfo_page_size(layout.notes.vmcoreinfo); !ok) {
      return ok.error();
    }
  }
  if (header_version >= 3) {
    Result<std::vector<std::byte>> info = area(32, "VMCOREINFO");
    if (!info) return info.error();
    if (!info->empty()) {
      std::string text(reinterpret_cast<const char*>(info->data()), info->size());
      while (!text.empty() && text.back() == '\0') text.pop_back();
      layout.notes.vmcoreinfo = std::move(text);  // the same text as any VMCOREINFO note
      if (Result<void> ok = check_vmcoreinfo_page_size(layout.notes.vmcoreinfo); !ok) {
        return ok.error();
      }
    }
  }

  if (check_size) {
    const uint64_t bitmap_offset = (1 + uint64_t(sub_hdr_size)) * uint64_t(block_size);
    const uint64_t bitmap_bytes = uint64_t(bitmap_blocks) * uint64_t(block_size);
    if (bitmap_offset > file_size || bitmap_bytes > file_size - bitmap_offset) {
      return Error("truncated: the kdump bitmaps (bytes " + std::to_string(bitmap_offset) + ".." +
                   std::to_string(bitmap_offset + bitmap_bytes) + ") run past the end of the " +
                   std::to_string(file_size) + "-byte file");
    }
    layout.pages.page_size = uint64_t(block_size);
    Result<uint64_t> expected =
        kdump_expected_size(fd, file_size, bitmap_offset, bitmap_bytes, layout.pages);
    if (!expected) return expected.error();
    layout.expected_size = layout.memory_end = *expected;
    if (layout.memory_end <= file_size) layout.pages = {};
  }
  layout.format = VmcoreTarget::Format::kKdump;
  return layout;
}

// Drops a context that cannot be freed safely, telling LeakSanitizer (in the
// ASan test builds) that the leak is deliberate.
void leak_on_purpose(kdump_ctx_t* ctx) {
#if defined(__SANITIZE_ADDRESS__)
  __lsan_ignore_object(ctx);
#else
  (void)ctx;
#endif
}

std::string libkdumpfile_error(kdump_ctx_t* ctx, kdump_status status) {
  const char* err = kdump_get_err(ctx);
  return err ? err : kdump_strerror(status);
}

}  // namespace

struct VmcoreTarget::State {
  std::string path;
  OwnedFd file;
  OwnedFd image;     // flattened dumps: the reassembled kdump file
  KdumpContext ctx;  // after the descriptors: freed before they close
  Layout layout;
  uint64_t file_size = 0;
  std::vector<std::string> warnings;

  // True if memory the headers list is missing.
  bool truncated() const { return layout.memory_end > file_size; }
  std::string truncation() const {
    return path + " is truncated: " + std::to_string(file_size) + " of " +
           std::to_string(layout.expected_size) + " bytes present";
  }
  Error missing(uint64_t address) const {
    return Error("physical address " + hex(address) + " is missing: " + truncation());
  }
  Error not_in_dump(uint64_t address) const {
    return Error("physical address " + hex(address) + " is not in the dump (" + path +
                 ": page filtered out or beyond the end)");
  }

  Result<void> read_truncated_elf(uint64_t address, std::span<std::byte> out) const;
  Result<void> check_truncated_kdump(uint64_t address, uint64_t size) const;
};

// A truncated ELF file's PT_LOADs are read here rather than by libkdumpfile,
// which returns zeros for the bytes past EOF. A physical page may be in more
// than one PT_LOAD (a paging dump maps the kernel image twice): any copy that
// is in the file will do.
Result<void> VmcoreTarget::State::read_truncated_elf(uint64_t address,
                                                     std::span<std::byte> out) const {
  while (!out.empty()) {
    const ElfLoad* best = nullptr;
    uint64_t best_present = 0;  // bytes of `best` at `address` that are in the file
    for (const ElfLoad& load : layout.loads) {
      if (address < load.paddr || address - load.paddr >= load.size) continue;
      const uint64_t at = load.offset + (address - load.paddr);
      const uint64_t present =
          at >= file_size ? 0 : std::min(load.size - (address - load.paddr), file_size - at);
      if (!best || present > best_present) {
        best = &load;
        best_present = present;
      }
    }
    if (!best) return not_in_dump(address);
    if (best_present == 0) return missing(address);
    const size_t n = static_cast<size_t>(std::min<uint64_t>(best_present, out.size()));
    const uint64_t at = best->offset + (address - best->paddr);
    Result<std::vector<std::byte>> bytes = read_at(file.get(), file_size, at, n, "memory");
    if (!bytes) return bytes.error().context(path);
    std::memcpy(out.data(), bytes->data(), n);
    out = out.subspan(n);
    address += n;
  }
  return {};
}

// A truncated kdump file: libkdumpfile reads the data of a page listed past
// EOF as zeros (or fails to decompress them), so each page's descriptor is
// checked first.
Result<void> VmcoreTarget::State::check_truncated_kdump(uint64_t address, uint64_t size) const {
  const KdumpPageIndex& pages = layout.pages;
  const uint64_t last = address + (size - 1);
  for (uint64_t pfn = address / pages.page_size; pfn <= last / pages.page_size; ++pfn) {
    const uint64_t first_byte = std::max(address, pfn * pages.page_size);
    std::optional<uint64_t> index = pages.descriptor(pfn);
    if (!index) continue;  // not in the dump: libkdumpfile says so
    const uint64_t desc = pages.descs_offset + *index * kPageDescSize;
    if (desc + kPageDescSize > file_size) return missing(first_byte);
    Result<std::vector<std::byte>> bytes =
        read_at(file.get(), file_size, desc, kPageDescSize, "a page descriptor");
    if (!bytes) return bytes.error().context(path);
    const auto offset = load<int64_t>(*bytes, 0);
    const auto length = load<uint32_t>(*bytes, 8);
    if (offset < 0 || static_cast<uint64_t>(offset) > file_size ||
        length > file_size - static_cast<uint64_t>(offset)) {
      return missing(first_byte);
    }
  }
  return {};
}

VmcoreTarget::VmcoreTarget(std::unique_ptr<State> state) : state_(std::move(state)) {}
// libkdumpfile 0.5.1's kdump_free() reads freed memory on some contexts after
// reads (valgrind: closing a flattened dump after the unwinder's reads, in a
// process that had opened and closed others before), which can crash. Until
// that is understood the context is not freed: its cache (a few MiB at most)
// lives until the process exits; the file descriptors are closed.
VmcoreTarget::~VmcoreTarget() {
  if (state_) leak_on_purpose(state_->ctx.release());
}

Result<std::unique_ptr<VmcoreTarget>> VmcoreTarget::open(const std::string& path) {
  auto state = std::make_unique<State>();
  state->path = path;
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
  state->file = OwnedFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!state->file) return Error(path + ": cannot open: " + std::strerror(errno));
  struct stat st {};
  if (fstat(state->file.get(), &st) != 0) {
    return Error(path + ": cannot stat: " + std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode)) return Error(path + ": is a directory, not a crash dump");
  if (!S_ISREG(st.st_mode)) return Error(path + ": not a regular file (a FIFO, socket or device)");
  state->file_size = static_cast<uint64_t>(st.st_size);
  if (state->file_size == 0) return Error(path + ": empty file (0 bytes), not a crash dump");

  std::byte head[16] = {};
  const ssize_t got = ::pread(state->file.get(), head, sizeof head, 0);
  if (got < 0) return Error(path + ": cannot read: " + std::strerror(errno));
  const std::span<const std::byte> magic(head, static_cast<size_t>(got));

  int kdump_fd = state->file.get();
  Result<Layout> layout = Error("");
  if (magic.size() >= SELFMAG && std::memcmp(magic.data(), ELFMAG, SELFMAG) == 0) {
    layout = read_elf_layout(kdump_fd, state->file_size);
  } else if (magic.size() >= 8 && std::memcmp(magic.data(), kKdumpSignature, 8) == 0) {
    layout = read_kdump_layout(kdump_fd, state->file_size, /*check_size=*/true);
  } else if (is_flattened_dump(magic)) {
    Result<FlattenedImage> image = reassemble_flattened_dump(kdump_fd, state->file_size);
    if (!image) return image.error().context(path);
    state->image = std::move(image->fd);
    kdump_fd = state->image.get();
    if (std::byte sig[8];
        ::pread(kdump_fd, sig, 8, 0) != 8 || std::memcmp(sig, kKdumpSignature, 8) != 0) {
      return Error(path + ": corrupt flattened dump: the reassembled file is not a kdump file");
    }
    layout = read_kdump_layout(kdump_fd, image->size, /*check_size=*/false);
    if (layout) layout->format = Format::kFlattened;
  } else {
    return Error(path + ": not a crash dump: neither ELF core nor kdump/flattened signature");
  }
  if (!layout) return layout.error().context(path);
  state->layout = std::move(*layout);
  for (const std::string& w : state->layout.notes.warnings) {
    state->warnings.push_back(path + ": ");
    state->warnings.back() += w;
  }
  if (state->truncated()) {
    state->warnings.push_back(state->truncation() + "; memory beyond is missing");
  } else if (state->layout.expected_size > state->file_size) {
    state->warnings.push_back(state->truncation() +
                              "; the memory is all there, only section headers are cut");
  }

  state->ctx = KdumpContext(kdump_new());
  if (!state->ctx) return Error(path + ": cannot allocate a libkdumpfile context");
  kdump_ctx_t* ctx = state->ctx.get();
  // pread, never mmap: a mapping of a file that is truncated (or shrinks
  // while Seam runs) raises SIGBUS on the missing pages instead of an error,
  // and libkdumpfile's own page cache keeps the resident set small.
  kdump_status status = kdump_set_number_attr(ctx, KDUMP_ATTR_FILE_MMAP_POLICY, KDUMP_MMAP_NEVER);
  if (status == KDUMP_OK) status = kdump_open_fd(ctx, kdump_fd);
  if (status != KDUMP_OK) {
    Error error(path + ": libkdumpfile cannot read it: " + libkdumpfile_error(ctx, status) +
                " (its headers look damaged: check how it was copied, or dump again)");
    // libkdumpfile 0.5.1 can crash in kdump_free() after a failed open (its
    // error path already freed part of the context; seen with a damaged
    // VMCOREINFO). The context is leaked instead: a few kilobytes, once.
    leak_on_purpose(state->ctx.release());
    return error;
  }
  // QEMU's kdump headers leave the utsname empty, so libkdumpfile does not
  // know the architecture, which it needs before reading anything.
  const char* arch = nullptr;
  if (kdump_get_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, &arch) != KDUMP_OK || !arch) {
    status = kdump_set_string_attr(ctx, KDUMP_ATTR_ARCH_NAME, KDUMP_ARCH_X86_64);
    if (status != KDUMP_OK) {
      return Error(
          path + ": libkdumpfile cannot set its architecture: " + libkdumpfile_error(ctx, status));
    }
  }
  // libkdumpfile takes the page size from the dump (VMCOREINFO's PAGESIZE, the
  // kdump block size) and 0.5.1 crashes reading with a damaged one; x86-64
  // has 4 KiB pages, nothing else is a valid dump of it.
  kdump_num_t page_size = 0;
  status = kdump_get_number_attr(ctx, KDUMP_ATTR_PAGE_SIZE, &page_size);
  if (status != KDUMP_OK || page_size != 4096) {
    return Error(path + ": corrupt dump: page size " + std::to_string(page_size) +
                 " (x86-64 pages are 4096 bytes; VMCOREINFO's PAGESIZE or the kdump block size "
                 "is damaged)");
  }
  return std::unique_ptr<VmcoreTarget>(new VmcoreTarget(std::move(state)));
}

std::string VmcoreTarget::describe() const {
  std::string name = std::filesystem::path(state_->path).filename().string();
  switch (state_->layout.format) {
    case Format::kElfVirtual: return name + ": ELF vmcore with virtual and physical PT_LOADs";
    case Format::kElfPhysical: return name + ": ELF vmcore, physical PT_LOADs only";
    case Format::kKdump: return name + ": kdump-compressed (" + state_->layout.compression + ")";
    case Format::kFlattened:
      return name + ": flattened kdump-compressed (" + state_->layout.compression +
             "), read directly";
  }
  return name;
}

Result<void> VmcoreTarget::read_physical(uint64_t address, std::span<std::byte> out) {
  if (out.empty()) return {};
  if (out.size() - 1 > UINT64_MAX - address) {
    return Error(state_->path + ": cannot read " + std::to_string(out.size()) +
                 " bytes at physical address " + hex(address) +
                 ": past the end of the address space");
  }
  if (state_->truncated() && !state_->layout.loads.empty()) {
    return state_->read_truncated_elf(address, out);
  }
  if (state_->truncated() && state_->layout.pages.page_size != 0) {
    if (Result<void> ok = state_->check_truncated_kdump(address, out.size()); !ok) return ok;
  }
  size_t length = out.size();
  // KDUMP_MACHPHYSADDR, not KDUMP_KPHYSADDR: the two are the same on x86-64
  // outside Xen, but a KPHYSADDR read makes libkdumpfile 0.5.1 first build
  // its whole virtual-address translation, which fails on these dumps
  // ("Cannot determine 5-level paging") before reading a byte. Seam's kernel
  // model does its own translation.
  const kdump_status status =
      kdump_read(state_->ctx.get(), KDUMP_MACHPHYSADDR, address, out.data(), &length);
  if (status == KDUMP_OK) return {};
  const uint64_t missing = address + length;  // the first byte not read
  if (status == KDUMP_ERR_NODATA) return state_->not_in_dump(missing);
  if (state_->truncated()) {
    return Error(state_->missing(missing).message() + " (" +
                 libkdumpfile_error(state_->ctx.get(), status) + ")");
  }
  return Error("cannot read physical address " + hex(missing) + " from " + state_->path + ": " +
               libkdumpfile_error(state_->ctx.get(), status));
}

int VmcoreTarget::cpu_count() const {
  return static_cast<int>(state_->layout.notes.cpus.size());
}

Result<Registers> VmcoreTarget::registers(int cpu) {
  if (cpu < 0 || cpu >= cpu_count()) {
    return Error(state_->path + ": no CPU " + std::to_string(cpu) +
                 ": the dump has registers for " + std::to_string(cpu_count()) + " CPU(s)");
  }
  const Registers& regs = state_->layout.notes.cpus[static_cast<size_t>(cpu)];
  if (regs.empty()) {
    return Error(state_->path + ": CPU " + std::to_string(cpu) +
                 "'s register note could not be decoded");
  }
  return regs;
}

std::optional<std::string> VmcoreTarget::vmcoreinfo() const {
  return state_->layout.notes.vmcoreinfo;
}

std::optional<int> VmcoreTarget::dump_crashed_cpu() const {
  return state_->layout.crashed_cpu;
}

const std::vector<std::string>& VmcoreTarget::warnings() const {
  return state_->warnings;
}

const std::string& VmcoreTarget::path() const {
  return state_->path;
}

VmcoreTarget::Format VmcoreTarget::format() const {
  return state_->layout.format;
}

}  // namespace seam::engine

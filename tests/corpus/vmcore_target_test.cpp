// VmcoreTarget on the real vmcore corpus (samples/kernels/make-corpus.sh):
// every scenario in all four dump kinds QEMU writes gives the same CPUs,
// registers, VMCOREINFO and physical memory; and damaged copies of them (in a
// temporary directory: the corpus is never modified) give errors or warnings
// that name the file, never a crash, a hang or wrong bytes.
#include "engine/vmcore_target.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

const std::array<std::string, 4> kKinds = {"vmcore.elf-paging", "vmcore.elf-phys",
                                           "vmcore.kdump-flat", "vmcore.kdump"};
constexpr size_t kPage = 4096;

std::string no_corpus() {
  return "no vmcore corpus in " + corpus_dir().string() + ": run samples/kernels/make-corpus.sh";
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// `"key": 12` in scenario.json (a flat number; enough for "cpus").
int json_int(const std::string& json, const std::string& key) {
  std::smatch m;
  if (!std::regex_search(json, m, std::regex("\"" + key + "\":\\s*(-?[0-9]+)"))) return -1;
  return std::stoi(m[1]);
}

std::string vmcoreinfo_value(const std::string& info, const std::string& key) {
  std::istringstream lines(info);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + "=", 0) == 0) return line.substr(key.size() + 1);
  }
  return "";
}

// The physical address of init_top_pgt (the kernel's top page table), from
// VMCOREINFO: the symbol is a link-time-relative kernel address, and
// NUMBER(phys_base) is signed decimal (negative under KASLR).
uint64_t init_top_pgt_phys(const std::string& info) {
  const uint64_t symbol = std::stoull(vmcoreinfo_value(info, "SYMBOL(init_top_pgt)"), nullptr, 16);
  const auto phys_base =
      static_cast<uint64_t>(std::stoll(vmcoreinfo_value(info, "NUMBER(phys_base)")));
  return symbol - 0xffffffff80000000ULL + phys_base;
}

std::vector<std::byte> read_or_empty(VmcoreTarget& target, uint64_t address, size_t size) {
  std::vector<std::byte> out(size);
  if (!target.read_physical(address, out)) return {};
  return out;
}

// A scratch directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "seam-vmcore-test-XXXXXX").string();
    if (mkdtemp(pattern.data())) path_ = pattern;
  }
  ~TempDir() {
    std::error_code error;
    if (!path_.empty()) fs::remove_all(path_, error);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void copy_prefix(const fs::path& from, const fs::path& to, uint64_t size) {
  std::ifstream in(from, std::ios::binary);
  std::ofstream out(to, std::ios::binary | std::ios::trunc);
  std::vector<char> buffer(1 << 20);
  while (size > 0 && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(std::min<uint64_t>(size, buffer.size())));
    out.write(buffer.data(), in.gcount());
    size -= static_cast<uint64_t>(in.gcount());
  }
}

void write_at(const fs::path& path, uint64_t offset, const std::vector<char>& bytes) {
  std::fstream file(path, std::ios::binary | std::ios::in | std::ios::out);
  file.seekp(static_cast<std::streamoff>(offset));
  file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<char> read_at(const fs::path& path, uint64_t offset, size_t size) {
  std::ifstream file(path, std::ios::binary);
  file.seekg(static_cast<std::streamoff>(offset));
  std::vector<char> bytes(size);
  file.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(file.gcount()));
  return bytes;
}

// Opening `path` either fails naming it, or works; then reading must not
// crash, and each failure names the file too.
void expect_error_or_usable(const fs::path& path) {
  const std::string name = path.string();
  auto target = VmcoreTarget::open(name);
  if (!target) {
    EXPECT_NE(target.error().message().find(name), std::string::npos) << target.error().message();
    return;
  }
  for (const std::string& w : (*target)->warnings())
    EXPECT_NE(w.find(name), std::string::npos) << w;
  std::vector<std::byte> buffer(3 * kPage);
  for (uint64_t address :
       {uint64_t{0}, uint64_t{0x100800}, uint64_t{0x2000000}, ~uint64_t{0} - 10}) {
    Result<void> ok = (*target)->read_physical(address, buffer);
    if (!ok) {
      EXPECT_NE(ok.error().message().find(name), std::string::npos) << ok.error().message();
    }
  }
  for (int cpu = 0; cpu < (*target)->cpu_count(); ++cpu) (void)(*target)->registers(cpu);
}

TEST(VmcoreTarget, EveryKindOfEveryScenarioAgrees) {
  const std::vector<fs::path> dirs = scenarios();
  ASSERT_FALSE(dirs.empty()) << no_corpus();
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.string());
    const int cpus = json_int(read_text(dir / "scenario.json"), "cpus");
    ASSERT_GT(cpus, 0);
    std::vector<std::unique_ptr<VmcoreTarget>> targets;
    for (const std::string& kind : kKinds) {
      const std::string path = (dir / kind).string();
      auto target = VmcoreTarget::open(path);
      ASSERT_TRUE(target) << target.error().message();
      EXPECT_TRUE((*target)->warnings().empty()) << (*target)->warnings().front();
      EXPECT_EQ((*target)->cpu_count(), cpus) << path;
      targets.push_back(std::move(*target));
    }
    EXPECT_EQ(targets[0]->describe(),
              "vmcore.elf-paging: ELF vmcore with virtual and physical PT_LOADs");
    EXPECT_EQ(targets[1]->describe(), "vmcore.elf-phys: ELF vmcore, physical PT_LOADs only");
    EXPECT_EQ(targets[2]->describe(),
              "vmcore.kdump-flat: flattened kdump-compressed (zlib), read directly");
    EXPECT_EQ(targets[3]->describe(), "vmcore.kdump: kdump-compressed (zlib)");
    EXPECT_EQ(targets[0]->dump_crashed_cpu(), std::nullopt);  // ELF has no such field
    EXPECT_EQ(targets[2]->dump_crashed_cpu(), std::optional<int>(0));
    EXPECT_EQ(targets[3]->dump_crashed_cpu(), std::optional<int>(0));

    const std::optional<std::string> info = targets[0]->vmcoreinfo();
    ASSERT_TRUE(info);
    EXPECT_NE(info->find("OSRELEASE=" + kAbi + "\n"), std::string::npos);
    const uint64_t pgt = init_top_pgt_phys(*info);
    const std::vector<std::byte> pgt_page = read_or_empty(*targets[0], pgt, kPage);
    ASSERT_FALSE(pgt_page.empty()) << "init_top_pgt at " << std::hex << pgt;
    // The kernel half of a top-level page table is never empty.
    EXPECT_NE(pgt_page, std::vector<std::byte>(kPage));
    // Three pages from the middle of one: reads that cross pages.
    const std::vector<std::byte> span = read_or_empty(*targets[0], 0x100800, 3 * kPage);
    ASSERT_FALSE(span.empty());

    for (size_t k = 0; k < targets.size(); ++k) {
      VmcoreTarget& target = *targets[k];
      SCOPED_TRACE(kKinds[k]);
      EXPECT_EQ(target.vmcoreinfo(), info);
      EXPECT_EQ(read_or_empty(target, pgt, kPage), pgt_page);
      EXPECT_EQ(read_or_empty(target, 0x100800, 3 * kPage), span);
      for (int cpu = 0; cpu < cpus; ++cpu) {
        Result<Registers> regs = target.registers(cpu);
        Result<Registers> first = targets[0]->registers(cpu);
        ASSERT_TRUE(regs) << regs.error().message();
        ASSERT_TRUE(first);
        for (Reg reg : {Reg::kRip, Reg::kRsp, Reg::kCr3, Reg::kGsBase}) {
          ASSERT_TRUE(regs->get(reg)) << reg_name(reg);
          EXPECT_EQ(regs->get(reg), first->get(reg)) << reg_name(reg) << " of CPU " << cpu;
        }
        // A kernel crash: every CPU was in the kernel, on the kernel's own page tables.
        EXPECT_GE(*regs->get(Reg::kRip), 0xffffffff80000000ULL);
        EXPECT_NE(*regs->get(Reg::kCr3), 0u);
      }
      EXPECT_FALSE(target.registers(cpus)) << "CPU past the last";
    }
  }
}

TEST(VmcoreTarget, PagesMissingFromTheDumpAreErrors) {
  const std::vector<fs::path> dirs = scenarios();
  ASSERT_FALSE(dirs.empty()) << no_corpus();
  for (const std::string& kind : kKinds) {
    const std::string path = (dirs.front() / kind).string();
    auto target = VmcoreTarget::open(path);
    ASSERT_TRUE(target) << target.error().message();
    std::vector<std::byte> page(kPage);
    // 1 TiB: far beyond the guest's 128 MiB of RAM.
    Result<void> ok = (*target)->read_physical(uint64_t{1} << 40, page);
    ASSERT_FALSE(ok) << path;
    EXPECT_EQ(ok.error().message(), "physical address 0x10000000000 is not in the dump (" + path +
                                        ": page filtered out or beyond the end)");
    // A read that starts in RAM and runs past its end names the first missing byte.
    std::vector<std::byte> two(2 * kPage);
    ok = (*target)->read_physical(0x8000000 - kPage, two);
    ASSERT_FALSE(ok) << path;
    EXPECT_NE(ok.error().message().find("not in the dump"), std::string::npos);
    EXPECT_TRUE((*target)->read_physical(0x1000, {}));  // nothing to read, nothing missing
  }
}

TEST(VmcoreTarget, TruncatedCopies) {
  const std::vector<fs::path> dirs = scenarios();
  ASSERT_FALSE(dirs.empty()) << no_corpus();
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  for (const std::string& kind : kKinds) {
    const fs::path original = dirs.front() / kind;
    auto whole = VmcoreTarget::open(original.string());
    ASSERT_TRUE(whole) << whole.error().message();
    const uint64_t size = fs::file_size(original);

    for (uint64_t cut : {uint64_t{100}, uint64_t{5000}, size / 2, size - 1}) {
      const fs::path copy = tmp.path() / (kind + "." + std::to_string(cut));
      copy_prefix(original, copy, cut);
      SCOPED_TRACE(copy.string());
      auto target = VmcoreTarget::open(copy.string());
      if (!target) {
        EXPECT_NE(target.error().message().find(copy.string() + ": truncated"), std::string::npos)
            << target.error().message();
        continue;
      }
      // Headers and notes intact: it opens, says what is missing, and every
      // page reads as in the whole dump or fails naming the file.
      ASSERT_FALSE((*target)->warnings().empty());
      EXPECT_NE((*target)->warnings().front().find(copy.string() + " is truncated: "),
                std::string::npos)
          << (*target)->warnings().front();
      EXPECT_EQ((*target)->vmcoreinfo(), (*whole)->vmcoreinfo());
      int good = 0;
      int missing = 0;
      std::vector<std::byte> page(kPage);
      std::vector<std::byte> expected(kPage);
      for (uint64_t address = 0; address < 0x8000000; address += 7 * kPage) {
        Result<void> ok = (*target)->read_physical(address, page);
        Result<void> should = (*whole)->read_physical(address, expected);
        if (ok) {
          ASSERT_TRUE(should) << "read 0x" << std::hex << address << " from a truncated copy";
          ASSERT_EQ(page, expected) << "different bytes at 0x" << std::hex << address;
          ++good;
        } else {
          EXPECT_NE(ok.error().message().find(copy.string()), std::string::npos)
              << ok.error().message();
          ++missing;
        }
      }
      if (cut == size / 2) {
        EXPECT_GT(good, 0);
        EXPECT_GT(missing, 0);
      }
    }
  }
}

// Damages one header field at a time (all ones, then zeros) in copies of
// each kind: each open fails naming the file or gives a usable target.
TEST(VmcoreTarget, CorruptHeaders) {
  const std::vector<fs::path> dirs = scenarios();
  ASSERT_FALSE(dirs.empty()) << no_corpus();
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  struct Fields {
    std::string kind;
    std::vector<uint64_t> offsets;
  };
  std::vector<uint64_t> elf;  // ELF header, the first program headers, the notes' start
  for (uint64_t o = 0; o < 64; o += 2) elf.push_back(o);
  for (uint64_t o = 64; o < 64 + 3 * 56; o += 8) elf.push_back(o);
  std::vector<uint64_t> kdump;  // disk_dump_header and kdump_sub_header
  for (uint64_t o = 0; o < 464; o += 4) kdump.push_back(o);
  for (uint64_t o = 4096; o < 4096 + 104; o += 8) kdump.push_back(o);
  {
    // The notes and VMCOREINFO (libkdumpfile takes the page size from its PAGESIZE).
    const std::vector<char> sub = read_at(dirs.front() / "vmcore.kdump", 4096 + 32, 32);
    ASSERT_EQ(sub.size(), 32u);
    uint64_t info = 0;
    uint64_t notes = 0;
    std::memcpy(&info, sub.data(), 8);
    std::memcpy(&notes, sub.data() + 16, 8);
    for (uint64_t o = 0; o < 1024; o += 4) kdump.push_back(notes + o);
    for (uint64_t o = 0; o < 512; ++o) kdump.push_back(info + o);
  }
  std::vector<uint64_t> flat = {0, 8, 16, 24, 4096, 4104, 4112};  // header, first records
  const std::vector<Fields> cases = {
      {"vmcore.elf-phys", elf}, {"vmcore.kdump", kdump}, {"vmcore.kdump-flat", flat}};
  for (const Fields& c : cases) {
    const fs::path copy = tmp.path() / c.kind;
    fs::copy_file(dirs.front() / c.kind, copy);
    for (uint64_t offset : c.offsets) {
      const std::vector<char> saved = read_at(copy, offset, 8);
      for (char fill : {'\xff', '\0'}) {
        SCOPED_TRACE(c.kind + " with 8 bytes of " + std::to_string(static_cast<int>(fill)) +
                     " at " + std::to_string(offset));
        write_at(copy, offset, std::vector<char>(8, fill));
        expect_error_or_usable(copy);
      }
      write_at(copy, offset, saved);
    }
    ASSERT_TRUE(VmcoreTarget::open(copy.string())) << "restored copy";
  }
}

TEST(VmcoreTarget, NotADump) {
  TempDir tmp;
  ASSERT_FALSE(tmp.path().empty());
  const fs::path random = tmp.path() / "random";
  std::mt19937_64 rng(42);
  std::vector<char> bytes(1 << 20);
  for (char& b : bytes) b = static_cast<char>(rng());
  std::ofstream(random, std::ios::binary)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  auto result = VmcoreTarget::open(random.string());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            random.string() + ": not a crash dump: neither ELF core nor kdump/flattened signature");

  // The right signatures followed by garbage.
  for (const std::string& signature :
       {std::string("\x7f"
                    "ELF\x02\x01\x01",
                    7),
        std::string("KDUMP   "), std::string("makedumpfile\0\0\0\0", 16)}) {
    std::copy(signature.begin(), signature.end(), bytes.begin());
    const fs::path fake = tmp.path() / "fake";
    std::ofstream(fake, std::ios::binary | std::ios::trunc)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    SCOPED_TRACE(signature);
    expect_error_or_usable(fake);
  }

  const fs::path empty = tmp.path() / "empty";
  std::ofstream(empty).close();
  result = VmcoreTarget::open(empty.string());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), empty.string() + ": empty file (0 bytes), not a crash dump");

  result = VmcoreTarget::open(tmp.path().string());
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), tmp.path().string() + ": is a directory, not a crash dump");

  const fs::path fifo = tmp.path() / "fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  result = VmcoreTarget::open(fifo.string());  // must not wait for a writer
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find(fifo.string() + ": not a regular file"),
            std::string::npos);

  result = VmcoreTarget::open((tmp.path() / "absent").string());
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("absent: cannot open: No such file"), std::string::npos);

  // An ELF file that is not a core: this test program.
  result = VmcoreTarget::open("/proc/self/exe");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message().find("/proc/self/exe: not a crash dump: an ELF file of type"),
            std::string::npos)
      << result.error().message();
}

}  // namespace
}  // namespace seam::engine

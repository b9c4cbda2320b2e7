// VmcoreTarget on the kdump-compressed files the corpus derives from the
// physical ELF dump of three scenarios (samples/kernels/kdump_convert.py,
// CONVERTED in make-corpus.sh: KASLR off, 4-level paging, 2 CPUs): lzo, snappy
// and zstd pages hold the same memory, registers and VMCOREINFO as the ELF
// dump; in the file makedumpfile filtered with -d 31 (free, cache, user and
// zero pages left out) reading a dropped page is an error for that read only,
// and the kernel model (tasks, printk log) reads the same as on the ELF dump.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "engine/kernel_tasks.h"
#include "engine/linux_kernel.h"
#include "engine/printk_log.h"
#include "engine/vmcore_target.h"
#include "symbolizer/binary.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

constexpr uint64_t kPage = 4096;
constexpr uint64_t kRam = 128ULL << 20;  // the guests' -m 128M
const std::string kReference = "vmcore.elf-phys";
const std::string kFiltered = "vmcore.kdump-d31";
// Every page of RAM, compressed three ways.
const std::array<std::pair<std::string, std::string>, 3> kCompressed = {{
    {"vmcore.kdump-lzo", "lzo"},
    {"vmcore.kdump-snappy", "snappy"},
    {"vmcore.kdump-zstd", "zstd"},
}};

// make-corpus.sh's CONVERTED: the scenarios with the derived kdump files.
const std::array<std::string, 3> kConverted = {"sysrq-nokaslr", "sysrq-4level", "smp-kthread-spin"};

// The converted scenarios, each with every derived file; a clear failure
// otherwise.
std::vector<fs::path> corpus_or_fail() {
  std::vector<fs::path> dirs;
  std::vector<fs::path> incomplete;
  for (const std::string& name : kConverted) {
    const fs::path dir = corpus_dir() / name;
    if (fs::exists(dir / "scenario.json")) dirs.push_back(dir);
  }
  for (const fs::path& dir : dirs) {
    for (const auto& [file, compression] : kCompressed) {
      if (!fs::exists(dir / file)) incomplete.push_back(dir / file);
    }
    if (!fs::exists(dir / kFiltered)) incomplete.push_back(dir / kFiltered);
  }
  if (dirs.size() != kConverted.size()) {
    ADD_FAILURE() << "no vmcore corpus (or not all of " << kConverted[0] << ", " << kConverted[1]
                  << ", " << kConverted[2] << ") in " << corpus_dir().string()
                  << ": run samples/kernels/make-corpus.sh";
    dirs.clear();
  } else if (!incomplete.empty()) {
    ADD_FAILURE() << "the vmcore corpus lacks " << incomplete.front().string() << " (and "
                  << incomplete.size() - 1
                  << " more): run samples/kernels/make-corpus.sh, which adds the kdump "
                     "variants to existing scenarios";
    dirs.clear();
  }
  return dirs;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::vector<std::byte> read_page(VmcoreTarget& target, uint64_t pfn) {
  std::vector<std::byte> out(kPage);
  if (!target.read_physical(pfn * kPage, out)) return {};
  return out;
}

bool all_zero(const std::vector<std::byte>& bytes) {
  return std::all_of(bytes.begin(), bytes.end(), [](std::byte b) { return b == std::byte{0}; });
}

// A few hundred page frames of RAM: the first and last pages, every 4 MiB,
// and random ones (the same on every run).
std::vector<uint64_t> sample_pfns() {
  std::vector<uint64_t> pfns = {0, 1, 0x9f, 0x100, kRam / kPage - 1};
  for (uint64_t pfn = 0; pfn < kRam / kPage; pfn += (4 << 20) / kPage) pfns.push_back(pfn);
  std::mt19937_64 random(20240601);
  std::uniform_int_distribution<uint64_t> any(0, kRam / kPage - 1);
  for (int i = 0; i < 300; ++i) pfns.push_back(any(random));
  std::sort(pfns.begin(), pfns.end());
  pfns.erase(std::unique(pfns.begin(), pfns.end()), pfns.end());
  return pfns;
}

// The page frames a kdump file holds: its second bitmap (makedumpfile's
// diskdump_mod.h: header block, sub-header blocks, then the two bitmaps).
std::vector<bool> dumped_pfns(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> header(464);
  in.read(header.data(), static_cast<std::streamsize>(header.size()));
  auto u32 = [&](size_t at) {
    uint32_t v = 0;
    std::memcpy(&v, header.data() + at, 4);
    return v;
  };
  const uint64_t block_size = u32(428), sub_hdr_size = u32(432), bitmap_blocks = u32(436);
  const uint64_t half = bitmap_blocks * block_size / 2;
  std::vector<unsigned char> bitmap(half);
  in.seekg(static_cast<std::streamoff>((1 + sub_hdr_size) * block_size + half));
  in.read(reinterpret_cast<char*>(bitmap.data()), static_cast<std::streamsize>(half));
  if (!in) return {};
  std::vector<bool> dumped(half * 8);
  for (uint64_t pfn = 0; pfn < dumped.size(); ++pfn) {
    dumped[pfn] = (bitmap[pfn / 8] >> (pfn % 8)) & 1;
  }
  return dumped;
}

TEST(VmcoreCompression, EveryCompressionHoldsTheElfDumpsMemory) {
  const std::vector<fs::path> dirs = corpus_or_fail();
  ASSERT_FALSE(dirs.empty());
  const std::vector<uint64_t> pfns = sample_pfns();
  ASSERT_GE(pfns.size(), 300u);
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.string());
    auto reference = VmcoreTarget::open((dir / kReference).string());
    ASSERT_TRUE(reference) << reference.error().message();
    std::vector<std::vector<std::byte>> pages;
    for (uint64_t pfn : pfns) {
      pages.push_back(read_page(**reference, pfn));
      ASSERT_FALSE(pages.back().empty()) << kReference << " lacks page " << hex(pfn * kPage);
    }
    // The sample holds real data, not just zeros.
    EXPECT_GT(std::count_if(pages.begin(), pages.end(), [](auto& p) { return !all_zero(p); }), 100);

    for (const auto& [file, compression] : kCompressed) {
      const std::string path = (dir / file).string();
      SCOPED_TRACE(file);
      auto target = VmcoreTarget::open(path);
      ASSERT_TRUE(target) << target.error().message();
      EXPECT_TRUE((*target)->warnings().empty()) << (*target)->warnings().front();
      EXPECT_EQ((*target)->format(), VmcoreTarget::Format::kKdump);
      EXPECT_EQ((*target)->describe(), file + ": kdump-compressed (" + compression + ")");
      EXPECT_EQ((*target)->vmcoreinfo(), (*reference)->vmcoreinfo());
      ASSERT_EQ((*target)->cpu_count(), (*reference)->cpu_count());
      EXPECT_EQ((*target)->dump_crashed_cpu(), std::optional<int>(0));
      for (int cpu = 0; cpu < (*target)->cpu_count(); ++cpu) {
        Result<Registers> regs = (*target)->registers(cpu);
        Result<Registers> want = (*reference)->registers(cpu);
        ASSERT_TRUE(regs) << regs.error().message();
        ASSERT_TRUE(want) << want.error().message();
        for (size_t r = 0; r < kRegCount; ++r) {
          const auto reg = static_cast<Reg>(r);
          EXPECT_EQ(regs->get(reg), want->get(reg)) << reg_name(reg) << " of CPU " << cpu;
        }
      }
      size_t differ = 0;
      for (size_t i = 0; i < pfns.size(); ++i) {
        std::vector<std::byte> page = read_page(**target, pfns[i]);
        if (page != pages[i] && differ++ < 5) {
          ADD_FAILURE() << file << ": page " << hex(pfns[i] * kPage)
                        << (page.empty() ? " cannot be read" : " differs from " + kReference);
        }
      }
      EXPECT_EQ(differ, 0u);
      // A read across pages, from the middle of one.
      std::vector<std::byte> span(3 * kPage), want_span(3 * kPage);
      ASSERT_TRUE((*reference)->read_physical(0x100800, want_span));
      ASSERT_TRUE((*target)->read_physical(0x100800, span));
      EXPECT_EQ(span, want_span);
    }
  }
}

TEST(VmcoreCompression, FilteredPagesAreErrorsForThatReadOnly) {
  const std::vector<fs::path> dirs = corpus_or_fail();
  ASSERT_FALSE(dirs.empty());
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.string());
    const std::string path = (dir / kFiltered).string();
    auto reference = VmcoreTarget::open((dir / kReference).string());
    ASSERT_TRUE(reference) << reference.error().message();
    auto target = VmcoreTarget::open(path);
    ASSERT_TRUE(target) << target.error().message();
    EXPECT_TRUE((*target)->warnings().empty()) << (*target)->warnings().front();
    EXPECT_EQ((*target)->describe(), kFiltered + ": kdump-compressed (zlib)");
    EXPECT_EQ((*target)->vmcoreinfo(), (*reference)->vmcoreinfo());
    EXPECT_EQ((*target)->cpu_count(), (*reference)->cpu_count());

    const std::vector<bool> dumped = dumped_pfns(path);
    ASSERT_GE(dumped.size(), kRam / kPage) << "cannot read the bitmap of " << path;
    std::vector<uint64_t> kept, dropped;
    for (uint64_t pfn = 0; pfn < kRam / kPage; ++pfn) (dumped[pfn] ? kept : dropped).push_back(pfn);
    // -d 31 leaves out a good part of an idle 128 MiB guest, and keeps the kernel.
    EXPECT_GT(dropped.size(), kRam / kPage / 10) << "makedumpfile dropped too few pages";
    EXPECT_GT(kept.size(), kRam / kPage / 10) << "makedumpfile kept too few pages";

    // Dropped pages, spread over RAM: each read fails naming its address,
    // whatever the page held in the ELF dump (zeros, or a free, cache or
    // user page's data).
    size_t dropped_with_data = 0;
    const size_t step_dropped = std::max<size_t>(1, dropped.size() / 150);
    for (size_t i = 0; i < dropped.size(); i += step_dropped) {
      const uint64_t address = dropped[i] * kPage + 0x18;
      std::vector<std::byte> bytes(64);
      Result<void> ok = (*target)->read_physical(address, bytes);
      ASSERT_FALSE(ok) << "page " << hex(dropped[i] * kPage) << " was filtered out";
      EXPECT_EQ(ok.error().message(), "physical address " + hex(address) + " is not in the dump (" +
                                          path + ": page filtered out or beyond the end)");
      if (!all_zero(read_page(**reference, dropped[i]))) ++dropped_with_data;
    }
    EXPECT_GT(dropped_with_data, 0u) << "only zero pages were dropped: not a -d 31 dump";

    // Kept pages read as in the ELF dump, before and after failed reads.
    const size_t step_kept = std::max<size_t>(1, kept.size() / 150);
    for (size_t i = 0; i < kept.size(); i += step_kept) {
      EXPECT_EQ(read_page(**target, kept[i]), read_page(**reference, kept[i]))
          << "page " << hex(kept[i] * kPage);
    }

    // A read that starts in a kept page and runs into a dropped one fails at
    // the first missing byte; the next read of the kept page works.
    for (size_t i = 0; i + 1 < kRam / kPage; ++i) {
      if (!dumped[i] || dumped[i + 1]) continue;
      std::vector<std::byte> two(2 * kPage - 0x100);
      Result<void> ok = (*target)->read_physical(i * kPage + 0x100, two);
      ASSERT_FALSE(ok);
      EXPECT_NE(ok.error().message().find("physical address " + hex((i + 1) * kPage) + " "),
                std::string::npos)
          << ok.error().message();
      EXPECT_EQ(read_page(**target, i), read_page(**reference, i));
      break;
    }
  }
}

TEST(VmcoreCompression, KernelModelWorksOnTheFilteredDump) {
  const std::vector<fs::path> dirs = corpus_or_fail();
  ASSERT_FALSE(dirs.empty());
  auto vmlinux = Binary::open(vmlinux_path().string(), LoadOptions{});
  ASSERT_TRUE(vmlinux) << vmlinux.error().message();
  for (const fs::path& dir : dirs) {
    SCOPED_TRACE(dir.string());
    auto reference = VmcoreTarget::open((dir / kReference).string());
    auto filtered = VmcoreTarget::open((dir / kFiltered).string());
    ASSERT_TRUE(reference) << reference.error().message();
    ASSERT_TRUE(filtered) << filtered.error().message();
    auto want = LinuxKernel::open(**reference, **vmlinux, {});
    auto got = LinuxKernel::open(**filtered, **vmlinux, {});
    ASSERT_TRUE(want) << want.error().message();
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE((*got)->warnings().empty()) << (*got)->warnings().front();
    EXPECT_EQ((*got)->kaslr_offset(), (*want)->kaslr_offset());
    EXPECT_EQ((*got)->paging_levels(), (*want)->paging_levels());

    Result<std::vector<Task>> want_tasks = read_tasks(**want);
    Result<std::vector<Task>> got_tasks = read_tasks(**got);
    ASSERT_TRUE(want_tasks) << want_tasks.error().message();
    ASSERT_TRUE(got_tasks) << got_tasks.error().message();
    auto summary = [](const std::vector<Task>& tasks) {
      std::ostringstream out;
      for (const Task& t : tasks) out << t.pid << " " << t.comm << "\n";
      return out.str();
    };
    EXPECT_GT(want_tasks->size(), 10u);
    EXPECT_EQ(summary(*got_tasks), summary(*want_tasks));

    Result<std::vector<LogRecord>> want_log = read_printk_log(**want);
    Result<std::vector<LogRecord>> got_log = read_printk_log(**got);
    ASSERT_TRUE(want_log) << want_log.error().message();
    ASSERT_TRUE(got_log) << got_log.error().message();
    EXPECT_GT(want_log->size(), 100u);
    ASSERT_EQ(got_log->size(), want_log->size());
    for (size_t i = 0; i < want_log->size(); ++i) {
      const LogRecord& a = (*got_log)[i];
      const LogRecord& b = (*want_log)[i];
      if (a.sequence != b.sequence || a.timestamp_ns != b.timestamp_ns || a.level != b.level ||
          a.facility != b.facility || a.text != b.text) {
        ADD_FAILURE() << "log record " << i << " differs: " << a.sequence << " " << a.text << " / "
                      << b.sequence << " " << b.text;
        break;
      }
    }
  }
}

}  // namespace
}  // namespace seam::engine

// ModuleKallsyms on the real vmcore corpus: seam_crash's symbols read from
// the dump's struct module give what the kernel printed in its Call Trace
// (serial.log: "seam_crash_do_bug+0x1d/0x27 [seam_crash]"), and struct
// modules that are not one (garbage, unmapped) give errors naming the module.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/kernel_modules.h"
#include "engine/linux_kernel.h"
#include "engine/module_kallsyms.h"
#include "engine/vmcore_target.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

class ModuleKallsymsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::path vmlinux = vmlinux_path();
    fs::path dump = scenario_dir("module-bug") / "vmcore.elf-paging";
    ASSERT_TRUE(fs::exists(dump)) << dump << ": run samples/kernels/make-corpus.sh";
    auto binary = Binary::open(vmlinux.string(), LoadOptions{});
    ASSERT_TRUE(binary) << binary.error().message();
    vmlinux_ = std::move(*binary);
    auto target = VmcoreTarget::open(dump.string());
    ASSERT_TRUE(target) << target.error().message();
    target_ = std::move(*target);
    auto kernel = LinuxKernel::open(*target_, *vmlinux_, {});
    ASSERT_TRUE(kernel) << kernel.error().message();
    kernel_ = std::move(*kernel);
  }

  std::unique_ptr<Binary> vmlinux_;
  std::unique_ptr<VmcoreTarget> target_;
  std::unique_ptr<LinuxKernel> kernel_;
};

TEST_F(ModuleKallsymsTest, SeamCrashAsTheKernelPrintedIt) {
  auto modules = read_modules(*kernel_);
  ASSERT_TRUE(modules) << modules.error().message();
  const ModuleInfo* seam_crash = nullptr;
  for (const ModuleInfo& m : *modules) {
    if (m.name == "seam_crash") seam_crash = &m;
  }
  ASSERT_NE(seam_crash, nullptr);
  auto table = ModuleKallsyms::read(*kernel_, seam_crash->address, seam_crash->name);
  ASSERT_TRUE(table) << table.error().message();
  EXPECT_GT(table->symbols().size(), 20u);

  auto found = table->find("seam_crash_do_bug");
  ASSERT_EQ(found.size(), 1u);
  const KallsymsSymbol& bug = *found.front();
  EXPECT_EQ(bug.type, 't');
  EXPECT_EQ(bug.end - bug.address, 0x27u);  // "seam_crash_do_bug+0x1d/0x27"
  auto frame = table->symbolize(bug.address + 0x1d);
  ASSERT_TRUE(frame);
  EXPECT_EQ(frame->first, "seam_crash_do_bug");
  EXPECT_EQ(frame->second, 0x1du);

  auto level3 = table->find("seam_crash_level3");
  ASSERT_EQ(level3.size(), 1u);
  EXPECT_EQ(level3.front()->end - level3.front()->address, 0xa0u);  // "+0x7d/0xa0"

  // Sorted, and every lookup lands in the symbol it starts.
  for (size_t i = 0; i < table->symbols().size(); ++i) {
    const KallsymsSymbol& s = table->symbols()[i];
    if (i > 0) {
      EXPECT_LE(table->symbols()[i - 1].address, s.address);
    }
    auto match = table->lookup(s.address);
    ASSERT_TRUE(match) << s.name;
    EXPECT_EQ(match->symbol->address, s.address);
    EXPECT_EQ(match->offset, 0u);
  }
  EXPECT_FALSE(table->lookup(table->symbols().front().address - 1));
}

TEST_F(ModuleKallsymsTest, NotAModuleIsAnErrorNamingIt) {
  // Unmapped memory, and kernel data that is not a struct module (text:
  // its "pointers" are ASCII).
  auto banner = kernel_->symbol_address("linux_banner");
  ASSERT_TRUE(banner);
  for (uint64_t bogus : {uint64_t{0}, uint64_t{0x1000}, *banner}) {
    auto table = ModuleKallsyms::read(*kernel_, bogus, "bogus_mod");
    if (table) {
      // Garbage that happens to read as an empty table is fine; a table of
      // garbage symbols is not expected from these.
      EXPECT_TRUE(table->symbols().empty());
    } else {
      EXPECT_NE(table.error().message().find("module bogus_mod"), std::string::npos)
          << table.error().message();
    }
  }
}

}  // namespace
}  // namespace seam::engine

// The kernel model on the real vmcore corpus (samples/kernels): KASLR and the
// page tables found by searching memory agree with what VMCOREINFO says, on
// every scenario and dump kind, 4- and 5-level paging, KASLR on and off.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/kernel_tasks.h"
#include "engine/linux_kernel.h"
#include "engine/vmcore_target.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

TEST(KernelModel, SearchFindsWhatVmcoreinfoSays) {
  std::vector<fs::path> dirs = scenarios();
  ASSERT_GE(dirs.size(), 5u) << "no vmcore corpus: run samples/kernels/make-corpus.sh";
  auto vmlinux = Binary::open(vmlinux_path().string(), LoadOptions{});
  ASSERT_TRUE(vmlinux) << vmlinux.error().message();
  for (const fs::path& dir : dirs) {
    for (const char* kind :
         {"vmcore.elf-paging", "vmcore.elf-phys", "vmcore.kdump-flat", "vmcore.kdump"}) {
      std::string dump = (dir / kind).string();
      SCOPED_TRACE(dump);
      auto target = VmcoreTarget::open(dump);
      ASSERT_TRUE(target) << target.error().message();
      auto by_info = LinuxKernel::open(**target, **vmlinux, {.ignore_vmcoreinfo = false});
      auto by_search = LinuxKernel::open(**target, **vmlinux, {.ignore_vmcoreinfo = true});
      ASSERT_TRUE(by_info) << by_info.error().message();
      ASSERT_TRUE(by_search) << by_search.error().message();
      EXPECT_EQ((*by_info)->kaslr_source(), "VMCOREINFO");
      EXPECT_NE((*by_search)->kaslr_source(), "VMCOREINFO");
      EXPECT_EQ((*by_info)->kaslr_offset(), (*by_search)->kaslr_offset());
      EXPECT_EQ((*by_info)->paging_levels(), (*by_search)->paging_levels());
      EXPECT_TRUE((*by_info)->warnings().empty());
      // The same memory through either model: init_task's comm.
      auto init_info = (*by_info)->symbol_address("init_task");
      auto init_search = (*by_search)->symbol_address("init_task");
      ASSERT_TRUE(init_info && init_search);
      auto a = read_task(**by_info, *init_info);
      auto b = read_task(**by_search, *init_search);
      ASSERT_TRUE(a && b);
      EXPECT_EQ(a->comm, "swapper/0");
      EXPECT_EQ(b->comm, "swapper/0");
    }
  }
}

}  // namespace
}  // namespace seam::engine

// The symbolizer on the test binary itself: it is built with DWARF, so its own
// functions must come back with their names, language, file and line.
#include "symbolizer/binary.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <link.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace seam {
namespace {

// Kept out of line so that it has an address and a frame of its own.
[[gnu::noinline]] int function_to_find(int x) {
  return x * 3 + 1;
}

namespace outer::inner {
[[gnu::noinline]] int qualified_function(int x) {
  return x - 7;
}
}  // namespace outer::inner

// Runtime address -> file address of this (position-independent) executable.
uint64_t file_address(const void* runtime_address) {
  Dl_info info;
  link_map* map = nullptr;
  if (!dladdr1(runtime_address, &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) || !map) {
    return 0;
  }
  return reinterpret_cast<uint64_t>(runtime_address) - map->l_addr;
}

std::unique_ptr<Binary> open_self() {
  Result<std::unique_ptr<Binary>> binary = Binary::open("/proc/self/exe", {});
  EXPECT_TRUE(binary) << binary.error().message();
  return binary ? std::move(*binary) : nullptr;
}

TEST(BinaryTest, NamesItsOwnFunctionFromDwarf) {
  ASSERT_EQ(function_to_find(2), 7);
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  uint64_t address = file_address(reinterpret_cast<const void*>(&function_to_find));
  Symbolized result = binary->symbolize(address);
  ASSERT_FALSE(result.frames.empty());
  const SourceFrame& frame = result.frames.back();
  EXPECT_EQ(frame.function, "seam::(anonymous namespace)::function_to_find");
  EXPECT_EQ(frame.language, Language::Cpp);
  EXPECT_EQ(frame.source, SymbolSource::Dwarf);
  EXPECT_EQ(std::filesystem::path(frame.file).filename(), "binary_test.cpp");
  EXPECT_GT(frame.line, 0u);
  EXPECT_EQ(frame.function_offset, 0u);
  EXPECT_FALSE(frame.inlined);
}

TEST(BinaryTest, FindsFunctionsNestedInNamespaces) {
  ASSERT_EQ(outer::inner::qualified_function(8), 1);
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  uint64_t address = file_address(reinterpret_cast<const void*>(&outer::inner::qualified_function));
  Symbolized result = binary->symbolize(address + 1);
  ASSERT_FALSE(result.frames.empty());
  EXPECT_NE(result.frames.back().function.find("outer::inner::qualified_function"),
            std::string::npos)
      << result.frames.back().function;
  EXPECT_EQ(result.frames.back().function_offset, 1u);
}

TEST(BinaryTest, UnknownAddressGivesNoFrames) {
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  EXPECT_TRUE(binary->symbolize(0xdead00000000).frames.empty());
}

TEST(BinaryTest, NonElfFileIsAClearError) {
  std::string path = testing::TempDir() + "/not-elf.txt";
  std::ofstream(path) << "hello, this is not an ELF file\n";
  Result<std::unique_ptr<Binary>> binary = Binary::open(path, {});
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message().find(path), std::string::npos);
  EXPECT_NE(binary.error().message().find("not an ELF file"), std::string::npos);
}

TEST(BinaryTest, MissingFileIsAClearError) {
  Result<std::unique_ptr<Binary>> binary = Binary::open("/nonexistent/vmlinux", {});
  ASSERT_FALSE(binary);
  EXPECT_EQ(binary.error().message(),
            "/nonexistent/vmlinux: cannot open: No such file or directory");
}

TEST(BinaryTest, TruncatedElfIsAClearError) {
  std::string path = testing::TempDir() + "/truncated.elf";
  {
    std::ifstream self("/proc/self/exe", std::ios::binary);
    std::string head(4096, '\0');
    self.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(path, std::ios::binary) << head;
  }
  Result<std::unique_ptr<Binary>> binary = Binary::open(path, {});
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message().find("truncated"), std::string::npos)
      << binary.error().message();
}

TEST(BinaryTest, SectionPlacementIsRejectedForExecutables) {
  LoadOptions options;
  options.section_addresses[".text"] = 0x1000;
  Result<std::unique_ptr<Binary>> binary = Binary::open("/proc/self/exe", options);
  ASSERT_FALSE(binary);
  EXPECT_NE(binary.error().message().find("relocatable"), std::string::npos);
}

}  // namespace
}  // namespace seam

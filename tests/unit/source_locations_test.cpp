// SourceLocations on the mixed C / Rust / C++ samples (the `samples` target):
// function names of each language and FILE:LINE to breakpoint addresses, and
// the line and inline ranges stepping uses. gdb's exact addresses are checked
// by tests/integration/test_source_locations.py; here, the API's promises.
#include "symbolizer/source_locations.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "symbolizer/binary.h"
#include "symbolizer/printf_format.h"

namespace seam {
namespace {

std::unique_ptr<Binary> open_sample(const std::string& name) {
  std::string path = std::string(SEAM_SAMPLES_DIR) + "/" + name;
  if (!std::filesystem::exists(path)) return nullptr;
  Result<std::unique_ptr<Binary>> binary = Binary::open(path, {});
  return binary ? std::move(*binary) : nullptr;
}

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

class SourceLocationsTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    binary_ = open_sample(GetParam());
    if (!binary_) GTEST_FAIL() << GetParam() << " is not built (the `samples` target)";
  }
  std::vector<BreakpointLocation> resolve(const std::string& location) {
    Result<std::vector<BreakpointLocation>> found = binary_->source_locations().resolve(location);
    EXPECT_TRUE(found) << location << ": " << found.error().message();
    return found ? *found : std::vector<BreakpointLocation>{};
  }
  std::unique_ptr<Binary> binary_;
};

TEST_P(SourceLocationsTest, CppQualifiedAndWildNamesAgree) {
  if (!binary_->symbol_address("_ZN4seam8geometry9CReporter8on_totalEdm")) {
    // mixed-gcc-legacy links its C++ part as a shared library: test that.
    binary_ = open_sample("libmixed-cpp-gcc.so");
    ASSERT_TRUE(binary_) << "libmixed-cpp-gcc.so is not built (the `samples` target)";
  }
  std::vector<BreakpointLocation> full = resolve("seam::geometry::CReporter::on_total");
  ASSERT_EQ(full.size(), 1u);
  EXPECT_EQ(full[0].function, "seam::geometry::CReporter::on_total");
  EXPECT_TRUE(ends_with(full[0].file, "shapes.cpp"));
  EXPECT_FALSE(full[0].inlined);
  for (const char* other :
       {"CReporter::on_total", "on_total", "_ZN4seam8geometry9CReporter8on_totalEdm"}) {
    std::vector<BreakpointLocation> found = resolve(other);
    ASSERT_EQ(found.size(), 1u) << other;
    EXPECT_EQ(found[0].address, full[0].address) << other;
  }
}

TEST_P(SourceLocationsTest, RustGenericArgumentsAreOptional) {
  std::vector<BreakpointLocation> plain = resolve("mixed_rs::measure_scene");
  std::vector<BreakpointLocation> generic = resolve("mixed_rs::measure_scene<mixed_rs::Unit>");
  ASSERT_FALSE(plain.empty());
  ASSERT_EQ(plain.size(), generic.size());
  EXPECT_EQ(plain[0].address, generic[0].address);
  EXPECT_TRUE(ends_with(plain[0].file, "lib.rs"));
  // A Rust path is not matched by its last component alone (as gdb).
  EXPECT_FALSE(binary_->source_locations().resolve("measure_scene"));
}

TEST_P(SourceLocationsTest, InlinedFunctionsStopInTheirCaller) {
  std::vector<BreakpointLocation> found = resolve("maybe_capture");
  ASSERT_FALSE(found.empty());
  for (const BreakpointLocation& b : found) {
    EXPECT_TRUE(b.inlined);
    Symbolized s = binary_->symbolize(b.address);
    ASSERT_FALSE(s.frames.empty());
    EXPECT_EQ(s.frames.back().function, "mixed_c_report");
  }
}

TEST_P(SourceLocationsTest, LineWithoutCodeMovesToTheNextLine) {
  // callback.c:130 is a comment or blank line in maybe_capture; its code starts at 132.
  std::vector<BreakpointLocation> found = resolve("callback.c:130");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].line, 132u);
  EXPECT_EQ(resolve("samples/mixed/callback.c:130")[0].address, found[0].address);
  // The path frames and locations print (the unit's directory joined to the
  // table's name) names the same file: what a GUI gutter click passes.
  EXPECT_EQ(resolve(found[0].file + ":130")[0].address, found[0].address) << found[0].file;
  EXPECT_FALSE(binary_->source_locations().resolve("allback.c:130"))
      << "suffix must start at a '/'";
  EXPECT_FALSE(binary_->source_locations().resolve("no_such_function_anywhere"));
  EXPECT_FALSE(binary_->source_locations().resolve("callback.c:100000"));
}

TEST_P(SourceLocationsTest, LineRangeHoldsTheAddress) {
  std::vector<BreakpointLocation> found = resolve("callback.c:132");
  ASSERT_FALSE(found.empty());
  uint64_t pc = found[0].address;
  std::optional<LineRange> range = binary_->source_locations().line_range_at(pc);
  ASSERT_TRUE(range);
  EXPECT_LE(range->low, pc);
  EXPECT_LT(pc, range->high);
  EXPECT_EQ(range->line, 132u);
  EXPECT_TRUE(ends_with(range->file, "callback.c"));
  // Every address of the range symbolizes to that line.
  for (uint64_t a = range->low; a < range->high; ++a) {
    Symbolized s = binary_->symbolize(a);
    ASSERT_FALSE(s.frames.empty());
    EXPECT_EQ(s.frames.front().line, 132u) << hex(a);
  }
}

TEST_P(SourceLocationsTest, InlineRangesGiveTheCallSites) {
  std::vector<BreakpointLocation> found = resolve("maybe_capture");
  ASSERT_FALSE(found.empty());
  uint64_t pc = found[0].address;
  std::vector<InlineRange> chain = binary_->source_locations().inline_ranges_at(pc);
  ASSERT_GE(chain.size(), 2u);
  EXPECT_EQ(chain.front().function, "maybe_capture");
  EXPECT_TRUE(chain.front().inlined);
  EXPECT_TRUE(ends_with(chain.front().call_file, "callback.c"));
  EXPECT_GT(chain.front().call_line, 0u);
  EXPECT_EQ(chain.back().function, "mixed_c_report");
  EXPECT_FALSE(chain.back().inlined);
  for (const InlineRange& frame : chain) {
    bool holds = false;
    for (auto [low, high] : frame.ranges) holds |= low <= pc && pc < high;
    EXPECT_TRUE(holds) << frame.function;
  }
  // Symbolize agrees on the call site of the inlined frame.
  Symbolized s = binary_->symbolize(pc);
  ASSERT_EQ(s.frames.size(), chain.size());
  EXPECT_EQ(s.frames[1].line, chain.front().call_line);
}

INSTANTIATE_TEST_SUITE_P(Samples, SourceLocationsTest,
                         ::testing::Values("mixed-gcc-v0", "mixed-clang-v0", "mixed-gcc-legacy"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace seam

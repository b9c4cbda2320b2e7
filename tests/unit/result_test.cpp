#include "symbolizer/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace seam {
namespace {

Result<int> parse_positive(int value) {
  if (value <= 0) return Error("not positive: " + std::to_string(value));
  return value;
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> good = parse_positive(3);
  ASSERT_TRUE(good);
  EXPECT_EQ(*good, 3);
  Result<int> bad = parse_positive(-1);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message(), "not positive: -1");
}

TEST(ResultTest, ContextPrefixesTheMessage) {
  Error error = Error("bad ELF header").context("vmlinux");
  EXPECT_EQ(error.message(), "vmlinux: bad ELF header");
}

TEST(ResultTest, MovesOutMoveOnlyValues) {
  Result<std::unique_ptr<int>> result = std::make_unique<int>(7);
  std::unique_ptr<int> value = std::move(result).value();
  EXPECT_EQ(*value, 7);
}

TEST(ResultTest, VoidResult) {
  Result<void> ok;
  EXPECT_TRUE(ok);
  Result<void> failed = Error("nope");
  EXPECT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "nope");
}

}  // namespace
}  // namespace seam

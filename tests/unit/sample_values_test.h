// The fixture the value tests share (value_format_test, value_children_test):
// samples/values opened once a suite, its Binary and its global variables,
// and every test failing, not skipped, when the samples are not built.
//
//   class ValueFormatTest : public test::SampleValuesTest {};
//   TEST_F(ValueFormatTest, X) {
//     const test::GlobalVariable* v = globals_->find("c_point");
//     test::BinaryValueReader reader(*binary_);
//   }
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "symbolizer/binary.h"
#include "tests/tools/global_variables.h"

namespace seam::test {

inline std::string samples_values_binary() {
  return std::string(SEAM_SAMPLES_DIR) + "/values";
}

class SampleValuesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(samples_values_binary())) return;
    auto binary = Binary::open(samples_values_binary(), {});
    ASSERT_TRUE(binary) << binary.error().message();
    binary_ = std::move(*binary).release();
    globals_ = new GlobalVariables(samples_values_binary());
  }
  static void TearDownTestSuite() {
    delete globals_;
    delete binary_;
    globals_ = nullptr;
    binary_ = nullptr;
  }
  void SetUp() override {
    if (binary_ == nullptr) {
      GTEST_FAIL() << "no " << samples_values_binary() << " (samples not built)";
    }
  }

  // Owned from SetUpTestSuite to TearDownTestSuite (gtest's suite-wide state).
  inline static Binary* binary_ = nullptr;
  inline static GlobalVariables* globals_ = nullptr;
};

}  // namespace seam::test

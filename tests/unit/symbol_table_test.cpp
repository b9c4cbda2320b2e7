// SymbolTable by name, and Binary's symbol and byte access, on the test
// binary itself: its own functions and variables, with their nm letters.
#include "symbolizer/symbol_table.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "symbolizer/binary.h"

// Plain ELF names (extern "C") with known nm letters.
extern "C" {
[[gnu::noinline]] [[gnu::used]] int seam_symtab_text(int x) {
  return x + 1;
}
[[gnu::used]] int seam_symtab_data = 42;
[[gnu::used]] int seam_symtab_bss;
[[gnu::weak]] [[gnu::noinline]] [[gnu::used]] int seam_symtab_weak(int x) {
  return x;
}
}
// `extern` because a const object in an extern "C" block is still internal.
extern "C" [[gnu::used]] const char seam_symtab_rodata[] = "seam read-only string";
[[gnu::used]] static int seam_symtab_local_data = 7;

namespace seam {
namespace {

std::unique_ptr<Binary> open_self() {
  Result<std::unique_ptr<Binary>> binary = Binary::open("/proc/self/exe", {});
  EXPECT_TRUE(binary) << binary.error().message();
  return binary ? std::move(*binary) : nullptr;
}

char type_of(const SymbolTable& symbols, std::string_view name) {
  std::vector<SymbolMatch> matches = symbols.find(name);
  return matches.empty() ? '\0' : matches.front().type;
}

TEST(SymbolTableTest, FindsSymbolsByNameWithNmLetters) {
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  const SymbolTable& symbols = binary->symbols();
  EXPECT_EQ(type_of(symbols, "seam_symtab_text"), 'T');
  EXPECT_EQ(type_of(symbols, "seam_symtab_data"), 'D');
  EXPECT_EQ(type_of(symbols, "seam_symtab_bss"), 'B');
  EXPECT_EQ(type_of(symbols, "seam_symtab_rodata"), 'R');
  EXPECT_EQ(type_of(symbols, "seam_symtab_weak"), 'W');
  EXPECT_EQ(type_of(symbols, "_ZL22seam_symtab_local_data"), 'd');
  EXPECT_TRUE(symbols.find("no_such_symbol_in_this_binary").empty());

  std::vector<SymbolMatch> text = symbols.find("seam_symtab_text");
  ASSERT_EQ(text.size(), 1u);
  EXPECT_EQ(text[0].name, "seam_symtab_text");
  EXPECT_GT(text[0].size, 0u);
  // Name and address lookups agree.
  std::optional<SymbolMatch> by_address = symbols.lookup(text[0].address);
  ASSERT_TRUE(by_address);
  EXPECT_EQ(by_address->name, "seam_symtab_text");
  EXPECT_EQ(by_address->type, 'T');
  EXPECT_EQ(seam_symtab_text(seam_symtab_local_data), 8);
}

TEST(SymbolTableTest, CompletesPrefixesSortedAndLimited) {
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  std::vector<std::string_view> names = binary->symbols().complete("seam_symtab_", 100);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end());
  for (std::string_view name :
       {"seam_symtab_bss", "seam_symtab_data", "seam_symtab_rodata", "seam_symtab_text"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  EXPECT_EQ(binary->symbols().complete("seam_symtab_", 2).size(), 2u);
  EXPECT_TRUE(binary->symbols().complete("no_such_prefix_zzz", 5).empty());
}

TEST(SymbolTableTest, BinaryResolvesNamesAndReadsItsSections) {
  std::unique_ptr<Binary> binary = open_self();
  ASSERT_TRUE(binary);
  Result<uint64_t> rodata = binary->symbol_address("seam_symtab_rodata");
  ASSERT_TRUE(rodata) << rodata.error().message();
  Result<std::string> text = binary->read_string_at(*rodata, 256);
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_EQ(*text, "seam read-only string");
  EXPECT_EQ(*binary->read_string_at(*rodata, 4), "seam");

  Result<std::vector<uint8_t>> data =
      binary->read_at(*binary->symbol_address("seam_symtab_data"), 4);
  ASSERT_TRUE(data) << data.error().message();
  EXPECT_EQ((*data)[0], 42);

  Result<std::vector<uint8_t>> bss = binary->read_at(*binary->symbol_address("seam_symtab_bss"), 4);
  ASSERT_FALSE(bss);
  EXPECT_NE(bss.error().message().find(".bss"), std::string::npos) << bss.error().message();

  Result<uint64_t> missing = binary->symbol_address("no_such_symbol_in_this_binary");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no_such_symbol_in_this_binary"), std::string::npos);
  EXPECT_FALSE(binary->read_string_at(0x10, 8));

  std::optional<std::string> id = binary->build_id();
  if (id) {
    EXPECT_EQ(id->find_first_not_of("0123456789abcdef"), std::string::npos);
  }
}

}  // namespace
}  // namespace seam

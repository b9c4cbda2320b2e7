// format_value and type_name on real DWARF: the globals of samples/values
// (C, C++ and Rust, read from the -no-pie file's .data), and kernel globals
// of Debian's vmlinux and the Rust-enabled fixture when they are present.
// The expected strings are what gdb prints (tests/integration/
// test_value_format.py checks the whole list against gdb itself), in the
// style engine/value_format.h documents.
#include "engine/value_format.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "symbolizer/dwarf_type_name.h"
#include "tests/tools/global_variables.h"
#include "tests/unit/sample_values_test.h"

namespace seam {
namespace {

class ValueFormatTest : public test::SampleValuesTest {
 protected:
  std::string value(const std::string& name, engine::ValueFormatOptions options = {}) {
    const test::GlobalVariable* variable = globals_->find(name);
    if (variable == nullptr) return "<no variable " + name + ">";
    test::BinaryValueReader reader(*binary_);
    std::vector<std::byte> bytes = test::variable_bytes(*binary_, *variable);
    return engine::format_value(variable->type, bytes, variable->language, reader, options);
  }
  std::string type(const std::string& name) {
    const test::GlobalVariable* variable = globals_->find(name);
    if (variable == nullptr) return "<no variable " + name + ">";
    return type_name(variable->type, variable->language);
  }
  // The value with only its first `keep` bytes known.
  std::string partial(const std::string& name, size_t keep) {
    const test::GlobalVariable* variable = globals_->find(name);
    test::BinaryValueReader reader(*binary_);
    std::vector<std::byte> bytes = test::variable_bytes(*binary_, *variable);
    bytes.resize(std::min(keep, bytes.size()));
    return engine::format_value(variable->type, bytes, variable->language, reader);
  }
};

TEST_F(ValueFormatTest, CScalars) {
  EXPECT_EQ(value("c_int"), "-42");
  EXPECT_EQ(value("c_uint"), "4000000000");
  EXPECT_EQ(value("c_long"), "-1234567890123");
  EXPECT_EQ(value("c_ull"), "16045690984503111693");
  EXPECT_EQ(value("c_char"), "65 'A'");
  EXPECT_EQ(value("c_schar"), "-3 '\\375'");
  EXPECT_EQ(value("c_uchar"), "200 '\\310'");
  EXPECT_EQ(value("c_bool"), "true");
  EXPECT_EQ(value("c_float"), "1.5");
  EXPECT_EQ(value("c_double"), "0.10000000000000001");
  EXPECT_EQ(value("c_typedef"), "77");
  EXPECT_EQ(type("c_typedef"), "const volatile ulong_t");
  EXPECT_EQ(type("c_ull"), "long long unsigned int");
}

TEST_F(ValueFormatTest, CEnums) {
  EXPECT_EQ(value("c_color"), "BLUE");
  EXPECT_EQ(value("c_color_bad"), "7");
  EXPECT_EQ(value("c_flags"), "(F_READ | F_EXEC)");
  EXPECT_EQ(value("c_flags_odd"), "(F_WRITE | unknown: 0x10)");
  EXPECT_EQ(type("c_color"), "enum color");
}

TEST_F(ValueFormatTest, CPointersAndStrings) {
  EXPECT_EQ(value("c_string"), "0x402017 \"hello\\tworld\\n\\\"q\\\"\"");
  EXPECT_EQ(type("c_string"), "const char *");
  EXPECT_EQ(value("c_nullstr"), "0x0");
  EXPECT_EQ(value("c_badstr"), "0x1234 <error: cannot read 0x1234>");
  EXPECT_EQ(value("c_ustring"), "0x402011 \"bytes\"");
  EXPECT_EQ(value("c_intptr"), "0x4041ec <c_int>");
  EXPECT_EQ(value("c_voidptr"), "0x0");
  EXPECT_EQ(value("c_fnptr"), "0x401170 <c_callback>");
  EXPECT_EQ(type("c_fnptr"), "callback_t");
  EXPECT_EQ(type("c_pointptr"), "struct point *");
  engine::ValueFormatOptions short_strings;
  short_strings.max_string = 5;
  EXPECT_EQ(value("c_string", short_strings), "0x402017 \"hello\"...");
}

TEST_F(ValueFormatTest, CArrays) {
  EXPECT_EQ(value("c_array"), "{1, 2, 3, 4}");
  EXPECT_EQ(type("c_array"), "int[4]");
  EXPECT_EQ(value("c_zeros"), "{0 <repeats 32 times>}");
  EXPECT_EQ(value("c_runs"), "{1, 2, 7 <repeats 11 times>, 3}");
  EXPECT_EQ(value("c_matrix"), "{{1, 2, 3}, {4, 5, 6}}");
  EXPECT_EQ(type("c_matrix"), "int[2][3]");
  EXPECT_EQ(value("c_chararray"), "\"abc\", '\\000' <repeats 12 times>");
  EXPECT_EQ(value("c_fullarray"), "\"wxyz\"");
  engine::ValueFormatOptions few;
  few.max_elements = 2;
  EXPECT_EQ(value("c_array", few), "{1, 2...}");
}

TEST_F(ValueFormatTest, CStructs) {
  EXPECT_EQ(value("c_point"), "{x = 1, y = 2}");
  EXPECT_EQ(value("c_points"), "{{x = 1, y = 2}, {x = 3, y = 4}}");
  EXPECT_EQ(value("c_outer"),
            "{id = 7, p = {x = 3, y = 4}, in = {a = 5, b = 6 '\\006'}, name = 0x40200b \"outer\", "
            "next = 0x4040c0 <c_outer>}");
  // Default max_depth 2: c_deep.o.p is the third level.
  EXPECT_EQ(value("c_deep"),
            "{o = {id = 8, p = {...}, in = {...}, name = 0x0, next = 0x0}, tail = 13}");
  EXPECT_EQ(value("c_bits"), "{a = 5, b = 17, c = -3, d = 9}");
  EXPECT_EQ(value("c_anon"), "{kind = 1, {i = 99, f = 1.38728548e-43}, {tag = 122 'z'}}");
  EXPECT_EQ(value("c_union"), "{i = 1069547520, u = 1069547520, f = 1.5}");
  EXPECT_EQ(type("c_union"), "union number");
}

TEST_F(ValueFormatTest, PartialBytesAreOptimizedOut) {
  EXPECT_EQ(partial("c_point", 4), "{x = 1, y = <optimized out>}");
  EXPECT_EQ(partial("c_int", 2), "<optimized out>");
  EXPECT_EQ(partial("c_int", 0), "<optimized out>");
  EXPECT_EQ(partial("RS_POINT", 4), "Point { x: 1, y: <optimized out> }");
}

TEST_F(ValueFormatTest, Cpp) {
  EXPECT_EQ(value("cpp_derived"), "{<geo::Base> = {id = 7}, scale = 2.5}");
  EXPECT_EQ(type("cpp_derived"), "geo::Derived");
  EXPECT_EQ(value("cpp_holder"), "{value = 5, self = 0x404220 <cpp_target>}");
  EXPECT_EQ(type("cpp_holder"), "geo::Holder<int>");
  EXPECT_EQ(value("cpp_mode"), "geo::Mode::On");
  EXPECT_EQ(value("cpp_pair"), "{first = -1, second = true}");
  EXPECT_EQ(type("cpp_pair"), "geo::detail::Pair");
  EXPECT_EQ(value("cpp_ref"), "@0x404220: 5");
  EXPECT_EQ(type("cpp_ref"), "int &");
  EXPECT_EQ(type("cpp_derived_ptr"), "const geo::Derived *");
}

TEST_F(ValueFormatTest, RustStructsAndScalars) {
  EXPECT_EQ(value("RS_U32"), "7");
  EXPECT_EQ(value("RS_I64"), "-5");
  EXPECT_EQ(value("RS_BOOL"), "true");
  EXPECT_EQ(value("RS_CHAR"), "'\xc3\xa9'");
  EXPECT_EQ(value("RS_F64"), "2.5");
  EXPECT_EQ(value("RS_POINT"), "Point { x: 1, y: 2 }");
  EXPECT_EQ(type("RS_POINT"), "values_rs::Point");
  EXPECT_EQ(value("RS_WRAPPER"), "Wrapper(5)");
  EXPECT_EQ(value("RS_TUPLE"), "(1, -2, false)");
  EXPECT_EQ(type("RS_TUPLE"), "(u8, i16, bool)");
  EXPECT_EQ(value("RS_UNIT"), "()");
  EXPECT_EQ(value("RS_ARRAY"), "[-1, 0, 1]");
  EXPECT_EQ(type("RS_ARRAY"), "[i8; 3]");
  EXPECT_EQ(
      value("RS_NESTED"),
      "Nested { point: Point { x: -3, y: 4 }, name: \"nested\", shape: Rect { w: 1, h: 2 } }");
}

TEST_F(ValueFormatTest, RustEnums) {
  EXPECT_EQ(value("RS_SOME_REF"), "Some(0x402114 <RS_U32>: 7)");
  EXPECT_EQ(type("RS_SOME_REF"), "core::option::Option<&u32>");
  EXPECT_EQ(value("RS_NONE_REF"), "None");
  EXPECT_EQ(value("RS_SOME_U32"), "Some(9)");
  EXPECT_EQ(value("RS_NONE_U32"), "None");
  EXPECT_EQ(value("RS_NONE_BOX"), "None");
  EXPECT_EQ(value("RS_SOME_NONNULL"), "Some(0x402114 <RS_U32>)");
  EXPECT_EQ(value("RS_OK"), "Ok(3)");
  EXPECT_EQ(value("RS_ERR"), "Err(-1)");
  EXPECT_EQ(value("RS_COLOR"), "Green");
  EXPECT_EQ(value("RS_CIRCLE"), "Circle(1.5)");
  EXPECT_EQ(value("RS_RECT"), "Rect { w: 3, h: 4 }");
  EXPECT_EQ(value("RS_EMPTY"), "Empty");
}

TEST_F(ValueFormatTest, RustPointersStringsSlices) {
  EXPECT_EQ(value("RS_STR"), "\"hello \\\"rust\\\"\\n\"");
  EXPECT_EQ(type("RS_STR"), "&str");
  EXPECT_EQ(value("RS_SLICE"), "&[1, 2, 3]");
  EXPECT_EQ(type("RS_SLICE"), "&[u16]");
  EXPECT_EQ(value("RS_EMPTY_SLICE"), "&[]");
  EXPECT_EQ(value("RS_REF"), "0x402114 <RS_U32>: 7");
  EXPECT_EQ(type("RS_REF"), "&u32");
  EXPECT_EQ(value("RS_RAW"), "0x402114 <RS_U32>");
  EXPECT_EQ(type("RS_RAW"), "*const u32");
  // No symbol names the vtable in this binary: its address instead.
  EXPECT_EQ(value("RS_DYN"), "0x402038 (vtable 0x403d90)");
  EXPECT_EQ(type("RS_DYN"), "&(dyn values_rs::Area + core::marker::Sync)");
  EXPECT_EQ(value("RS_STRING"), "\"\"");
  EXPECT_EQ(value("RS_VEC"), "vec![]");
  engine::ValueFormatOptions few;
  few.max_elements = 2;
  EXPECT_EQ(value("RS_SLICE", few), "&[1, 2...]");
  few.max_string = 5;
  EXPECT_EQ(value("RS_STR", few), "\"hello\"...");
}

// Debian's 6.1 vmlinux: init_task and linux_banner from its .data/.rodata.
TEST(ValueFormatKernelTest, InitTaskAndBanner) {
  const char* home = std::getenv("HOME");
  std::string vmlinux = std::string(home ? home : "") +
                        "/.cache/seam/kernels/6.1.0-56-cloud-amd64/usr/lib/debug/boot/"
                        "vmlinux-6.1.0-56-cloud-amd64";
  if (!std::filesystem::exists(vmlinux)) {
    GTEST_FAIL() << "no " << vmlinux << " (scripts/fetch-debian-kernel.sh)";
  }
  auto binary = Binary::open(vmlinux, {});
  ASSERT_TRUE(binary) << binary.error().message();
  test::BinaryValueReader reader(**binary);

  test::GlobalVariables task_unit(vmlinux, "init/init_task.c");
  const test::GlobalVariable* init_task = task_unit.find("init_task");
  ASSERT_NE(init_task, nullptr);
  EXPECT_EQ(type_name(init_task->type, init_task->language), "struct task_struct");
  std::vector<std::byte> bytes = test::variable_bytes(**binary, *init_task);
  ASSERT_FALSE(bytes.empty());
  engine::ValueFormatOptions depth1;
  depth1.max_depth = 1;
  std::string text = engine::format_value(init_task->type, bytes, Language::C, reader, depth1);
  // gdb: print init_task.comm = "swapper\000\000\000\000\000\000\000\000"
  EXPECT_NE(text.find("comm = \"swapper\\000\\000\\000\\000\\000\\000\\000\\000\""),
            std::string::npos)
      << text.substr(0, 400);
  EXPECT_NE(text.find("pid = 0, tgid = 0"), std::string::npos);
  EXPECT_NE(text.find("thread_info = {...}"), std::string::npos);
  EXPECT_NE(text.find("prio = 120,"), std::string::npos);
  size_t stack = text.find(", stack = ");
  ASSERT_NE(stack, std::string::npos);
  EXPECT_EQ(text.substr(stack, 32), ", stack = 0xffffffff82a00000 <__") << text.substr(stack, 60);

  test::GlobalVariables version_unit(vmlinux, "init/version.c");
  const test::GlobalVariable* banner = version_unit.find("linux_banner");
  ASSERT_NE(banner, nullptr);
  EXPECT_EQ(type_name(banner->type, banner->language), "const char[]");
  // An array of unknown bound has no size: the caller passes what it knows.
  Result<std::string> expected = (*binary)->read_string_at(banner->address, 512);
  ASSERT_TRUE(expected);
  Result<std::vector<uint8_t>> raw = (*binary)->read_at(banner->address, expected->size() + 1);
  ASSERT_TRUE(raw);
  std::vector<std::byte> banner_bytes(raw->size());
  std::memcpy(banner_bytes.data(), raw->data(), raw->size());
  engine::ValueFormatOptions long_strings;
  long_strings.max_string = 512;
  std::string banner_text =
      engine::format_value(banner->type, banner_bytes, Language::C, reader, long_strings);
  EXPECT_EQ(banner_text.rfind("\"Linux version 6.1.0-56-cloud-amd64", 0), 0u) << banner_text;
}

}  // namespace
}  // namespace seam

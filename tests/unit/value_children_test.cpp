// value_children on real DWARF: the globals of samples/values (C, C++ and
// Rust, read from the -no-pie file's .data). Each part's value is what gdb
// prints for that member (`print c_outer` -> {id = 7, p = {x = 3, y = 4},
// ...}, `print *c_pointptr`, `print cpp_derived` -> {<geo::Base> = {id = 7},
// scale = 2.5}); Rust parts are what the source initialises them to
// (samples/values/values.rs), in Rust's syntax.
#include "engine/value_children.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <functional>

#include "tests/tools/global_variables.h"
#include "tests/unit/sample_values_test.h"

namespace seam {
namespace {

using engine::Variable;

// "name:type=value" of each part, in order.
std::vector<std::string> summary(const std::vector<Variable>& parts) {
  std::vector<std::string> out;
  out.reserve(parts.size());
  for (const Variable& v : parts) out.push_back(v.name + ":" + v.type + "=" + v.value);
  return out;
}

const Variable* part(const std::vector<Variable>& parts, const std::string& name) {
  for (const Variable& v : parts) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

size_t count(const std::vector<Variable>& parts) {
  size_t n = parts.size();
  for (const Variable& v : parts) n += count(v.children);
  return n;
}

int depth(const std::vector<Variable>& parts) {
  int deepest = 0;
  for (const Variable& v : parts) deepest = std::max(deepest, 1 + depth(v.children));
  return deepest;
}

class ValueChildrenTest : public test::SampleValuesTest {
 protected:
  std::vector<Variable> parts(const std::string& name, engine::ValueChildrenOptions options = {},
                              std::optional<std::vector<std::byte>> bytes = std::nullopt) {
    const test::GlobalVariable* variable = globals_->find(name);
    EXPECT_NE(variable, nullptr) << name;
    if (variable == nullptr) return {};
    test::BinaryValueReader reader(*binary_);
    if (!bytes) bytes = test::variable_bytes(*binary_, *variable);
    return engine::value_children(variable->type, *bytes, name, variable->language, reader,
                                  options);
  }
};

TEST_F(ValueChildrenTest, CStructMembersAreGdbs) {
  std::vector<Variable> outer = parts("c_outer");
  EXPECT_EQ(summary(outer), (std::vector<std::string>{
                                "id:int=7",
                                "p:struct point={x = 3, y = 4}",
                                "in:struct inner={a = 5, b = 6 '\\006'}",
                                "name:const char *=0x40200b \"outer\"",
                                "next:struct outer *=0x4040c0 <c_outer>",
                            }));
  EXPECT_EQ(summary(part(outer, "p")->children), (std::vector<std::string>{"x:int=3", "y:int=4"}));
  EXPECT_EQ(summary(part(outer, "in")->children),
            (std::vector<std::string>{"a:short int=5", "b:unsigned char=6 '\\006'"}));
  EXPECT_TRUE(part(outer, "id")->children.empty());
  EXPECT_TRUE(part(outer, "name")->children.empty());  // a string, not a char to expand
  // A pointer to a struct expands to what it points to (here c_outer itself).
  EXPECT_EQ(summary(part(outer, "next")->children), summary(outer));
}

TEST_F(ValueChildrenTest, PointerToStructExpandsToItsTarget) {
  EXPECT_EQ(summary(parts("c_pointptr")), (std::vector<std::string>{"x:int=1", "y:int=2"}));
  // Unreadable: one part saying so, nothing below it.
  std::vector<std::byte> wild(8);
  uint64_t address = 0x10;
  std::memcpy(wild.data(), &address, 8);
  std::vector<Variable> unreadable = parts("c_pointptr", {}, wild);
  ASSERT_EQ(unreadable.size(), 1u);
  EXPECT_EQ(unreadable[0].name, "*c_pointptr");
  EXPECT_EQ(unreadable[0].value, "<error: cannot read 0x10>");
  EXPECT_TRUE(unreadable[0].children.empty());
  std::vector<std::byte> null(8);
  EXPECT_TRUE(parts("c_pointptr", {}, null).empty());
}

TEST_F(ValueChildrenTest, BitFieldsAnonymousMembersAndPartialValues) {
  EXPECT_EQ(summary(parts("c_bits")),
            (std::vector<std::string>{"a:unsigned int=5", "b:unsigned int=17", "c:int=-3",
                                      "d:unsigned int=9"}));
  std::vector<Variable> anon = parts("c_anon");
  ASSERT_EQ(anon.size(), 3u);
  EXPECT_EQ(anon[0].value, "1");
  EXPECT_EQ(anon[1].name, "<anonymous union>");
  EXPECT_EQ(anon[1].value, "{i = 99, f = 1.38728548e-43}");
  EXPECT_EQ(summary(anon[1].children),
            (std::vector<std::string>{"i:int=99", "f:float=1.38728548e-43"}));
  EXPECT_EQ(anon[2].name, "<anonymous struct>");
  EXPECT_EQ(summary(anon[2].children), (std::vector<std::string>{"tag:char=122 'z'"}));
  // Only the first 4 bytes of c_point known: y is not.
  std::vector<std::byte> half(4);
  int x = 1;
  std::memcpy(half.data(), &x, 4);
  EXPECT_EQ(summary(parts("c_point", {}, half)),
            (std::vector<std::string>{"x:int=1", "y:int=<optimized out>"}));
}

TEST_F(ValueChildrenTest, ArrayElementsBoundedByMaxElements) {
  std::vector<Variable> runs = parts("c_runs");  // {1, 2, 7 <repeats 11 times>, 3}
  ASSERT_EQ(runs.size(), 14u);
  EXPECT_EQ(runs[0].name, "[0]");
  EXPECT_EQ(runs[0].value, "1");
  EXPECT_EQ(runs[2].value, "7");
  EXPECT_EQ(runs[13].name, "[13]");
  EXPECT_EQ(runs[13].value, "3");
  engine::ValueChildrenOptions four;
  four.format.max_elements = 4;
  std::vector<Variable> shown = parts("c_runs", four);
  ASSERT_EQ(shown.size(), 5u);
  EXPECT_EQ(shown[3].name, "[3]");
  EXPECT_EQ(shown[4].name, "...");
  EXPECT_EQ(shown[4].value, "<10 more>");
  EXPECT_EQ(summary(parts("c_points")[1].children),
            (std::vector<std::string>{"x:int=3", "y:int=4"}));
  EXPECT_TRUE(parts("c_fullarray").empty());  // chars: a string
}

TEST_F(ValueChildrenTest, CppBaseClassIsAPartNamedAfterIt) {
  std::vector<Variable> derived = parts("cpp_derived");
  EXPECT_EQ(summary(derived),
            (std::vector<std::string>{"geo::Base:geo::Base={id = 7}", "scale:double=2.5"}));
  EXPECT_EQ(summary(derived[0].children), (std::vector<std::string>{"id:int=7"}));
  EXPECT_EQ(summary(parts("cpp_derived_ptr")), summary(derived));
}

TEST_F(ValueChildrenTest, RustStructsTuplesAndEnumVariants) {
  EXPECT_EQ(summary(parts("RS_POINT")), (std::vector<std::string>{"x:i32=1", "y:i32=2"}));
  EXPECT_EQ(summary(parts("RS_WRAPPER")), (std::vector<std::string>{"0:u64=5"}));
  EXPECT_EQ(summary(parts("RS_TUPLE")),
            (std::vector<std::string>{"0:u8=1", "1:i16=-2", "2:bool=false"}));
  EXPECT_EQ(summary(parts("RS_SOME_U32")), (std::vector<std::string>{"0:u32=9"}));
  EXPECT_TRUE(parts("RS_NONE_U32").empty());
  EXPECT_EQ(summary(parts("RS_OK")), (std::vector<std::string>{"0:u32=3"}));
  EXPECT_EQ(summary(parts("RS_ERR")), (std::vector<std::string>{"0:i8=-1"}));
  EXPECT_EQ(summary(parts("RS_RECT")), (std::vector<std::string>{"w:u32=3", "h:u32=4"}));
  EXPECT_TRUE(parts("RS_EMPTY").empty());
  std::vector<Variable> nested = parts("RS_NESTED");
  ASSERT_EQ(nested.size(), 3u);
  EXPECT_EQ(nested[0].name, "point");
  EXPECT_EQ(nested[0].value, "Point { x: -3, y: 4 }");
  EXPECT_EQ(summary(nested[0].children), (std::vector<std::string>{"x:i32=-3", "y:i32=4"}));
  EXPECT_EQ(nested[1].value, "\"nested\"");
  EXPECT_TRUE(nested[1].children.empty());
  EXPECT_EQ(nested[2].value, "Rect { w: 1, h: 2 }");
  EXPECT_EQ(summary(nested[2].children), (std::vector<std::string>{"w:u32=1", "h:u32=2"}));
}

TEST_F(ValueChildrenTest, RustSlicesArraysAndReferences) {
  EXPECT_EQ(summary(parts("RS_SLICE")),
            (std::vector<std::string>{"[0]:u16=1", "[1]:u16=2", "[2]:u16=3"}));
  EXPECT_TRUE(parts("RS_EMPTY_SLICE").empty());
  EXPECT_EQ(summary(parts("RS_ARRAY")),
            (std::vector<std::string>{"[0]:i8=-1", "[1]:i8=0", "[2]:i8=1"}));
  EXPECT_TRUE(parts("RS_STR").empty());
  EXPECT_TRUE(parts("RS_REF").empty());  // &u32: the value already shows the u32
  std::vector<Variable> some_ref = parts("RS_SOME_REF");
  ASSERT_EQ(some_ref.size(), 1u);
  EXPECT_EQ(some_ref[0].type, "&u32");
  EXPECT_TRUE(some_ref[0].value.ends_with(" <RS_U32>: 7")) << some_ref[0].value;
}

TEST_F(ValueChildrenTest, BoundedByDepthAndNodes) {
  // c_outer.next points to c_outer: a cycle, cut at max_depth levels.
  std::vector<Variable> outer = parts("c_outer");
  EXPECT_EQ(depth(outer), 4);
  engine::ValueChildrenOptions shallow;
  shallow.max_depth = 1;
  EXPECT_EQ(depth(parts("c_outer", shallow)), 1);
  engine::ValueChildrenOptions few;
  few.max_nodes = 7;
  std::vector<Variable> cut = parts("c_outer", few);
  EXPECT_EQ(count(cut), 7u);
  // Breadth first: all of c_outer's own members before any member's parts.
  EXPECT_EQ(cut.size(), 5u);
  EXPECT_EQ(summary(part(cut, "p")->children), (std::vector<std::string>{"x:int=3", "y:int=4"}));
}

}  // namespace
}  // namespace seam

// The DWARF expression evaluator on hand-assembled expressions (libdw's
// Dwarf_Op arrays) over a fake frame: registers, CFA, memory, entry values.
#include "symbolizer/dwarf_location.h"

#include <dwarf.h>
#include <gtest/gtest.h>

#include <cstring>
#include <map>

namespace seam {
namespace {

class FakeFrame : public FrameState {
 public:
  std::map<int, uint64_t> registers;
  std::map<int, uint64_t> entry;
  std::map<uint64_t, std::byte> memory;
  std::optional<uint64_t> cfa_value;
  int64_t bias = 0;

  void poke(uint64_t address, uint64_t value, size_t size = 8) {
    for (size_t i = 0; i < size; ++i) memory[address + i] = std::byte((value >> (8 * i)) & 0xff);
  }
  std::optional<uint64_t> register_value(int reg) const override {
    auto it = registers.find(reg);
    return it == registers.end() ? std::nullopt : std::optional(it->second);
  }
  std::optional<uint64_t> cfa() const override { return cfa_value; }
  Result<void> read_memory(uint64_t address, std::span<std::byte> out) const override {
    for (size_t i = 0; i < out.size(); ++i) {
      auto it = memory.find(address + i);
      if (it == memory.end()) return Error("cannot read 0x" + std::to_string(address + i));
      out[i] = it->second;
    }
    return {};
  }
  std::optional<uint64_t> entry_value(int reg) const override {
    auto it = entry.find(reg);
    return it == entry.end() ? std::nullopt : std::optional(it->second);
  }
  int64_t address_bias() const override { return bias; }
};

// Operations with their byte offsets (for DW_OP_skip/bra) as libdw gives them.
std::vector<Dwarf_Op> ops(
    std::initializer_list<std::pair<uint8_t, std::pair<uint64_t, uint64_t>>> list,
    std::initializer_list<uint64_t> offsets = {}) {
  std::vector<Dwarf_Op> result;
  auto off = offsets.begin();
  uint64_t next = 0;
  for (const auto& [atom, operands] : list) {
    uint64_t offset = off != offsets.end() ? *off++ : next++;
    result.push_back({atom, operands.first, operands.second, offset});
  }
  return result;
}

uint64_t as_u64(const LocatedValue& v) {
  uint64_t value = 0;
  std::memcpy(&value, v.bytes.data(), std::min<size_t>(v.bytes.size(), 8));
  return value;
}

TEST(DwarfLocation, RegisterAndStackValue) {
  FakeFrame frame;
  frame.registers[5] = 0x1234;  // rdi
  auto v = evaluate_expression(ops({{DW_OP_reg5, {0, 0}}}), 8, frame);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_TRUE(v->fully_known());
  EXPECT_EQ(as_u64(*v), 0x1234u);
  EXPECT_FALSE(v->address);

  v = evaluate_expression(ops({{DW_OP_breg5, {8, 0}},
                               {DW_OP_lit3, {0, 0}},
                               {DW_OP_mul, {0, 0}},
                               {DW_OP_stack_value, {0, 0}}}),
                          4, frame);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(as_u64(*v), (0x1234u + 8) * 3);
}

TEST(DwarfLocation, MemoryFbregAndAddr) {
  FakeFrame frame;
  frame.cfa_value = 0x8000;
  frame.poke(0x7ff0, 0xdeadbeef, 4);
  // DW_OP_fbreg -16 with the frame base at the CFA.
  auto v =
      evaluate_expression(ops({{DW_OP_fbreg, {static_cast<uint64_t>(-16), 0}}}), 4, frame, 0x8000);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(as_u64(*v), 0xdeadbeefu);
  EXPECT_EQ(v->address, 0x7ff0u);

  auto base = evaluate_to_value(ops({{DW_OP_call_frame_cfa, {0, 0}}}), frame);
  ASSERT_TRUE(base);
  EXPECT_EQ(*base, 0x8000u);

  // DW_OP_addr is a file address: the bias (KASLR) is added.
  frame.bias = 0x100;
  frame.poke(0x1100, 42);
  v = evaluate_expression(ops({{DW_OP_addr, {0x1000, 0}}}), 8, frame);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->address, 0x1100u);
  EXPECT_EQ(as_u64(*v), 42u);

  // deref_size and unreadable memory: unknown, with the reason.
  v = evaluate_expression(
      ops({{DW_OP_addr, {0x1000, 0}}, {DW_OP_deref_size, {1, 0}}, {DW_OP_stack_value, {0, 0}}}), 8,
      frame);
  ASSERT_TRUE(v);
  EXPECT_EQ(as_u64(*v), 42u);
  v = evaluate_expression(ops({{DW_OP_const4u, {0x9999, 0}}}), 8, frame);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->any_known());
  EXPECT_NE(v->unknown_reason.find("cannot read"), std::string::npos);
}

TEST(DwarfLocation, PiecesMarkUnknownParts) {
  FakeFrame frame;
  frame.registers[3] = 0x1111111122222222;  // rbx
  // 4 bytes from rbx, 4 bytes optimized out, 4 bytes from an unsaved r12.
  auto v = evaluate_expression(ops({{DW_OP_reg3, {0, 0}},
                                    {DW_OP_piece, {4, 0}},
                                    {DW_OP_piece, {4, 0}},
                                    {DW_OP_reg12, {0, 0}},
                                    {DW_OP_piece, {4, 0}}}),
                               12, frame);
  ASSERT_TRUE(v) << v.error().message();
  for (int i = 0; i < 12; ++i) EXPECT_EQ(v->known[i], i < 4) << i;
  EXPECT_EQ(as_u64(*v) & 0xffffffff, 0x22222222u);
  EXPECT_FALSE(v->address);
}

TEST(DwarfLocation, UnknownRegisterIsNotSaved) {
  FakeFrame frame;
  auto v = evaluate_expression(ops({{DW_OP_breg12, {0, 0}}}), 8, frame);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("r12 not saved"), std::string::npos);
}

TEST(DwarfLocation, EntryValueAndImplicitValue) {
  FakeFrame frame;
  frame.entry[5] = 0xffffffff823697b9;
  // libdw: number = block length, number2 = the block with its ULEB128 length.
  static const uint8_t entry_block[] = {1, DW_OP_reg5};
  std::vector<Dwarf_Op> expr = {{DW_OP_entry_value, 1, reinterpret_cast<uintptr_t>(entry_block), 0},
                                {DW_OP_stack_value, 0, 0, 3}};
  auto v = evaluate_expression(expr, 8, frame);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(as_u64(*v), 0xffffffff823697b9u);

  frame.entry.clear();
  v = evaluate_expression(expr, 8, frame);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("entry value of rdi"), std::string::npos);

  static const uint8_t implicit_block[] = {2, 0x34, 0x12};
  v = evaluate_expression(
      {{{DW_OP_implicit_value, 2, reinterpret_cast<uintptr_t>(implicit_block), 0}}}, 2, frame);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(as_u64(*v), 0x1234u);

  v = evaluate_expression(ops({{DW_OP_implicit_pointer, {0, 0}}}), 8, frame);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->any_known());
  EXPECT_EQ(v->unknown_reason, "implicit pointer");
}

TEST(DwarfLocation, BranchesAndBounds) {
  FakeFrame frame;
  // lit1; bra +1 (skips lit5); lit5; lit7; stack_value -> 7
  // offsets: lit1 @0, bra @1 (3 bytes), lit5 @4, lit7 @5, stack_value @6
  auto v = evaluate_expression(ops({{DW_OP_lit1, {0, 0}},
                                    {DW_OP_bra, {1, 0}},
                                    {DW_OP_lit5, {0, 0}},
                                    {DW_OP_lit7, {0, 0}},
                                    {DW_OP_stack_value, {0, 0}}},
                                   {0, 1, 4, 5, 6}),
                               8, frame);
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(as_u64(*v), 7u);

  // An endless loop: skip -3 jumps to itself.
  v = evaluate_expression(ops({{DW_OP_skip, {static_cast<uint64_t>(-3) & 0xffff, 0}}}, {0}), 8,
                          frame);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("too long"), std::string::npos);

  // Stack overflow and underflow are errors.
  std::vector<Dwarf_Op> many(kMaxStack + 1, Dwarf_Op{DW_OP_lit1, 0, 0, 0});
  EXPECT_FALSE(evaluate_expression(many, 8, frame));
  EXPECT_FALSE(evaluate_expression(ops({{DW_OP_plus, {0, 0}}}), 8, frame));
  EXPECT_FALSE(evaluate_expression(
      ops({{DW_OP_lit1, {0, 0}}, {DW_OP_lit0, {0, 0}}, {DW_OP_div, {0, 0}}}), 8, frame));
  // Empty: optimized out.
  v = evaluate_expression({}, 4, frame);
  ASSERT_TRUE(v);
  EXPECT_FALSE(v->any_known());
  EXPECT_EQ(v->unknown_reason, "optimized out");
}

TEST(DwarfLocation, Arithmetic) {
  FakeFrame frame;
  auto value = [&](std::vector<Dwarf_Op> expr) {
    expr.push_back({DW_OP_stack_value, 0, 0, 99});
    auto v = evaluate_expression(expr, 8, frame);
    EXPECT_TRUE(v);
    return v ? as_u64(*v) : 0;
  };
  EXPECT_EQ(value(ops({{DW_OP_const1s, {0xff, 0}}})), static_cast<uint64_t>(-1));
  EXPECT_EQ(value(ops({{DW_OP_lit8, {0, 0}}, {DW_OP_lit3, {0, 0}}, {DW_OP_minus, {0, 0}}})), 5u);
  EXPECT_EQ(value(ops({{DW_OP_lit1, {0, 0}}, {DW_OP_lit4, {0, 0}}, {DW_OP_shl, {0, 0}}})), 16u);
  EXPECT_EQ(value(ops({{DW_OP_lit1, {0, 0}},
                       {DW_OP_lit2, {0, 0}},
                       {DW_OP_swap, {0, 0}},
                       {DW_OP_minus, {0, 0}}})),
            1u);
  EXPECT_EQ(value(ops({{DW_OP_lit3, {0, 0}}, {DW_OP_lit3, {0, 0}}, {DW_OP_eq, {0, 0}}})), 1u);
  EXPECT_EQ(value(ops({{DW_OP_lit5, {0, 0}}, {DW_OP_plus_uconst, {10, 0}}})), 15u);
  EXPECT_EQ(value(ops({{DW_OP_lit1, {0, 0}},
                       {DW_OP_lit2, {0, 0}},
                       {DW_OP_over, {0, 0}},
                       {DW_OP_plus, {0, 0}},
                       {DW_OP_plus, {0, 0}}})),
            4u);
}

}  // namespace
}  // namespace seam

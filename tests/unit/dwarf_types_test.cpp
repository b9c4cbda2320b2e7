// DwarfTypes on the test binary's own DWARF (it is built with -g): structs
// defined here, with anonymous unions, bit fields, arrays and pointers, are
// looked up through an anchor function and checked against offsetof/sizeof.
#include "symbolizer/dwarf_types.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>

#include "symbolizer/binary.h"

namespace seam_dwarf_types_test {

struct Pid;
struct ListNode {
  ListNode* next;
  ListNode* prev;
};
struct Layout {
  uint64_t base;
  unsigned int size;
  unsigned int text_size;
};
enum class State : int { Live = 0, Coming = 1, Going = -2 };
typedef struct {
  long value;
} AnonymousTypedef;

struct Task {
  long state;
  struct {
    unsigned int flags;
    unsigned int cpu;
  } info;  // named member of an anonymous struct type
  union {
    int pid;
    struct {
      short low;
      short high;
    };  // anonymous struct in an anonymous union
  };
  char comm[16];
  ListNode tasks;
  Pid* pid_link;
  Task* parent;
  unsigned int sched_a : 3;
  unsigned int sched_b : 9;
  unsigned int sched_c : 20;
  Layout core_layout;
  State state_enum;
  int matrix[2][3];
  void (*callback)(int, const char*);
  char* const* names;
  AnonymousTypedef wrapped;
};

}  // namespace seam_dwarf_types_test

using seam_dwarf_types_test::Task;

// The anchor: an extern "C" function (plain ELF name) that uses the types,
// so its unit (this file) holds their definitions.
extern "C" [[gnu::noinline]] [[gnu::used]] long seam_dwarf_types_anchor(Task* task) {
  return task->state + task->pid + task->comm[0] + task->sched_b +
         static_cast<long>(task->state_enum) + task->wrapped.value;
}

namespace seam {
namespace {

class DwarfTypesTest : public testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Binary>> binary = Binary::open("/proc/self/exe", {});
    ASSERT_TRUE(binary) << binary.error().message();
    binary_ = std::move(*binary);
    types_ = binary_->types();
    ASSERT_NE(types_, nullptr) << "the unit tests must be built with -g";
  }

  StructLayout task() {
    Result<StructLayout> layout = types_->find_struct("Task", {"seam_dwarf_types_anchor"});
    EXPECT_TRUE(layout) << layout.error().message();
    return layout ? *layout : StructLayout();
  }

  std::unique_ptr<Binary> binary_;
  DwarfTypes* types_ = nullptr;
};

TEST_F(DwarfTypesTest, FindsStructThroughAnchor) {
  StructLayout layout = task();
  EXPECT_EQ(layout.name(), "Task");
  EXPECT_EQ(layout.size(), sizeof(Task));
}

TEST_F(DwarfTypesTest, MemberOffsetsMatchTheCompiler) {
  StructLayout layout = task();
  EXPECT_EQ(layout.member("state")->offset, offsetof(Task, state));
  EXPECT_EQ(layout.member("comm")->offset, offsetof(Task, comm));
  EXPECT_EQ(layout.member("tasks")->offset, offsetof(Task, tasks));
  EXPECT_EQ(layout.member("parent")->offset, offsetof(Task, parent));
  EXPECT_EQ(layout.member("state_enum")->offset, offsetof(Task, state_enum));
}

TEST_F(DwarfTypesTest, NestedPathsAndAnonymousMembers) {
  StructLayout layout = task();
  Result<Member> cpu = layout.member("info.cpu");
  ASSERT_TRUE(cpu) << cpu.error().message();
  EXPECT_EQ(cpu->offset, offsetof(Task, info) + offsetof(decltype(Task::info), cpu));
  EXPECT_EQ(cpu->size, 4u);
  EXPECT_EQ(cpu->type_name, "unsigned int");
  EXPECT_EQ(layout.member("pid")->offset, offsetof(Task, pid));
  EXPECT_EQ(layout.member("high")->offset, offsetof(Task, high));
  EXPECT_EQ(layout.member("core_layout.text_size")->offset,
            offsetof(Task, core_layout) + offsetof(seam_dwarf_types_test::Layout, text_size));
  EXPECT_EQ(layout.member("tasks.prev")->offset,
            offsetof(Task, tasks) + offsetof(seam_dwarf_types_test::ListNode, prev));
  EXPECT_EQ(layout.member("wrapped.value")->offset, offsetof(Task, wrapped));
}

TEST_F(DwarfTypesTest, ArraysAndPointers) {
  StructLayout layout = task();
  Result<Member> comm = layout.member("comm");
  ASSERT_TRUE(comm);
  EXPECT_EQ(comm->type_name, "char [16]");
  EXPECT_EQ(comm->size, 16u);
  EXPECT_EQ(comm->array_count, 16u);
  EXPECT_EQ(comm->element_size, 1u);

  Result<Member> matrix = layout.member("matrix");
  ASSERT_TRUE(matrix);
  EXPECT_EQ(matrix->type_name, "int [2][3]");
  EXPECT_EQ(matrix->array_count, 2u);
  EXPECT_EQ(matrix->element_size, 3 * sizeof(int));

  Result<Member> parent = layout.member("parent");
  ASSERT_TRUE(parent);
  EXPECT_EQ(parent->type_name, "struct Task *");
  EXPECT_EQ(parent->size, sizeof(void*));
  EXPECT_EQ(parent->element_size, sizeof(Task));

  // A pointer to a type declared but never defined: no pointee size.
  Result<Member> pid = layout.member("pid_link");
  ASSERT_TRUE(pid);
  EXPECT_EQ(pid->type_name, "struct Pid *");
  EXPECT_EQ(pid->element_size, 0u);

  EXPECT_EQ(layout.member("callback")->type_name, "void (*)(int, const char *)");
  EXPECT_EQ(layout.member("names")->type_name, "char *const *");
  EXPECT_EQ(layout.member("tasks")->type_name, "struct ListNode");
  EXPECT_EQ(layout.member("state")->type_name, "long");  // GCC: "long int"
}

TEST_F(DwarfTypesTest, BitFieldsReadBackTheirValues) {
  StructLayout layout = task();
  alignas(Task) unsigned char bytes[sizeof(Task)] = {};
  Task* task = new (bytes) Task{};  // NOLINT: a value to read back raw
  task->sched_a = 5;
  task->sched_b = 300;
  task->sched_c = 777777;
  for (auto [path, expected] :
       {std::pair<const char*, uint64_t>{"sched_a", 5}, {"sched_b", 300}, {"sched_c", 777777}}) {
    Result<Member> field = layout.member(path);
    ASSERT_TRUE(field) << field.error().message();
    EXPECT_GT(field->bit_size, 0u) << path;
    // As the header says: little-endian bytes from offset, shifted, masked.
    uint64_t raw = 0;
    std::memcpy(&raw, bytes + field->offset, (field->bit_offset + field->bit_size + 7) / 8);
    uint64_t value = (raw >> field->bit_offset) & ((uint64_t{1} << field->bit_size) - 1);
    EXPECT_EQ(value, expected) << path;
  }
  EXPECT_EQ(layout.member("sched_b")->bit_size, 9u);
}

TEST_F(DwarfTypesTest, MissingMembersAreErrorsThatNameThePath) {
  StructLayout layout = task();
  Result<Member> missing = layout.member("info.nope");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("info.nope"), std::string::npos);
  EXPECT_FALSE(layout.has_member("comm.x"));  // not a struct
  EXPECT_FALSE(layout.has_member(""));
}

TEST_F(DwarfTypesTest, EnumeratorsAndSizes) {
  Result<int64_t> going = types_->enumerator("Going", {"seam_dwarf_types_anchor"});
  ASSERT_TRUE(going) << going.error().message();
  EXPECT_EQ(*going, -2);
  EXPECT_EQ(*types_->enumerator("Coming", {"seam_dwarf_types_anchor"}), 1);
  EXPECT_EQ(*types_->size_of("ListNode", {"seam_dwarf_types_anchor"}), 2 * sizeof(void*));
  EXPECT_EQ(*types_->size_of("AnonymousTypedef", {"seam_dwarf_types_anchor"}), sizeof(long));
  // C spellings of base types, whatever order the producer wrote them in.
  EXPECT_EQ(*types_->size_of("unsigned long", {"seam_dwarf_types_anchor"}), sizeof(long));
  EXPECT_EQ(*types_->size_of("int", {"seam_dwarf_types_anchor"}), sizeof(int));
}

TEST_F(DwarfTypesTest, TypedefOfAnonymousStruct) {
  Result<StructLayout> wrapped =
      types_->find_struct("AnonymousTypedef", {"seam_dwarf_types_anchor"});
  ASSERT_TRUE(wrapped) << wrapped.error().message();
  EXPECT_EQ(wrapped->size(), sizeof(long));
  EXPECT_TRUE(wrapped->has_member("value"));
}

TEST_F(DwarfTypesTest, FallsBackToEveryUnitWithoutAnchors) {
  Result<StructLayout> layout = types_->find_struct("Task", {"no_such_function_anywhere"});
  ASSERT_TRUE(layout) << layout.error().message();
  EXPECT_EQ(layout->size(), sizeof(Task));
  Result<StructLayout> missing = types_->find_struct("NoSuchStruct", {});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("NoSuchStruct"), std::string::npos);
  EXPECT_FALSE(types_->enumerator("NO_SUCH_ENUMERATOR"));
}

}  // namespace
}  // namespace seam

// Arguments and locals of backtrace frames (bt -f) on the real vmcore corpus,
// checked against what gdb 13 prints for the same dump (`gdb -batch vmlinux
// vmcore.elf-paging -ex bt` on sysrq-nokaslr):
//
//   #2 panic (fmt=fmt@entry=0xffffffff823697b9 "sysrq triggered crash\n")
//   #4 __handle_sysrq (key=99, check_mask=check_mask@entry=false)
//   #5 write_sysrq_trigger (file=<optimized out>, buf=<optimized out>, count=2, ...)
//   #8 vfs_write (file=file@entry=0xff11..., ..., count=count@entry=2, ...)  (the address
//      changes each time the corpus is made: its f_op are checked instead)
//   #9 ksys_write (fd=<optimized out>, ..., count=2)
//
// Values Seam cannot recover yet (a callee-saved register the ORC unwinder
// does not restore) must say so, never show something else.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "engine/session.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

struct Opened {
  std::unique_ptr<Session> session;
  Backtrace bt;
};

std::optional<Opened> crashed_backtrace(const std::string& scenario, bool variables) {
  fs::path vmlinux = vmlinux_path();
  fs::path dump = scenario_dir(scenario) / "vmcore.elf-paging";
  if (!fs::exists(vmlinux) || !fs::exists(dump)) return std::nullopt;
  Result<std::unique_ptr<Session>> session =
      Session::open({.vmcore = dump.string(), .vmlinux = vmlinux.string()});
  EXPECT_TRUE(session) << session.error().message();
  if (!session) return std::nullopt;
  Result<Backtrace> bt =
      (*session)->backtrace({.variables = variables, .variable_parts = variables});
  EXPECT_TRUE(bt) << bt.error().message();
  if (!bt) return std::nullopt;
  return Opened{std::move(*session), std::move(*bt)};
}

const Frame* frame_named(const Backtrace& bt, const std::string& function) {
  for (const Frame& f : bt.frames) {
    if (f.function == function) return &f;
  }
  return nullptr;
}

const Variable* arg(const Frame* frame, const std::string& name) {
  if (!frame) return nullptr;
  for (const Variable& v : frame->args) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

// Either gdb's value, or honestly unknown.
void expect_value_or_unknown(const Variable* v, const std::string& gdb_value) {
  ASSERT_NE(v, nullptr);
  if (v->value == "<not saved>" || v->value == "<optimized out>") return;
  EXPECT_EQ(v->value, gdb_value) << v->name;
}

class FrameVariables : public testing::TestWithParam<const char*> {};

TEST_P(FrameVariables, CrashedTaskMatchesGdb) {
  std::optional<Opened> opened = crashed_backtrace(GetParam(), true);
  if (!opened) GTEST_FAIL() << "corpus not generated (samples/kernels/make-corpus.sh)";
  const Backtrace& bt = opened->bt;

  const Frame* panic = frame_named(bt, "panic");
  ASSERT_NE(panic, nullptr);
  EXPECT_EQ(panic->variables_error, "");
  ASSERT_FALSE(panic->args.empty());
  EXPECT_EQ(panic->args[0].name, "fmt");
  EXPECT_NE(panic->args[0].type.find("char"), std::string::npos) << panic->args[0].type;
  // An entry value: resolved from sysrq_handle_crash's call site.
  EXPECT_TRUE(panic->args[0].value.starts_with("0xffffffff")) << panic->args[0].value;
  EXPECT_NE(panic->args[0].value.find("\"sysrq triggered crash\\n\""), std::string::npos)
      << panic->args[0].value;
  if (std::string(GetParam()) == "sysrq-nokaslr") {
    EXPECT_TRUE(panic->args[0].value.starts_with("0xffffffff823697b9")) << panic->args[0].value;
  }

  const Frame* handle = frame_named(bt, "__handle_sysrq.cold");
  if (!handle) handle = frame_named(bt, "__handle_sysrq");
  ASSERT_NE(handle, nullptr);
  expect_value_or_unknown(arg(handle, "key"), "99");
  expect_value_or_unknown(arg(handle, "check_mask"), "false");

  const Frame* trigger = frame_named(bt, "write_sysrq_trigger");
  ASSERT_NE(trigger, nullptr);
  expect_value_or_unknown(arg(trigger, "count"), "2");

  // vfs_write's file is in a register at the call: the same struct file as
  // write_sysrq_trigger's entry value (gdb: file=file@entry=0xff11...).
  const Frame* vfs_write = frame_named(bt, "vfs_write");
  ASSERT_NE(vfs_write, nullptr);
  const Variable* file = arg(vfs_write, "file");
  ASSERT_NE(file, nullptr);
  EXPECT_TRUE(file->value.starts_with("0xff")) << file->value;
  // Its address changes each time the corpus is made (gdb's own value is
  // compared by test_backtrace through peer_oracles): what it points to does
  // not — /proc/sysrq-trigger's struct file, whose f_op are procfs's.
  const Variable* f_op = nullptr;
  for (const Variable& part : file->children) {
    if (part.name == "f_op") f_op = &part;
  }
  ASSERT_NE(f_op, nullptr) << "no f_op among the parts of vfs_write's file";
  EXPECT_TRUE(f_op->value.ends_with("<proc_reg_file_ops>")) << f_op->value;
  expect_value_or_unknown(arg(vfs_write, "count"), "2");

  const Frame* ksys_write = frame_named(bt, "ksys_write");
  ASSERT_NE(ksys_write, nullptr);
  ASSERT_NE(arg(ksys_write, "fd"), nullptr);
  expect_value_or_unknown(arg(ksys_write, "count"), "2");
  EXPECT_EQ(arg(ksys_write, "fd")->type, "unsigned int");

  // The assembly entry frame has no DWARF function: it says so.
  const Frame& last = bt.frames.back();
  if (last.language == "asm") {
    EXPECT_NE(last.variables_error, "");
  }
  const Frame* inlined = frame_named(bt, "do_syscall_x64");
  ASSERT_NE(inlined, nullptr);
  EXPECT_TRUE(inlined->inlined);
  ASSERT_NE(arg(inlined, "regs"), nullptr);
  ASSERT_NE(arg(inlined, "nr"), nullptr);
}

TEST_P(FrameVariables, OnlyWhenRequested) {
  std::optional<Opened> opened = crashed_backtrace(GetParam(), false);
  if (!opened) GTEST_FAIL() << "corpus not generated (samples/kernels/make-corpus.sh)";
  for (const Frame& f : opened->bt.frames) {
    EXPECT_TRUE(f.args.empty() && f.locals.empty() && f.variables_error.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Corpus, FrameVariables, testing::Values("sysrq-kaslr", "sysrq-nokaslr"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name) c = c == '-' ? '_' : c;
                           return name;
                         });

}  // namespace
}  // namespace seam::engine

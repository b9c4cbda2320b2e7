// DwarfTypes on real kernels: every struct member the kernel model reads,
// looked up through anchor functions in Debian's 6.1 vmlinux and checked
// against gdb's own answers (one gdb run, ~20 s, computed here at run time);
// and the .debug_pubtypes path on the Rust-enabled clang kernel.
//
// Needs ~/.cache/seam/kernels/6.1.0-56-cloud-amd64 (scripts/fetch-debian-kernel.sh)
// and ~/.cache/seam/fixtures/vmlinux-rust-6.1 (../shared/fixtures/rust-kernel-6.1).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "symbolizer/binary.h"
#include "symbolizer/dwarf_types.h"
#include "tests/corpus/corpus_paths.h"

namespace seam {
namespace {

std::string debian_vmlinux() {
  return test::vmlinux_path().string();
}

// Member paths (struct name, dotted path) that the kernel model reads.
const std::vector<std::pair<std::string, std::string>> kMembers = {
    {"task_struct", "pid"},
    {"task_struct", "tgid"},
    {"task_struct", "comm"},
    {"task_struct", "tasks"},
    {"task_struct", "real_parent"},
    {"task_struct", "mm"},
    {"task_struct", "__state"},
    {"task_struct", "exit_state"},
    {"task_struct", "flags"},
    {"task_struct", "thread_info.cpu"},
    {"task_struct", "signal"},
    {"task_struct", "thread_node"},
    {"task_struct", "thread.sp"},
    {"task_struct", "stack"},
    {"signal_struct", "thread_head"},
    {"list_head", "next"},
    {"list_head", "prev"},
    {"module", "list"},
    {"module", "name"},
    {"module", "state"},
    {"module", "core_layout.base"},
    {"module", "core_layout.size"},
    {"module", "core_layout.text_size"},
    {"module", "init_layout"},
    {"module", "sect_attrs"},
    {"module_sect_attrs", "nsections"},
    {"module_sect_attrs", "attrs"},
    {"module_sect_attr", "battr.attr.name"},
    {"module_sect_attr", "address"},
    {"printk_ringbuffer", "desc_ring"},
    {"printk_ringbuffer", "text_data_ring"},
    {"printk_ringbuffer", "fail"},
    {"prb_desc_ring", "count_bits"},
    {"prb_desc_ring", "descs"},
    {"prb_desc_ring", "infos"},
    {"prb_desc_ring", "head_id"},
    {"prb_data_ring", "size_bits"},
    {"prb_data_ring", "data"},
    {"prb_desc", "state_var"},
    {"prb_desc", "text_blk_lpos"},
    {"printk_info", "seq"},
    {"printk_info", "ts_nsec"},
    {"printk_info", "text_len"},
    {"printk_info", "caller_id"},
    {"prb_data_blk_lpos", "begin"},
    {"prb_data_blk_lpos", "next"},
    {"uts_namespace", "name"},
    {"new_utsname", "release"},
    {"new_utsname", "machine"},
};
const std::vector<std::string> kStructs = {
    "task_struct",      "signal_struct",     "list_head",     "module",        "module_sect_attrs",
    "module_sect_attr", "printk_ringbuffer", "prb_desc_ring", "prb_data_ring", "prb_desc",
    "printk_info",      "prb_data_blk_lpos", "uts_namespace", "new_utsname"};

// "a b c": the keys of gdb's answers.
std::string key(std::string_view a, std::string_view b, std::string_view c = {}) {
  std::string joined(a);
  joined.append(" ").append(b);
  if (!c.empty()) joined.append(" ").append(c);
  return joined;
}

// gdb's answers: "offset struct path" -> offset, "sizeof struct" -> size,
// "type struct path" -> C type name.
std::map<std::string, std::string> ask_gdb(const std::string& vmlinux) {
  std::vector<std::string> keys;
  std::string command = "gdb -nx -batch";
  auto ask = [&](const std::string& key, const std::string& expression) {
    keys.push_back(key);
    command += " -ex 'echo @@\\n' -ex '" + expression + "'";
  };
  for (const auto& [name, path] : kMembers) {
    std::string member = "((struct " + name + "*)0)->";
    member += path;
    ask(key("offset", name, path), "print (long)&" + member);
    ask(key("type", name, path), "whatis " + member);
  }
  for (const std::string& name : kStructs)
    ask(key("sizeof", name), "print sizeof(struct " + name + ")");
  ask("enum MODULE_STATE_LIVE", "print (long)MODULE_STATE_LIVE");
  command += " " + vmlinux + " 2>&1";

  std::map<std::string, std::string> answers;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return answers;
  char line[4096];
  int index = -1;
  while (std::fgets(line, sizeof line, pipe.get())) {
    std::string text(line);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (text == "@@") {
      ++index;
      continue;
    }
    if (index < 0 || index >= static_cast<int>(keys.size())) continue;
    // "$1 = 2976" or "type = char [16]"
    size_t equals = text.find(" = ");
    if (equals != std::string::npos) answers[keys[index]] = text.substr(equals + 3);
  }
  return answers;
}

class DebianKernelTypes : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(debian_vmlinux())) return;
    gdb_ = new std::map<std::string, std::string>(ask_gdb(debian_vmlinux()));
  }
  static void TearDownTestSuite() {
    delete gdb_;
    gdb_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(std::filesystem::exists(debian_vmlinux()))
        << debian_vmlinux() << " is missing: run scripts/fetch-debian-kernel.sh";
    Result<std::unique_ptr<Binary>> binary = Binary::open(debian_vmlinux(), {});
    ASSERT_TRUE(binary) << binary.error().message();
    binary_ = std::move(*binary);
    types_ = binary_->types();
    ASSERT_NE(types_, nullptr);
  }

  // The anchors the kernel model uses for each struct.
  Result<StructLayout> find(const std::string& name) {
    if (name == "module" || name == "module_sect_attrs" || name == "module_sect_attr") {
      return types_->find_struct(name, {"load_module", "mod_sysfs_setup"});
    }
    if (name.starts_with("prb_") || name.starts_with("printk_")) {
      return types_->find_struct(name, {"prb_reserve", "prb_read_valid"});
    }
    if (name == "uts_namespace" || name == "new_utsname") {
      return types_->find_struct(name, {"copy_utsname", "__do_sys_newuname"});
    }
    return types_->find_struct(name, {"copy_process"});
  }

  static std::map<std::string, std::string>* gdb_;
  std::unique_ptr<Binary> binary_;
  DwarfTypes* types_ = nullptr;
};

std::map<std::string, std::string>* DebianKernelTypes::gdb_ = nullptr;

TEST_F(DebianKernelTypes, MembersMatchGdb) {
  ASSERT_TRUE(gdb_ && !gdb_->empty()) << "gdb gave no answers";
  for (const auto& [name, path] : kMembers) {
    Result<StructLayout> layout = find(name);
    ASSERT_TRUE(layout) << layout.error().message();
    Result<Member> member = layout->member(path);
    ASSERT_TRUE(member) << member.error().message();
    EXPECT_EQ(std::to_string(member->offset), (*gdb_)[key("offset", name, path)])
        << name << "." << path;
    EXPECT_EQ(member->type_name, (*gdb_)[key("type", name, path)]) << name << "." << path;
  }
  for (const std::string& name : kStructs) {
    Result<StructLayout> layout = find(name);
    ASSERT_TRUE(layout) << layout.error().message();
    EXPECT_EQ(std::to_string(layout->size()), (*gdb_)[key("sizeof", name)]) << name;
  }
  Result<int64_t> live = types_->enumerator("MODULE_STATE_LIVE", {"load_module"});
  ASSERT_TRUE(live) << live.error().message();
  EXPECT_EQ(std::to_string(*live), (*gdb_)["enum MODULE_STATE_LIVE"]);
}

TEST_F(DebianKernelTypes, ArraysPointersAndBitFields) {
  Result<StructLayout> task = find("task_struct");
  ASSERT_TRUE(task);
  Result<Member> comm = task->member("comm");
  EXPECT_EQ(comm->array_count, 16u);
  EXPECT_EQ(comm->element_size, 1u);
  EXPECT_EQ(task->member("real_parent")->element_size, task->size());
  Result<StructLayout> info = find("printk_info");
  ASSERT_TRUE(info);
  // u8 flags:5; u8 level:3; — one byte, flags in the low bits.
  Result<Member> flags = info->member("flags");
  Result<Member> level = info->member("level");
  ASSERT_TRUE(flags && level);
  EXPECT_EQ(flags->bit_size, 5u);
  EXPECT_EQ(level->bit_size, 3u);
  EXPECT_EQ(flags->offset * 8 + flags->bit_offset + 5, level->offset * 8 + level->bit_offset);
}

TEST_F(DebianKernelTypes, AnchoredLookupIsFast) {
  auto start = std::chrono::steady_clock::now();
  for (const std::string& name : kStructs) ASSERT_TRUE(find(name)) << name;
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  // About 4 ms measured (a fresh Binary); the whole-file fallback is 400 ms.
  EXPECT_LT(ms, 100.0);
}

TEST_F(DebianKernelTypes, SymbolsAndBannerFromTheFile) {
  Result<uint64_t> banner = binary_->symbol_address("linux_banner");
  ASSERT_TRUE(banner) << banner.error().message();
  Result<std::string> text = binary_->read_string_at(*banner, 512);
  ASSERT_TRUE(text) << text.error().message();
  EXPECT_TRUE(text->starts_with("Linux version 6.1.0-")) << *text;
  EXPECT_TRUE(binary_->build_id().has_value());
  std::vector<SymbolMatch> copy_process = binary_->symbols().find("copy_process");
  ASSERT_FALSE(copy_process.empty());
  EXPECT_EQ(copy_process.front().type, 't');
}

TEST(RustKernelTypes, FindsTaskStructThroughPubtypes) {
  std::string vmlinux = (test::cache_dir() / "fixtures" / "vmlinux-rust-6.1").string();
  ASSERT_TRUE(std::filesystem::exists(vmlinux))
      << vmlinux << " is missing: xz -dkc ../shared/fixtures/rust-kernel-6.1/vmlinux.xz > it";
  Result<std::unique_ptr<Binary>> binary = Binary::open(vmlinux, {});
  ASSERT_TRUE(binary) << binary.error().message();
  DwarfTypes* types = (*binary)->types();
  ASSERT_NE(types, nullptr);
  // No anchors: .debug_pubtypes (written for the Rust units) answers, with
  // bindgen's copy of the C struct.
  Result<StructLayout> task = types->find_struct("task_struct");
  ASSERT_TRUE(task) << task.error().message();
  EXPECT_EQ(task->size(), 6208u);
  EXPECT_EQ(task->member("comm")->offset, 1272u);
  EXPECT_EQ(task->member("thread_info.cpu")->offset, 20u);
  // Anchored: the C unit of copy_process, the same layout.
  Result<StructLayout> c_task = types->find_struct("list_head", {"copy_process"});
  ASSERT_TRUE(c_task) << c_task.error().message();
  EXPECT_EQ(c_task->size(), 16u);
}

}  // namespace
}  // namespace seam

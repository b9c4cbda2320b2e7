// Session::inlined_calls (the calls inlined into a frame's function, which
// seam-gui marks in the Source pane, and `seam sym --inlined` prints) on the
// corpus: every inlined frame of a backtrace is a call of its function at the
// caller frame's line; the calls equal the DW_TAG_inlined_subroutine DIEs that
// llvm-dwarfdump-19 prints for the function (callee, call file/line/column,
// nesting, lowest address), in the vmlinux, a C module and the Rust fixture's
// module; runtime addresses carry the KASLR offset or the module's placement.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "engine/session.h"
#include "symbolizer/binary.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;
using namespace seam::test;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// An inlined call as llvm-dwarfdump prints its DIE.
struct DumpedCall {
  std::string callee;  // the abstract origin's DW_AT_name
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  uint64_t low_pc = 0;  // lowest byte of its non-empty ranges, 0 when none
  int depth = 0;
};

// The inlined calls of the first DW_TAG_subprogram named `function` in
// `binary`, in DIE order, from `llvm-dwarfdump-19 --name=FUNCTION -c`.
std::vector<DumpedCall> dwarfdump_inlined_calls(const fs::path& binary,
                                                const std::string& function) {
  std::string command =
      "llvm-dwarfdump-19 -c --name=" + function + " '" + binary.string() + "' 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::vector<DumpedCall> calls;
  if (!pipe) return calls;
  static const std::regex kDie(R"(^0x[0-9a-f]+:(\s+)(DW_TAG_\w+|NULL))");
  static const std::regex kAttribute(R"(^\s+DW_AT_(\w+)\s+\((.*)$)");
  static const std::regex kRange(R"(\[0x([0-9a-f]+), 0x([0-9a-f]+)\))");
  static const std::regex kQuoted("\"([^\"]*)\"");
  struct Open {
    size_t indent;
    bool inlined;
  };
  std::vector<Open> open;  // the DIEs enclosing the current one
  size_t function_indent = std::string::npos;
  bool in_call = false;  // the attributes read are an inlined call's
  std::optional<uint64_t> low_pc_attribute;
  auto add_range = [&](uint64_t low, uint64_t high) {
    if (high > low && (calls.back().low_pc == 0 || low < calls.back().low_pc)) {
      calls.back().low_pc = low;
    }
  };
  char buffer[8192];
  while (std::fgets(buffer, sizeof buffer, pipe.get())) {
    std::string line(buffer);
    if (!line.empty() && line.back() == '\n') line.pop_back();
    std::smatch match;
    if (std::regex_search(line, match, kDie)) {
      size_t indent = match[1].length();
      std::string tag = match[2];
      in_call = false;
      low_pc_attribute.reset();
      if (function_indent == std::string::npos) {
        if (tag == "DW_TAG_subprogram") function_indent = indent;
        continue;
      }
      if (indent <= function_indent) break;  // past the function
      while (!open.empty() && open.back().indent >= indent) open.pop_back();
      if (tag == "NULL") continue;
      bool inlined = tag == "DW_TAG_inlined_subroutine";
      if (inlined) {
        DumpedCall call;
        call.depth = 1 + static_cast<int>(std::count_if(open.begin(), open.end(),
                                                        [](const Open& o) { return o.inlined; }));
        calls.push_back(call);
        in_call = true;
      }
      open.push_back({indent, inlined});
      continue;
    }
    if (!in_call) continue;
    if (std::regex_search(line, match, kAttribute)) {
      std::string name = match[1];
      std::string value = match[2];
      std::smatch quoted;
      bool has_quoted = std::regex_search(value, quoted, kQuoted);
      if (name == "abstract_origin" && has_quoted) calls.back().callee = quoted[1];
      if (name == "call_file" && has_quoted) calls.back().file = quoted[1];
      if (name == "call_line") calls.back().line = std::stoul(value);
      if (name == "call_column") calls.back().column = std::stoul(value);
      if (name == "low_pc") low_pc_attribute = std::stoull(value, nullptr, 16);
      if (name == "high_pc" && low_pc_attribute) {
        add_range(*low_pc_attribute, std::stoull(value, nullptr, 16));
      }
    }
    // DW_AT_ranges lists one range a line.
    for (std::sregex_iterator it(line.begin(), line.end(), kRange), end; it != end; ++it) {
      add_range(std::stoull((*it)[1], nullptr, 16), std::stoull((*it)[2], nullptr, 16));
    }
  }
  return calls;
}

// A Rust or C++ linkage name as llvm-cxxfilt-19 demangles it; others as they are.
std::string demangled(const std::string& name) {
  if (name.rfind("_R", 0) != 0 && name.rfind("_Z", 0) != 0) return name;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen(("llvm-cxxfilt-19 '" + name + "' 2>&1").c_str(), "r"), pclose);
  char buffer[4096];
  if (!pipe || !std::fgets(buffer, sizeof buffer, pipe.get())) return name;
  std::string text(buffer);
  if (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// Seam's calls (file addresses) against llvm-dwarfdump's, one by one.
void expect_same_calls(const std::vector<seam::InlinedCall>& seam,
                       const std::vector<DumpedCall>& dumped, bool compare_addresses) {
  ASSERT_EQ(seam.size(), dumped.size());
  for (size_t i = 0; i < seam.size(); ++i) {
    SCOPED_TRACE("call " + std::to_string(i) + ": " + seam[i].callee);
    // llvm-dwarfdump names a Rust callee by its linkage name: Seam demangled.
    EXPECT_EQ(seam[i].callee, demangled(dumped[i].callee));
    EXPECT_TRUE(ends_with(seam[i].call_file, dumped[i].file)) << dumped[i].file;
    EXPECT_EQ(seam[i].call_line, dumped[i].line);
    EXPECT_EQ(seam[i].call_column, dumped[i].column);
    EXPECT_EQ(seam[i].depth, dumped[i].depth);
    if (compare_addresses) EXPECT_EQ(seam[i].low_pc, dumped[i].low_pc);
  }
}

std::unique_ptr<Session> open_scenario(const std::string& scenario,
                                       std::vector<std::string> modules = {}) {
  fs::path dump = scenario_dir(scenario) / "vmcore.elf-paging";
  EXPECT_TRUE(fs::exists(dump) && fs::exists(vmlinux_path()))
      << dump << " or " << vmlinux_path() << " is missing: samples/kernels/make-corpus.sh";
  Result<std::unique_ptr<Session>> session = Session::open({.vmcore = dump.string(),
                                                            .vmlinux = vmlinux_path().string(),
                                                            .module_paths = std::move(modules)});
  EXPECT_TRUE(session) << session.error().message();
  return session ? std::move(*session) : nullptr;
}

// sysrq-kaslr's crashed stack has inlined frames (delay_tsc inlines
// __preempt_count_add at delay.c:79, proc_reg_write inlines pde_write at
// inode.c:352, do_syscall_64 inlines do_syscall_x64 at common.c:76): each is
// a call of the concrete function below it, made at its caller frame's line.
TEST(InlinedCalls, InlinedFramesAreCallsOfTheirFunction) {
  std::unique_ptr<Session> session = open_scenario("sysrq-kaslr");
  ASSERT_TRUE(session);
  Result<Backtrace> bt = session->backtrace({});
  ASSERT_TRUE(bt) << bt.error().message();
  const std::vector<Frame>& frames = bt->frames;
  int checked = 0;
  for (size_t i = 0; i + 1 < frames.size(); ++i) {
    if (!frames[i].inlined) continue;
    size_t concrete = i + 1;
    while (concrete < frames.size() && frames[concrete].inlined) ++concrete;
    ASSERT_LT(concrete, frames.size());
    SCOPED_TRACE(frames[i].function + " in " + frames[concrete].function);
    Result<std::vector<InlinedCall>> calls = session->inlined_calls(frames[concrete].pc);
    ASSERT_TRUE(calls) << calls.error().message();
    const Frame& caller = frames[i + 1];
    auto call = std::find_if(calls->begin(), calls->end(), [&](const InlinedCall& c) {
      return c.callee == frames[i].function && c.call_line == caller.line &&
             c.call_file == caller.file;
    });
    ASSERT_NE(call, calls->end()) << "no call of " << frames[i].function << " at " << caller.file
                                  << ":" << caller.line;
    EXPECT_EQ(call->depth, static_cast<int>(concrete - i));
    EXPECT_NE(call->low_pc, 0u);
    EXPECT_LE(call->low_pc, frames[i].pc);
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

// The vmlinux's DWARF as llvm-dwarfdump-19 prints it, and the session's
// runtime addresses: the file addresses plus the KASLR offset.
TEST(InlinedCalls, VmlinuxCallsAreLlvmDwarfdumps) {
  Result<std::unique_ptr<Binary>> vmlinux = Binary::open(vmlinux_path().string(), {});
  ASSERT_TRUE(vmlinux) << vmlinux.error().message();
  std::unique_ptr<Session> session = open_scenario("sysrq-kaslr");
  ASSERT_TRUE(session);
  Result<SystemInfo> info = session->system_info();
  ASSERT_TRUE(info);
  ASSERT_NE(info->kaslr_offset, 0u);
  for (const char* function : {"proc_reg_write", "delay_tsc", "do_syscall_64"}) {
    SCOPED_TRACE(function);
    Result<uint64_t> address = (*vmlinux)->symbol_address(function);
    ASSERT_TRUE(address) << address.error().message();
    std::optional<std::vector<seam::InlinedCall>> calls = (*vmlinux)->inlined_calls(*address);
    ASSERT_TRUE(calls.has_value());
    std::vector<DumpedCall> dumped = dwarfdump_inlined_calls(vmlinux_path(), function);
    ASSERT_FALSE(dumped.empty()) << "llvm-dwarfdump-19 printed no inlined call of " << function
                                 << " (is llvm-19 installed? setup.sh installs it)";
    expect_same_calls(*calls, dumped, true);

    Result<std::vector<InlinedCall>> runtime =
        session->inlined_calls(*address + info->kaslr_offset);
    ASSERT_TRUE(runtime) << runtime.error().message();
    ASSERT_EQ(runtime->size(), calls->size());
    for (size_t i = 0; i < calls->size(); ++i) {
      EXPECT_EQ((*runtime)[i].callee, (*calls)[i].callee);
      EXPECT_EQ((*runtime)[i].low_pc,
                (*calls)[i].low_pc == 0 ? 0 : (*calls)[i].low_pc + info->kaslr_offset);
    }
  }
  // proc_reg_write's 16, nested 5 deep: unuse_pde -> atomic_dec_return ->
  // arch_atomic_dec_return -> arch_atomic_sub_return -> arch_atomic_add_return.
  std::optional<std::vector<seam::InlinedCall>> calls =
      (*vmlinux)->inlined_calls(*(*vmlinux)->symbol_address("proc_reg_write"));
  ASSERT_TRUE(calls);
  EXPECT_EQ(calls->size(), 16u);
  EXPECT_EQ(std::max_element(calls->begin(), calls->end(),
                             [](const auto& a, const auto& b) { return a.depth < b.depth; })
                ->depth,
            5);
}

// A module's calls are at its runtime addresses (the .ko placed where the
// kernel loaded it); its DWARF as llvm-dwarfdump-19 prints it.
TEST(InlinedCalls, ModuleCallsArePlacedWhereTheModuleIs) {
  fs::path ko = scenario_dir("module-bug") / "seam_crash.ko";
  std::unique_ptr<Session> session = open_scenario("module-bug", {ko.string()});
  ASSERT_TRUE(session);
  Result<uint64_t> address = session->evaluate_address("seam_crash_trigger_write");
  ASSERT_TRUE(address) << address.error().message();
  Result<std::vector<ModuleInfo>> modules = session->modules();
  ASSERT_TRUE(modules);
  auto module = std::find_if(modules->begin(), modules->end(),
                             [](const ModuleInfo& m) { return m.name == "seam_crash"; });
  ASSERT_NE(module, modules->end());
  Result<std::vector<InlinedCall>> calls = session->inlined_calls(*address);
  ASSERT_TRUE(calls) << calls.error().message();
  ASSERT_FALSE(calls->empty());
  for (const InlinedCall& call : *calls) {
    EXPECT_GE(call.low_pc, module->base);
    EXPECT_LT(call.low_pc, module->base + module->size);
  }
  std::vector<seam::InlinedCall> as_symbolizer;
  for (const InlinedCall& call : *calls) {
    as_symbolizer.push_back({call.callee, call.call_file, static_cast<uint32_t>(call.call_line),
                             static_cast<uint32_t>(call.call_column), call.low_pc, call.depth});
  }
  // A .ko's DWARF addresses are section-relative: names, lines and nesting only.
  expect_same_calls(as_symbolizer, dwarfdump_inlined_calls(ko, "seam_crash_trigger_write"), false);
  EXPECT_EQ((*calls)[0].callee, "copy_from_user");
  EXPECT_TRUE(ends_with((*calls)[0].call_file, "seam_crash.c"));
}

// Rust: the fixture's rust_crashme::crash_here inlines <i64>::signum and
// core::fmt::Arguments::new_v1_formatted.
TEST(InlinedCalls, RustFunctionCallsAreLlvmDwarfdumps) {
  fs::path shared = std::getenv("SEAM_SHARED_DIR") ? fs::path(std::getenv("SEAM_SHARED_DIR"))
                                                   : fs::path(SEAM_SOURCE_DIR) / ".." / "shared";
  fs::path ko = shared / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko";
  ASSERT_TRUE(fs::exists(ko)) << ko << " is missing: the Rust fixture is in the shared "
                              << "directory (SEAM_SHARED_DIR, else ../shared beside the source)";
  Result<std::unique_ptr<Binary>> binary = Binary::open(ko.string(), {});
  ASSERT_TRUE(binary) << binary.error().message();
  // Any address in it: its breakpoint's (past the prologue).
  Result<std::vector<BreakpointLocation>> at =
      (*binary)->source_locations().resolve("rust_crashme::crash_here");
  ASSERT_TRUE(at) << at.error().message();
  ASSERT_FALSE(at->empty());
  std::optional<std::vector<seam::InlinedCall>> calls =
      (*binary)->inlined_calls(at->front().address);
  ASSERT_TRUE(calls.has_value());
  expect_same_calls(*calls, dwarfdump_inlined_calls(ko, "crash_here"), false);
  auto signum = std::find_if(calls->begin(), calls->end(), [](const seam::InlinedCall& c) {
    return c.callee == "<i64>::signum";
  });
  ASSERT_NE(signum, calls->end());
  EXPECT_TRUE(ends_with(signum->call_file, "samples/rust/rust_crashme.rs"));
  EXPECT_EQ(signum->call_line, 71u);
}

// No DWARF function at an address: an error naming it, never an empty list.
TEST(InlinedCalls, AssemblyAndUnknownAddressesAreErrors) {
  std::unique_ptr<Session> session = open_scenario("sysrq-kaslr");
  ASSERT_TRUE(session);
  Result<uint64_t> entry = session->evaluate_address("entry_SYSCALL_64_after_hwframe");
  ASSERT_TRUE(entry);
  Result<std::vector<InlinedCall>> in_assembly = session->inlined_calls(*entry);
  ASSERT_FALSE(in_assembly);
  EXPECT_NE(in_assembly.error().message().find("no DWARF function"), std::string::npos)
      << in_assembly.error().message();
  Result<std::vector<InlinedCall>> nowhere = session->inlined_calls(0x1234);
  ASSERT_FALSE(nowhere);
  EXPECT_NE(nowhere.error().message().find("0x1234"), std::string::npos);
}

}  // namespace
}  // namespace seam::engine

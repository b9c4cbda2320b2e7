// Backtraces on the real vmcore corpus (samples/kernels): the crashed task's
// stack holds, in order, every function of the kernel's own "Call Trace:" in
// the serial log (the frames not marked '?'), and ends cleanly in user space;
// a sleeping kernel thread ends cleanly below __schedule.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "engine/session.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::engine {
namespace {

namespace fs = std::filesystem;

using namespace seam::test;

const char* const kDumpKinds[] = {"vmcore.elf-paging", "vmcore.elf-phys", "vmcore.kdump-flat",
                                  "vmcore.kdump"};

// The function names of the serial log's first Call Trace, without '?'
// entries and with compiler suffixes (".cold") removed: "panic", ...
std::vector<std::string> serial_call_trace(const fs::path& serial_log) {
  std::ifstream in(serial_log);
  std::string line;
  std::vector<std::string> names;
  bool in_trace = false;
  std::regex frame(R"(^\[[ 0-9.]+\]  ([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+)");
  while (std::getline(in, line)) {
    if (line.find("Call Trace:") != std::string::npos) {
      if (!names.empty()) break;
      in_trace = true;
      continue;
    }
    if (!in_trace) continue;
    if (line.find("</TASK>") != std::string::npos) break;
    std::smatch m;
    if (std::regex_search(line, m, frame)) {
      std::string name = m[1];
      if (size_t dot = name.find('.'); dot != std::string::npos) name.resize(dot);
      names.push_back(name);
    }
  }
  return names;
}

std::string strip_suffix(std::string name) {
  if (size_t dot = name.find('.'); dot != std::string::npos) name.resize(dot);
  return name;
}

std::string describe(const Backtrace& bt) {
  std::ostringstream out;
  for (const Frame& f : bt.frames) {
    out << "#" << f.index << " " << std::hex << f.pc << std::dec << " " << f.function
        << (f.inlined ? " [inlined]" : "") << " (" << f.unwound_by << ")"
        << (f.boundary ? " [" + f.boundary_text + "]" : "") << "\n";
  }
  out << "end: " << bt.end_reason << "\n";
  return out.str();
}

// Whether `expected` appear in `names` in this order (not necessarily adjacent).
bool in_order(const std::vector<std::string>& names, const std::vector<std::string>& expected,
              std::string& missing) {
  size_t at = 0;
  for (const std::string& want : expected) {
    while (at < names.size() && names[at] != want) ++at;
    if (at == names.size()) {
      missing = want;
      return false;
    }
    ++at;
  }
  return true;
}

TEST(StackTrace, CrashedTaskMatchesTheKernelsCallTrace) {
  fs::path corpus = corpus_dir();
  ASSERT_TRUE(fs::exists(corpus / "sysrq-kaslr"))
      << "no vmcore corpus: run samples/kernels/make-corpus.sh";
  for (const char* scenario : {"sysrq-kaslr", "sysrq-nokaslr", "sysrq-4level"}) {
    std::vector<std::string> expected = serial_call_trace(corpus / scenario / "serial.log");
    ASSERT_GE(expected.size(), 5u) << scenario;
    for (const char* kind : kDumpKinds) {
      std::string dump = (corpus / scenario / kind).string();
      SCOPED_TRACE(dump);
      auto session = Session::open({.vmcore = dump, .vmlinux = vmlinux_path().string()});
      ASSERT_TRUE(session) << session.error().message();
      Result<Backtrace> bt = (*session)->backtrace({});
      ASSERT_TRUE(bt) << bt.error().message();
      std::vector<std::string> names;
      for (const Frame& f : bt->frames) {
        if (!f.inlined && !f.function.empty()) names.push_back(strip_suffix(f.function));
      }
      // The serial log's trace starts in dump_stack_lvl, called by panic; the
      // dump was taken later, with panic in its final loop.
      std::vector<std::string> want(expected.begin(), expected.end());
      if (!want.empty() && want.front() == "dump_stack_lvl") want.erase(want.begin());
      std::string missing;
      EXPECT_TRUE(in_order(names, want, missing)) << "missing " << missing << "\n" << describe(*bt);
      EXPECT_EQ(bt->end_reason, "user space") << describe(*bt);
      ASSERT_FALSE(bt->frames.empty());
      EXPECT_TRUE(bt->frames.back().boundary) << describe(*bt);
      EXPECT_EQ(bt->task.pid, 1);
    }
  }
}

TEST(StackTrace, SleepingKthreadd) {
  fs::path dump = scenario_dir("sysrq-kaslr") / "vmcore.kdump";
  ASSERT_TRUE(fs::exists(dump)) << "no vmcore corpus: run samples/kernels/make-corpus.sh";
  auto session = Session::open({.vmcore = dump.string(), .vmlinux = vmlinux_path().string()});
  ASSERT_TRUE(session) << session.error().message();
  Result<Backtrace> bt = (*session)->backtrace({.pid = 2});
  ASSERT_TRUE(bt) << bt.error().message();
  EXPECT_EQ(bt->task.pid, 2);
  EXPECT_EQ(bt->task.comm, "kthreadd");
  EXPECT_EQ(bt->end_reason, "end of stack") << describe(*bt);
  std::vector<std::string> names;
  for (const Frame& f : bt->frames) {
    if (!f.inlined) names.push_back(strip_suffix(f.function));
  }
  ASSERT_GE(names.size(), 3u) << describe(*bt);
  bool schedule_on_top = false;
  for (size_t i = 0; i < 3; ++i)
    schedule_on_top |= names[i] == "__schedule" || names[i] == "schedule";
  EXPECT_TRUE(schedule_on_top) << describe(*bt);
  std::string missing;
  EXPECT_TRUE(in_order(names, {"kthreadd", "ret_from_fork"}, missing)) << missing << "\n"
                                                                       << describe(*bt);
}

}  // namespace
}  // namespace seam::engine

// What the QtTest files of tests/gui share: the options of a corpus dump,
// the session a window shows opened beside an independent reference session
// (what the window is compared with), and a backtrace row by its function.
//
//   Result<ComparedSessions> sessions = open_compared_sessions(corpus_options("sysrq-kaslr"));
//   QVERIFY2(sessions.ok(), sessions ? "" : sessions.error().message().c_str());
//   MainWindow window(sessions->loaded);
//   int row = frame_row(window.backtrace_model(), "sysrq_handle_crash");
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/session.h"
#include "gui/backtrace_model.h"
#include "gui/session_loader.h"
#include "symbolizer/printf_format.h"
#include "symbolizer/result.h"
#include "tests/corpus/corpus_paths.h"

namespace seam::gui::test_support {

// The paging ELF dump of a corpus scenario, with Debian's vmlinux.
inline engine::SessionOptions corpus_options(const std::string& scenario) {
  engine::SessionOptions options;
  options.vmcore = (test::scenario_dir(scenario) / "vmcore.elf-paging").string();
  options.vmlinux = test::vmlinux_path().string();
  return options;
}

struct ComparedSessions {
  std::shared_ptr<LoadedSession> loaded;       // what the window shows
  std::unique_ptr<engine::Session> reference;  // opened on its own, the oracle
};

// Both sessions on `options`; an error names a file that is missing (with
// `missing_hint`: how to make it) or why a session did not open.
inline Result<ComparedSessions> open_compared_sessions(
    const engine::SessionOptions& options,
    const std::string& missing_hint = "make the corpus with samples/kernels/make-corpus.sh") {
  std::vector<std::string> files = options.module_paths;
  files.insert(files.begin(), {options.vmcore, options.vmlinux});
  for (const std::string& file : files) {
    if (!std::filesystem::exists(file))
      return Error(sformat("no %s: %s", file.c_str(), missing_hint.c_str()));
  }
  Result<std::shared_ptr<LoadedSession>> loaded = load_session(options);
  if (!loaded) return loaded.error();
  Result<std::unique_ptr<engine::Session>> reference = engine::Session::open(options);
  if (!reference) return reference.error().context("the reference session");
  return ComparedSessions{*loaded, std::move(*reference)};
}

// The backtrace row of the first frame of `function`, or -1.
inline int frame_row(const BacktraceModel& backtrace, const std::string& function) {
  for (int row = 0; row < backtrace.rowCount(); ++row) {
    const engine::Frame* frame = backtrace.frame_at(row);
    if (frame && frame->function == function) return row;
  }
  return -1;
}

}  // namespace seam::gui::test_support

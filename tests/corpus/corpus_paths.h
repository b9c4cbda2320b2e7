// Where the corpus tests (tests/corpus/*_test.cpp) find their files: the
// kernel ABI of the vmcore corpus, the cache (SEAM_CACHE_DIR, else
// ~/.cache/seam), the corpus (samples/kernels/make-corpus.sh) and its
// scenarios, and Debian's vmlinux with its debug info
// (scripts/fetch-debian-kernel.sh).
//
//   #include "tests/corpus/corpus_paths.h"
//   using namespace seam::test;
//   auto vmlinux = Binary::open(vmlinux_path().string(), LoadOptions{});
//   fs::path dump = scenario_dir("sysrq-kaslr") / "vmcore.kdump";
//   for (const fs::path& dir : scenarios()) ...
#pragma once

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace seam::test {

// The Debian kernel the corpus is made with.
inline const std::string kAbi = "6.1.0-56-cloud-amd64";

// SEAM_CACHE_DIR, else ~/.cache/seam.
inline std::filesystem::path cache_dir() {
  if (const char* dir = std::getenv("SEAM_CACHE_DIR")) return dir;
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : "/root") / ".cache" / "seam";
}

// The vmcore corpus: one directory a scenario.
inline std::filesystem::path corpus_dir() {
  return cache_dir() / "corpus" / kAbi;
}

inline std::filesystem::path scenario_dir(const std::string& scenario) {
  return corpus_dir() / scenario;
}

// Debian's vmlinux with its debug info, the one every dump of the corpus is of.
inline std::filesystem::path vmlinux_path() {
  return cache_dir() / "kernels" / kAbi / "usr/lib/debug/boot" / ("vmlinux-" + kAbi);
}

// Every scenario directory of the corpus (those with a scenario.json), sorted;
// none when there is no corpus.
inline std::vector<std::filesystem::path> scenarios() {
  std::vector<std::filesystem::path> dirs;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(corpus_dir(), error)) {
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "scenario.json")) {
      dirs.push_back(entry.path());
    }
  }
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace seam::test

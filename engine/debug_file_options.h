// Where each `-s FILE|DIR` of a command line belongs in SessionOptions: the
// vmlinux (an ELF executable), a kernel module (an ELF relocatable .ko, or a
// compressed .ko.xz/.gz/.zst), or a directory searched for modules. Shared by
// `seam` and `seam-gui`, which take the same -s options.
//
//   SessionOptions options{.vmcore = "vmcore"};
//   for (const std::string& path : dash_s_paths)
//     if (Result<void> ok = add_debug_file(path, options); !ok) die(ok.error().message());
#pragma once

#include <string>

#include "engine/session.h"
#include "symbolizer/result.h"

namespace seam::engine {

// Errors name the path: missing, unreadable, neither kind, a second vmlinux.
Result<void> add_debug_file(const std::string& path, SessionOptions& options);

}  // namespace seam::engine

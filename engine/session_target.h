// SessionTarget: the Target a Session reads, opened from SessionOptions — a
// vmcore file or a live QEMU gdbstub — with what the session must know of its
// kind: where it came from, whether it is live, how to leave it.
//
//   Result<std::unique_ptr<SessionTarget>> opened = open_session_target(options);
//   if (!opened) return opened.error();
//   auto kernel = LinuxKernel::open((*opened)->target(), vmlinux, {});
//   std::cout << (*opened)->describe();  // "live: QEMU gdbstub 127.0.0.1:1234"
//   (*opened)->close();                  // a live guest is left as it was found
//
// Internal to engine/: cli/ and gui/ see only Session.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/session.h"
#include "engine/target.h"
#include "symbolizer/result.h"

namespace seam::engine {

class SessionTarget {
 public:
  virtual ~SessionTarget() = default;

  // Valid until close().
  virtual Target& target() = 0;
  // "vmcore: vmcore.kdump", "live: QEMU gdbstub 127.0.0.1:1234".
  virtual std::string describe() const = 0;
  virtual std::string dump_path() const { return {}; }
  // "QEMU gdbstub 127.0.0.1:1234" for a live target, "" for a dump.
  virtual std::string live() const { return {}; }
  // Live: what Seam did to the guest and will do when it leaves.
  virtual std::string live_state() const { return {}; }
  // Live: the vCPU the guest's current stop names, if any.
  virtual std::optional<int> stopped_cpu() const { return std::nullopt; }
  virtual std::vector<std::string> warnings() const { return {}; }
  // Ends the use of the target; target() is gone after it. A live guest that
  // was running when Seam connected runs again; one that was stopped stays so.
  virtual Result<void> close() { return {}; }
};

Result<std::unique_ptr<SessionTarget>> open_vmcore_session_target(const std::string& path);
Result<std::unique_ptr<SessionTarget>> open_gdbstub_session_target(const std::string& address);

}  // namespace seam::engine

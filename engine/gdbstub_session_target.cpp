// A live QEMU as a SessionTarget. QEMU stops the guest when a debugger
// connects, so every read sees one instant; on close the guest is left as it
// was found: resumed (detach) when QEMU had to stop it for us, else kept
// stopped (the connection closes, as gdb's `disconnect`).
#include <cctype>

#include "engine/gdbstub_target.h"
#include "engine/session_target.h"

namespace seam::engine {
namespace {

class GdbstubSessionTarget final : public SessionTarget {
 public:
  GdbstubSessionTarget(std::string address, std::unique_ptr<GdbstubTarget> target)
      : address_(std::move(address)),
        target_(std::move(target)),
        was_running_(target_->remote().connect_stopped_guest()) {}
  ~GdbstubSessionTarget() override { (void)close(); }

  Target& target() override { return *target_; }
  std::string describe() const override { return "live: " + live(); }
  std::string live() const override { return "QEMU gdbstub " + address_; }
  std::string live_state() const override {
    if (!target_ || !target_->remote().connected()) {
      return "disconnected: the gdbstub connection is closed (reconnect with -g " + address_ + ")";
    }
    return was_running_ ? "stopped by Seam while it reads (it was running; it runs again when "
                          "Seam leaves)"
                        : "stopped (it was stopped when Seam connected, and stays stopped)";
  }
  std::optional<int> stopped_cpu() const override {
    if (!target_ || !target_->last_stop()) return std::nullopt;
    return target_->last_stop()->cpu;
  }

  Result<void> close() override {
    if (!target_) return {};
    Result<void> ok;
    if (was_running_ && target_->remote().connected() && !target_->running()) {
      ok = target_->detach();
      if (!ok) ok = ok.error().context("cannot let the guest run again");
    }
    target_.reset();  // turns QEMU's physical-memory mode off, closes the connection
    return ok;
  }

 private:
  std::string address_;
  std::unique_ptr<GdbstubTarget> target_;
  bool was_running_ = false;
};

// "gdbstub 127.0.0.1:1234: cannot connect: Connection refused" says what
// failed, not what to do about it.
Error connect_error(const std::string& address, const Error& error) {
  const std::string& message = error.message();
  constexpr std::string_view kCannotConnect = "cannot connect: ";
  size_t at = message.find(kCannotConnect);
  if (at == std::string::npos) return error;
  std::string reason = message.substr(at + kCannotConnect.size());
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(reason[0]));
  return Error("cannot connect to " + address + ": " + reason +
               " \u2014 is QEMU running with -gdb tcp:" + address + "?");
}

}  // namespace

Result<std::unique_ptr<SessionTarget>> open_gdbstub_session_target(const std::string& address) {
  Result<std::unique_ptr<GdbstubTarget>> target = GdbstubTarget::connect(address);
  if (!target) return connect_error(address, target.error());
  return std::unique_ptr<SessionTarget>(new GdbstubSessionTarget(address, std::move(*target)));
}

}  // namespace seam::engine

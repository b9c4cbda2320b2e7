// A crash dump as a SessionTarget: nothing to leave, nothing live.
#include "engine/session_target.h"
#include "engine/vmcore_target.h"

namespace seam::engine {
namespace {

class VmcoreSessionTarget final : public SessionTarget {
 public:
  VmcoreSessionTarget(std::string path, std::unique_ptr<VmcoreTarget> target)
      : path_(std::move(path)), target_(std::move(target)) {}

  Target& target() override { return *target_; }
  std::string describe() const override { return "vmcore: " + path_; }
  std::string dump_path() const override { return path_; }
  std::vector<std::string> warnings() const override { return target_->warnings(); }

 private:
  std::string path_;
  std::unique_ptr<VmcoreTarget> target_;
};

}  // namespace

Result<std::unique_ptr<SessionTarget>> open_vmcore_session_target(const std::string& path) {
  Result<std::unique_ptr<VmcoreTarget>> target = VmcoreTarget::open(path);
  if (!target) return target.error();
  return std::unique_ptr<SessionTarget>(new VmcoreSessionTarget(path, std::move(*target)));
}

}  // namespace seam::engine

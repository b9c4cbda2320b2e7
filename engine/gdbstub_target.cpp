#include "engine/gdbstub_target.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// QEMU's names for the registers Registers has under another name.
std::optional<Reg> reg_of_stub_name(std::string_view name) {
  if (name == "eflags") return Reg::kRflags;
  if (name == "k_gs_base") return Reg::kKernelGsBase;
  if (name == "orig_rax") return std::nullopt;  // Linux's, not a CPU register
  return reg_from_name(name);
}

uint64_t little_endian(std::span<const std::byte> bytes) {
  uint64_t value = 0;
  size_t n = std::min<size_t>(bytes.size(), 8);
  for (size_t i = 0; i < n; ++i) value |= static_cast<uint64_t>(bytes[i]) << (8 * i);
  return value;
}

}  // namespace

std::optional<uint64_t> RawRegister::value() const {
  if (bitsize > 64 || bytes.empty()) return std::nullopt;
  return little_endian(bytes);
}

GdbstubTarget::GdbstubTarget(std::unique_ptr<GdbRemote> remote, GdbstubOptions options)
    : remote_(std::move(remote)), options_(options) {
  size_t line = options_.cache_line ? options_.cache_line : remote_->memory_chunk();
  line_size_ = std::bit_floor(std::clamp<size_t>(line, 16, 4096));
}

GdbstubTarget::~GdbstubTarget() {
  // QEMU keeps PhyMemMode across connections: the next debugger would read
  // physical memory where it asked for virtual.
  if (remote_->connected() && !running_ && physical_mode_.value_or(false)) {
    (void)remote_->set_physical_memory_mode(false);
  }
}

Result<std::unique_ptr<GdbstubTarget>> GdbstubTarget::connect(const std::string& address,
                                                              const GdbstubOptions& options) {
  Result<std::unique_ptr<GdbRemote>> remote = GdbRemote::connect(address, options.remote);
  if (!remote) return remote.error();
  std::unique_ptr<GdbstubTarget> target(new GdbstubTarget(std::move(*remote), options));
  GdbRemote& stub = *target->remote_;

  Result<RegisterLayout> layout = stub.read_register_layout();
  if (!layout) return layout.error();
  if (!layout->find("rip") || !layout->find("rsp")) {
    return Error("gdbstub " + address + ": not an x86-64 target (architecture '" +
                 layout->architecture + "', no rip/rsp register)");
  }
  target->layout_ = std::move(*layout);

  // QEMU stops the guest when a debugger connects; `?` says where.
  Result<StopReply> halt = stub.halt_reason();
  if (!halt) return halt.error();
  if (halt->kind != StopReply::Kind::kSignal) {
    return Error("gdbstub " + address + ": the guest has ended (" + halt->packet + ")");
  }

  Result<std::vector<int64_t>> threads = stub.thread_ids();
  if (!threads) return threads.error();
  if (threads->empty()) return Error("gdbstub " + address + ": the stub lists no vCPU threads");
  target->threads_ = std::move(*threads);
  target->last_stop_ = target->stop_event(std::move(*halt), false);
  return target;
}

Error GdbstubTarget::error(const std::string& what) const {
  return Error("gdbstub " + remote_->address() + ": " + what);
}

std::string GdbstubTarget::describe() const {
  return sformat("gdbstub %s (%s, %zu vCPU%s, %s)", remote_->address().c_str(),
                 layout_.architecture.empty() ? "x86-64" : layout_.architecture.c_str(),
                 threads_.size(), threads_.size() == 1 ? "" : "s",
                 !remote_->connected() ? "disconnected"
                 : running_            ? "running"
                                       : "stopped");
}

Result<void> GdbstubTarget::require_stopped(const char* what) const {
  if (!remote_->connected()) return error(std::string("not connected: cannot ") + what);
  if (running_) return error(std::string("the guest is running: interrupt it to ") + what);
  return {};
}

Result<void> GdbstubTarget::select_cpu(int cpu) {
  int64_t thread = threads_[static_cast<size_t>(cpu)];
  if (selected_thread_ == thread) return {};
  selected_thread_.reset();
  if (auto ok = remote_->select_thread('g', thread); !ok) return ok;
  selected_thread_ = thread;
  return {};
}

Result<void> GdbstubTarget::set_physical(bool on) {
  if (physical_mode_ == on) return {};
  physical_mode_.reset();
  if (auto ok = remote_->set_physical_memory_mode(on); !ok) return ok;
  physical_mode_ = on;
  return {};
}

Result<void> GdbstubTarget::leave_physical() {
  if (physical_mode_ != true) return {};
  return set_physical(false);
}

Result<std::vector<std::byte>> GdbstubTarget::registers_bytes(int cpu) {
  if (cpu < 0 || cpu >= cpu_count()) {
    return error(sformat("no CPU %d (the guest has %d)", cpu, cpu_count()));
  }
  if (auto ok = require_stopped("read registers"); !ok) return ok.error();
  if (auto it = register_cache_.find(cpu); it != register_cache_.end()) return it->second;
  if (auto ok = select_cpu(cpu); !ok) return ok.error().context(sformat("CPU %d", cpu));
  Result<std::vector<std::byte>> bytes = remote_->read_registers();
  if (!bytes) return bytes.error().context(sformat("CPU %d", cpu));
  register_cache_[cpu] = *bytes;
  return bytes;
}

Result<Registers> GdbstubTarget::registers(int cpu) {
  Result<std::vector<std::byte>> bytes = registers_bytes(cpu);
  if (!bytes) return bytes.error();
  Registers regs;
  for (const RegisterDesc& desc : layout_.regs) {
    std::optional<Reg> reg = reg_of_stub_name(desc.name);
    if (!reg || desc.bitsize > 64 || desc.offset + desc.size() > bytes->size()) continue;
    regs.set(*reg, little_endian(std::span(*bytes).subspan(desc.offset, desc.size())));
  }
  if (!regs.get(Reg::kRip)) {
    return error(sformat("CPU %d: the 'g' reply (%zu bytes) holds no rip", cpu, bytes->size()));
  }
  return regs;
}

Result<std::vector<RawRegister>> GdbstubTarget::raw_registers(int cpu) {
  Result<std::vector<std::byte>> bytes = registers_bytes(cpu);
  if (!bytes) return bytes.error();
  std::vector<RawRegister> out;
  for (const RegisterDesc& desc : layout_.regs) {
    if (desc.offset + desc.size() > bytes->size()) continue;  // not in `g`
    auto first = bytes->begin() + static_cast<ptrdiff_t>(desc.offset);
    out.push_back({desc.name, desc.regnum, desc.bitsize,
                   std::vector<std::byte>(first, first + static_cast<ptrdiff_t>(desc.size()))});
  }
  return out;
}

Result<void> GdbstubTarget::set_memory_cpu(int cpu) {
  if (cpu < 0 || cpu >= cpu_count()) {
    return error(sformat("no CPU %d (the guest has %d)", cpu, cpu_count()));
  }
  if (cpu != memory_cpu_) virtual_lines_.clear();  // other page tables
  memory_cpu_ = cpu;
  return {};
}

Result<void> GdbstubTarget::read_cached(uint64_t address, std::span<std::byte> out, bool physical) {
  if (auto ok = require_stopped("read memory"); !ok) return ok;
  if (out.empty()) return {};
  uint64_t last = address + (out.size() - 1);
  if (last < address) return error("read past the end of the address space at " + hex(address));
  auto& cache = physical ? physical_lines_ : virtual_lines_;
  const uint64_t mask = ~(line_size_ - 1);
  const uint64_t first_line = address & mask;
  const uint64_t last_line = last & mask;

  // Fetch the missing lines, each run of consecutive ones in as few `m` as
  // the packet size allows: one exchange for a 16-byte field or a 2 KiB stack.
  uint64_t lines = ((last_line - first_line) / line_size_) + 1;
  if (cache.size() + lines > options_.cache_bytes / line_size_) cache.clear();
  const uint64_t run_limit = std::max<uint64_t>(line_size_, remote_->memory_chunk() & mask);
  for (uint64_t line = first_line;;) {
    if (!cache.contains(line)) {
      uint64_t end = line;  // the run's last line
      while (end != last_line && end + line_size_ - line < run_limit &&
             !cache.contains(end + line_size_)) {
        end += line_size_;
      }
      std::vector<std::byte> data(static_cast<size_t>(end - line + line_size_));
      Result<void> ok = set_physical(physical);
      if (ok && !physical) ok = select_cpu(memory_cpu_);
      if (ok) ok = remote_->read_memory(line, data);
      if (!ok) {
        return ok.error().context(sformat("cannot read %s address %s",
                                          physical ? "physical" : "virtual",
                                          hex(std::max(line, address)).c_str()));
      }
      for (uint64_t at = line;; at += line_size_) {
        auto from = data.begin() + static_cast<ptrdiff_t>(at - line);
        cache.emplace(at, std::vector<std::byte>(from, from + static_cast<ptrdiff_t>(line_size_)));
        if (at == end) break;
      }
      line = end;
    }
    if (line == last_line) break;
    line += line_size_;
  }

  size_t done = 0;
  for (uint64_t line = first_line; done < out.size(); line += line_size_) {
    const std::vector<std::byte>& data = cache.at(line);
    size_t offset = static_cast<size_t>(std::max(line, address) - line);
    size_t length = std::min<size_t>(line_size_ - offset, out.size() - done);
    std::memcpy(out.data() + done, data.data() + offset, length);
    done += length;
  }
  return {};
}

Result<void> GdbstubTarget::read_virtual(uint64_t address, std::span<std::byte> out) {
  return read_cached(address, out, false);
}

Result<void> GdbstubTarget::read_physical(uint64_t address, std::span<std::byte> out) {
  return read_cached(address, out, true);
}

Result<void> GdbstubTarget::write_virtual(uint64_t address, std::span<const std::byte> data) {
  if (auto ok = require_stopped("write memory"); !ok) return ok;
  // Any cached line may alias the written bytes.
  virtual_lines_.clear();
  physical_lines_.clear();
  Result<void> ok = set_physical(false);
  if (ok) ok = select_cpu(memory_cpu_);
  if (ok) ok = remote_->write_memory(address, data);
  return ok;
}

void GdbstubTarget::dropped_caches() {
  register_cache_.clear();
  virtual_lines_.clear();
  physical_lines_.clear();
  selected_thread_.reset();  // QEMU selects the stopping vCPU at each stop
}

StopEvent GdbstubTarget::stop_event(StopReply reply, bool interrupted) {
  StopEvent event;
  if (reply.thread) {
    auto it = std::find(threads_.begin(), threads_.end(), *reply.thread);
    if (it != threads_.end()) event.cpu = static_cast<int>(it - threads_.begin());
  }
  event.reply = std::move(reply);
  event.interrupted = interrupted;
  return event;
}

Result<void> GdbstubTarget::resume() {
  if (auto ok = require_stopped("resume it"); !ok) return ok;
  // Leave the stub in its default (virtual) mode while the guest runs.
  if (auto ok = leave_physical(); !ok) return ok;
  dropped_caches();
  if (auto ok = remote_->resume_all(); !ok) return ok;
  running_ = true;
  return {};
}

Result<std::optional<StopEvent>> GdbstubTarget::wait(std::chrono::milliseconds timeout,
                                                     const std::atomic<bool>* cancel) {
  if (!running_) return error("the guest is not running: nothing to wait for");
  Result<std::optional<StopReply>> stop = remote_->wait_for_stop(timeout, cancel);
  if (!stop) return stop.error();
  if (!*stop) return std::optional<StopEvent>();
  running_ = false;
  dropped_caches();
  last_stop_ = stop_event(std::move(**stop), false);
  return std::optional<StopEvent>(*last_stop_);
}

Result<StopEvent> GdbstubTarget::interrupt() {
  if (!remote_->connected()) return error("not connected: cannot interrupt the guest");
  if (!running_) return error("the guest is already stopped");
  if (auto ok = remote_->interrupt(); !ok) return ok.error();
  // The stop reply follows the Ctrl-C within one exchange.
  Result<std::optional<StopReply>> stop = remote_->wait_for_stop(options_.remote.timeout);
  if (!stop) return stop.error();
  if (!*stop) return error("the guest did not stop after an interrupt (Ctrl-C)");
  running_ = false;
  dropped_caches();
  last_stop_ = stop_event(std::move(**stop), true);
  return *last_stop_;
}

Result<StopEvent> GdbstubTarget::cont(const ContinueOptions& options) {
  if (auto ok = resume(); !ok) return ok.error();
  Result<std::optional<StopEvent>> stop = wait(options.timeout, options.cancel);
  if (!stop) return stop.error();
  if (*stop) return **stop;
  return interrupt();
}

Result<StopEvent> GdbstubTarget::step(int cpu) {
  if (cpu < 0 || cpu >= cpu_count()) {
    return error(sformat("no CPU %d (the guest has %d)", cpu, cpu_count()));
  }
  if (auto ok = require_stopped("step it"); !ok) return ok.error();
  if (auto ok = leave_physical(); !ok) return ok.error();
  dropped_caches();
  if (auto ok = remote_->step_thread(threads_[static_cast<size_t>(cpu)]); !ok) return ok.error();
  running_ = true;
  Result<std::optional<StopEvent>> stop = wait(options_.remote.timeout);
  if (!stop) return stop.error();
  if (*stop) return **stop;
  return interrupt();
}

Result<void> GdbstubTarget::set_breakpoint(BreakpointType type, uint64_t address) {
  if (auto ok = require_stopped("set a breakpoint"); !ok) return ok;
  return remote_->insert_breakpoint(type, address);
}

Result<void> GdbstubTarget::remove_breakpoint(BreakpointType type, uint64_t address) {
  if (auto ok = require_stopped("remove a breakpoint"); !ok) return ok;
  return remote_->remove_breakpoint(type, address);
}

Result<std::string> GdbstubTarget::monitor(std::string_view command) {
  if (auto ok = require_stopped("run a monitor command"); !ok) return ok.error();
  return remote_->monitor(command);
}

Result<void> GdbstubTarget::detach() {
  if (auto ok = require_stopped("detach"); !ok) return ok;
  if (auto ok = leave_physical(); !ok) return ok;
  dropped_caches();
  Result<void> ok = remote_->detach();
  running_ = true;
  return ok;
}

}  // namespace seam::engine

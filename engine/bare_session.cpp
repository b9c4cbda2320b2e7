#include "engine/bare_session.h"

#include "engine/address_expression.h"
#include "engine/bare_stack_trace.h"
#include "engine/frame_variables.h"
#include "engine/gdbstub_target.h"
#include "engine/inlined_calls.h"
#include "engine/kernel_memory.h"
#include "engine/live_control.h"
#include "engine/value_format.h"
#include "symbolizer/demangle.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// CR3's page-table base (bits 12-51); the low bits are flags or the PCID.
constexpr uint64_t kCr3AddressMask = 0x000ffffffffff000;
constexpr uint64_t kCr4La57 = 1u << 12;

class BareValueReader final : public ValueReader {
 public:
  BareValueReader(KernelMemory& memory, Binary& elf) : memory_(memory), elf_(elf) {}
  Result<void> read(uint64_t address, std::span<std::byte> out) override {
    return memory_.read(address, out);
  }
  std::optional<std::string> symbol_for(uint64_t address) override {
    std::optional<SymbolMatch> match = elf_.symbols().lookup(address);
    if (!match || (match->size ? match->offset >= match->size : match->offset > 0x1000))
      return std::nullopt;
    std::string name(match->name);
    if (match->offset) name += sformat("+0x%" PRIx64, match->offset);
    return name;
  }

 private:
  KernelMemory& memory_;
  Binary& elf_;
};

class BareSession final : public Session {
 public:
  BareSession(SessionOptions options, std::unique_ptr<SessionTarget> opened,
              std::unique_ptr<Binary> elf)
      : options_(std::move(options)),
        opened_(std::move(opened)),
        elf_(std::move(elf)),
        memory_(std::make_unique<KernelMemory>(opened_->target())) {
    for (const std::string& w : opened_->warnings()) warnings_.push_back(w);
    warnings_.insert(warnings_.end(), elf_->warnings().begin(), elf_->warnings().end());
    if (!options_.module_paths.empty())
      warnings_.emplace_back("no Linux kernel here: the module files given with -s are not used");
    Target& target = opened_->target();
    if (!target.reads_virtual()) {
      // A dump: virtual addresses through the page tables the CPU was using.
      Result<Registers> regs =
          target.cpu_count() > 0 ? target.registers(0) : Result<Registers>(Error("no CPU"));
      std::optional<uint64_t> cr3 = regs ? regs->get(Reg::kCr3) : std::nullopt;
      if (cr3) {
        int levels = (regs->get(Reg::kCr4).value_or(0) & kCr4La57) ? 5 : 4;
        memory_->set_paging(X86_64Paging(*cr3 & kCr3AddressMask, levels));
      } else {
        warnings_.emplace_back(
            "the dump has no CR3 for CPU 0: virtual memory reads as physical is not assumed; "
            "use rd -p");
      }
    }
  }
  ~BareSession() override { (void)close(); }

  const std::vector<std::string>& warnings() const override { return warnings_; }
  std::string describe() const override { return opened_->describe(); }
  Result<void> close() override {
    if (closed_) return {};
    closed_ = true;
    live_.reset();
    memory_.reset();
    return opened_->close();
  }

  Result<SystemInfo> system_info() override {
    Target& target = opened_->target();
    SystemInfo info;
    info.dump_path = opened_->dump_path();
    info.dump_format = target.describe();
    info.live = opened_->live();
    info.live_state = opened_->live_state();
    info.vmlinux_path = elf_->path();
    info.no_kernel_model = no_linux("");
    info.machine = "x86_64";
    info.cpus = target.cpu_count();
    info.dump_cpus = target.cpu_count();
    if (info.live.empty()) info.crashed_cpu = target.dump_crashed_cpu();
    if (const std::optional<X86_64Paging>& paging = memory_->paging())
      info.paging_levels = paging->levels();
    return info;
  }

  Result<std::vector<LogRecord>> log() override { return Error(no_linux("log")); }
  Result<std::vector<Task>> tasks() override { return Error(no_linux("ps")); }
  Result<std::vector<ModuleInfo>> modules() override { return Error(no_linux("mod")); }

  Result<void> read_memory(uint64_t address, std::span<std::byte> out,
                           AddressSpace space) override {
    if (space == AddressSpace::kPhysical) return opened_->target().read_physical(address, out);
    if (!opened_->target().reads_virtual() && !memory_->paging())
      return Error("no page tables known (the dump has no CR3): read physical memory with rd -p");
    return memory_->read(address, out);
  }

  Result<uint64_t> evaluate_address(std::string_view expression) override {
    return evaluate_address_expression(
        expression, [this](std::string_view name) { return symbols_named(name); }, elf_->path());
  }

  Result<SymbolInfo> symbol_at(uint64_t address) override {
    std::optional<SymbolMatch> match = elf_->symbols().lookup(address);
    if (!match) {
      return Error(sformat("no symbol contains 0x%" PRIx64 ": not code of %s", address,
                           elf_->path().c_str()));
    }
    SymbolInfo info = fill(*match);
    info.offset = match->offset;
    Symbolized frames = elf_->symbolize(address);
    if (!frames.frames.empty() && !frames.frames.front().file.empty()) {
      info.file = frames.frames.front().file;
      info.line = static_cast<int>(frames.frames.front().line);
    }
    return info;
  }

  Result<std::vector<InlinedCall>> inlined_calls(uint64_t pc) override {
    return inlined_calls_at(*elf_, 0, pc);  // linked where it runs
  }

  Result<Disassembly> disassemble(const DisassemblyRequest& request) override {
    if (!disassembler_) {
      disassembler_ = std::make_unique<CodeDisassembler>(
          CodeSource{[this](uint64_t address, std::span<std::byte> out) {
                       return read_memory(address, out, AddressSpace::kVirtual);
                     },
                     [this](uint64_t address) { return symbol_at(address); },
                     // Code the dump lacks, from the ELF (linked where it runs).
                     [this](uint64_t address, size_t size) -> std::optional<Result<FileCode>> {
                       Result<std::vector<uint8_t>> bytes = elf_->read_at(address, size);
                       if (!bytes) return Result<FileCode>(bytes.error());
                       return Result<FileCode>(FileCode{std::move(*bytes), elf_->path()});
                     }});
    }
    return disassembler_->disassemble(request);
  }

  Result<std::vector<SymbolInfo>> symbols_named(std::string_view name) override {
    std::vector<SymbolInfo> found;
    for (const SymbolMatch& match : elf_->symbols().find(name)) {
      if (match.type == 'N' || match.type == 'U') continue;
      found.push_back(fill(match));
    }
    return found;
  }

  Result<Backtrace> backtrace(const BacktraceRequest& request) override {
    if (request.pid) return Error(no_linux("bt PID") + "; bt -c CPU shows a CPU's stack");
    Target& target = opened_->target();
    std::optional<int> cpu = request.cpu;
    if (!cpu && live_) cpu = live_->cpu();
    if (!cpu) cpu = opened_->stopped_cpu();
    if (!cpu) cpu = target.dump_crashed_cpu();
    int which = cpu.value_or(0);
    if (which < 0 || which >= target.cpu_count())
      return Error(
          sformat("no CPU %d: the target has CPUs 0 to %d", which, target.cpu_count() - 1));
    Result<Registers> regs = target.registers(which);
    if (!regs) return regs.error().context("registers of CPU " + std::to_string(which));
    if (!target.reads_virtual() && !memory_->paging())
      return Error("no page tables known (the dump has no CR3): cannot read the stack");
    BareStackTracer tracer(*elf_, [this](uint64_t address) { return memory_->read_u64(address); });
    Backtrace bt = tracer.unwind(*regs);
    bt.cpu = which;
    std::string path = elf_->path();
    bt.task.comm = path.substr(path.find_last_of('/') + 1);
    if (request.variables) {
      BareValueReader reader(*memory_, *elf_);
      fill_frame_variables(
          bt,
          [this](const Frame&) -> std::optional<FrameCode> {
            return FrameCode{elf_.get(), 0};
          },
          [this](uint64_t address, std::span<std::byte> out) {
            return memory_->read(address, out);
          },
          reader, request.variable_parts);
    }
    return bt;
  }

  std::vector<std::string> symbol_names_with_prefix(std::string_view prefix,
                                                    size_t limit) override {
    std::vector<std::string> names;
    for (std::string_view name : elf_->symbols().complete(prefix, limit)) names.emplace_back(name);
    return names;
  }

  LiveControl* live() override {
    if (live_) return live_.get();
    auto* gdbstub = dynamic_cast<GdbstubTarget*>(&opened_->target());
    if (!gdbstub || closed_) return nullptr;
    std::string path = elf_->path();
    CodeImage image{path.substr(path.find_last_of('/') + 1), elf_.get(), 0};
    live_ = std::make_unique<LiveControl>(LiveControl::Host{
        *gdbstub,
        [this, image](uint64_t pc) -> std::optional<CodeImage> {
          std::optional<SymbolMatch> match = elf_->symbols().lookup(pc);
          if (!match || std::string_view("TtWw").find(match->type) == std::string_view::npos)
            return std::nullopt;
          return image;
        },
        [image] { return std::vector<CodeImage>{image}; },
        // The target drops its own caches; reads of ours go through it.
        [](bool) {}, [this](int cpu) { return backtrace({.cpu = cpu}); }});
    return live_.get();
  }

 private:
  std::string no_linux(const std::string& command) const {
    std::string text = "no Linux kernel here (" + elf_->path() + " has no linux_banner)";
    if (!command.empty()) text += ": " + command + " needs a Linux vmlinux";
    return text;
  }

  static SymbolInfo fill(const SymbolMatch& match) {
    SymbolInfo info;
    info.address = match.address;
    info.size = match.size;
    info.name = std::string(match.name);
    DemangledName demangled = demangle(match.name);
    info.demangled = demangled.demangled ? demangled.display() : info.name;
    info.module = "elf";
    info.type = match.type;
    return info;
  }

  SessionOptions options_;
  std::unique_ptr<SessionTarget> opened_;
  std::unique_ptr<Binary> elf_;
  std::unique_ptr<KernelMemory> memory_;
  std::vector<std::string> warnings_;
  std::unique_ptr<LiveControl> live_;
  std::unique_ptr<CodeDisassembler> disassembler_;  // made by the first disassemble()
  bool closed_ = false;
};

}  // namespace

Result<std::unique_ptr<Session>> open_bare_session(const SessionOptions& options,
                                                   std::unique_ptr<SessionTarget> opened,
                                                   std::unique_ptr<Binary> elf) {
  return std::unique_ptr<Session>(new BareSession(options, std::move(opened), std::move(elf)));
}

}  // namespace seam::engine

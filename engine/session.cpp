// KernelSession: the Session over any target — a crash dump or a live QEMU
// (engine/session_target.h opens each kind) — the vmlinux and the module .ko
// files, and the LinuxKernel model that joins them. Each command's data is
// read on first use and kept (a live guest stays stopped while it is open).
#include "engine/session.h"

#include <sys/stat.h>

#include <algorithm>
#include <cmath>

#include "engine/address_expression.h"
#include "engine/bare_session.h"
#include "engine/frame_variables.h"
#include "engine/inlined_calls.h"
#include "engine/kernel_modules.h"
#include "engine/kernel_tasks.h"
#include "engine/linux_kernel.h"
#include "engine/live_control.h"
#include "engine/module_kallsyms.h"
#include "engine/printk_log.h"
#include "engine/session_target.h"
#include "engine/stack_trace.h"
#include "symbolizer/binary.h"
#include "symbolizer/demangle.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

bool is_file(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Where distributions install a release's vmlinux with debug info.
std::optional<std::string> find_vmlinux(const std::string& release) {
  if (release.empty()) return std::nullopt;
  for (const std::string& candidate :
       {"/usr/lib/debug/boot/vmlinux-" + release,
        "/usr/lib/debug/lib/modules/" + release + "/vmlinux",
        "/lib/modules/" + release + "/build/vmlinux", "/boot/vmlinux-" + release}) {
    if (is_file(candidate)) return candidate;
  }
  return std::nullopt;
}

struct LoadedModule {
  ModuleInfo info;
  std::unique_ptr<Binary> binary;  // null without a .ko
  // Without a .ko: the symbols the kernel keeps for it, read on first need.
  std::optional<Result<ModuleKallsyms>> kallsyms;
};

class KernelSession final : public Session {
 public:
  // `vmlinux`: the -s vmlinux already opened (null: found from the dump's release).
  static Result<std::unique_ptr<Session>> open(const SessionOptions& options,
                                               std::unique_ptr<SessionTarget> opened,
                                               std::unique_ptr<Binary> vmlinux) {
    std::unique_ptr<KernelSession> session(new KernelSession(options, std::move(opened)));
    session->vmlinux_ = std::move(vmlinux);
    if (auto ok = session->load(); !ok) return ok.error();
    return std::unique_ptr<Session>(std::move(session));
  }
  ~KernelSession() override { (void)close(); }

  const std::vector<std::string>& warnings() const override { return warnings_; }
  std::string describe() const override { return opened_->describe(); }

  Result<void> close() override {
    // The model and unwinder hold references to the target: gone first.
    live_.reset();
    tracer_.reset();
    kernel_.reset();
    return opened_->close();
  }

  Result<SystemInfo> system_info() override {
    SystemInfo info;
    info.dump_path = opened_->dump_path();
    info.dump_format = target_->describe();
    info.live = opened_->live();
    info.live_state = opened_->live_state();
    info.vmlinux_path = vmlinux_->path();
    LinuxKernel& k = *kernel_;
    if (Result<uint64_t> uts = k.symbol_address("init_uts_ns")) {
      auto field = [&](const char* name) {
        Result<std::string> text =
            k.read_member_string(*uts, "uts_namespace", std::string("name.") + name);
        return text ? *text : std::string();
      };
      info.release = field("release");
      info.version = field("version");
      info.machine = field("machine");
      info.nodename = field("nodename");
    }
    if (info.release.empty()) info.release = k.vmcoreinfo().release();
    if (Result<std::vector<int>> cpus = k.cpus()) info.cpus = static_cast<int>(cpus->size());
    info.dump_cpus = target_->cpu_count();
    if (Result<uint64_t> pages = k.symbol_address("_totalram_pages")) {
      if (Result<uint64_t> count = k.memory().read_u64(*pages))
        info.memory_bytes = *count * k.page_size();
    }
    info.uptime_seconds = uptime();
    if (Result<std::vector<LogRecord>>* records = log_records()) {
      if (*records) info.panic_message = panic_message(**records);
    }
    info.crashed_cpu = crashed_cpu();
    if (info.crashed_cpu) {
      if (Result<uint64_t> current = k.current_task(*info.crashed_cpu)) {
        if (Result<Task> task = read_task(k, *current)) {
          info.crashed_task = TaskRef{task->pid, task->comm, task->address};
        }
      }
    }
    info.kaslr_offset = k.kaslr_offset();
    info.kaslr_source = k.kaslr_source();
    info.paging_levels = k.paging_levels();
    return info;
  }

  Result<std::vector<LogRecord>> log() override { return *log_records(); }

  Result<std::vector<Task>> tasks() override {
    if (!tasks_) tasks_ = read_tasks(*kernel_);
    return *tasks_;
  }

  Result<std::vector<ModuleInfo>> modules() override {
    if (auto ok = load_modules(); !ok) return ok.error();
    std::vector<ModuleInfo> modules;
    for (const LoadedModule& m : modules_) modules.push_back(m.info);
    return modules;
  }

  Result<void> read_memory(uint64_t address, std::span<std::byte> out,
                           AddressSpace space) override {
    if (space == AddressSpace::kPhysical) return target_->read_physical(address, out);
    return kernel_->memory().read(address, out);
  }

  Result<uint64_t> evaluate_address(std::string_view expression) override {
    // symbols_named searches the vmlinux and every module's symbols.
    return evaluate_address_expression(
        expression, [this](std::string_view name) { return symbols_named(name); },
        vmlinux_->path() + " or the modules' symbols");
  }

  Result<SymbolInfo> symbol_at(uint64_t address) override {
    SymbolInfo info;
    uint64_t link = kernel_->to_link(address);
    if (auto match = vmlinux_->symbols().lookup(link); match && in_kernel_image(link)) {
      fill(info, *match, address - match->offset, "vmlinux");
      info.offset = match->offset;
      Symbolized frames = vmlinux_->symbolize(link);
      if (!frames.frames.empty() && !frames.frames.front().file.empty()) {
        info.file = frames.frames.front().file;
        info.line = frames.frames.front().line;
      }
      return info;
    }
    if (auto ok = load_modules(); !ok) return ok.error();
    for (LoadedModule& m : modules_) {
      if (address < m.info.base || address >= m.info.base + m.info.size) {
        bool in_section = false;
        for (const auto& [name, start] : m.info.sections) in_section |= start == address;
        if (!in_section) continue;
      }
      if (!m.binary) {
        Result<ModuleKallsyms>& table = kallsyms_of(m);
        if (!table) {
          return table.error().context(sformat("0x%" PRIx64 " is in module %s, whose .ko was not "
                                               "given (pass it or its directory with -s)",
                                               address, m.info.name.c_str()));
        }
        if (auto match = table->lookup(address)) {
          fill(info, *match->symbol, m.info.name);
          info.offset = match->offset;
          return info;
        }
        continue;
      }
      if (auto match = m.binary->symbols().lookup(address)) {
        fill(info, *match, match->address, m.info.name);
        info.offset = match->offset;
        Symbolized frames = m.binary->symbolize(address);
        if (!frames.frames.empty() && !frames.frames.front().file.empty()) {
          info.file = frames.frames.front().file;
          info.line = frames.frames.front().line;
        }
        return info;
      }
    }
    return Error(sformat("no symbol contains 0x%" PRIx64
                         ": not kernel or module code (`mod` lists the modules' addresses; a "
                         "module without its .ko needs -s MODULE.ko)",
                         address));
  }

  Result<std::vector<InlinedCall>> inlined_calls(uint64_t pc) override {
    // The binary holding pc, and its placement: the KASLR offset or the module's.
    if (std::optional<CodeImage> image = code_image_at(pc)) {
      return inlined_calls_at(*image->binary, image->bias, pc);
    }
    return Error(sformat("0x%" PRIx64
                         " is not in the kernel's text nor in a module whose .ko was given "
                         "(pass it or its directory with -s)",
                         pc));
  }

  Result<Disassembly> disassemble(const DisassemblyRequest& request) override {
    if (!disassembler_) {
      disassembler_ = std::make_unique<CodeDisassembler>(CodeSource{
          [this](uint64_t address, std::span<std::byte> out) {
            return kernel_->memory().read(address, out);
          },
          [this](uint64_t address) { return symbol_at(address); },
          // Code the dump lacks, from the vmlinux (KASLR bias) or a module's .ko.
          [this](uint64_t address, size_t size) -> std::optional<Result<FileCode>> {
            std::optional<CodeImage> image = code_image_at(address);
            if (!image) return std::nullopt;
            Result<std::vector<uint8_t>> bytes = image->binary->read_at(
                static_cast<uint64_t>(static_cast<int64_t>(address) - image->bias), size);
            if (!bytes) return Result<FileCode>(bytes.error());
            return Result<FileCode>(FileCode{std::move(*bytes), image->binary->path()});
          }});
    }
    return disassembler_->disassemble(request);
  }

  Result<std::vector<SymbolInfo>> symbols_named(std::string_view name) override {
    std::vector<SymbolInfo> found;
    for (const SymbolMatch& match : vmlinux_->symbols().find(name)) {
      SymbolInfo info;
      fill(info, match, kernel_->to_runtime(match.address), "vmlinux");
      found.push_back(std::move(info));
    }
    if (auto ok = load_modules(); !ok) return ok.error();
    for (LoadedModule& m : modules_) {
      if (!m.binary) {
        // A module whose kallsyms cannot be read just has no names to offer.
        if (Result<ModuleKallsyms>& table = kallsyms_of(m)) {
          for (const KallsymsSymbol* symbol : table->find(name)) {
            SymbolInfo info;
            fill(info, *symbol, m.info.name);
            found.push_back(std::move(info));
          }
        }
        continue;
      }
      for (const SymbolMatch& match : m.binary->symbols().find(name)) {
        if (match.type == 'N' || match.type == 'U') continue;
        SymbolInfo info;
        fill(info, match, match.address, m.info.name);
        found.push_back(std::move(info));
      }
    }
    // A Rust or C++ path ("rust_crashme::crash_here") is in no symbol table,
    // which holds mangled names: the DWARF functions of that name, by their symbols.
    if (found.empty() && name.find("::") != std::string_view::npos) {
      add_dwarf_functions(name, *vmlinux_, "vmlinux", found);
      for (LoadedModule& m : modules_)
        if (m.binary) add_dwarf_functions(name, *m.binary, m.info.name, found);
    }
    return found;
  }

  Result<Backtrace> backtrace(const BacktraceRequest& request) override {
    const std::optional<int>& pid = request.pid;
    const std::optional<int>& cpu = request.cpu;
    LinuxKernel& k = *kernel_;
    if (auto ok = load_modules(); !ok) return ok.error();
    if (!tracer_) tracer_ = std::make_unique<StackTracer>(k, code_modules());
    tracer_->set_restore_callee_saved(request.variables);
    uint64_t task = 0;
    int task_cpu = -1;
    bool running = false;
    if (pid) {
      Result<std::vector<Task>> all = tasks();
      if (!all) return all.error();
      const Task* found = nullptr;
      for (const Task& t : *all) {
        if (t.pid != *pid) continue;
        // Idle tasks share PID 0: prefer the one of the crashed CPU.
        if (!found || (t.active_cpu >= 0 && t.active_cpu == crashed_cpu().value_or(-1))) found = &t;
      }
      if (!found)
        return Error("no task with PID " + std::to_string(*pid) + " (ps lists the tasks)");
      task = found->address;
      task_cpu = found->active_cpu >= 0 ? found->active_cpu : found->cpu;
      running = found->active_cpu >= 0;
    } else {
      std::optional<int> which = cpu ? cpu : crashed_cpu();
      // A live kernel that has not panicked: the vCPU the guest stopped on,
      // or the one `cpu N` selected.
      if (!which && live_) which = live_->cpu();
      if (!which && !opened_->live().empty()) which = opened_->stopped_cpu().value_or(0);
      if (!which) return Error("the dump does not say which CPU crashed: name a PID or a CPU");
      Result<uint64_t> current = k.current_task(*which);
      if (!current) return current.error().context("CPU " + std::to_string(*which));
      task = *current;
      task_cpu = *which;
      running = true;
    }
    Result<Backtrace> bt = Error("no backtrace");
    if (running) {
      Result<Registers> regs = target_->registers(task_cpu);
      if (!regs) return regs.error().context("registers of CPU " + std::to_string(task_cpu));
      bt = tracer_->running(task, task_cpu, *regs);
    } else {
      bt = tracer_->sleeping(task, task_cpu);
    }
    if (!bt) return bt.error();
    bt->cpu = task_cpu;
    if (Result<Task> t = read_task(k, task))
      bt->task = TaskRef{t->pid, t->comm, task};
    else
      bt->task.address = task;
    if (request.variables) fill_frame_variables(*bt, k, code_modules(), request.variable_parts);
    return bt;
  }

  std::vector<std::string> symbol_names_with_prefix(std::string_view prefix,
                                                    size_t limit) override {
    std::vector<std::string> names;
    for (std::string_view name : vmlinux_->symbols().complete(prefix, limit))
      names.emplace_back(name);
    return names;
  }

  LiveControl* live() override {
    if (live_) return live_.get();
    auto* gdbstub = dynamic_cast<GdbstubTarget*>(target_);
    if (!gdbstub || !kernel_) return nullptr;
    live_ = std::make_unique<LiveControl>(LiveControl::Host{
        *gdbstub, [this](uint64_t pc) { return code_image_at(pc); },
        [this] {
          std::vector<CodeImage> images{
              {"vmlinux", vmlinux_.get(), static_cast<int64_t>(kernel_->kaslr_offset())}};
          (void)load_modules();
          for (const LoadedModule& m : modules_) {
            if (m.binary) images.push_back({m.info.name, m.binary.get(), 0});
          }
          return images;
        },
        [this](bool modules) { drop_caches(modules); },
        [this](int cpu) { return backtrace({.cpu = cpu}); }});
    return live_.get();
  }

 private:
  KernelSession(SessionOptions options, std::unique_ptr<SessionTarget> opened)
      : options_(std::move(options)), opened_(std::move(opened)), target_(&opened_->target()) {}

  // The CPU that crashed. A live kernel has crashed only if it panicked; a
  // dump may say so otherwise (its format, or its only CPU).
  std::optional<int> crashed_cpu() {
    if (opened_->live().empty()) return kernel_->crashed_cpu();
    Result<uint64_t> address = kernel_->symbol_address("panic_cpu");
    if (!address) return std::nullopt;
    Result<int32_t> cpu = kernel_->memory().read_i32(*address);
    if (!cpu || *cpu < 0 || *cpu >= 8192) return std::nullopt;
    return *cpu;
  }

  Result<void> load() {
    for (const std::string& w : opened_->warnings()) warnings_.push_back(w);
    std::string vmlinux_path = options_.vmlinux;
    if (vmlinux_) {
      // Opened by Session::open to tell a Linux kernel from a bare one.
    } else if (vmlinux_path.empty()) {
      std::string release;
      if (auto text = target_->vmcoreinfo()) release = Vmcoreinfo::parse(*text).release();
      auto found = find_vmlinux(release);
      if (!found) {
        return Error("no vmlinux given for " + opened_->describe() + " (kernel " +
                     (release.empty() ? "of unknown release" : release) +
                     "): pass the vmlinux with debug info with -s (Debian: "
                     "/usr/lib/debug/boot/vmlinux-RELEASE from linux-image-RELEASE-dbg)");
      }
      vmlinux_path = *found;
    }
    if (!vmlinux_) {
      Result<std::unique_ptr<Binary>> vmlinux = Binary::open(vmlinux_path, LoadOptions{});
      if (!vmlinux) return vmlinux.error();
      vmlinux_ = std::move(*vmlinux);
    }
    for (const std::string& w : vmlinux_->warnings()) warnings_.push_back(w);
    Result<std::unique_ptr<LinuxKernel>> kernel =
        LinuxKernel::open(*target_, *vmlinux_, KernelOpenOptions{options_.ignore_vmcoreinfo});
    if (!kernel) return kernel.error().context(opened_->describe());
    kernel_ = std::move(*kernel);
    for (const std::string& w : kernel_->warnings()) warnings_.push_back(w);
    for (const std::string& path : options_.module_paths) {
      struct stat st;
      if (::stat(path.c_str(), &st) != 0) {
        return Error(path + ": no such file or directory (given with -s)");
      }
    }
    return {};
  }

  // Modules are read on first need; a .ko given for a module that is not
  // loaded is worth a warning (wrong dump?).
  Result<void> load_modules() {
    if (modules_loaded_) return {};
    modules_loaded_ = true;
    Result<std::vector<ModuleInfo>> modules = read_modules(*kernel_);
    if (!modules) return modules.error();
    for (ModuleInfo& info : *modules) {
      LoadedModule loaded{std::move(info), nullptr};
      if (auto file = find_module_file(loaded.info.name, options_.module_paths)) {
        LoadOptions load;
        load.section_addresses = loaded.info.sections;
        // The kernel keeps a copy of the symbol and string tables for
        // kallsyms and lists them with the sections; in the .ko they are not
        // loaded sections.
        load.section_addresses.erase(".symtab");
        load.section_addresses.erase(".strtab");
        Result<std::unique_ptr<Binary>> binary = Binary::open(*file, load);
        if (binary) {
          loaded.info.debug_file = *file;
          loaded.binary = std::move(*binary);
        } else {
          warnings_.push_back(binary.error().message());
        }
      }
      modules_.push_back(std::move(loaded));
    }
    return {};
  }

  // After the guest ran: everything read from its memory may have changed.
  // The target drops its own page and register caches; these are ours.
  void drop_caches(bool modules) {
    // set_paging() with the same tables empties the translation cache.
    if (kernel_->memory().paging()) kernel_->memory().set_paging(*kernel_->memory().paging());
    log_.reset();
    tasks_.reset();
    tracer_.reset();  // it keeps the module list and their ORC tables
    if (modules) {
      modules_.clear();
      modules_loaded_ = false;
    }
  }

  Result<std::vector<LogRecord>>* log_records() {
    if (!log_) log_ = read_printk_log(*kernel_);
    return &*log_;
  }

  static std::string panic_message(const std::vector<LogRecord>& records) {
    constexpr std::string_view kPanic = "Kernel panic - not syncing: ";
    for (size_t i = records.size(); i-- > 0;) {
      const LogRecord& record = records[i];
      // Not the closing "---[ end Kernel panic - not syncing: ... ]---" line.
      if (!record.text.starts_with(kPanic)) continue;
      std::string message = record.text.substr(kPanic.size());
      while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
      return message;
    }
    return {};
  }

  // Seconds since boot from jiffies, as crash computes it: HZ is not in
  // VMCOREINFO, but tick_nsec (nanoseconds per tick) gives it.
  std::optional<double> uptime() {
    LinuxKernel& k = *kernel_;
    Result<uint64_t> jiffies = k.symbol_address("jiffies_64");
    Result<uint64_t> tick_nsec = k.symbol_address("tick_nsec");
    if (!jiffies || !tick_nsec) return std::nullopt;
    Result<uint64_t> now = k.memory().read_u64(*jiffies);
    Result<uint64_t> tick = k.memory().read_u64(*tick_nsec);
    if (!now || !tick || *tick == 0) return std::nullopt;
    auto hz = static_cast<uint64_t>(std::llround(1e9 / static_cast<double>(*tick)));
    if (hz == 0) return std::nullopt;
    // INITIAL_JIFFIES: jiffies start 5 minutes before wrapping 32 bits.
    uint64_t initial = static_cast<uint32_t>(-300 * static_cast<int64_t>(hz));
    return static_cast<double>(*now - initial) / static_cast<double>(hz);
  }

  bool in_kernel_image(uint64_t link) {
    auto start = vmlinux_->symbol_address("_text");
    auto end = vmlinux_->symbol_address("_end");
    return start && end && link >= *start && link < *end;
  }

  // The binary holding a runtime pc: the vmlinux's text, else a module
  // with its .ko (placed where the kernel loaded it: no bias).
  std::optional<CodeImage> code_image_at(uint64_t pc) {
    uint64_t link = kernel_->to_link(pc);
    Result<uint64_t> text = vmlinux_->symbol_address("_text");
    Result<uint64_t> end = vmlinux_->symbol_address("_etext");
    if (text && end && link >= *text && link < *end) {
      return CodeImage{"vmlinux", vmlinux_.get(), static_cast<int64_t>(pc - link)};
    }
    (void)load_modules();
    for (const LoadedModule& m : modules_) {
      if (m.binary && pc >= m.info.base && pc < m.info.base + m.info.size)
        return CodeImage{m.info.name, m.binary.get(), 0};
    }
    return std::nullopt;
  }

  // The modules as the unwinder sees them: their code, their .ko, or else
  // their kallsyms for names.
  std::vector<CodeModule> code_modules() {
    std::vector<CodeModule> code;
    for (LoadedModule& m : modules_) {
      CodeModule c{m.info.name, m.info.base, m.info.size, m.binary.get()};
      if (!m.binary) {
        if (Result<ModuleKallsyms>& table = kallsyms_of(m)) c.kallsyms = &*table;
      }
      code.push_back(std::move(c));
    }
    return code;
  }

  Result<ModuleKallsyms>& kallsyms_of(LoadedModule& m) {
    if (!m.kallsyms) m.kallsyms = ModuleKallsyms::read(*kernel_, m.info.address, m.info.name);
    return *m.kallsyms;
  }

  // The symbols of the functions (not inlined copies) named `name` in the DWARF of `binary`.
  void add_dwarf_functions(std::string_view name, Binary& binary, const std::string& module,
                           std::vector<SymbolInfo>& found) {
    Result<std::vector<BreakpointLocation>> at =
        binary.source_locations().resolve(std::string(name));
    if (!at) return;
    for (const BreakpointLocation& location : *at) {
      std::optional<SymbolMatch> match;
      if (!location.inlined) match = binary.symbols().lookup(location.address);
      if (!match) continue;
      uint64_t start = location.address - match->offset;
      uint64_t runtime = &binary == vmlinux_.get() ? kernel_->to_runtime(start) : start;
      bool seen = false;
      for (const SymbolInfo& known : found) seen |= known.address == runtime;
      if (seen) continue;
      SymbolInfo info;
      fill(info, *match, runtime, module);
      found.push_back(std::move(info));
    }
  }

  // kallsyms has no source positions; its size is the distance to the next
  // symbol, as the kernel prints it.
  static void fill(SymbolInfo& info, const KallsymsSymbol& symbol, const std::string& module) {
    info.address = symbol.address;
    info.size = symbol.end - symbol.address;
    info.name = symbol.name;
    info.demangled = symbol.demangled;
    info.module = module;
    info.type = symbol.type;
  }

  static void fill(SymbolInfo& info, const SymbolMatch& match, uint64_t address,
                   const std::string& module) {
    info.address = address;
    info.size = match.size;
    info.name = std::string(match.name);
    DemangledName demangled = demangle(match.name);
    info.demangled = demangled.demangled ? demangled.display() : info.name;
    info.module = module;
    info.type = match.type;
  }

  SessionOptions options_;
  std::unique_ptr<SessionTarget> opened_;
  Target* target_;  // opened_'s, until close()
  std::unique_ptr<Binary> vmlinux_;
  std::unique_ptr<LinuxKernel> kernel_;
  std::vector<std::string> warnings_;
  std::optional<Result<std::vector<LogRecord>>> log_;
  std::optional<Result<std::vector<Task>>> tasks_;
  std::vector<LoadedModule> modules_;
  bool modules_loaded_ = false;
  std::unique_ptr<StackTracer> tracer_;
  std::unique_ptr<LiveControl> live_;
  std::unique_ptr<CodeDisassembler> disassembler_;  // made by the first disassemble()
};

}  // namespace

Result<std::unique_ptr<Session>> Session::open(const SessionOptions& options) {
  if (!options.vmcore.empty() && !options.gdbstub.empty()) {
    return Error("a session reads a vmcore or a live gdbstub, not both");
  }
  Result<std::unique_ptr<SessionTarget>> opened =
      options.gdbstub.empty() ? open_vmcore_session_target(options.vmcore)
                              : open_gdbstub_session_target(options.gdbstub);
  if (!opened) return opened.error();
  std::unique_ptr<Binary> elf;
  if (!options.vmlinux.empty()) {
    Result<std::unique_ptr<Binary>> binary = Binary::open(options.vmlinux, LoadOptions{});
    if (!binary) return binary.error();
    elf = std::move(*binary);
    // No kernel model without Linux's own symbols: a bare-metal kernel.
    if (!elf->symbol_address("linux_banner") && !elf->symbol_address("init_task")) {
      return open_bare_session(options, std::move(*opened), std::move(elf));
    }
  }
  return KernelSession::open(options, std::move(*opened), std::move(elf));
}

}  // namespace seam::engine

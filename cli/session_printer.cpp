#include "cli/session_printer.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/json_writer.h"
#include "engine/log_format.h"
#include "symbolizer/printf_format.h"

namespace seam::cli {
namespace {

using engine::AddressSpace;
using engine::LogRecord;
using engine::ModuleInfo;
using engine::SymbolInfo;
using engine::SystemInfo;
using engine::Task;

constexpr std::string_view kUnknown = "unknown";

std::string or_unknown(const std::string& text) {
  return text.empty() ? std::string(kUnknown) : text;
}

// A little-endian value of up to 8 bytes.
uint64_t little_endian(std::span<const std::byte> bytes) {
  uint64_t value = 0;
  for (size_t i = bytes.size(); i-- > 0;) value = value << 8 | std::to_integer<uint64_t>(bytes[i]);
  return value;
}

char printable(std::byte byte) {
  auto c = std::to_integer<unsigned char>(byte);
  return c >= 0x20 && c < 0x7f ? static_cast<char>(c) : '.';
}

}  // namespace

std::string format_size(uint64_t bytes) {
  if (bytes < 1024) return sformat("%" PRIu64 " B", bytes);
  static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  // Round first so that 1023.96 KiB is shown as "1.0 MiB", not "1024.0 KiB".
  while (std::round(value * 10) / 10 >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  return sformat("%.1f %s", value, kUnits[unit]);
}

std::string format_uptime(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return std::string(kUnknown);
  auto total = static_cast<uint64_t>(seconds);
  uint64_t days = total / 86400;
  std::string text;
  if (days > 0) text = sformat("%" PRIu64 " %s, ", days, days == 1 ? "day" : "days");
  text += sformat("%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64 " (%.2f s)", total % 86400 / 3600,
                  total % 3600 / 60, total % 60, seconds);
  return text;
}

void SessionPrinter::system_info(const SystemInfo& info) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_object();
    json.key("dump_path").value(info.dump_path);
    json.key("dump_format").value(info.dump_format);
    json.key("live").value(info.live);
    json.key("live_state").value(info.live_state);
    json.key("no_kernel_model");
    if (info.no_kernel_model.empty()) {
      json.null();
    } else {
      json.value(info.no_kernel_model);
    }
    json.key("vmlinux_path").value(info.vmlinux_path);
    json.key("release").value(info.release);
    json.key("version").value(info.version);
    json.key("machine").value(info.machine);
    json.key("nodename").value(info.nodename);
    json.key("cpus").value(info.cpus);
    json.key("dump_cpus").value(info.dump_cpus);
    json.key("memory_bytes").value(info.memory_bytes);
    json.key("uptime_seconds");
    if (info.uptime_seconds) {
      json.value(*info.uptime_seconds);
    } else {
      json.null();
    }
    json.key("panic_message").value(info.panic_message);
    json.key("crashed_cpu");
    if (info.crashed_cpu) {
      json.value(*info.crashed_cpu);
    } else {
      json.null();
    }
    json.key("crashed_task");
    if (info.crashed_task) {
      json.begin_object();
      json.key("pid").value(info.crashed_task->pid);
      json.key("comm").value(info.crashed_task->comm);
      json.key("address").value(hex(info.crashed_task->address));
      json.end_object();
    } else {
      json.null();
    }
    json.key("kaslr_offset").value(hex(info.kaslr_offset));
    json.key("kaslr_source").value(info.kaslr_source);
    json.key("paging_levels").value(info.paging_levels);
    json.end_object();
    out_ << '\n';
    return;
  }

  std::vector<std::pair<std::string_view, std::string>> rows;
  bool live = !info.live.empty();
  if (live) {
    rows.emplace_back("LIVE", info.live);
    rows.emplace_back("TARGET", or_unknown(info.dump_format));
    rows.emplace_back("STATE", info.live_state);
  } else {
    rows.emplace_back("DUMPFILE", or_unknown(info.dump_path));
    rows.emplace_back("DUMP FORMAT", or_unknown(info.dump_format));
  }
  if (!info.no_kernel_model.empty()) {
    // A bare-metal ELF: only what the target and the ELF say.
    rows.emplace_back("ELF", or_unknown(info.vmlinux_path));
    rows.emplace_back("KERNEL", info.no_kernel_model);
    rows.emplace_back("CPUS",
                      std::to_string(info.dump_cpus) + (live ? " vCPU(s)" : " in the dump"));
    if (!live && info.crashed_cpu) rows.emplace_back("DUMP CPU", std::to_string(*info.crashed_cpu));
    if (info.paging_levels > 0) {
      rows.emplace_back("PAGING", std::to_string(info.paging_levels) + "-level");
    }
    print_rows(rows);
    return;
  }
  rows.emplace_back("VMLINUX", or_unknown(info.vmlinux_path));
  rows.emplace_back("RELEASE", or_unknown(info.release));
  rows.emplace_back("VERSION", or_unknown(info.version));
  rows.emplace_back("MACHINE", or_unknown(info.machine));
  rows.emplace_back("NODENAME", or_unknown(info.nodename));
  rows.emplace_back("CPUS",
                    (info.cpus > 0 ? std::to_string(info.cpus) : std::string(kUnknown)) + " (" +
                        std::to_string(info.dump_cpus) +
                        (live ? (info.dump_cpus == 1 ? " vCPU)" : " vCPUs)") : " in the dump)"));
  rows.emplace_back("MEMORY",
                    info.memory_bytes > 0 ? format_size(info.memory_bytes) : std::string(kUnknown));
  rows.emplace_back(
      "UPTIME", info.uptime_seconds ? format_uptime(*info.uptime_seconds) : std::string(kUnknown));
  if (live && !info.crashed_cpu) {
    // A live kernel that has not panicked has no crash to name.
    rows.emplace_back("PANIC", "none: the kernel has not panicked (panic_cpu is -1)");
  } else {
    rows.emplace_back("PANIC", info.panic_message.empty() ? std::string(kUnknown)
                                                          : '"' + info.panic_message + '"');
    rows.emplace_back("CRASHED CPU",
                      info.crashed_cpu ? std::to_string(*info.crashed_cpu) : std::string(kUnknown));
    rows.emplace_back("CRASHED TASK", info.crashed_task
                                          ? "PID " + std::to_string(info.crashed_task->pid) +
                                                " \"" + info.crashed_task->comm + "\" (task " +
                                                hex(info.crashed_task->address) + ")"
                                          : std::string(kUnknown));
  }
  std::string kaslr(kUnknown);
  if (info.kaslr_offset != 0 || !info.kaslr_source.empty()) {
    kaslr = hex(info.kaslr_offset);
    if (!info.kaslr_source.empty()) kaslr += " (" + info.kaslr_source + ")";
  }
  rows.emplace_back("KASLR OFFSET", kaslr);
  rows.emplace_back("PAGING", info.paging_levels > 0 ? std::to_string(info.paging_levels) + "-level"
                                                     : std::string(kUnknown));

  print_rows(rows);
}

// "    KEY: text", keys right-aligned to one width, as crash's sys.
void SessionPrinter::print_rows(std::span<const std::pair<std::string_view, std::string>> rows) {
  size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.first.size());
  for (const auto& [key, text] : rows) {
    out_ << std::string(width - key.size(), ' ') << key << ": " << text << '\n';
  }
}

void SessionPrinter::log(std::span<const LogRecord> records) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const LogRecord& record : records) {
      json.begin_object();
      json.key("sequence").value(record.sequence);
      json.key("timestamp_ns").value(record.timestamp_ns);
      json.key("level").value(record.level);
      json.key("facility").value(record.facility);
      json.key("text").value(record.text);
      json.end_object();
    }
    json.end_array();
    out_ << '\n';
    return;
  }
  // engine::log_line: the lines seam-gui's Log pane shows too.
  for (const LogRecord& record : records) out_ << engine::log_line(record) << '\n';
}

void SessionPrinter::tasks(std::span<const Task> tasks) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const Task& task : tasks) {
      json.begin_object();
      json.key("pid").value(task.pid);
      json.key("tgid").value(task.tgid);
      json.key("ppid").value(task.ppid);
      json.key("cpu").value(task.cpu);
      json.key("active_cpu");
      if (task.active_cpu >= 0) {
        json.value(task.active_cpu);
      } else {
        json.null();
      }
      json.key("state").value(std::string_view(&task.state, 1));
      json.key("comm").value(task.comm);
      json.key("task").value(hex(task.address));
      json.key("kernel_thread").value(task.kernel_thread);
      json.end_object();
    }
    json.end_array();
    out_ << '\n';
    return;
  }
  out_ << "   PID    PPID  CPU  TASK              ST  COMM\n";
  for (const Task& task : tasks) {
    out_ << sformat("%c%5d  %6d  %3d  %-16" PRIx64 "  %-2c  ", task.active_cpu >= 0 ? '>' : ' ',
                    task.pid, task.ppid, task.cpu, task.address, task.state);
    if (task.kernel_thread) {
      out_ << '[' << task.comm << "]\n";
    } else {
      out_ << task.comm << '\n';
    }
  }
}

void SessionPrinter::modules(std::span<const ModuleInfo> modules) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const ModuleInfo& module : modules) {
      json.begin_object();
      json.key("name").value(module.name);
      json.key("base").value(hex(module.base));
      json.key("size").value(module.size);
      json.key("state").value(module.state);
      json.key("sections").begin_object();
      for (const auto& [name, address] : module.sections) json.key(name).value(hex(address));
      json.end_object();
      json.key("debug_file");
      if (module.debug_file.empty()) {
        json.null();
      } else {
        json.value(module.debug_file);
      }
      json.end_object();
    }
    json.end_array();
    out_ << '\n';
    return;
  }
  int width = 16;
  for (const ModuleInfo& module : modules) {
    width = std::max(width, static_cast<int>(module.name.size()));
  }
  out_ << sformat("%-*s  %-16s  %8s  %s\n", width, "NAME", "BASE", "SIZE", "DEBUG INFO");
  for (const ModuleInfo& module : modules) {
    out_ << sformat("%-*s  %-16" PRIx64 "  %8" PRIu64 "  ", width, module.name.c_str(), module.base,
                    module.size)
         << (module.debug_file.empty() ? "-" : module.debug_file) << '\n';
  }
}

void SessionPrinter::memory(uint64_t address, AddressSpace space,
                            std::span<const std::byte> bytes) {
  if (json_) {
    std::string text;
    text.reserve(bytes.size() * 2);
    for (std::byte byte : bytes) text += sformat("%02x", std::to_integer<unsigned>(byte));
    JsonWriter json(out_);
    json.begin_object();
    json.key("address").value(hex(address));
    json.key("space").value(space == AddressSpace::kPhysical ? "physical" : "virtual");
    json.key("bytes").value(text);
    json.end_object();
    out_ << '\n';
    return;
  }
  constexpr size_t kLine = 16, kWord = 8;
  for (size_t offset = 0; offset < bytes.size(); offset += kLine) {
    std::span<const std::byte> line = bytes.subspan(offset, std::min(kLine, bytes.size() - offset));
    out_ << sformat("%016" PRIx64 ": ", address + offset);
    for (size_t word = 0; word < kLine; word += kWord) {
      out_ << ' ';
      if (word >= line.size()) {
        out_ << std::string(2 * kWord + 1, ' ');  // keep the ASCII column in place
        continue;
      }
      std::span<const std::byte> value = line.subspan(word, std::min(kWord, line.size() - word));
      out_ << sformat("%0*" PRIx64, static_cast<int>(2 * value.size()), little_endian(value))
           << std::string(2 * (kWord - value.size()) + 1, ' ');
    }
    out_ << ' ';
    for (std::byte byte : line) out_ << printable(byte);
    out_ << '\n';
  }
}

void SessionPrinter::inlined_calls(const SymbolInfo& function,
                                   std::span<const engine::InlinedCall> calls) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const engine::InlinedCall& call : calls) {
      json.begin_object();
      json.key("callee").value(call.callee);
      json.key("call_file").value(call.call_file);
      json.key("call_line").value(call.call_line);
      json.key("call_column").value(call.call_column);
      json.key("low_pc");
      if (call.low_pc != 0) {
        json.value(hex(call.low_pc));
      } else {
        json.null();
      }
      json.key("depth").value(call.depth);
      json.end_object();
    }
    json.end_array();
    out_ << '\n';
    return;
  }
  const std::string& name = function.demangled.empty() ? function.name : function.demangled;
  out_ << sformat("%zu %s inlined into ", calls.size(), calls.size() == 1 ? "call" : "calls")
       << name << " [" << function.module << "]\n";
  for (const engine::InlinedCall& call : calls) {
    out_ << std::string(2 * static_cast<size_t>(call.depth), ' ') << call.call_file << ':'
         << call.call_line << ':' << call.call_column << "  " << call.callee << "  "
         << (call.low_pc != 0 ? hex(call.low_pc) : std::string("(no code)")) << '\n';
  }
}

void SessionPrinter::symbols(std::span<const SymbolInfo> symbols) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const SymbolInfo& symbol : symbols) {
      json.begin_object();
      json.key("address").value(hex(symbol.address));
      json.key("offset").value(symbol.offset);
      json.key("size").value(symbol.size);
      json.key("name").value(symbol.name);
      json.key("demangled").value(symbol.demangled);
      json.key("module").value(symbol.module);
      json.key("type").value(std::string_view(&symbol.type, 1));
      json.key("file");
      if (symbol.file.empty()) {
        json.null();
      } else {
        json.value(symbol.file);
      }
      json.key("line");
      if (symbol.line > 0) {
        json.value(symbol.line);
      } else {
        json.null();
      }
      json.end_object();
    }
    json.end_array();
    out_ << '\n';
    return;
  }
  for (const SymbolInfo& symbol : symbols) {
    const std::string& shown = symbol.demangled.empty() ? symbol.name : symbol.demangled;
    out_ << sformat("%016" PRIx64 " (%c) ", symbol.address + symbol.offset, symbol.type) << shown;
    if (symbol.offset != 0) out_ << '+' << hex(symbol.offset);
    if (!symbol.module.empty()) out_ << " [" << symbol.module << ']';
    if (shown != symbol.name) out_ << " (" << symbol.name << ')';
    if (!symbol.file.empty()) {
      out_ << ' ' << symbol.file;
      if (symbol.line > 0) out_ << ':' << symbol.line;
    }
    out_ << '\n';
  }
}

}  // namespace seam::cli

namespace seam::cli {
namespace {

void variables_json(JsonWriter& json, const char* key, const std::vector<engine::Variable>& vars) {
  json.key(key).begin_array();
  for (const engine::Variable& v : vars) {
    json.begin_object();
    json.key("name").value(v.name);
    json.key("type").value(v.type);
    json.key("value").value(v.value);
    // The value's parts, in the same shape, when it has any.
    if (!v.children.empty()) variables_json(json, "children", v.children);
    json.end_object();
  }
  json.end_array();
}

void registers_json(JsonWriter& json, const engine::Registers& regs) {
  json.key("registers").begin_object();
  for (size_t i = 0; i < engine::kRegCount; ++i) {
    auto reg = static_cast<engine::Reg>(i);
    if (auto value = regs.get(reg)) json.key(std::string(engine::reg_name(reg))).value(hex(*value));
  }
  json.end_object();
}

void frame_json(JsonWriter& json, const engine::Frame& f, bool variables, bool registers) {
  json.begin_object();
  json.key("index").value(f.index);
  json.key("pc").value(hex(f.pc));
  json.key("sp").value(hex(f.sp));
  json.key("cfa");
  if (f.cfa)
    json.value(hex(f.cfa));
  else
    json.null();
  json.key("language").value(f.language);
  json.key("function").value(f.function);
  json.key("linkage_name").value(f.linkage_name);
  json.key("offset").value(f.offset);
  json.key("module").value(f.module);
  json.key("file");
  if (f.file.empty())
    json.null();
  else
    json.value(f.file);
  json.key("line");
  if (f.line > 0)
    json.value(f.line);
  else
    json.null();
  json.key("column");
  if (f.column > 0)
    json.value(f.column);
  else
    json.null();
  json.key("inlined").value(f.inlined);
  json.key("unwound_by").value(f.unwound_by);
  json.key("boundary");
  if (f.boundary)
    json.value(f.boundary_text);
  else
    json.null();
  if (variables) {
    variables_json(json, "args", f.args);
    variables_json(json, "locals", f.locals);
    json.key("variables_error");
    if (f.variables_error.empty())
      json.null();
    else
      json.value(f.variables_error);
  }
  if (registers) registers_json(json, f.registers);
  json.end_object();
}

void backtrace_json(JsonWriter& json, const engine::Backtrace& bt, bool variables) {
  json.begin_object();
  json.key("pid").value(bt.task.pid);
  json.key("task").value(hex(bt.task.address));
  json.key("command").value(bt.task.comm);
  json.key("cpu").value(bt.cpu);
  json.key("frames").begin_array();
  for (const engine::Frame& f : bt.frames) frame_json(json, f, variables, false);
  json.end_array();
  json.key("end_reason").value(bt.end_reason);
  json.end_object();
}

bool is_rust(const engine::Frame& f) {
  return f.language == "rust";
}

// "int key", "const char *fmt", "key: i32": a declaration in the frame's language.
std::string declaration(const engine::Frame& f, const engine::Variable& v) {
  if (v.type.empty()) return v.name;
  if (is_rust(f)) return v.name + ": " + v.type;
  // C and C++: the name goes after the type, glued to a trailing '*' or '&'.
  if (v.type.ends_with('*') || v.type.ends_with('&')) return v.type + v.name;
  // Arrays: "int[4]" -> "int name[4]".
  if (size_t bracket = v.type.find('['); bracket != std::string::npos && v.type.ends_with(']')) {
    return v.type.substr(0, bracket) + " " + v.name + v.type.substr(bracket);
  }
  return v.type + " " + v.name;
}

void print_variables(std::ostream& out, const engine::Frame& f) {
  auto group = [&](const char* label, const std::vector<engine::Variable>& vars) {
    for (size_t i = 0; i < vars.size(); ++i) {
      out << (i == 0 ? label : "              ") << declaration(f, vars[i]) << " = "
          << vars[i].value << '\n';
    }
  };
  group("      args:   ", f.args);
  group("      locals: ", f.locals);
  if (!f.variables_error.empty()) out << "      (" << f.variables_error << ")\n";
}

void print_frame_line(std::ostream& out, const engine::Frame& f) {
  if (f.boundary) out << "    [" << f.boundary_text << "]\n";
  if (f.module == "user" && f.function.empty()) return;  // the user-space end: its line says it all
  out << sformat("%-3s %016" PRIx64 " ", ("#" + std::to_string(f.index)).c_str(), f.pc);
  if (f.function.empty()) {
    out << "??";
  } else {
    out << f.function;
    if (!f.inlined && f.offset) out << '+' << hex(f.offset);
  }
  if (!f.module.empty()) out << " [" << f.module << ']';
  if (f.inlined) out << " [inlined]";
  if (!f.language.empty() && f.language != "c" && f.module != "user")
    out << " [" << f.language << ']';
  if (!f.file.empty()) {
    out << ' ' << f.file;
    if (f.line > 0) out << ':' << f.line;
  }
  out << '\n';
}

void print_task_header(std::ostream& out, const engine::Backtrace& bt) {
  out << sformat("PID: %-6d TASK: %016" PRIx64 "  CPU: %d  COMMAND: \"", bt.task.pid,
                 bt.task.address, bt.cpu)
      << bt.task.comm << "\"\n";
}

}  // namespace

void SessionPrinter::backtrace(const engine::Backtrace& bt, bool variables) {
  if (json_) {
    JsonWriter json(out_);
    backtrace_json(json, bt, variables);
    out_ << '\n';
    return;
  }
  print_task_header(out_, bt);
  for (const engine::Frame& f : bt.frames) {
    print_frame_line(out_, f);
    if (variables && f.module != "user") print_variables(out_, f);
  }
  if (bt.end_reason != "user space" && bt.end_reason != "end of stack") {
    out_ << "    (the backtrace stops: " << bt.end_reason << ")\n";
  }
}

void SessionPrinter::frame_line(const engine::Frame& f) {
  print_frame_line(out_, f);
}

void SessionPrinter::backtraces(std::span<const engine::Backtrace> bts, bool variables) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_array();
    for (const engine::Backtrace& bt : bts) backtrace_json(json, bt, variables);
    json.end_array();
    out_ << '\n';
    return;
  }
  for (size_t i = 0; i < bts.size(); ++i) {
    if (i) out_ << '\n';
    backtrace(bts[i], variables);
  }
}

void SessionPrinter::frame(const engine::Backtrace& bt, const engine::Frame& f) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_object();
    json.key("pid").value(bt.task.pid);
    json.key("task").value(hex(bt.task.address));
    json.key("cpu").value(bt.cpu);
    json.key("frame");
    frame_json(json, f, true, true);
    json.end_object();
    out_ << '\n';
    return;
  }
  print_task_header(out_, bt);
  print_frame_line(out_, f);
  out_ << "      unwound by " << f.unwound_by;
  if (f.cfa) out_ << ", CFA " << hex(f.cfa);
  out_ << '\n';
  print_variables(out_, f);
  std::string line;
  int in_line = 0;
  for (size_t i = 0; i < engine::kRegCount; ++i) {
    auto reg = static_cast<engine::Reg>(i);
    auto value = f.registers.get(reg);
    if (!value) continue;
    line += sformat("  %6s: %016" PRIx64, std::string(engine::reg_name(reg)).c_str(), *value);
    if (++in_line == 3) {
      out_ << "    " << line << '\n';
      line.clear();
      in_line = 0;
    }
  }
  if (!line.empty()) out_ << "    " << line << '\n';
  if (!f.inlined && f.index > 0) {
    out_ << "      (registers not listed were not saved where the unwinder could find them)\n";
  }
}

void SessionPrinter::disassembly(const engine::Disassembly& d, bool source_lines) {
  if (json_) {
    JsonWriter json(out_);
    json.begin_object();
    json.key("function").value(d.function);
    json.key("function_address").value(hex(d.function_address));
    json.key("function_size").value(d.function_size);
    json.key("module").value(d.module);
    json.key("asked_index").value(static_cast<uint64_t>(d.asked_index));
    json.key("notes").begin_array();
    for (const std::string& note : d.notes) json.value(note);
    json.end_array();
    json.key("instructions").begin_array();
    for (const engine::DisassembledInstruction& i : d.instructions) {
      std::string bytes;
      for (uint8_t b : i.bytes) bytes += sformat("%02x", b);
      json.begin_object();
      json.key("address").value(hex(i.address));
      json.key("bytes").value(bytes);
      json.key("mnemonic").value(i.mnemonic);
      json.key("operands").value(i.operands);
      json.key("text").value(engine::instruction_text(i));
      json.key("valid").value(i.valid);
      json.key("symbol").value(i.symbol);
      json.key("file");
      if (i.file.empty()) {
        json.null();
      } else {
        json.value(i.file);
      }
      json.key("line");
      if (i.line > 0) {
        json.value(i.line);
      } else {
        json.null();
      }
      json.key("target");
      if (i.target) {
        json.value(hex(*i.target));
      } else {
        json.null();
      }
      json.key("target_kind");
      if (i.target) {
        json.value(i.target_is_branch ? "branch" : "memory");
      } else {
        json.null();
      }
      json.key("target_symbol").value(i.target_symbol);
      json.end_object();
    }
    json.end_array();
    json.end_object();
    out_ << '\n';
    return;
  }
  for (const std::string& note : d.notes) out_ << "# " << note << '\n';
  // The instructions in one column, as crash aligns them.
  std::vector<std::string> heads;
  size_t width = 0;
  for (const engine::DisassembledInstruction& i : d.instructions) {
    std::string head = hex(i.address);
    if (!i.symbol.empty()) head += " <" + i.symbol + ">";
    head += ":";
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string file;
  int line = 0;
  for (size_t n = 0; n < d.instructions.size(); ++n) {
    const engine::DisassembledInstruction& i = d.instructions[n];
    if (source_lines && i.line > 0 && (i.file != file || i.line != line)) {
      file = i.file;
      line = i.line;
      out_ << file << ": " << line << '\n';
    }
    out_ << heads[n] << std::string(width - heads[n].size() + 2, ' ') << engine::instruction_text(i)
         << '\n';
  }
}

}  // namespace seam::cli

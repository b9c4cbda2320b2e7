#include "cli/session_command.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cli/arg_parser.h"
#include "cli/commands.h"
#include "cli/live_commands.h"
#include "cli/prompt.h"
#include "cli/session_printer.h"
#include "engine/debug_file_options.h"
#include "engine/log_format.h"
#include "engine/session.h"
#include "symbolizer/printf_format.h"

namespace seam::cli {
namespace {

using engine::AddressSpace;
using engine::Session;
using engine::SessionOptions;

constexpr size_t kCompletionLimit = 200;
constexpr uint64_t kMaxReadWords = 1 << 20;  // rd reads at most 8 MiB

// ---------------------------------------------------------------------------
// Words of a command line

// Splits a prompt line into words: blanks separate them, '...' and "..."
// quote (a backslash escapes the next character inside "..." and outside
// quotes), and '#' at the start of a word begins a comment.
Result<std::vector<std::string>> split_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == '\'' || c == '"') {
      size_t end = i + 1;
      for (; end < line.size() && line[end] != c; ++end) {
        if (c == '"' && line[end] == '\\' && end + 1 < line.size()) ++end;
        word += line[end];
      }
      if (end == line.size()) return Error(std::string("unterminated ") + c + " quote");
      i = end;
      in_word = true;
    } else {
      if (c == '\\' && i + 1 < line.size()) c = line[++i];
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return words;
}

Result<uint64_t> parse_number(const std::string& text, int base) {
  if (text.empty() || text.size() > 20 || text[0] == '-' || text[0] == '+') {
    return Error("'" + text + "' is not a number");
  }
  size_t used = 0;
  try {
    uint64_t value = std::stoull(text, &used, base);
    if (used == text.size()) return value;
  } catch (const std::exception&) {
  }
  return Error("'" + text + "' is not a number");
}

// COUNT and PIDs: decimal, or hexadecimal with 0x.
Result<uint64_t> parse_count(const std::string& text) {
  if (text.starts_with("0x") || text.starts_with("0X")) return parse_number(text.substr(2), 16);
  return parse_number(text, 10);
}

// `sym`'s argument is an address if it is 0x... or bare hex that has a letter
// a-f or at least 8 digits ("ffffffff81000000", "dead"), else a name.
std::optional<uint64_t> as_address(const std::string& text) {
  std::string digits = text;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    digits = text.substr(2);
  } else if (text.find_first_of("abcdefABCDEF") == std::string::npos && text.size() < 8) {
    return std::nullopt;
  }
  if (digits.empty() || digits.size() > 16 ||
      digits.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoull(digits, nullptr, 16);
}

// printk levels: 0-7 or their names.
Result<int> parse_level(const std::string& text) {
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '7') return text[0] - '0';
  for (int level = 0; level <= 7; ++level) {
    if (text == engine::log_level_name(level)) return level;
  }
  if (text == "warn") return 4;
  if (text == "error") return 3;
  return Error("log: unknown level '" + text +
               "': use 0-7 or emerg, alert, crit, err, warning, notice, info, debug");
}

// ---------------------------------------------------------------------------
// Commands: each is parsed (usage errors, before the dump is opened) into an
// Invocation, then run.

struct Invocation {
  bool needs_session = true;
  std::function<Result<void>(Session*, std::ostream&)> run;
};

struct CommandSpec {
  std::string_view name;
  std::string_view options;    // "[-p]", for the list of commands
  std::string_view arguments;  // "ADDR [COUNT]"
  std::string_view summary;    // one line, for `help`
  std::string_view details;    // more, for `help NAME`
  // Adds the command's options to `parser` and returns what to do with the
  // positional arguments and the parsed options.
  Result<Invocation> (*parse)(ArgParser& parser, const std::vector<std::string>& words, bool json);
};

Invocation print_text(std::string text) {
  return {false, [text = std::move(text)](Session*, std::ostream& out) -> Result<void> {
            out << text;
            return {};
          }};
}

Result<void> no_arguments(const std::string& command, const std::vector<std::string>& positional) {
  if (positional.empty()) return {};
  return Error(command + ": unexpected argument '" + positional.front() + "' (see 'help " +
               command + "')");
}

Result<std::vector<std::string>> parse_words(ArgParser& parser,
                                             const std::vector<std::string>& words) {
  return parser.parse(words, 1);
}

Result<Invocation> parse_sys(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  parser.flag("", "--json", "print one JSON object", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (Result<void> ok = no_arguments("sys", *positional); !ok) return ok.error();
  return Invocation{true, [json](Session* session, std::ostream& out) -> Result<void> {
                      Result<engine::SystemInfo> info = session->system_info();
                      if (!info) return info.error();
                      SessionPrinter(out, json).system_info(*info);
                      return {};
                    }};
}

Result<Invocation> parse_log(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  std::string level_text;
  parser.option("", "--level", "LEVEL",
                "only records of LEVEL or more urgent: 0-7 or emerg,\n" + std::string(32, ' ') +
                    "alert, crit, err, warning, notice, info, debug",
                &level_text);
  parser.flag("", "--json", "print a JSON array of records", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (Result<void> ok = no_arguments("log", *positional); !ok) return ok.error();
  int max_level = 7;
  if (!level_text.empty()) {
    Result<int> level = parse_level(level_text);
    if (!level) return level.error();
    max_level = *level;
  }
  return Invocation{true, [json, max_level](Session* session, std::ostream& out) -> Result<void> {
                      Result<std::vector<engine::LogRecord>> records = session->log();
                      if (!records) return records.error();
                      std::erase_if(*records, [&](const engine::LogRecord& record) {
                        return record.level > max_level;
                      });
                      SessionPrinter(out, json).log(*records);
                      return {};
                    }};
}

Result<Invocation> parse_ps(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  parser.flag("", "--json", "print a JSON array of tasks", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  std::set<int> pids;
  for (const std::string& text : *positional) {
    Result<uint64_t> pid = parse_count(text);
    if (!pid || *pid > 0x7fffffff) return Error("ps: '" + text + "' is not a PID");
    pids.insert(static_cast<int>(*pid));
  }
  return Invocation{
      true, [json, pids](Session* session, std::ostream& out) -> Result<void> {
        Result<std::vector<engine::Task>> tasks = session->tasks();
        if (!tasks) return tasks.error();
        std::set<int> missing = pids;
        if (!pids.empty()) {
          std::erase_if(*tasks, [&](const engine::Task& task) { return !pids.contains(task.pid); });
          for (const engine::Task& task : *tasks) missing.erase(task.pid);
        }
        std::stable_sort(tasks->begin(), tasks->end(),
                         [](const engine::Task& a, const engine::Task& b) {
                           if (a.pid != b.pid) return a.pid < b.pid;
                           return a.address < b.address;
                         });
        SessionPrinter(out, json).tasks(*tasks);
        if (!missing.empty()) {
          return Error("ps: no task with PID " + std::to_string(*missing.begin()));
        }
        return {};
      }};
}

Result<Invocation> parse_mod(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  parser.flag("", "--json", "print a JSON array of modules", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (Result<void> ok = no_arguments("mod", *positional); !ok) return ok.error();
  return Invocation{true, [json](Session* session, std::ostream& out) -> Result<void> {
                      Result<std::vector<engine::ModuleInfo>> modules = session->modules();
                      if (!modules) return modules.error();
                      SessionPrinter(out, json).modules(*modules);
                      return {};
                    }};
}

Result<Invocation> parse_rd(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  bool physical = false;
  parser.flag("-p", "--physical", "ADDR is a physical address", &physical);
  parser.flag("", "--json", "print one JSON object: address, space, bytes (hex)", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (positional->empty() || positional->size() > 2) {
    return Error(std::string("rd: ") + (positional->empty() ? "no ADDR" : "too many arguments") +
                 " (usage: rd [-p] ADDR [COUNT]; see 'help rd')");
  }
  uint64_t count = 8;
  if (positional->size() == 2) {
    Result<uint64_t> parsed = parse_count((*positional)[1]);
    if (!parsed || *parsed == 0 || *parsed > kMaxReadWords) {
      return Error("rd: COUNT must be a number of 8-byte words from 1 to " +
                   std::to_string(kMaxReadWords) + ", not '" + (*positional)[1] + "'");
    }
    count = *parsed;
  }
  std::string expression = positional->front();
  AddressSpace space = physical ? AddressSpace::kPhysical : AddressSpace::kVirtual;
  return Invocation{
      true, [json, count, expression, space](Session* session, std::ostream& out) -> Result<void> {
        Result<uint64_t> address = session->evaluate_address(expression);
        if (!address) return address.error();
        std::vector<std::byte> bytes(count * 8);
        if (Result<void> ok = session->read_memory(*address, bytes, space); !ok) return ok.error();
        SessionPrinter(out, json).memory(*address, space, bytes);
        return {};
      }};
}

Result<Invocation> parse_sym(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  bool inlined = false;
  parser.flag("", "--inlined", "the calls inlined into the function at NAME|ADDR", &inlined);
  parser.flag("", "--json", "print a JSON array of symbols", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (positional->size() != 1) {
    return Error(std::string("sym: ") +
                 (positional->empty() ? "no NAME or ADDR" : "one at a time") +
                 " (usage: sym NAME|ADDR; see 'help sym')");
  }
  std::string target = positional->front();
  if (inlined) {
    return Invocation{true, [json, target](Session* session, std::ostream& out) -> Result<void> {
                        Result<uint64_t> address = session->evaluate_address(target);
                        if (!address) return address.error();
                        Result<engine::SymbolInfo> function = session->symbol_at(*address);
                        if (!function) return function.error();
                        Result<std::vector<engine::InlinedCall>> calls =
                            session->inlined_calls(*address);
                        if (!calls) return calls.error();
                        SessionPrinter(out, json).inlined_calls(*function, *calls);
                        return {};
                      }};
  }
  return Invocation{true, [json, target](Session* session, std::ostream& out) -> Result<void> {
                      std::vector<engine::SymbolInfo> symbols;
                      if (std::optional<uint64_t> address = as_address(target)) {
                        Result<engine::SymbolInfo> symbol = session->symbol_at(*address);
                        if (!symbol) return symbol.error();
                        symbols.push_back(std::move(*symbol));
                      } else if (target.find('+') != std::string::npos) {
                        // NAME+OFFSET: the symbol at that address.
                        Result<uint64_t> address = session->evaluate_address(target);
                        if (!address) return address.error();
                        Result<engine::SymbolInfo> symbol = session->symbol_at(*address);
                        if (!symbol) return symbol.error();
                        symbols.push_back(std::move(*symbol));
                      } else {
                        Result<std::vector<engine::SymbolInfo>> named =
                            session->symbols_named(target);
                        if (!named) return named.error();
                        if (named->empty()) return Error("sym: no symbol named '" + target + "'");
                        symbols = std::move(*named);
                      }
                      SessionPrinter(out, json).symbols(symbols);
                      return {};
                    }};
}

// dis: a bare function name without a count is the whole function (crash's
// `dis FUNCTION`); an address or SYMBOL+OFF, COUNT instructions from there.
Result<Invocation> parse_dis(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  std::string count_text;
  bool reverse = false;
  bool source_lines = false;
  bool intel = false;
  parser.option("-n", "--count", "COUNT", "COUNT instructions from ADDR (default: 16)",
                &count_text);
  parser.flag("-r", "--reverse", "from the start of the function up to ADDR", &reverse);
  parser.flag("-l", "--lines", "the source line above its instructions", &source_lines);
  parser.flag("", "--intel", "Intel syntax (default: AT&T, as gdb and crash)", &intel);
  parser.flag("", "--json", "print one JSON object", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (positional->empty() || positional->size() > 2) {
    return Error(std::string("dis: ") + (positional->empty() ? "no ADDR" : "too many arguments") +
                 " (usage: dis [-r] [-l] [-n COUNT] ADDR|SYMBOL[+OFF]; see 'help dis')");
  }
  if (positional->size() == 2) {  // crash's `dis ADDR COUNT`
    if (!count_text.empty()) return Error("dis: give COUNT once");
    count_text = (*positional)[1];
  }
  std::optional<int> count;
  if (!count_text.empty()) {
    Result<uint64_t> parsed = parse_count(count_text);
    if (!parsed || *parsed == 0 ||
        *parsed > static_cast<uint64_t>(engine::CodeDisassembler::kMaxCount)) {
      return Error(sformat("dis: COUNT must be a number of instructions from 1 to %d, not '%s'",
                           engine::CodeDisassembler::kMaxCount, count_text.c_str()));
    }
    count = static_cast<int>(*parsed);
  }
  if (reverse && count) return Error("dis: -r shows up to ADDR: give -r or COUNT, not both");
  std::string expression = positional->front();
  bool function_name = !as_address(expression) && expression.find('+') == std::string::npos;
  engine::DisassemblyRequest request;
  request.intel = intel;
  if (reverse) {
    request.count_before = engine::CodeDisassembler::kMaxCount;
    request.count_after = 1;
  } else if (function_name && !count) {
    request.whole_function = true;
  } else {
    request.count_after = count.value_or(16);
  }
  return Invocation{true,
                    [json, expression, request, source_lines](
                        Session* session, std::ostream& out) mutable -> Result<void> {
                      Result<uint64_t> address = session->evaluate_address(expression);
                      if (!address) return address.error();
                      request.address = *address;
                      Result<engine::Disassembly> code = session->disassemble(request);
                      if (!code) return code.error().context("dis " + expression);
                      SessionPrinter(out, json).disassembly(*code, source_lines);
                      return {};
                    }};
}

// Which task a bt or frame command is about: a PID, the task on a CPU, or
// (neither) the crashed task.
struct TaskSelection {
  std::optional<int> pid;
  std::optional<int> cpu;
};

Result<TaskSelection> parse_task_selection(const std::string& command,
                                           const std::vector<std::string>& pids,
                                           const std::string& cpu_text) {
  TaskSelection selection;
  if (pids.size() > 1) return Error(command + ": one PID at a time");
  if (!pids.empty()) {
    Result<uint64_t> parsed = parse_count(pids.front());
    if (!parsed || *parsed > 0x7fffffff) {
      return Error(command + ": '" + pids.front() + "' is not a PID");
    }
    selection.pid = static_cast<int>(*parsed);
  }
  if (!cpu_text.empty()) {
    Result<uint64_t> parsed = parse_count(cpu_text);
    if (!parsed || *parsed > 0xffff) {
      return Error(command + ": '" + cpu_text + "' is not a CPU number");
    }
    selection.cpu = static_cast<int>(*parsed);
  }
  if (selection.pid && selection.cpu) return Error(command + ": give a PID or --cpu N, not both");
  return selection;
}

// bt -a: the task running on each CPU; bt -A: every task. A task whose stack
// cannot be read does not stop the others: its error is returned at the end.
Result<void> run_many_backtraces(Session* session, std::ostream& out, bool json, bool variables,
                                 bool every_task) {
  std::vector<engine::BacktraceRequest> requests;
  if (every_task) {
    Result<std::vector<engine::Task>> tasks = session->tasks();
    if (!tasks) return tasks.error();
    for (const engine::Task& t : *tasks) {
      // Idle tasks share PID 0: name them by their CPU.
      if (t.pid == 0) {
        requests.push_back({.cpu = t.cpu, .variables = variables, .variable_parts = json});
      } else {
        requests.push_back({.pid = t.pid, .variables = variables, .variable_parts = json});
      }
    }
  } else {
    Result<engine::SystemInfo> info = session->system_info();
    if (!info) return info.error();
    for (int c = 0; c < info->cpus; ++c) {
      requests.push_back({.cpu = c, .variables = variables, .variable_parts = json});
    }
  }
  std::vector<engine::Backtrace> bts;
  std::optional<Error> first_error;
  for (const engine::BacktraceRequest& request : requests) {
    Result<engine::Backtrace> bt = session->backtrace(request);
    if (bt) {
      bts.push_back(std::move(*bt));
    } else if (!first_error) {
      first_error = bt.error().context(request.pid ? "PID " + std::to_string(*request.pid)
                                                   : "CPU " + std::to_string(*request.cpu));
    }
  }
  SessionPrinter(out, json).backtraces(bts, variables);
  if (first_error) return *first_error;
  return {};
}

Result<Invocation> parse_bt(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  bool all_cpus = false;
  bool all_tasks = false;
  bool variables = false;
  std::string cpu_text;
  parser.flag("-a", "--all", "the task running on every CPU", &all_cpus);
  parser.flag("-A", "--all-tasks", "every task (as crash's foreach bt)", &all_tasks);
  parser.option("", "--cpu", "N", "the task running on CPU N", &cpu_text);
  parser.flag("-f", "--locals", "each frame's arguments and local variables", &variables);
  parser.flag("", "--json", "print a JSON object (an array with -a or -A)", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  Result<TaskSelection> selection = parse_task_selection("bt", *positional, cpu_text);
  if (!selection) return selection.error();
  int chosen = (selection->pid ? 1 : 0) + (selection->cpu ? 1 : 0) + (all_cpus ? 1 : 0) +
               (all_tasks ? 1 : 0);
  if (chosen > 1) return Error("bt: give one of PID, -a, -A and --cpu N");
  return Invocation{true,
                    [json, all_cpus, all_tasks, variables, selection = *selection](
                        Session* session, std::ostream& out) -> Result<void> {
                      if (all_cpus || all_tasks) {
                        return run_many_backtraces(session, out, json, variables, all_tasks);
                      }
                      Result<engine::Backtrace> bt = session->backtrace({.pid = selection.pid,
                                                                         .cpu = selection.cpu,
                                                                         .variables = variables,
                                                                         .variable_parts = json});
                      if (!bt) return bt.error();
                      SessionPrinter(out, json).backtrace(*bt, variables);
                      return {};
                    }};
}

Result<Invocation> parse_frame(ArgParser& parser, const std::vector<std::string>& words,
                               bool json) {
  std::string cpu_text;
  std::string pid_text;
  parser.option("-p", "--pid", "PID", "a frame of task PID's stack", &pid_text);
  parser.option("", "--cpu", "N", "a frame of the stack of the task running on CPU N", &cpu_text);
  parser.flag("", "--json", "print a JSON object", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (positional->size() != 1)
    return Error("frame: which frame? (usage: frame N [--pid PID | --cpu N])");
  Result<uint64_t> index = parse_count(positional->front());
  if (!index || *index > 0xffff)
    return Error("frame: '" + positional->front() + "' is not a frame number");
  std::vector<std::string> pids;
  if (!pid_text.empty()) pids.push_back(pid_text);
  Result<TaskSelection> selection = parse_task_selection("frame", pids, cpu_text);
  if (!selection) return selection.error();
  return Invocation{true,
                    [json, index = static_cast<int>(*index), selection = *selection](
                        Session* session, std::ostream& out) -> Result<void> {
                      Result<engine::Backtrace> bt = session->backtrace({.pid = selection.pid,
                                                                         .cpu = selection.cpu,
                                                                         .variables = true,
                                                                         .variable_parts = json});
                      if (!bt) return bt.error();
                      if (index >= static_cast<int>(bt->frames.size())) {
                        return Error(sformat("frame: the stack of PID %d has frames #0 to #%zu",
                                             bt->task.pid, bt->frames.size() - 1));
                      }
                      SessionPrinter(out, json).frame(*bt, bt->frames[index]);
                      return {};
                    }};
}

// Live commands (cli/live_commands.cpp): words[0] names the command.
Result<Invocation> parse_live(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  parser.flag("", "--json", "print JSON", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested()) return print_text(parser.help());
  if (Result<void> ok = check_live_arguments(words.front(), *positional); !ok) return ok.error();
  return Invocation{true,
                    [json, name = words.front(), args = *positional](
                        Session* session, std::ostream& out) -> Result<void> {
                      return run_live_command(*session, name, args, out, json);
                    }};
}

Result<Invocation> parse_help(ArgParser& parser, const std::vector<std::string>& words, bool json);

constexpr CommandSpec kCommands[] = {
    {"sys", "", "", "the dump, the kernel and the crash at a glance",
     "DUMPFILE, RELEASE, CPUS, MEMORY, UPTIME, PANIC, CRASHED TASK, KASLR OFFSET...,\n"
     "like crash's sys. Unknown values read \"unknown\".",
     parse_sys},
    {"log", "[--level LEVEL]", "", "the kernel log, like dmesg",
     "Each record as \"[seconds.micros] text\", its further lines bare, as dmesg\n"
     "and drgn's get_dmesg() print it.",
     parse_log},
    {"ps", "", "[PID...]", "processes and threads",
     "One row per task (threads too), by PID: '>' marks a task running on a CPU at\n"
     "the time of the dump; kernel threads are shown as [name]. PIDs select rows.",
     parse_ps},
    {"mod", "", "", "loaded kernel modules",
     "Name, core base address, size and the .ko whose debug info was loaded.", parse_mod},
    {"rd", "[-p]", "ADDR [COUNT]", "read memory as 64-bit words",
     "ADDR is a hexadecimal address or a symbol[+offset]; COUNT 8-byte words are\n"
     "shown (default 8), two a line with their ASCII.",
     parse_rd},
    {"sym", "[--inlined]", "NAME|ADDR", "the symbol at an address, or the symbols with a name",
     "An ADDR (0x..., or hex digits with a-f or at least 8 of them) or NAME+OFFSET\n"
     "shows the symbol containing it; a NAME (linkage or demangled) every symbol\n"
     "so named. --inlined: the calls inlined into the function there (from its\n"
     "DWARF), each as FILE:LINE:COLUMN of the call, callee, address of its code.",
     parse_sym},
    {"dis", "[-r] [-l] [-n COUNT]", "ADDR|SYMBOL[+OFF]", "disassemble code, as crash's dis",
     "A FUNCTION's name alone: the whole function; an ADDR or SYMBOL+OFF: COUNT\n"
     "instructions from there (default 16), -r: from its function's start up to it.\n"
     "Each line \"ADDR <symbol+offset>:  instruction\" in AT&T syntax (--intel:\n"
     "Intel), branch targets and RIP-relative addresses named, as gdb names them.\n"
     "Code is read from the dump or the live guest (from the vmlinux or .ko where a\n"
     "dump lacks it, with a note).",
     parse_dis},
    {"bt", "[-f] [-a | -A | --cpu N]", "[PID]", "the kernel stack of a task",
     "The crashed task's stack, or task PID's, or the task running on CPU N (-a: on\n"
     "every CPU, -A: every task): ORC unwinding as the kernel's own, then DWARF CFI,\n"
     "then frame pointers; each frame with its inlined calls, language, source and\n"
     "module; exception and interrupt boundaries (pt_regs) on a line of their own.\n"
     "-f adds each frame's arguments and locals, printed in the frame's language.",
     parse_bt},
    {"frame", "[--pid PID | --cpu N]", "N", "one frame of a stack, with its variables",
     "Frame N of the crashed task's stack (or of task PID's, or of the task on CPU\n"
     "N), numbered as bt numbers them: its source position, arguments, locals and\n"
     "the registers the unwinder recovered for it.",
     parse_frame},
    {"break", "", "LOCATION", "live: a breakpoint at a function or FILE:LINE",
     "LOCATION is a function (C name, C++ qualified name, Rust path) or FILE:LINE,\n"
     "in the vmlinux and every module given with -s; gdb's addresses (past the\n"
     "prologue, every inlined instance). Several addresses make one breakpoint.",
     parse_live},
    {"hbreak", "", "LOCATION", "live: a hardware breakpoint", "As break, with the stub's Z1.",
     parse_live},
    {"delete", "", "[N]", "live: delete breakpoint N, or every one", "", parse_live},
    {"info", "", "breakpoints", "live: the breakpoints and their hits",
     "Id, type, address, function, file:line and hit count.", parse_live},
    {"continue", "", "", "live: let every vCPU run until a breakpoint or Ctrl-C",
     "Prints where the guest stopped; bt then shows the stopped CPU's stack.", parse_live},
    {"step", "", "", "live: to the next source line, entering calls",
     "Entering an inlined call counts as entering: it stops at its first line.", parse_live},
    {"next", "", "", "live: to the next source line of this frame",
     "Steps over calls and inlined calls (same inline depth).", parse_live},
    {"finish", "", "", "live: until the current function (or inlined call) returns",
     "Out of an inlined call it stops at its call site.", parse_live},
    {"stepi", "", "", "live: one instruction on the selected vCPU", "", parse_live},
    {"regs", "", "", "live: the selected vCPU's registers", "", parse_live},
    {"cpu", "", "[N]", "live: select the vCPU for regs, step and bt", "", parse_live},
    {"help", "", "[COMMAND]", "list the commands, or describe one", "", parse_help},
};

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

ArgParser parser_for(const CommandSpec& command) {
  std::string summary(command.summary);
  summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
  summary += '.';
  if (!command.details.empty()) summary += "\n" + std::string(command.details);
  return ArgParser(std::string(command.name), summary, std::string(command.arguments));
}

// "rd [-p] ADDR [COUNT]"
std::string synopsis(const CommandSpec& command) {
  std::string text(command.name);
  for (std::string_view part : {command.options, command.arguments}) {
    if (!part.empty()) text += " " + std::string(part);
  }
  return text;
}

std::string command_list() {
  std::string text = "Commands:\n";
  for (const CommandSpec& command : kCommands) {
    std::string usage = synopsis(command);
    text += "  " + usage + std::string(usage.size() < 24 ? 24 - usage.size() : 1, ' ') +
            std::string(command.summary) + "\n";
  }
  text += "  quit, exit              leave the prompt (also Ctrl-D)\n";
  text += "Every command takes --json. 'help COMMAND' (or 'COMMAND --help') describes one.\n";
  return text;
}

Result<Invocation> parse_words_of(const std::vector<std::string>& words, bool json);

Result<Invocation> parse_help(ArgParser& parser, const std::vector<std::string>& words, bool json) {
  parser.flag("", "--json", "accepted, and ignored: help is text", &json);
  Result<std::vector<std::string>> positional = parse_words(parser, words);
  if (!positional) return positional.error();
  if (parser.help_requested() || positional->empty()) return print_text(command_list());
  if (positional->size() > 1) return Error("help: one command at a time");
  if (!find_command(positional->front())) {
    return Error("help: no command '" + positional->front() + "' (see 'help')");
  }
  return parse_words_of({positional->front(), "--help"}, false);
}

// words[0] is the command's name.
Result<Invocation> parse_words_of(const std::vector<std::string>& words, bool json) {
  const CommandSpec* command = find_command(words.front());
  if (!command && words.front().starts_with('-')) {
    return Error("unknown option '" + words.front() + "' (see 'seam --help')");
  }
  if (!command) {
    std::string names;
    for (const CommandSpec& spec : kCommands)
      names += (names.empty() ? "" : ", ") + std::string(spec.name);
    return Error("unknown command '" + words.front() + "' (commands: " + names + ")");
  }
  ArgParser parser = parser_for(*command);
  return command->parse(parser, words, json);
}

// ---------------------------------------------------------------------------
// Opening the session

// Prints the session's warnings not printed yet: those found while opening,
// and those found later as parts of the dump are first read (a module's
// debug info that does not load...).
class WarningPrinter {
 public:
  void print_new(const Session& session) {
    const std::vector<std::string>& warnings = session.warnings();
    if (printed_ >= warnings.size()) return;
    std::cout.flush();
    for (; printed_ < warnings.size(); ++printed_) {
      std::cerr << "seam: warning: " << warnings[printed_] << '\n';
    }
  }

 private:
  size_t printed_ = 0;
};

void print_error(const Error& error) {
  std::cout.flush();  // keep the order of output and errors on a terminal
  std::cerr << "seam: error: " << error.message() << '\n';
}

// ---------------------------------------------------------------------------
// Running commands

bool is_quit(const std::vector<std::string>& words) {
  return words.size() == 1 && (words[0] == "quit" || words[0] == "exit" || words[0] == "q");
}

std::vector<std::string> complete(Session& session, std::string_view before,
                                  std::string_view word) {
  std::vector<std::string> candidates;
  Result<std::vector<std::string>> words = split_words(before);
  if (!words) return candidates;
  bool names = words->empty() || (words->size() == 1 && (*words)[0] == "help");
  if (names) {
    for (const CommandSpec& command : kCommands) candidates.emplace_back(command.name);
    if (words->empty()) {
      candidates.emplace_back("quit");
      candidates.emplace_back("exit");
    }
    std::erase_if(candidates, [&](const std::string& name) { return !name.starts_with(word); });
    return candidates;
  }
  if (word.starts_with('-')) return candidates;
  return session.symbol_names_with_prefix(word, kCompletionLimit);
}

// Runs commands on an open session and reports their errors and the
// session's new warnings.
class Shell {
 public:
  Shell(Session& session, bool json) : session_(session), json_(json) {}

  // One command. Returns false if it failed.
  bool run(const Invocation& invocation) {
    Result<void> ok = invocation.run(&session_, std::cout);
    if (!ok) print_error(ok.error());
    warnings_.print_new(session_);
    return ok.ok();
  }

  // One line from the prompt or stdin. Returns false if it failed.
  bool run_line(std::string_view line) {
    Result<std::vector<std::string>> words = split_words(line);
    if (!words) {
      print_error(words.error());
      return false;
    }
    if (words->empty()) return true;
    Result<Invocation> invocation = parse_words_of(*words, json_);
    if (!invocation) {
      print_error(invocation.error());
      return false;
    }
    return run(*invocation);
  }

  int interactive() {
    std::unique_ptr<LineReader> input = terminal_prompt(
        "seam> ", default_history_file(), [this](std::string_view before, std::string_view word) {
          return complete(session_, before, word);
        });
    while (std::optional<std::string> text = input->read_line()) {
      std::string_view lines = *text;  // a bracketed paste may hold several lines
      bool quit = false;
      while (!quit && !lines.empty()) {
        std::string_view line = lines.substr(0, lines.find('\n'));
        lines.remove_prefix(std::min(lines.size(), line.size() + 1));
        Result<std::vector<std::string>> words = split_words(line);
        quit = words && is_quit(*words);
        if (!quit) run_line(line);
      }
      std::cout.flush();
      if (quit) break;
    }
    return 0;
  }

  // Commands from stdin, a line each; the status is 1 if any failed.
  int stream() {
    std::unique_ptr<LineReader> input = stream_reader(std::cin);
    int status = 0;
    while (std::optional<std::string> line = input->read_line()) {
      Result<std::vector<std::string>> words = split_words(*line);
      if (words && is_quit(*words)) break;
      if (!run_line(*line)) status = 1;
      std::cout.flush();  // a program driving seam through a pipe sees each answer
    }
    return status;
  }

  void print_warnings() { warnings_.print_new(session_); }

 private:
  Session& session_;
  bool json_;
  WarningPrinter warnings_;
};

// Freeing the indexes of a large vmlinux takes longer than the kernel takes
// to reclaim the whole process: once the answers are out, leave without
// running destructors.
[[noreturn]] void exit_without_teardown(Session& session, int status) {
  // Except leaving a live guest as it was found.
  if (Result<void> closed = session.close(); !closed) {
    print_error(closed.error());
    if (status == 0) status = 1;
  }
  std::cout.flush();
  std::cerr.flush();
  std::_Exit(std::cout ? status : 1);
}

std::string session_summary() {
  return "Open a kernel crash dump (vmcore), or a live kernel under QEMU through its\n"
         "gdbstub, with its vmlinux and modules, and run COMMAND on it; without a\n"
         "COMMAND, read commands from a seam> prompt, or line by line from stdin when\n"
         "it is not a terminal. A live guest is stopped while Seam reads it (QEMU stops\n"
         "it when a debugger connects); one that was running runs again when Seam\n"
         "leaves, one that was stopped stays stopped.\n\n" +
         command_list().substr(0, command_list().size() - 1);
}

}  // namespace

void print_session_usage(std::ostream& out) {
  out << "Session commands, on a vmcore or a live QEMU (seam -c VMCORE|-g HOST:PORT ... "
         "COMMAND):\n";
  for (const CommandSpec& command : kCommands) {
    std::string usage = synopsis(command);
    out << "  " << usage << std::string(usage.size() < 24 ? 24 - usage.size() : 1, ' ')
        << command.summary << '\n';
  }
  out << "Without COMMAND: a seam> prompt on a terminal, else commands read from stdin.\n";
}

int session_command(int argc, char** argv) {
  std::string vmcore;
  std::string gdbstub;
  std::vector<std::string> symbols;
  bool json = false;
  ArgParser parser("seam", session_summary(), "[COMMAND [ARGS...] [--json]]");
  parser.option("-c", "--vmcore", "VMCORE", "the crash dump", &vmcore);
  parser.option(
      "-g", "--gdb", "HOST:PORT",
      "or a live kernel: QEMU's gdbstub (qemu -gdb\n" + std::string(32, ' ') + "tcp:HOST:PORT)",
      &gdbstub);
  parser.repeated("-s", "--symbols", "FILE|DIR",
                  "the vmlinux, a module .ko, or a directory of\n" + std::string(32, ' ') +
                      "modules (repeatable; each is told by its content)",
                  &symbols);
  parser.flag("", "--json", "print JSON (as every COMMAND's --json)", &json);
  parser.stop_at_first_positional();
  Result<std::vector<std::string>> words = parser.parse(argc, argv, 1);
  if (!words) {
    // ArgParser's messages start with the command's name ("seam: ...").
    std::string message = words.error().message();
    if (message.starts_with("seam: ")) message.erase(0, 6);
    print_error(Error(message));
    return 2;
  }
  if (parser.help_requested()) {
    std::cout << parser.help();
    return 0;
  }

  std::optional<Invocation> invocation;
  if (!words->empty()) {
    Result<Invocation> parsed = parse_words_of(*words, json);
    if (!parsed) {
      print_error(parsed.error());
      return 2;
    }
    invocation = std::move(*parsed);
    if (!invocation->needs_session) {
      Result<void> ok = invocation->run(nullptr, std::cout);
      return ok ? 0 : 1;
    }
  }
  if (vmcore.empty() && gdbstub.empty()) {
    print_error(
        Error("no dump given: use -c VMCORE, or -g HOST:PORT for a live QEMU (see 'seam --help')"));
    return 2;
  }
  if (!vmcore.empty() && !gdbstub.empty()) {
    print_error(Error("-c VMCORE and -g HOST:PORT: give one, a dump or a live QEMU"));
    return 2;
  }
  SessionOptions options;
  options.vmcore = vmcore;
  options.gdbstub = gdbstub;
  for (const std::string& path : symbols) {
    if (Result<void> ok = engine::add_debug_file(path, options); !ok) {
      print_error(ok.error());
      return 1;
    }
  }

  Result<std::unique_ptr<Session>> session = Session::open(options);
  if (!session) {
    print_error(session.error());
    return 1;
  }
  Shell shell(**session, json);
  shell.print_warnings();
  if (invocation) exit_without_teardown(**session, shell.run(*invocation) ? 0 : 1);
  exit_without_teardown(**session, isatty(STDIN_FILENO) ? shell.interactive() : shell.stream());
}

}  // namespace seam::cli

#include "engine/frame_variables.h"

#include <dwarf.h>

#include <cstring>
#include <memory>

#include "engine/value_children.h"
#include "engine/value_format.h"
#include "symbolizer/dwarf_location.h"
#include "symbolizer/dwarf_type_name.h"
#include "symbolizer/dwarf_variables.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

// Entry values may come from the caller's call site, whose value may itself
// be an entry value of its caller: this many frames up, no more.
constexpr int kMaxEntryValueDepth = 3;

bool callee_saved(int dwarf_reg) {
  // x86-64 psABI: rbx, rbp, r12-r15.
  return dwarf_reg == 3 || dwarf_reg == 6 || (dwarf_reg >= 12 && dwarf_reg <= 15);
}

// The frames of one pc: inlined calls then the concrete function.
struct Group {
  size_t first = 0, last = 0;  // frames [first, last]
  Binary* binary = nullptr;
  int64_t bias = 0;     // runtime - file address
  uint64_t lookup = 0;  // file address the frames were symbolized at
  bool exact = false;   // pc is where execution is, not a return address
};

class Frames {
 public:
  Frames(Backtrace& bt, const FrameCodeOf& code_of, const MemoryReader& read)
      : bt_(bt), read_(read) {
    for (size_t i = 0; i < bt.frames.size();) {
      Group g;
      g.first = i;
      while (i < bt.frames.size() && bt.frames[i].inlined) ++i;
      g.last = std::min(i, bt.frames.size() - 1);
      i = g.last + 1;
      const Frame& f = bt.frames[g.first];
      // The first frame and frames after an exception boundary are where the
      // CPU was; the others are return addresses, looked up one byte back.
      g.exact = groups_.empty() || f.boundary;
      if (std::optional<FrameCode> code = code_of(f)) {
        g.binary = code->binary;
        g.bias = code->bias;
      }
      g.lookup = (g.exact ? f.pc : f.pc - 1) - static_cast<uint64_t>(g.bias);
      groups_.push_back(g);
    }
  }

  const std::vector<Group>& groups() const { return groups_; }
  Backtrace& backtrace() { return bt_; }
  Result<void> read(uint64_t address, std::span<std::byte> out) const {
    return read_(address, out);
  }

 private:
  Backtrace& bt_;
  const MemoryReader& read_;
  std::vector<Group> groups_;
};

class KernelFrameState final : public FrameState {
 public:
  KernelFrameState(Frames& frames, size_t group, int depth)
      : frames_(frames), group_(group), depth_(depth) {}

  const Frame& frame() const { return frames_.backtrace().frames[frames_.groups()[group_].last]; }
  std::optional<uint64_t> register_value(int dwarf_reg) const override {
    if (dwarf_reg < 0 || dwarf_reg > static_cast<int>(Reg::kRip)) return std::nullopt;
    return frame().registers.get(static_cast<Reg>(dwarf_reg));
  }
  std::optional<uint64_t> cfa() const override {
    if (frame().cfa == 0) return std::nullopt;
    return frame().cfa;
  }
  Result<void> read_memory(uint64_t address, std::span<std::byte> out) const override {
    return frames_.read(address, out);
  }
  int64_t address_bias() const override { return frames_.groups()[group_].bias; }

  std::optional<uint64_t> entry_value(int dwarf_reg) const override {
    size_t caller = group_ + 1;
    const std::vector<Group>& groups = frames_.groups();
    if (depth_ >= kMaxEntryValueDepth || caller >= groups.size()) return std::nullopt;
    const Group& c = groups[caller];
    const Frame& caller_frame = frames_.backtrace().frames[c.first];
    // Across an exception the "caller" was interrupted, not calling us.
    if (caller_frame.boundary || c.exact) return std::nullopt;
    KernelFrameState caller_state(frames_, caller, depth_ + 1);
    if (callee_saved(dwarf_reg)) return caller_state.register_value(dwarf_reg);
    if (!c.binary) return std::nullopt;
    const Group& own = groups[group_];
    if (!own.binary) return std::nullopt;
    std::vector<Dwarf_Die> scopes = own.binary->scopes_at(own.lookup);
    if (scopes.empty()) return std::nullopt;
    uint64_t return_address = caller_frame.pc - static_cast<uint64_t>(c.bias);
    return c.binary->call_site_value(return_address, dwarf_reg, caller_state, &scopes.back());
  }

 private:
  Frames& frames_;
  size_t group_;
  int depth_;
};

// The top of x86-64's lower (user) half: pointers below it are the task's
// user memory (a write(2)'s buffer), read through its own page tables.
constexpr uint64_t kUserSpaceEnd = 0x0000800000000000;

class KernelValueReader final : public ValueReader {
 public:
  KernelValueReader(LinuxKernel& kernel, std::span<const CodeModule> modules, uint64_t task)
      : kernel_(kernel), modules_(modules), task_(task) {}
  Result<void> read(uint64_t address, std::span<std::byte> out) override {
    if (address < kUserSpaceEnd) {
      Result<KernelMemory*> user = user_memory();
      if (!user) return user.error();
      return (*user)->read(address, out);
    }
    return kernel_.memory().read(address, out);
  }
  std::optional<std::string> symbol_for(uint64_t address) override {
    const SymbolTable* table = nullptr;
    uint64_t file_address = address;
    for (const CodeModule& m : modules_) {
      if (m.binary && address >= m.base && address < m.base + m.size) table = &m.binary->symbols();
    }
    if (!table) {
      table = &kernel_.vmlinux().symbols();
      file_address = kernel_.to_link(address);
    }
    std::optional<SymbolMatch> match = table->lookup(file_address);
    // Far past an unsized symbol is not in it.
    if (!match || (match->size ? match->offset >= match->size : match->offset > 0x1000)) {
      return std::nullopt;
    }
    std::string name(match->name);
    if (match->offset) name += sformat("+0x%" PRIx64, match->offset);
    return name;
  }

 private:
  // The task's address space: task->mm->pgd, translated to the physical
  // root of its page tables. Built on first use; kernel threads have none.
  Result<KernelMemory*> user_memory() {
    if (user_memory_) return user_memory_.get();
    if (!user_error_.empty()) return Error(user_error_);
    Result<KernelMemory*> opened = open_user_memory();
    if (!opened) user_error_ = opened.error().message();
    return opened;
  }
  Result<KernelMemory*> open_user_memory() {
    const std::optional<X86_64Paging>& kernel_paging = kernel_.memory().paging();
    if (task_ == 0 || !kernel_paging || kernel_.memory().target().reads_virtual()) {
      return Error("no user address space to read from");
    }
    Result<uint64_t> mm = kernel_.read_member(task_, "task_struct", "mm");
    if (!mm) return mm.error();
    if (*mm == 0) return Error("a kernel thread has no user memory");
    Result<uint64_t> pgd = kernel_.read_member(*mm, "mm_struct", "pgd");
    if (!pgd) return pgd.error();
    Result<uint64_t> root = kernel_.memory().translate(*pgd);
    if (!root) return root.error().context("the task's page tables");
    user_memory_ = std::make_unique<KernelMemory>(kernel_.memory().target());
    user_memory_->set_paging(X86_64Paging(*root, kernel_paging->levels()));
    return user_memory_.get();
  }

  LinuxKernel& kernel_;
  std::span<const CodeModule> modules_;
  uint64_t task_;
  std::unique_ptr<KernelMemory> user_memory_;
  std::string user_error_;
};

// The bytes of a value up to the first unknown one.
std::span<const std::byte> known_bytes(const LocatedValue& value) {
  size_t known = 0;
  while (known < value.known.size() && value.known[known]) ++known;
  return std::span(value.bytes).first(known);
}

// The one place values become text, and their parts (for views that expand
// a variable) from the same bytes.
void format(const ScopeVariable& variable, const LocatedValue& value, Language language,
            ValueReader& reader, bool parts, Variable& out) {
  std::span<const std::byte> bytes = known_bytes(value);
  if (bytes.empty()) {
    out.value = value.unknown_reason.find("not saved") != std::string::npos ? "<not saved>"
                                                                            : "<optimized out>";
    return;
  }
  out.value = format_value(*variable.type, bytes, language, reader);
  if (parts) out.children = value_children(*variable.type, bytes, variable.name, language, reader);
}

std::string type_text(const ScopeVariable& variable, Language language) {
  return variable.type ? type_name(*variable.type, language) : void_type_name(language);
}

Language language_of(const Frame& frame) {
  if (frame.language == "rust") return Language::Rust;
  if (frame.language == "c++") return Language::Cpp;
  return Language::C;
}

}  // namespace

void fill_frame_variables(Backtrace& bt, LinuxKernel& kernel, std::span<const CodeModule> modules,
                          bool parts) {
  FrameCodeOf code_of = [&](const Frame& f) -> std::optional<FrameCode> {
    if (f.module == "vmlinux") {
      return FrameCode{&kernel.vmlinux(), static_cast<int64_t>(f.pc - kernel.to_link(f.pc))};
    }
    for (const CodeModule& m : modules) {
      if (m.name == f.module && m.binary) return FrameCode{m.binary, 0};
    }
    return std::nullopt;
  };
  MemoryReader read = [&](uint64_t address, std::span<std::byte> out) {
    return kernel.memory().read(address, out);
  };
  KernelValueReader reader(kernel, modules, bt.task.address);
  fill_frame_variables(bt, code_of, read, reader, parts);
}

void fill_frame_variables(Backtrace& bt, const FrameCodeOf& code_of, const MemoryReader& read,
                          ValueReader& reader, bool parts) {
  Frames frames(bt, code_of, read);
  for (size_t g = 0; g < frames.groups().size(); ++g) {
    const Group& group = frames.groups()[g];
    auto fail = [&](const std::string& why) {
      for (size_t i = group.first; i <= group.last; ++i) bt.frames[i].variables_error = why;
    };
    if (!group.binary) {
      fail("no debug info for " + (bt.frames[group.first].module.empty()
                                       ? hex(bt.frames[group.first].pc)
                                       : bt.frames[group.first].module));
      continue;
    }
    std::vector<Dwarf_Die> scopes = group.binary->scopes_at(group.lookup);
    if (scopes.size() != group.last - group.first + 1) {
      fail(scopes.empty() ? "no DWARF function at " + hex(bt.frames[group.first].pc)
                          : "DWARF scopes do not match the frames");
      continue;
    }
    KernelFrameState state(frames, g, 0);
    Dwarf_Die* subprogram = &scopes.back();
    for (size_t i = group.first; i <= group.last; ++i) {
      Frame& frame = bt.frames[i];
      Language language = language_of(frame);
      ScopeVariables vars = variables_in_scope(&scopes[i - group.first], group.lookup);
      auto evaluate = [&](const ScopeVariable& v) {
        Variable out;
        out.name = v.name;
        out.type = type_text(v, language);
        if (!v.type || !v.size) {
          out.value = "<unknown type>";
          return out;
        }
        Result<LocatedValue> value = evaluate_variable_location(
            const_cast<Dwarf_Die*>(&v.die), subprogram, group.lookup, *v.size, state);
        if (value)
          format(v, *value, language, reader, parts, out);
        else
          out.value = "<" + value.error().message() + ">";
        return out;
      };
      for (const ScopeVariable& v : vars.parameters) frame.args.push_back(evaluate(v));
      for (const ScopeVariable& v : vars.locals) frame.locals.push_back(evaluate(v));
    }
  }
}

}  // namespace seam::engine

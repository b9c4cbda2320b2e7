#include "engine/disassembly.h"

#include <algorithm>

#include "engine/session.h"
#include "symbolizer/disassembler.h"
#include "symbolizer/printf_format.h"

namespace seam::engine {
namespace {

constexpr uint64_t kPageSize = 4096;

// "0x1000-0x1fff" ranges of notes, merged as pages are added.
struct ByteRange {
  uint64_t start = 0;
  uint64_t end = 0;
};

void add_range(std::vector<ByteRange>& ranges, uint64_t start, uint64_t end) {
  if (!ranges.empty() && ranges.back().end == start) {
    ranges.back().end = end;
  } else {
    ranges.push_back({start, end});
  }
}

}  // namespace

std::string instruction_text(const DisassembledInstruction& instruction) {
  std::string text = instruction.mnemonic;
  if (!instruction.operands.empty()) text += " " + instruction.operands;
  if (!instruction.target || instruction.target_symbol.empty()) {
    if (instruction.target && !instruction.target_is_branch)
      text += "  # " + hex(*instruction.target);
    return text;
  }
  if (instruction.target_is_branch) return text + " <" + instruction.target_symbol + ">";
  return text + "  # " + hex(*instruction.target) + " <" + instruction.target_symbol + ">";
}

CodeDisassembler::CodeDisassembler(CodeSource source) : source_(std::move(source)) {}
CodeDisassembler::~CodeDisassembler() = default;

Disassembler& CodeDisassembler::disassembler(bool intel) {
  std::unique_ptr<Disassembler>& made = intel ? intel_ : att_;
  if (!made)
    made =
        std::make_unique<Disassembler>(intel ? DisassemblySyntax::kIntel : DisassemblySyntax::kAtt);
  return *made;
}

// gdb's way of naming code: the symbol, and the offset in decimal.
std::string CodeDisassembler::name_of(uint64_t address, std::string* file, int* line) {
  Result<SymbolInfo> symbol = source_.symbol_at(address);
  if (!symbol) return {};
  if (file) *file = symbol->file;
  if (line) *line = symbol->line;
  std::string name = symbol->demangled.empty() ? symbol->name : symbol->demangled;
  if (symbol->offset) name += sformat("+%" PRIu64, symbol->offset);
  return name;
}

Result<std::vector<uint8_t>> CodeDisassembler::read_code(uint64_t address, size_t size,
                                                         std::vector<std::string>& notes) {
  std::vector<uint8_t> code;
  code.reserve(size);
  std::vector<ByteRange> from_file;
  std::string file_path;
  uint64_t at = address;
  uint64_t end = address + size;
  while (at < end) {
    uint64_t chunk_end = std::min(end, (at / kPageSize + 1) * kPageSize);
    size_t length = chunk_end - at;
    std::vector<std::byte> page(length);
    Result<void> read = source_.read_memory(at, page);
    if (read) {
      for (std::byte b : page) code.push_back(static_cast<uint8_t>(b));
      at = chunk_end;
      continue;
    }
    // A dump may leave out the kernel's code pages: the binary has the same
    // bytes, but for what the kernel patched at boot (alternatives, static
    // calls), which the note says.
    std::optional<Result<FileCode>> file =
        source_.read_file ? source_.read_file(at, length) : std::nullopt;
    if (file && *file && (*file)->bytes.size() == length) {
      code.insert(code.end(), (*file)->bytes.begin(), (*file)->bytes.end());
      file_path = (*file)->path;
      add_range(from_file, at, chunk_end);
      at = chunk_end;
      continue;
    }
    std::string why = read.error().message();
    if (file && !*file) why += "; " + file->error().message();
    if (code.empty())
      return Error(sformat("cannot read code at 0x%" PRIx64 ": %s", at, why.c_str()));
    notes.push_back(sformat("the code stops at 0x%" PRIx64 ": %s", at, why.c_str()));
    break;
  }
  for (const ByteRange& range : from_file) {
    notes.push_back(sformat("code bytes 0x%" PRIx64 "-0x%" PRIx64
                            " read from %s: the target does not have them (code the kernel "
                            "patched at boot may differ)",
                            range.start, range.end - 1, file_path.c_str()));
  }
  return code;
}

Result<Disassembly> CodeDisassembler::disassemble(const DisassemblyRequest& request) {
  if (request.count_before < 0 || request.count_after < 0 || request.count_before > kMaxCount ||
      request.count_after > kMaxCount) {
    return Error(sformat("an instruction count is from 0 to %d", kMaxCount));
  }
  const uint64_t asked = request.address;
  Disassembly out;
  Result<SymbolInfo> symbol = source_.symbol_at(asked);
  bool in_function = symbol && (symbol->size == 0 || symbol->offset < symbol->size);
  if (in_function) {
    out.function = symbol->demangled.empty() ? symbol->name : symbol->demangled;
    out.function_address = symbol->address;
    out.function_size = symbol->size;
    out.module = symbol->module;
  }

  uint64_t start = asked;
  uint64_t end = 0;
  bool code_continues = true;
  if (request.whole_function) {
    if (!in_function)
      return Error(sformat("no function holds 0x%" PRIx64 ": give a count of instructions", asked));
    if (out.function_size == 0 || out.function_size > kMaxFunctionBytes) {
      return Error(sformat("%s has %s size (%" PRIu64 " bytes): give a count of instructions",
                           out.function.c_str(), out.function_size ? "an implausible" : "no",
                           out.function_size));
    }
    start = out.function_address;
    end = start + out.function_size;
    code_continues = false;
  } else {
    if (request.count_before > 0) {
      if (in_function && asked - out.function_address <= kMaxFunctionBytes) {
        start = out.function_address;
      } else {
        out.notes.push_back(sformat("no function start to decode from before 0x%" PRIx64
                                    ": the listing starts there",
                                    asked));
      }
    }
    end = asked + static_cast<uint64_t>(std::max(request.count_after, 1)) *
                      Disassembler::kMaxInstructionSize;
  }

  Result<std::vector<uint8_t>> code = read_code(start, end - start, out.notes);
  if (!code) return code.error();
  if (code->size() < end - start) code_continues = true;  // stopped at unreadable bytes
  Result<std::vector<Instruction>> decoded =
      disassembler(request.intel).decode(*code, start, code->size(), code_continues);
  if (!decoded) return decoded.error();

  // The instruction at (or holding) the asked address, and the window around it.
  size_t at = decoded->size();
  for (size_t i = 0; i < decoded->size(); ++i) {
    const Instruction& instruction = (*decoded)[i];
    if (asked >= instruction.address && asked < instruction.address + instruction.size()) {
      at = i;
      break;
    }
  }
  if (at == decoded->size()) {
    return Error(sformat("cannot decode the instruction at 0x%" PRIx64
                         " (the code there could not be read whole)",
                         asked));
  }
  if ((*decoded)[at].address != asked) {
    out.notes.push_back(sformat("0x%" PRIx64 " is inside the instruction at 0x%" PRIx64
                                " (decoded from the start of %s)",
                                asked, (*decoded)[at].address, out.function.c_str()));
  }
  size_t first = 0;
  size_t last = decoded->size();
  if (!request.whole_function) {
    first = at - std::min(at, static_cast<size_t>(request.count_before));
    last = std::min(decoded->size(), at + static_cast<size_t>(request.count_after));
  }
  out.asked_index = at - first;

  for (size_t i = first; i < last; ++i) {
    Instruction& instruction = (*decoded)[i];
    DisassembledInstruction shown;
    shown.address = instruction.address;
    shown.bytes = std::move(instruction.bytes);
    shown.mnemonic = std::move(instruction.mnemonic);
    shown.operands = std::move(instruction.operands);
    shown.valid = instruction.valid;
    shown.symbol = name_of(instruction.address, &shown.file, &shown.line);
    if (instruction.branch_target) {
      shown.target = instruction.branch_target;
      shown.target_is_branch = true;
    } else if (instruction.rip_relative_address) {
      shown.target = instruction.rip_relative_address;
    }
    if (shown.target) shown.target_symbol = name_of(*shown.target);
    out.instructions.push_back(std::move(shown));
  }
  return out;
}

}  // namespace seam::engine

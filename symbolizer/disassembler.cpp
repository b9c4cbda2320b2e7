#include "symbolizer/disassembler.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "symbolizer/llvm_decoder.h"
#include "symbolizer/printf_format.h"

namespace seam {
namespace {

// The directory of the running executable ("" if unknown).
std::string executable_directory() {
  std::string path(4096, '\0');
  ssize_t length = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
  if (length <= 0) return {};
  path.resize(static_cast<size_t>(length));
  return path.substr(0, path.rfind('/'));
}

// The LLVM plugin (symbolizer/llvm_decoder.h), loaded once per process, the
// first time a Disassembler decodes: $SEAM_LLVM_DECODER, else beside the
// executable, in ../lib/seam from it (an installed tree), or where the build
// put it. Never unloaded: LLVM's static destructors are not worth running.
Result<CreateRawDecoder> load_llvm_decoder() {
  static std::once_flag loaded;
  static CreateRawDecoder create = nullptr;
  static std::string failure;
  std::call_once(loaded, [] {
    std::vector<std::string> candidates;
    if (const char* path = std::getenv("SEAM_LLVM_DECODER"); path && *path)
      candidates.emplace_back(path);
    std::string directory = executable_directory();
    if (!directory.empty()) {
      candidates.push_back(directory + "/" + kLlvmDecoderLibrary);
      candidates.push_back(directory + "/../lib/seam/" + kLlvmDecoderLibrary);
    }
#ifdef SEAM_LLVM_DECODER_PATH
    candidates.emplace_back(SEAM_LLVM_DECODER_PATH);
#endif
    std::string tried;
    for (const std::string& candidate : candidates) {
      if (::access(candidate.c_str(), R_OK) != 0) {
        tried += (tried.empty() ? "" : ", ") + candidate;
        continue;
      }
      void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (!handle) {
        failure = sformat("cannot load the disassembler %s: %s", candidate.c_str(), ::dlerror());
        return;
      }
      create = reinterpret_cast<CreateRawDecoder>(::dlsym(handle, kCreateRawDecoderSymbol));
      if (!create) failure = candidate + " is not Seam's disassembler plugin (no entry point)";
      return;
    }
    failure = sformat(
        "the disassembler plugin %s is not installed (looked at %s): build the "
        "target seam_llvm_decoder, or name the file in SEAM_LLVM_DECODER",
        kLlvmDecoderLibrary, tried.c_str());
  });
  if (!create) return Error(failure);
  return create;
}

// Prefixes LLVM prints as words of their own before the mnemonic.
bool is_prefix(std::string_view word) {
  for (std::string_view prefix :
       {"lock", "rep", "repe", "repne", "repz", "repnz", "data16", "data32", "addr32", "notrack",
        "xacquire", "xrelease", "bnd", "rex64", "{vex}", "{vex2}", "{vex3}", "{evex}"}) {
    if (word == prefix) return true;
  }
  return false;
}

// LLVM prints a negative immediate as "$-0x78a96847"; gdb, crash and objdump
// as the operand-size bits, "$0xffffffff875697b9" — the kernel address it
// usually is. The size is the AT&T suffix of the mnemonic ("movq").
std::string unsigned_immediates(std::string_view mnemonic, const std::string& operands) {
  size_t sign = operands.find("$-0x");
  if (sign == std::string::npos || mnemonic.empty()) return operands;
  int bits = 0;
  switch (mnemonic.back()) {
    case 'b': bits = 8; break;
    case 'w': bits = 16; break;
    case 'l': bits = 32; break;
    case 'q': bits = 64; break;
    default: return operands;
  }
  size_t digits = sign + 4;
  size_t end = operands.find_first_not_of("0123456789abcdef", digits);
  if (end == std::string::npos) end = operands.size();
  if (end == digits || end - digits > 16) return operands;
  uint64_t magnitude = std::stoull(operands.substr(digits, end - digits), nullptr, 16);
  uint64_t value = 0 - magnitude;
  if (bits < 64) value &= (uint64_t{1} << bits) - 1;
  return operands.substr(0, sign) + sformat("$0x%" PRIx64, value) + operands.substr(end);
}

// LLVM prints "\tmovb\t$0, (%rax)", prefixes in front: "\trep\t\tstosq\t%rax, ...".
// The words before the operands are the mnemonic (prefixes joined by a space).
void split_printed(std::string_view printed, Instruction& out, DisassemblySyntax syntax) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i < printed.size()) {
    while (i < printed.size() && (printed[i] == '\t' || printed[i] == '\n')) ++i;
    size_t end = i;
    while (end < printed.size() && printed[end] != '\t' && printed[end] != '\n') ++end;
    if (end > i) parts.push_back(printed.substr(i, end - i));
    i = end;
  }
  std::string mnemonic;
  size_t p = 0;
  while (p < parts.size()) {
    bool prefix = is_prefix(parts[p]);
    if (!mnemonic.empty()) mnemonic += ' ';
    mnemonic += parts[p++];
    if (!prefix) break;
  }
  std::string operands;
  for (; p < parts.size(); ++p) operands += (operands.empty() ? "" : " ") + std::string(parts[p]);
  // gdb, crash and objdump write AT&T operands without a space after a comma;
  // no AT&T operand holds ", " otherwise.
  if (syntax == DisassemblySyntax::kAtt) {
    std::string compact;
    for (size_t c = 0; c < operands.size(); ++c) {
      if (operands[c] == ' ' && c > 0 && operands[c - 1] == ',') continue;
      compact += operands[c];
    }
    operands = std::move(compact);
  }
  if (syntax == DisassemblySyntax::kAtt) operands = unsigned_immediates(mnemonic, operands);
  out.mnemonic = std::move(mnemonic);
  out.operands = std::move(operands);
}

}  // namespace

std::string Instruction::text() const {
  return operands.empty() ? mnemonic : mnemonic + " " + operands;
}

Disassembler::Disassembler(DisassemblySyntax syntax) : syntax_(syntax) {}
Disassembler::~Disassembler() = default;

Result<RawDecoder*> Disassembler::decoder() {
  if (decoder_) return decoder_.get();
  Result<CreateRawDecoder> create = load_llvm_decoder();
  if (!create) return create.error();
  std::string error;
  decoder_.reset((*create)(syntax_ == DisassemblySyntax::kIntel, &error));
  if (!decoder_) return Error(error);
  return decoder_.get();
}

// One instruction at the start of `code`, at `pc`; nullopt if the bytes are
// none (or are cut off).
std::optional<Instruction> Disassembler::decode_one(RawDecoder& decoder,
                                                    std::span<const uint8_t> code,
                                                    uint64_t pc) const {
  std::optional<RawInstruction> raw = decoder.decode(code, pc);
  if (!raw || raw->size == 0 || raw->size > code.size()) return std::nullopt;
  Instruction decoded;
  decoded.address = pc;
  decoded.bytes.assign(code.begin(), code.begin() + static_cast<ptrdiff_t>(raw->size));
  split_printed(raw->printed, decoded, syntax_);
  decoded.branch_target = raw->branch_target;
  decoded.rip_relative_address = raw->rip_relative_address;
  return decoded;
}

Result<std::vector<Instruction>> Disassembler::decode(std::span<const uint8_t> code,
                                                      uint64_t address, size_t max_instructions,
                                                      bool code_continues) {
  Result<RawDecoder*> made = decoder();
  if (!made) return made.error();
  std::vector<Instruction> out;
  size_t offset = 0;
  while (offset < code.size() && out.size() < max_instructions) {
    std::span<const uint8_t> rest = code.subspan(offset);
    uint64_t pc = address + offset;
    std::optional<Instruction> decoded = decode_one(**made, rest, pc);
    // Maybe an instruction the end of the span cut off: read more first.
    if (!decoded && code_continues && rest.size() < kMaxInstructionSize) break;
    if (decoded && decoded->mnemonic == "lock" && decoded->operands.empty()) {
      // LLVM decodes a LOCK prefix as an instruction of its own; gdb, crash
      // and objdump show it on the instruction it locks.
      std::optional<Instruction> locked = decode_one(**made, rest.subspan(1), pc + 1);
      if (!locked && code_continues && rest.size() < kMaxInstructionSize) break;
      if (locked) {
        locked->address = pc;
        locked->bytes.insert(locked->bytes.begin(), rest.front());
        locked->mnemonic = "lock " + locked->mnemonic;
        decoded = std::move(locked);
      }
    }
    if (!decoded) {
      decoded = Instruction{};
      decoded->address = pc;
      decoded->valid = false;
      decoded->mnemonic = "(bad)";
      decoded->bytes.assign(rest.begin(), rest.begin() + 1);
    }
    offset += decoded->size();
    out.push_back(std::move(*decoded));
  }
  return out;
}

}  // namespace seam

// The boundary between symbolizer/disassembler.cpp and LLVM's x86 MC
// disassembler, which lives in a plugin (libseam_llvm_decoder.so, built from
// llvm_decoder.cpp) loaded the first time something disassembles: linked
// into seam, LLVM's static tables would cost every process, a backtrace too,
// some milliseconds and megabytes before main.
//
//   CreateRawDecoder create = ...;   // dlsym(plugin, kCreateRawDecoderSymbol)
//   std::string error;
//   std::unique_ptr<RawDecoder> decoder(create(/*intel=*/false, &error));
//   std::optional<RawInstruction> i = decoder->decode(bytes, 0xffffffff81000000);
//   // i->size, i->printed ("\tmovb\t$0x0, (%rax)"), i->branch_target...
//
// Internal to symbolizer/: Disassembler is the API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace seam {

// One instruction as LLVM decodes and prints it.
struct RawInstruction {
  size_t size = 0;
  std::string printed;                    // MCInstPrinter's text: tabs, prefixes on their own
  std::optional<uint64_t> branch_target;  // direct call/jmp/jcc
  std::optional<uint64_t> rip_relative_address;  // next pc + displacement
};

class RawDecoder {
 public:
  virtual ~RawDecoder() = default;
  // The instruction at the start of `code` (at `pc`); nullopt when the
  // bytes are none, or are cut off by the end of `code`.
  virtual std::optional<RawInstruction> decode(std::span<const uint8_t> code, uint64_t pc) = 0;
};

// The plugin's one export: a decoder for AT&T (intel false) or Intel syntax,
// or null with `error` set.
using CreateRawDecoder = RawDecoder* (*)(bool intel, std::string* error);
inline constexpr const char* kCreateRawDecoderSymbol = "seam_create_llvm_decoder";
inline constexpr const char* kLlvmDecoderLibrary = "libseam_llvm_decoder.so";

}  // namespace seam

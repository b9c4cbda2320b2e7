#include "cli/symbolize_printer.h"

#include <cstdio>

#include "cli/json_writer.h"
#include "symbolizer/printf_format.h"

namespace seam::cli {
namespace {

// A compiler suffix as each language's tools show it: c++filt's
// "f(int) [clone .cold]" for C++, and "f.cold", as the kernel prints it, for
// C and Rust.
std::string display_name(const SourceFrame& frame) {
  if (frame.suffix.empty()) return frame.function;
  if (frame.language == Language::Cpp) return frame.function + " [clone " + frame.suffix + "]";
  return frame.function + frame.suffix;
}

}  // namespace

std::vector<SourceFrame> frames_to_print(const Symbolized& symbolized, bool inlines) {
  if (inlines || symbolized.frames.size() <= 1) return symbolized.frames;
  SourceFrame frame = symbolized.frames.back();
  const SourceFrame& innermost = symbolized.frames.front();
  frame.file = innermost.file;
  frame.line = innermost.line;
  frame.column = innermost.column;
  return {frame};
}

void SymbolizePrinter::print(const Symbolized& symbolized) {
  if (options_.json) {
    print_json(symbolized);
  } else {
    print_text(symbolized);
  }
}

void SymbolizePrinter::print_text(const Symbolized& symbolized) {
  if (options_.print_address) out_ << hex(symbolized.address) << '\n';
  std::vector<SourceFrame> frames = frames_to_print(symbolized, options_.inlines);
  if (frames.empty()) out_ << "??\n??:0:0\n";
  for (const SourceFrame& frame : frames) {
    out_ << display_name(frame);
    if (frame.source == SymbolSource::SymbolTable) out_ << '+' << hex(frame.function_offset);
    out_ << " [" << language_name(frame.language);
    if (frame.inlined) out_ << ", inlined";
    if (frame.source == SymbolSource::SymbolTable) out_ << ", symtab";
    out_ << "]\n";
    out_ << (frame.file.empty() ? "??" : frame.file) << ':' << frame.line << ':' << frame.column
         << '\n';
  }
  out_ << '\n';
}

void SymbolizePrinter::print_json(const Symbolized& symbolized) {
  JsonWriter json(out_);
  json.begin_object();
  json.key("address").value(hex(symbolized.address));
  json.key("frames").begin_array();
  for (const SourceFrame& frame : frames_to_print(symbolized, options_.inlines)) {
    json.begin_object();
    json.key("function").value(frame.function);
    json.key("linkage_name").value(frame.linkage_name);
    json.key("suffix").value(frame.suffix);
    json.key("language").value(language_name(frame.language));
    json.key("file").value(frame.file);
    json.key("line").value(frame.line);
    json.key("column").value(frame.column);
    json.key("inlined").value(frame.inlined);
    json.key("source").value(symbol_source_name(frame.source));
    if (!frame.inlined) json.key("function_offset").value(frame.function_offset);
    json.end_object();
  }
  json.end_array();
  json.end_object();
  out_ << '\n';
}

}  // namespace seam::cli

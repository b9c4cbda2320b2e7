#include "symbolizer/binary.h"

#include "symbolizer/debug_file_finder.h"
#include "symbolizer/demangle.h"

namespace seam {

Binary::~Binary() {
  dwarf_index_.reset();
  if (dwarf_) dwarf_end(dwarf_);
}

Result<std::unique_ptr<Binary>> Binary::open(const std::string& path, const LoadOptions& options) {
  Result<ElfFile> elf = ElfFile::open(path);
  if (!elf) return elf.error();
  // A .ko's symbol table needs its sections placed too: a bad placement is fatal.
  if (Result<void> ok = elf->place_sections(options.section_addresses); !ok) return ok.error();
  std::unique_ptr<Binary> binary(new Binary(std::move(*elf)));
  if (binary->elf_.has_dwarf()) {
    binary->load_dwarf(binary->elf_);
    return binary;
  }

  std::optional<std::string> debug_path = DebugFileFinder(options.debug_dirs).find(binary->elf_);
  if (!debug_path) return binary;  // Symbol table only; debug_info_source() says so.
  Result<ElfFile> debug_file = ElfFile::open(*debug_path);
  if (debug_file) {
    if (Result<void> ok = debug_file->place_sections(options.section_addresses); !ok) {
      debug_file = ok.error();
    }
  }
  if (!debug_file) {
    binary->warnings_.push_back(debug_file.error().message() + " (using the symbol table)");
    return binary;
  }
  binary->separate_debug_file_ = std::move(*debug_file);
  binary->load_dwarf(*binary->separate_debug_file_);
  return binary;
}

void Binary::load_dwarf(ElfFile& file) {
  // Corrupt DWARF is not fatal: the symbol table still names functions.
  if (Result<void> ok = file.prepare_debug_sections(); !ok) {
    warnings_.push_back(ok.error().message() + " (using the symbol table)");
    return;
  }
  dwarf_ = dwarf_begin_elf(file.elf(), DWARF_C_READ, nullptr);
  if (!dwarf_) {
    warnings_.push_back(file.path() + ": cannot read DWARF: " + dwarf_errmsg(-1) +
                        " (using the symbol table)");
    return;
  }
  dwarf_index_ = std::make_unique<DwarfIndex>(dwarf_);
  debug_path_ = file.path();
}

Symbolized Binary::symbolize(uint64_t address) {
  Symbolized result{address, {}};
  if (dwarf_index_) result.frames = dwarf_index_->lookup(address);
  if (!result.frames.empty() && !result.frames.front().function.empty()) {
    if (result.frames.back().split_part) name_split_part(result.frames.back());
    return result;
  }

  std::optional<SourceFrame> frame = symbol_table_frame(address);
  if (!frame) return result;
  if (!result.frames.empty()) {
    // DWARF knows the line but has no function (assembly): name it from the
    // symbol table, keep the line and the unit's language.
    const SourceFrame& line_only = result.frames.front();
    frame->file = line_only.file;
    frame->line = line_only.line;
    frame->column = line_only.column;
    if (line_only.language != Language::Unknown) frame->language = line_only.language;
  }
  result.frames = {std::move(*frame)};
  return result;
}

void Binary::name_split_part(SourceFrame& frame) {
  // DWARF names the function a split-off part belongs to; the symbol table
  // names the part itself ("func.cold"), which is what an offset counts from.
  std::optional<SourceFrame> symbol = symbol_table_frame(frame.function_start);
  if (!symbol || symbol->function_start != frame.function_start) return;
  if (!symbol->suffix.empty()) {
    frame.suffix = symbol->suffix;  // A mangled name: the demangler split it off.
    return;
  }
  // A plain (C) name: the suffix is what follows the function's own name.
  const std::string& name = symbol->linkage_name;
  if (name.size() > frame.function.size() &&
      name.compare(0, frame.function.size(), frame.function) == 0 &&
      name[frame.function.size()] == '.') {
    frame.suffix = name.substr(frame.function.size());
  }
}

std::optional<SourceFrame> Binary::symbol_table_frame(uint64_t address) {
  if (!symbols_) symbols_ = SymbolTable::build(elf_);
  std::optional<SymbolMatch> match = symbols_->lookup(address);
  // A stripped binary may keep only .dynsym; its debug file has the full .symtab.
  if (!match && separate_debug_file_) {
    if (!debug_file_symbols_) debug_file_symbols_ = SymbolTable::build(*separate_debug_file_);
    match = debug_file_symbols_->lookup(address);
  }
  if (!match) return std::nullopt;
  DemangledName name = demangle(match->name);
  SourceFrame frame;
  frame.function = name.name;
  frame.linkage_name = std::string(match->name);
  frame.suffix = name.suffix;
  frame.language = name.language;
  frame.function_start = match->address;
  frame.function_offset = match->offset;
  frame.source = SymbolSource::SymbolTable;
  return frame;
}

std::string Binary::debug_info_source() const {
  if (dwarf_index_) return "DWARF (" + debug_path_ + ")";
  return "symbol table only: no DWARF in " + elf_.path() + " or a separate debug file";
}

}  // namespace seam

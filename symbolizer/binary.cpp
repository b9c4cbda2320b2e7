#include "symbolizer/binary.h"

#include <dwarf.h>

#include <gelf.h>

#include <algorithm>
#include <cstdio>

#include "symbolizer/debug_file_finder.h"
#include "symbolizer/demangle.h"
#include "symbolizer/printf_format.h"

namespace seam {
namespace {

std::string hex_string(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (uint8_t byte : bytes) {
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xf];
  }
  return hex;
}

std::string hex_address(uint64_t address) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(address));
  return text;
}

// The bytes of `file` at a file address, at most `size` and not past the end
// of the section holding it. nullopt when no allocated section holds it;
// an error for a section without bytes in this file (.bss, or every section
// of a separate debug file).
std::optional<Result<std::string_view>> bytes_at(const ElfFile& file, uint64_t address,
                                                 size_t size) {
  Elf* elf = file.elf();
  for (Elf_Scn* scn = elf_nextscn(elf, nullptr); scn; scn = elf_nextscn(elf, scn)) {
    GElf_Shdr shdr;
    if (!gelf_getshdr(scn, &shdr) || !(shdr.sh_flags & SHF_ALLOC) || shdr.sh_size == 0) continue;
    std::optional<uint64_t> start = file.section_address(elf_ndxscn(scn));
    if (!start || address < *start || address - *start >= shdr.sh_size) continue;
    const char* section_name = "";
    size_t strtab = 0;
    if (elf_getshdrstrndx(elf, &strtab) == 0) {
      if (const char* n = elf_strptr(elf, strtab, shdr.sh_name)) section_name = n;
    }
    if (shdr.sh_type == SHT_NOBITS) {
      return Result<std::string_view>(Error(hex_address(address) + " is in " + section_name +
                                            ", which has no bytes in " + file.path()));
    }
    uint64_t delta = address - *start;
    size_t length = std::min<uint64_t>(size, shdr.sh_size - delta);
    // The whole file is mapped (ELF_C_READ_MMAP_PRIVATE): point into it.
    size_t file_size = 0;
    const char* image = elf_rawfile(elf, &file_size);
    if (!image || shdr.sh_offset + delta + length > file_size) {
      return Result<std::string_view>(
          Error(std::string(section_name) + " lies outside " + file.path()));
    }
    return Result<std::string_view>(std::string_view(image + shdr.sh_offset + delta, length));
  }
  return std::nullopt;
}

}  // namespace

Binary::~Binary() {
  source_locations_.reset();
  types_.reset();
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
  dwarf_units_ = std::make_unique<DwarfUnits>(dwarf_);
  dwarf_index_ = std::make_unique<DwarfIndex>(dwarf_, *dwarf_units_);
  debug_path_ = file.path();
}

std::vector<Dwarf_Die> Binary::scopes_at(uint64_t address) {
  if (!dwarf_index_) return {};
  return dwarf_index_->scopes(address);
}

std::optional<std::vector<InlinedCall>> Binary::inlined_calls(uint64_t address) {
  if (!dwarf_index_) return std::nullopt;
  return dwarf_index_->inlined_calls(address);
}

Result<ScopeVariables> Binary::variables_at(uint64_t address, size_t frame) {
  if (!dwarf_index_) return Error("no DWARF in " + path());
  std::vector<Dwarf_Die> scopes = dwarf_index_->scopes(address);
  if (frame >= scopes.size()) return Error("no DWARF function at " + hex(address));
  return variables_in_scope(&scopes[frame], address);
}

namespace {

// The linkage name of a function DIE, else its name, following
// DW_AT_abstract_origin and DW_AT_specification.
std::string function_identity(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  for (int name : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name, DW_AT_name}) {
    if (dwarf_attr_integrate(die, name, &attr)) {
      if (const char* text = dwarf_formstring(&attr)) return text;
    }
  }
  return {};
}

// Whether the call site `site` called `callee` (by name: the call's origin is
// often a declaration DIE in the caller's unit, not the callee's own DIE).
bool call_site_calls(Dwarf_Die* site, Dwarf_Die* callee) {
  Dwarf_Attribute attr;
  Dwarf_Die origin;
  if (!dwarf_attr(site, DW_AT_call_origin, &attr) &&
      !dwarf_attr(site, DW_AT_abstract_origin, &attr)) {
    return false;  // an indirect call: its target is not known statically
  }
  if (!dwarf_formref_die(&attr, &origin)) return false;
  std::string called = function_identity(&origin);
  return !called.empty() && called == function_identity(callee);
}

}  // namespace

std::optional<uint64_t> Binary::call_site_value(uint64_t caller_return_address, int dwarf_reg,
                                                const FrameState& caller, Dwarf_Die* callee) {
  if (!dwarf_index_ || caller_return_address == 0 || !callee) return std::nullopt;
  // The call is the instruction before the return address.
  std::vector<Dwarf_Die> scopes = dwarf_index_->scopes(caller_return_address - 1);
  if (scopes.empty()) return std::nullopt;
  Dwarf_Die function = scopes.back();
  std::optional<Dwarf_Die> site = find_call_site(&function, caller_return_address);
  if (!site || !call_site_calls(&*site, callee)) return std::nullopt;
  return call_site_parameter_value(&*site, dwarf_reg, &function, caller_return_address - 1, caller);
}

SourceLocations& Binary::source_locations() {
  if (!source_locations_) {
    source_locations_ = std::make_unique<SourceLocations>(
        dwarf_, dwarf_units_.get(), &symbols(),
        [this](uint64_t address) { return scopes_at(address); },
        [this](uint64_t address, size_t size) { return read_at(address, size); });
  }
  return *source_locations_;
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

const SymbolTable& Binary::symbols() {
  if (!symbols_) symbols_ = SymbolTable::build(elf_);
  if (symbols_->size() == 0 && separate_debug_file_) {
    if (!debug_file_symbols_) debug_file_symbols_ = SymbolTable::build(*separate_debug_file_);
    return *debug_file_symbols_;
  }
  return *symbols_;
}

Result<uint64_t> Binary::symbol_address(std::string_view name) {
  std::vector<SymbolMatch> matches = symbols().find(name);
  // find() puts global (upper-case type) symbols first.
  if (matches.empty()) return Error("no symbol " + std::string(name) + " in " + path());
  return matches.front().address;
}

DwarfTypes* Binary::types() {
  if (!dwarf_) return nullptr;
  if (!types_) types_ = std::make_unique<DwarfTypes>(dwarf_, *dwarf_units_, &symbols());
  return types_.get();
}

std::optional<std::string> Binary::build_id() const {
  std::vector<uint8_t> id = elf_.build_id();
  if (id.empty() && separate_debug_file_) id = separate_debug_file_->build_id();
  if (id.empty()) return std::nullopt;
  return hex_string(id);
}

Result<std::vector<uint8_t>> Binary::read_at(uint64_t file_address, size_t size) {
  std::optional<Result<std::string_view>> bytes = bytes_at(elf_, file_address, size);
  // A stripped file may lack a section that its debug file still has bytes for.
  if ((!bytes || !*bytes) && separate_debug_file_) {
    std::optional<Result<std::string_view>> debug =
        bytes_at(*separate_debug_file_, file_address, size);
    if (debug && *debug) bytes = debug;
  }
  if (!bytes) return Error("no section of " + path() + " holds " + hex_address(file_address));
  if (!*bytes) return bytes->error();
  if ((*bytes)->size() < size) {
    return Error("reading " + std::to_string(size) + " bytes at " + hex_address(file_address) +
                 ": past the end of its section in " + path());
  }
  return std::vector<uint8_t>((*bytes)->begin(), (*bytes)->end());
}

Result<std::string> Binary::read_string_at(uint64_t file_address, size_t max) {
  std::optional<Result<std::string_view>> bytes = bytes_at(elf_, file_address, max);
  if ((!bytes || !*bytes) && separate_debug_file_) {
    std::optional<Result<std::string_view>> debug =
        bytes_at(*separate_debug_file_, file_address, max);
    if (debug && *debug) bytes = debug;
  }
  if (!bytes) return Error("no section of " + path() + " holds " + hex_address(file_address));
  if (!*bytes) return bytes->error();
  std::string_view text = **bytes;
  return std::string(text.substr(0, text.find('\0')));
}

std::string Binary::debug_info_source() const {
  if (dwarf_index_) return "DWARF (" + debug_path_ + ")";
  return "symbol table only: no DWARF in " + elf_.path() + " or a separate debug file";
}

}  // namespace seam

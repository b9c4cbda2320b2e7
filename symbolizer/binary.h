// Binary: one ELF file (executable, shared object, vmlinux or .ko) with its
// debug info, ready to turn addresses into frames.
//
//   Result<std::unique_ptr<Binary>> binary = Binary::open("vmlinux", {});
//   if (!binary) die(binary.error().message());
//   Symbolized s = (*binary)->symbolize(0xffffffff81000000);
//   for (const SourceFrame& f : s.frames) print(f);   // innermost first
//
// By name, and types for reading a program's data out of memory:
//
//   Result<uint64_t> banner = binary->symbol_address("linux_banner");
//   Result<std::string> text = binary->read_string_at(*banner, 512);
//   if (DwarfTypes* types = binary->types())      // null without DWARF
//     types->find_struct("task_struct", {"copy_process"});
//
// Where the names come from: DWARF when there is some (in the file itself or
// a separate debug file found by build-id, .gnu_debuglink or debuginfod),
// otherwise the ELF symbol table. `debug_info_source()` says which, and every
// frame carries its SymbolSource.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbolizer/dwarf_index.h"
#include "symbolizer/dwarf_location.h"
#include "symbolizer/dwarf_types.h"
#include "symbolizer/dwarf_variables.h"
#include "symbolizer/elf_file.h"
#include "symbolizer/result.h"
#include "symbolizer/source_frame.h"
#include "symbolizer/source_locations.h"
#include "symbolizer/symbol_table.h"

namespace seam {

struct LoadOptions {
  // Section load addresses for a relocatable file (kernel module).
  SectionPlacement section_addresses;
  // Roots searched for separate debug files (build-id and debuglink).
  std::vector<std::string> debug_dirs = {"/usr/lib/debug"};
};

struct Symbolized {
  uint64_t address = 0;
  std::vector<SourceFrame> frames;  // innermost first; empty if nothing is known
};

class Binary {
 public:
  static Result<std::unique_ptr<Binary>> open(const std::string& path, const LoadOptions& options);
  ~Binary();

  // `address` is a file address: as linked, or as placed for a .ko.
  Symbolized symbolize(uint64_t address);

  // The DWARF scopes of `address`, in the order of symbolize(address).frames:
  // inlined calls innermost first, the concrete subprogram last; empty when
  // no function DIE covers it.
  std::vector<Dwarf_Die> scopes_at(uint64_t address);
  // The calls inlined into the concrete function holding `address` (see
  // DwarfIndex::inlined_calls); nullopt without DWARF or a function there.
  std::optional<std::vector<InlinedCall>> inlined_calls(uint64_t address);
  // The parameters and locals of frame `frame` (an index in that order) at `address`.
  Result<ScopeVariables> variables_at(uint64_t address, size_t frame);
  // What the caller passed in register `dwarf_reg` (its DW_TAG_call_site
  // parameter) at the call that returns to `caller_return_address` (a file
  // address), evaluated in the caller's frame; nullopt when DWARF does not say.
  // `callee` names the function the call must have entered: a call site that
  // called something else (an indirect call, or a function that then
  // tail-called the callee) says nothing about the callee's registers.
  std::optional<uint64_t> call_site_value(uint64_t caller_return_address, int dwarf_reg,
                                          const FrameState& caller, Dwarf_Die* callee);

  const std::string& path() const { return elf_.path(); }
  // The libdw handle of the DWARF (null without DWARF) and the ELF of the file
  // itself, for readers like CfiTable; owned by the Binary.
  Dwarf* dwarf() const { return dwarf_; }
  Elf* elf() const { return elf_.elf(); }
  // The file the DWARF was read from ("" when there is none).
  const std::string& debug_path() const { return debug_path_; }
  // "DWARF (path)" or "symbol table only: no DWARF in path or a debug file".
  std::string debug_info_source() const;
  const std::vector<std::string>& warnings() const { return warnings_; }

  // The ELF symbols, built on first use: the file's own, or the debug file's
  // when the file has none (stripped).
  const SymbolTable& symbols();
  // The address of symbol `name`: the global one, else the first of that name.
  Result<uint64_t> symbol_address(std::string_view name);
  // Struct layouts and enumerators from the DWARF, created on first use;
  // nullptr when there is no DWARF. Owned by the Binary.
  DwarfTypes* types();
  // Source locations -> breakpoint addresses, and the line and inline ranges
  // of an address for stepping; created on first use, owned by the Binary.
  SourceLocations& source_locations();
  // NT_GNU_BUILD_ID in hex, of the file or else of its debug file.
  std::optional<std::string> build_id() const;
  // Bytes at a file (link-time or placed) address, from the section holding
  // them in the file or its debug file; an error for .bss or unmapped addresses.
  Result<std::vector<uint8_t>> read_at(uint64_t file_address, size_t size);
  // The NUL-terminated string at a file address, at most `max` bytes (no NUL
  // needed when it is that long) — e.g. linux_banner in a vmlinux's .rodata.
  Result<std::string> read_string_at(uint64_t file_address, size_t max);

 private:
  explicit Binary(ElfFile elf) : elf_(std::move(elf)) {}
  void load_dwarf(ElfFile& file);
  std::optional<SourceFrame> symbol_table_frame(uint64_t address);
  void name_split_part(SourceFrame& frame);

  ElfFile elf_;
  std::optional<ElfFile> separate_debug_file_;
  std::string debug_path_;
  Dwarf* dwarf_ = nullptr;
  std::unique_ptr<DwarfUnits> dwarf_units_;  // shared by the index and the types
  std::unique_ptr<DwarfIndex> dwarf_index_;
  std::optional<SymbolTable> symbols_;  // built on first use
  std::optional<SymbolTable> debug_file_symbols_;
  std::unique_ptr<DwarfTypes> types_;
  std::unique_ptr<SourceLocations> source_locations_;
  std::vector<std::string> warnings_;
};

}  // namespace seam

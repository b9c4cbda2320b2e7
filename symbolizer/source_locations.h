// SourceLocations: source locations -> breakpoint addresses, and the address
// ranges source-level stepping needs (the current line, the inlined calls).
//
//   SourceLocations locations(dwarf, units, scopes_at);   // Binary::source_locations()
//   Result<std::vector<BreakpointLocation>> at = locations.resolve("drivers/tty/sysrq.c:155");
//   for (const BreakpointLocation& b : *at) insert_breakpoint(b.address);
//   std::optional<LineRange> line = locations.line_range_at(pc);      // `next`: run to its end
//   std::optional<LineRange> sal = locations.gdb_line_at(pc);  // sal->low == pc: a line starts
//   std::vector<InlineRange> calls = locations.inline_ranges_at(pc);  // innermost first
//
// Breakpoint addresses are gdb's, so that both debuggers stop at the same
// instruction (tests/integration/test_source_locations.py holds them equal):
//
//   - a function: its entry past the prologue, the way gdb 13 finds it: the
//     line-table row marked prologue_end; else its entry itself in a GCC unit
//     that has location lists (gdb trusts such units' locations from the first
//     instruction on); else, for LLVM (clang, rustc), the second line-table
//     row; else past `push %rbp; mov %rsp,%rbp`. Every inlined instance is a
//     location too, at the start of its first range (never before the
//     prologue end of the function it was inlined into, for LLVM units).
//     Names match the qualified name (`ns::Class::method`, `krate::module::f`,
//     generic arguments optional), the demangled linkage name (`<T as
//     Trait>::f`), the linkage name itself, or — C and C++ — the name's last
//     components (`on_total`, `CReporter::on_total`), as gdb's wild matching.
//   - FILE:LINE: the is_stmt rows of that line in every file whose path ends
//     with FILE at a '/' boundary, the first of each block (function, inlined
//     call or lexical block with variables); the next line with code when the
//     line has none. gdb's view of the line table is reproduced: a row is
//     dropped where the next row at the same address switches file.
//
// Without DWARF a function name resolves to its ELF symbols.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "symbolizer/dwarf_units.h"
#include "symbolizer/result.h"
#include "symbolizer/symbol_table.h"

namespace seam {

struct BreakpointLocation {
  uint64_t address = 0;  // a file address
  std::string function;  // qualified name, e.g. "seam::geometry::CReporter::on_total"
  std::string file;      // the line-table file and line of `address` ("" / 0 when unknown)
  uint32_t line = 0;
  bool inlined = false;  // an inlined instance of the function
};

// The addresses of one source line around an address: the contiguous
// line-table rows of that line, within the function holding the address.
struct LineRange {
  uint64_t low = 0;
  uint64_t high = 0;  // exclusive
  std::string file;
  uint32_t line = 0;
  bool is_stmt = true;  // gdb_line_at: the row starts a statement
};

// One frame of the inline chain at an address: an inlined call, or the
// concrete function last.
struct InlineRange {
  std::string function;
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [low, high): all of its code
  uint64_t entry = 0;                                 // start of the first range
  // Where it was called from (an inlined call only): `finish` stops there.
  std::string call_file;
  uint32_t call_line = 0;
  uint32_t call_column = 0;
  bool inlined = false;
};

class SourceLocations {
 public:
  // The DWARF scopes of an address, innermost first (Binary::scopes_at).
  using ScopesAt = std::function<std::vector<Dwarf_Die>(uint64_t)>;
  // Code bytes at a file address (Binary::read_at), for the prologue.
  using ReadCode = std::function<Result<std::vector<uint8_t>>(uint64_t, size_t)>;
  // All borrowed; `dwarf` may be null (then only `symbols` answer).
  SourceLocations(Dwarf* dwarf, DwarfUnits* units, const SymbolTable* symbols, ScopesAt scopes_at,
                  ReadCode read_code);
  ~SourceLocations();

  // FUNCTION or FILE:LINE -> breakpoint addresses, sorted, each once; an
  // error when nothing matches.
  Result<std::vector<BreakpointLocation>> resolve(std::string_view location);
  std::optional<LineRange> line_range_at(uint64_t address);
  // gdb's find_pc_line over its own line tables (see resolve): the row
  // holding `address` — at an address with several rows, the statement one —
  // from its start to the next row of any file. Stepping decides with it
  // whether a pc starts a new line (low == pc) or is in the middle of one.
  std::optional<LineRange> gdb_line_at(uint64_t address);
  std::vector<InlineRange> inline_ranges_at(uint64_t address);

 private:
  struct UnitInfo;
  UnitInfo& unit_info(Dwarf_Die* cu);
  std::vector<BreakpointLocation> resolve_function(std::string_view query);
  std::vector<BreakpointLocation> resolve_line(std::string_view file, uint32_t line);
  uint64_t function_breakpoint(Dwarf_Die* function, UnitInfo& unit);
  void describe(BreakpointLocation& location);

  Dwarf* dwarf_;
  DwarfUnits* units_;
  const SymbolTable* symbols_;
  ScopesAt scopes_at_;
  ReadCode read_code_;
  std::unordered_map<Dwarf_Off, std::unique_ptr<UnitInfo>> unit_infos_;
};

}  // namespace seam

#include "symbolizer/source_locations.h"

#include <dwarf.h>

#include <algorithm>
#include <cstring>
#include <map>

#include "symbolizer/demangle.h"
#include "symbolizer/dwarf_type_walk.h"

namespace seam {
namespace {

constexpr int kMaxDepth = 64;

// One line-table row as libdw gives it (sorted by address).
struct Row {
  uint64_t address;
  const char* file;
  uint32_t line;
  bool is_stmt, end_sequence, prologue_end;
  unsigned discriminator;
};

// A row of gdb's per-file line table (line 0: the end of a range).
struct GdbRow {
  uint64_t address;
  uint32_t line;
  bool is_stmt;
};

std::vector<Row> read_rows(Dwarf_Die* cu) {
  std::vector<Row> rows;
  Dwarf_Lines* lines = nullptr;
  size_t count = 0;
  if (dwarf_getsrclines(cu, &lines, &count) != 0) return rows;
  rows.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Dwarf_Line* line = dwarf_onesrcline(lines, i);
    Row row{};
    Dwarf_Addr address = 0;
    int number = 0;
    if (!line || dwarf_lineaddr(line, &address) != 0) continue;
    dwarf_lineno(line, &number);
    row.address = address;
    row.line = static_cast<uint32_t>(number);
    row.file = dwarf_linesrc(line, nullptr, nullptr);
    if (!row.file) row.file = "";
    dwarf_linebeginstatement(line, &row.is_stmt);
    dwarf_lineendsequence(line, &row.end_sequence);
    dwarf_lineprologueend(line, &row.prologue_end);
    dwarf_linediscriminator(line, &row.discriminator);
    rows.push_back(row);
  }
  return rows;
}

// The row holding `address`: the last one at or before it, unless that ends
// a sequence.
const Row* row_at(const std::vector<Row>& rows, uint64_t address, size_t* index = nullptr) {
  auto above = std::upper_bound(rows.begin(), rows.end(), address,
                                [](uint64_t a, const Row& r) { return a < r.address; });
  if (above == rows.begin()) return nullptr;
  const Row* row = &*(above - 1);
  if (row->end_sequence) return nullptr;
  if (index) *index = row - rows.data();
  return row;
}

// The address of the first row after `row` at a higher address.
std::optional<uint64_t> row_end(const std::vector<Row>& rows, size_t index) {
  for (size_t i = index + 1; i < rows.size(); ++i) {
    if (rows[i].address > rows[index].address) return rows[i].address;
  }
  return std::nullopt;
}

bool ends_with_path(std::string_view path, std::string_view suffix) {
  if (suffix.size() > path.size() || path.substr(path.size() - suffix.size()) != suffix) {
    return false;
  }
  return path.size() == suffix.size() || suffix.front() == '/' ||
         path[path.size() - suffix.size() - 1] == '/';
}

// "f<T>" -> "f": Rust and C++ put generic arguments in DW_AT_name.
std::string strip_generics(std::string_view name) {
  if (name.empty() || name.back() != '>' || name.rfind("operator", 0) == 0) {
    return std::string(name);
  }
  size_t open = name.find('<');
  return std::string(open == std::string_view::npos || open == 0 ? name : name.substr(0, open));
}

// "ns::f(int) const" -> "ns::f"; leaves names without a parameter list.
std::string strip_parameters(std::string_view name) {
  if (name.empty() || (name.back() != ')' && name.find(") ") == std::string_view::npos)) {
    return std::string(name);
  }
  int depth = 0;
  for (size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) return std::string(name.substr(0, i));
  }
  return std::string(name);
}

// The last "::" component of a query, generic arguments dropped:
// "<a::B as c::D>::init" -> "init", "ns::f<T>" -> "f".
std::string last_component(std::string_view query) {
  std::string name = strip_parameters(query);
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i + 1 < name.size(); ++i) {
    if (name[i] == '<') ++depth;
    if (name[i] == '>') --depth;
    if (depth == 0 && name[i] == ':' && name[i + 1] == ':') start = i + 2;
  }
  return strip_generics(std::string_view(name).substr(start));
}

const char* string_attribute(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(die, name, &attr) ? dwarf_formstring(&attr) : nullptr;
}

// The DIE a function's name is on, through abstract origins and specifications.
Dwarf_Off named_die(Dwarf_Die* die) {
  Dwarf_Die named = die_holding_name(*die);
  return dwarf_dieoffset(&named);
}

std::vector<std::pair<uint64_t, uint64_t>> ranges_of(Dwarf_Die* die) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for_each_range(die, [&](uint64_t low, uint64_t high) { ranges.emplace_back(low, high); });
  return ranges;
}

bool has_location_list(Dwarf_Die* die) {
  Dwarf_Attribute attr;
  if (!dwarf_attr(die, DW_AT_location, &attr)) return false;
  unsigned form = dwarf_whatform(&attr);
  return form == DW_FORM_sec_offset || form == DW_FORM_loclistx || form == DW_FORM_data4 ||
         form == DW_FORM_data8;
}

bool any_location_list(Dwarf_Die* parent, int depth) {
  Dwarf_Die child;
  if (depth > kMaxDepth || dwarf_child(parent, &child) != 0) return false;
  do {
    int tag = dwarf_tag(&child);
    if ((tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) && has_location_list(&child)) {
      return true;
    }
    if (dwarf_haschildren(&child) == 1 && any_location_list(&child, depth + 1)) return true;
  } while (dwarf_siblingof(&child, &child) == 0);
  return false;
}

}  // namespace

struct SourceLocations::UnitInfo {
  Dwarf_Die die;
  std::string comp_dir;
  bool gcc = false, llvm = false;
  std::optional<bool> has_location_lists;  // computed on first need
  std::optional<std::vector<Row>> rows;
  // gdb's line tables, by file name as the line table spells it.
  std::optional<std::map<std::string, std::vector<GdbRow>>> gdb_tables;

  const std::vector<Row>& line_rows() {
    if (!rows) rows = read_rows(&die);
    return *rows;
  }
  std::string absolute(const char* path) const {
    if (!path || !*path) return "";
    std::string joined = path[0] == '/' || comp_dir.empty() ? path : comp_dir + "/" + path;
    for (size_t slash = joined.find("//"); slash != std::string::npos;
         slash = joined.find("//", slash)) {
      joined.erase(slash, 1);
    }
    return joined;
  }
  const std::map<std::string, std::vector<GdbRow>>& gdb_line_tables();
};

// gdb's DWARF reader (dwarf2/read.c, lnp_state_machine::record_line) builds
// one table per file. Switching file ends the previous file's range at the
// new row's address, deleting that file's rows at the very same address; a
// non-stmt row that switches file without advancing is ignored; a row
// repeating the line of the previous row is dropped when the line has had a
// non-zero discriminator. Then each table is sorted by address.
const std::map<std::string, std::vector<GdbRow>>& SourceLocations::UnitInfo::gdb_line_tables() {
  if (gdb_tables) return *gdb_tables;
  gdb_tables.emplace();
  auto& tables = *gdb_tables;
  std::vector<GdbRow>* last_file = nullptr;
  uint32_t last_line = 0;
  uint64_t last_address = 0;
  bool discriminated = false;
  auto finish = [&](std::vector<GdbRow>* table, uint64_t address) {
    if (!table) return;
    std::optional<uint32_t> previous;
    while (!table->empty()) {
      previous = table->back().line;
      if (table->back().address != address) break;
      table->pop_back();
    }
    if (!previous || *previous == 0) return;
    table->push_back({address, 0, true});
  };
  for (const Row& row : line_rows()) {
    std::vector<GdbRow>* file = &tables[row.file];
    if (row.line != last_line) {
      discriminated = row.discriminator != 0;
    } else {
      discriminated = discriminated || row.discriminator != 0;
    }
    bool changed = file != last_file;
    bool ignore = (changed && !row.end_sequence && last_address == row.address && !row.is_stmt) ||
                  (!row.end_sequence && row.line == 0);
    if ((changed && !ignore) || row.end_sequence) finish(last_file, row.address);
    if (!row.end_sequence && !ignore) {
      if (changed || row.line != last_line || !discriminated) {
        file->push_back({row.address, row.line, row.is_stmt});
      }
      last_file = file;
      last_line = row.line;
    }
    last_address = row.address;
    if (row.end_sequence) {
      last_file = nullptr;
      last_line = 0;
    }
  }
  for (auto& [name, table] : tables) {
    std::stable_sort(table.begin(), table.end(), [](const GdbRow& a, const GdbRow& b) {
      if (a.address == b.address && (a.line == 0) != (b.line == 0)) return a.line == 0;
      return a.address < b.address;
    });
  }
  return tables;
}

SourceLocations::SourceLocations(Dwarf* dwarf, DwarfUnits* units, const SymbolTable* symbols,
                                 ScopesAt scopes_at, ReadCode read_code)
    : dwarf_(dwarf),
      units_(units),
      symbols_(symbols),
      scopes_at_(std::move(scopes_at)),
      read_code_(std::move(read_code)) {}

SourceLocations::~SourceLocations() = default;

SourceLocations::UnitInfo& SourceLocations::unit_info(Dwarf_Die* cu) {
  auto& info = unit_infos_[dwarf_dieoffset(cu)];
  if (info) return *info;
  info = std::make_unique<UnitInfo>();
  info->die = *cu;
  if (const char* dir = string_attribute(cu, DW_AT_comp_dir)) info->comp_dir = dir;
  // As gdb's producer_is_gcc / producer_is_llvm (rustc says "clang LLVM (rustc ...)").
  if (const char* producer = string_attribute(cu, DW_AT_producer)) {
    std::string_view p(producer);
    info->gcc =
        p.rfind("GNU ", 0) == 0 && p.rfind("GNU Fortran", 0) != 0 && p.rfind("GNU AS", 0) != 0;
    info->llvm = p.rfind("clang ", 0) == 0 || p.rfind(" F90 Flang ", 0) == 0;
  }
  return *info;
}

Result<std::vector<BreakpointLocation>> SourceLocations::resolve(std::string_view location) {
  while (!location.empty() && location.front() == ' ') location.remove_prefix(1);
  while (!location.empty() && location.back() == ' ') location.remove_suffix(1);
  if (location.empty()) return Error("no location given");
  std::vector<BreakpointLocation> found;
  size_t colon = location.rfind(':');
  bool file_line = colon != std::string_view::npos && colon > 0 && colon + 1 < location.size() &&
                   location[colon - 1] != ':' &&
                   location.find_first_not_of("0123456789", colon + 1) == std::string_view::npos;
  if (file_line) {
    std::string digits(location.substr(colon + 1));
    if (digits.size() > 9)
      return Error("line number out of range in '" + std::string(location) + "'");
    uint32_t line = static_cast<uint32_t>(std::stoul(digits));
    found = resolve_line(location.substr(0, colon), line);
    if (found.empty()) return Error("no code at " + std::string(location));
  } else {
    found = resolve_function(location);
    if (found.empty()) return Error("no function " + std::string(location));
  }
  std::sort(found.begin(), found.end(),
            [](const BreakpointLocation& a, const BreakpointLocation& b) {
              return a.address < b.address;
            });
  found.erase(std::unique(found.begin(), found.end(),
                          [](const BreakpointLocation& a, const BreakpointLocation& b) {
                            return a.address == b.address;
                          }),
              found.end());
  return found;
}

std::vector<BreakpointLocation> SourceLocations::resolve_function(std::string_view query) {
  std::vector<BreakpointLocation> found;
  const bool mangled = query.rfind("_Z", 0) == 0 || query.rfind("_R", 0) == 0;
  const std::string wanted = last_component(query);
  auto from_symbols = [&]() {
    if (!symbols_) return;
    for (const SymbolMatch& symbol : symbols_->find(query)) {
      if (symbol.type != 'T' && symbol.type != 't' && symbol.type != 'W' && symbol.type != 'i') {
        continue;
      }
      BreakpointLocation location;
      location.address = symbol.address;
      location.function = demangle(symbol.name).name;
      // A function DWARF knows by another name (Rust's #[no_mangle]): past
      // its prologue, as gdb does for a symbol with a function behind it.
      std::vector<Dwarf_Die> scopes =
          scopes_at_ ? scopes_at_(symbol.address) : std::vector<Dwarf_Die>{};
      Dwarf_Die cu;
      if (!scopes.empty() && dwarf_diecu(&scopes.back(), &cu, nullptr, nullptr)) {
        auto ranges = ranges_of(&scopes.back());
        if (!ranges.empty() && ranges.front().first == symbol.address) {
          location.address = function_breakpoint(&scopes.back(), unit_info(&cu));
        }
      }
      describe(location);
      found.push_back(std::move(location));
    }
  };
  if (!dwarf_ || !units_) {
    from_symbols();
    return found;
  }

  units_->for_each_unit([&](Dwarf_Die& cu, uint8_t unit_type) {
    if (unit_type != DW_UT_compile && unit_type != DW_UT_partial) return;
    int lang = dwarf_srclang(&cu);
    const bool cpp = lang == DW_LANG_C_plus_plus || lang == DW_LANG_C_plus_plus_03 ||
                     lang == DW_LANG_C_plus_plus_11 || lang == DW_LANG_C_plus_plus_14;
    const bool scoped = cpp || lang == DW_LANG_Rust;
    const bool rust = lang == DW_LANG_Rust;
    // Pass 1: the named function DIEs that match, with their qualified names;
    // and the DIEs with code, whose names may live on another DIE.
    std::unordered_map<Dwarf_Off, std::string> matched;
    std::vector<Dwarf_Die> concrete;
    auto matches = [&](Dwarf_Die* die, const std::string& qualified) {
      const char* linkage = string_attribute(die, DW_AT_linkage_name);
      if (!linkage) linkage = string_attribute(die, DW_AT_MIPS_linkage_name);
      if (mangled) return linkage && query == linkage;
      std::vector<std::string> names = {qualified, strip_generics(qualified)};
      if (linkage) {
        names.emplace_back(linkage);  // Rust's #[no_mangle], C's asm labels
        DemangledName demangled = demangle(linkage);
        if (demangled.demangled) {
          // gdb takes "Q(" as Q with parameters, even when more follows:
          // a lambda in Q, "Q() const::$_1::operator()(...)", is Q too.
          if (cpp && demangled.name.rfind(std::string(query) + "(", 0) == 0) return true;
          names.push_back(demangled.name);
          names.push_back(strip_parameters(demangled.name));
        }
      }
      for (const std::string& name : names) {
        if (name == query) return true;
        // gdb matches C and C++ names by their last components, not the
        // DWARF names of Rust functions.
        const bool wild = !rust;
        if (wild && name.size() > query.size() + 2 &&
            name.compare(name.size() - query.size(), query.size(), query) == 0 &&
            name.compare(name.size() - query.size() - 2, 2, "::") == 0) {
          return true;
        }
      }
      return false;
    };
    std::function<void(Dwarf_Die*, const std::string&, int)> walk =
        [&](Dwarf_Die* parent, const std::string& scope, int depth) {
          Dwarf_Die child;
          if (depth > kMaxDepth || dwarf_child(parent, &child) != 0) return;
          do {
            int tag = dwarf_tag(&child);
            if (tag == DW_TAG_subprogram) {
              // Definitions of declared functions (C++ members, lambdas) keep
              // their name on the declaration: found through the specification.
              if (const char* name = string_attribute(&child, DW_AT_name)) {
                // Cheap first: the last component, or (C++ lambdas named
                // after their enclosing function) the linkage name holding it.
                bool candidate = mangled || strip_generics(name) == wanted;
                if (!candidate && cpp) {
                  const char* linkage = string_attribute(&child, DW_AT_linkage_name);
                  candidate = linkage && std::strstr(linkage, wanted.c_str());
                }
                if (candidate && matches(&child, scope + name)) {
                  matched.emplace(named_die(&child), scope + name);
                }
              }
              if (dwarf_hasattr(&child, DW_AT_low_pc) || dwarf_hasattr(&child, DW_AT_ranges)) {
                concrete.push_back(child);
              }
            } else if (tag == DW_TAG_namespace || tag == DW_TAG_module ||
                       (scoped && (tag == DW_TAG_structure_type || tag == DW_TAG_class_type ||
                                   tag == DW_TAG_union_type))) {
              walk(&child, inner_scope(&child, scope), depth + 1);
            }
          } while (dwarf_siblingof(&child, &child) == 0);
        };
    walk(&cu, "", 0);
    if (matched.empty()) return;

    // Pass 2: the code of the matched functions, out of line and inlined.
    UnitInfo& unit = unit_info(&cu);
    std::function<void(Dwarf_Die*, Dwarf_Die*, int)> inlined = [&](Dwarf_Die* parent,
                                                                   Dwarf_Die* function, int depth) {
      Dwarf_Die child;
      if (depth > kMaxDepth || dwarf_child(parent, &child) != 0) return;
      do {
        int tag = dwarf_tag(&child);
        if (tag == DW_TAG_inlined_subroutine) {
          auto match = matched.find(named_die(&child));
          auto ranges = ranges_of(&child);
          if (match != matched.end() && !ranges.empty()) {
            BreakpointLocation location;
            location.address = ranges.front().first;
            // LLVM units: gdb never stops before the prologue end of the
            // function the call was inlined into.
            if (unit.llvm)
              location.address = std::max(location.address, function_breakpoint(function, unit));
            location.function = match->second;
            location.inlined = true;
            describe(location);
            found.push_back(std::move(location));
          }
        }
        if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_lexical_block ||
            tag == DW_TAG_try_block || tag == DW_TAG_catch_block) {
          inlined(&child, function, depth + 1);
        }
      } while (dwarf_siblingof(&child, &child) == 0);
    };
    for (Dwarf_Die& function : concrete) {
      auto match = matched.find(named_die(&function));
      if (match != matched.end()) {
        BreakpointLocation location;
        location.address = function_breakpoint(&function, unit);
        location.function = match->second;
        describe(location);
        found.push_back(std::move(location));
      }
      inlined(&function, &function, 0);
    }
  });
  if (found.empty()) from_symbols();
  return found;
}

// gdb 13's find_function_start_sal and skip_prologue_sal, on x86-64.
uint64_t SourceLocations::function_breakpoint(Dwarf_Die* function, UnitInfo& unit) {
  auto ranges = ranges_of(function);
  if (ranges.empty()) return 0;
  const uint64_t entry = ranges.front().first, end = ranges.front().second;
  if (unit.gcc) {
    if (!unit.has_location_lists) unit.has_location_lists = any_location_list(&unit.die, 0);
    // gdb trusts the locations of such units from the first instruction on.
    if (*unit.has_location_lists) return entry;
  }
  const std::vector<Row>& rows = unit.line_rows();
  size_t index = 0;
  const Row* first = row_at(rows, entry, &index);
  if (!first) return entry;
  // The row the compiler marked as the end of the prologue, in the entry's file.
  for (size_t i = index; i < rows.size() && rows[i].address < end; ++i) {
    if (rows[i].prologue_end && !rows[i].end_sequence &&
        std::strcmp(rows[i].file, first->file) == 0 && rows[i].address >= entry) {
      return rows[i].address;
    }
  }
  uint64_t pc = entry;
  if (unit.llvm) {
    // skip_prologue_using_sal: the end of the entry's line-table row, unless
    // a second row starts at the entry too.
    std::optional<uint64_t> next = row_end(rows, index);
    bool second_at_entry = index + 1 < rows.size() && rows[index + 1].address == entry &&
                           rows[index + 1].line != 0 && !rows[index + 1].end_sequence;
    if (!second_at_entry && next && *next < end) pc = std::max(entry, *next);
  } else if (read_code_) {
    // amd64_analyze_prologue: `[endbr64] push %rbp; mov %rsp,%rbp`.
    Result<std::vector<uint8_t>> code = read_code_(entry, 8);
    if (code && code->size() >= 8) {
      const std::vector<uint8_t>& c = *code;
      size_t at = 0;
      if (c[0] == 0xf3 && c[1] == 0x0f && c[2] == 0x1e && c[3] == 0xfa) at = 4;
      if (at + 4 <= c.size() && c[at] == 0x55 && c[at + 1] == 0x48 &&
          ((c[at + 2] == 0x89 && c[at + 3] == 0xe5) || (c[at + 2] == 0x8b && c[at + 3] == 0xec))) {
        pc = entry + at + 4;
      }
    }
  }
  // Mid-row: on to the next row, if still in the function.
  if (const Row* row = row_at(rows, pc, &index); row && row->address != pc) {
    std::optional<uint64_t> next = row_end(rows, index);
    if (next && entry <= *next && *next < end) pc = *next;
  }
  return pc;
}

std::vector<BreakpointLocation> SourceLocations::resolve_line(std::string_view file,
                                                              uint32_t line) {
  std::vector<BreakpointLocation> found;
  if (!dwarf_ || !units_) return found;
  // The matching tables of every unit, in unit order.
  struct Table {
    UnitInfo* unit;
    const std::vector<GdbRow>* rows;
    std::string path;
  };
  std::vector<Table> tables;
  units_->for_each_unit([&](Dwarf_Die& cu, uint8_t unit_type) {
    if (unit_type != DW_UT_compile && unit_type != DW_UT_partial) return;
    Dwarf_Files* files = nullptr;
    size_t count = 0;
    if (dwarf_getsrcfiles(&cu, &files, &count) != 0) return;
    bool any = false;
    for (size_t i = 0; i < count && !any; ++i) {
      const char* name = dwarf_filesrc(files, i, nullptr, nullptr);
      // FILE as the table names it or a tail of it ("read_write.c"), or
      // longer: the path frames print, joined to the unit's directory.
      any = name && (ends_with_path(name, file) || ends_with_path(file, name));
    }
    if (!any) return;
    UnitInfo& unit = unit_info(&cu);
    for (const auto& [name, rows] : unit.gdb_line_tables()) {
      std::string path = unit.absolute(name.c_str());
      if (ends_with_path(name, file) || ends_with_path(path, file)) {
        tables.push_back({&unit, &rows, std::move(path)});
      }
    }
  });

  // gdb's find_pcs_for_symtab_line: every is_stmt row of the line; when no
  // table has one, the least later line that has code.
  struct Candidate {
    uint64_t address;
    UnitInfo* unit;
  };
  auto collect = [&](uint32_t wanted, uint32_t* best) {
    std::vector<Candidate> candidates;
    for (const Table& table : tables) {
      for (const GdbRow& row : *table.rows) {
        if (!row.is_stmt || row.line == 0) continue;
        if (row.line == wanted) candidates.push_back({row.address, table.unit});
        if (row.line > wanted && (*best == 0 || row.line < *best)) *best = row.line;
      }
    }
    return candidates;
  };
  uint32_t best = 0;
  std::vector<Candidate> candidates = collect(line, &best);
  if (candidates.empty() && best != 0) candidates = collect(best, &best);

  // One per block, the first (gdb: several rows of a line in one block are
  // one statement split by the optimizer).
  std::vector<std::optional<Dwarf_Off>> blocks;
  std::vector<std::optional<Dwarf_Die>> functions;
  for (const Candidate& candidate : candidates) {
    std::vector<Dwarf_Die> scopes =
        scopes_at_ ? scopes_at_(candidate.address) : std::vector<Dwarf_Die>{};
    if (scopes.empty()) {
      blocks.emplace_back();
      functions.emplace_back();
      continue;
    }
    functions.emplace_back(scopes.back());
    // Into the lexical blocks holding the address that declare something
    // (gdb makes no block of the others).
    Dwarf_Die cursor = scopes.front();
    Dwarf_Off block = dwarf_dieoffset(&cursor);
    for (int depth = 0; depth < kMaxDepth; ++depth) {
      Dwarf_Die child;
      bool descended = false;
      if (dwarf_child(&cursor, &child) == 0) {
        do {
          if (dwarf_tag(&child) != DW_TAG_lexical_block) continue;
          bool holds = false;
          for (auto [low, high] : ranges_of(&child)) {
            holds |= low <= candidate.address && candidate.address < high;
          }
          if (!holds) continue;
          Dwarf_Die inner;
          bool declares = false;
          if (dwarf_child(&child, &inner) == 0) {
            do {
              int tag = dwarf_tag(&inner);
              declares |= tag == DW_TAG_variable || tag == DW_TAG_typedef ||
                          tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
                          tag == DW_TAG_enumeration_type || tag == DW_TAG_class_type;
            } while (!declares && dwarf_siblingof(&inner, &inner) == 0);
          }
          // A block that declares nothing is its parent's; look inside it anyway.
          if (declares) block = dwarf_dieoffset(&child);
          cursor = child;
          descended = true;
          break;
        } while (dwarf_siblingof(&child, &child) == 0);
      }
      if (!descended) break;
    }
    blocks.emplace_back(block);
  }
  std::vector<bool> keep(candidates.size(), true);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!blocks[i]) continue;
    for (size_t j = i + 1; j < candidates.size(); ++j) {
      if (blocks[j] == blocks[i]) {
        keep[j] = false;
        break;
      }
    }
  }
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (!keep[i]) continue;
    BreakpointLocation location;
    location.address = candidates[i].address;
    // A line in the prologue stops after it, as a breakpoint on the function.
    if (functions[i]) {
      location.address =
          std::max(location.address, function_breakpoint(&*functions[i], *candidates[i].unit));
      location.function = string_attribute(&*functions[i], DW_AT_name)
                              ? string_attribute(&*functions[i], DW_AT_name)
                              : "";
    }
    describe(location);
    found.push_back(std::move(location));
  }
  return found;
}

void SourceLocations::describe(BreakpointLocation& location) {
  if (!units_) return;
  std::optional<Dwarf_Die> cu = units_->unit_of(location.address);
  if (!cu) return;
  UnitInfo& unit = unit_info(&*cu);
  if (const Row* row = row_at(unit.line_rows(), location.address)) {
    location.file = unit.absolute(row->file);
    location.line = row->line;
  }
}

std::optional<LineRange> SourceLocations::line_range_at(uint64_t address) {
  if (!units_) return std::nullopt;
  std::optional<Dwarf_Die> cu = units_->unit_of(address);
  if (!cu) return std::nullopt;
  UnitInfo& unit = unit_info(&*cu);
  const std::vector<Row>& rows = unit.line_rows();
  size_t index = 0;
  const Row* row = row_at(rows, address, &index);
  if (!row) return std::nullopt;
  auto same = [&](const Row& r) {
    return !r.end_sequence && r.line == row->line && std::strcmp(r.file, row->file) == 0;
  };
  size_t first = index;
  while (first > 0 && same(rows[first - 1])) --first;
  size_t last = index + 1;
  while (last < rows.size() && (same(rows[last]) || rows[last].address == rows[index].address)) {
    ++last;
  }
  LineRange range;
  range.low = rows[first].address;
  range.high = last < rows.size() ? rows[last].address : row->address + 1;
  range.file = unit.absolute(row->file);
  range.line = row->line;
  // Within the part of the function holding the address.
  std::vector<Dwarf_Die> scopes = scopes_at_ ? scopes_at_(address) : std::vector<Dwarf_Die>{};
  if (!scopes.empty()) {
    for (auto [low, high] : ranges_of(&scopes.back())) {
      if (low <= address && address < high) {
        range.low = std::max(range.low, low);
        range.high = std::min(range.high, high);
      }
    }
  }
  return range;
}

std::optional<LineRange> SourceLocations::gdb_line_at(uint64_t address) {
  if (!units_) return std::nullopt;
  std::optional<Dwarf_Die> cu = units_->unit_of(address);
  if (!cu) return std::nullopt;
  UnitInfo& unit = unit_info(&*cu);
  // symtab.c find_pc_sect_line: the latest row at or before `address` of
  // any file's table, ended by the next row of any table.
  const GdbRow* best = nullptr;
  const std::string* best_file = nullptr;
  uint64_t best_end = 0;
  for (const auto& [name, rows] : unit.gdb_line_tables()) {
    auto item = std::upper_bound(rows.begin(), rows.end(), address,
                                 [](uint64_t a, const GdbRow& r) { return a < r.address; });
    // A file's end marker (line 0) where another file's row starts is no
    // candidate: that file has no code here.
    if (item != rows.begin() && (item - 1)->line != 0 &&
        (!best || (item - 1)->address > best->address)) {
      auto prev = item - 1;
      // Several rows at one address: gdb takes the statement one.
      if (!prev->is_stmt) {
        auto tmp = prev;
        while (tmp > rows.begin() && (tmp - 1)->address == tmp->address && (tmp - 1)->line != 0 &&
               !tmp->is_stmt) {
          --tmp;
        }
        if (tmp->is_stmt) prev = tmp;
      }
      best = &*prev;
      best_file = &name;
      if (best_end <= best->address) best_end = 0;
    }
    if (best && item != rows.end() && item->address > best->address &&
        (best_end == 0 || best_end > item->address)) {
      best_end = item->address;
    }
  }
  if (!best || best->line == 0) return std::nullopt;
  LineRange range;
  range.low = best->address;
  range.high = best_end ? best_end : address + 1;
  range.file = unit.absolute(best_file->c_str());
  range.line = best->line;
  range.is_stmt = best->is_stmt;
  return range;
}

std::vector<InlineRange> SourceLocations::inline_ranges_at(uint64_t address) {
  std::vector<InlineRange> result;
  std::vector<Dwarf_Die> scopes = scopes_at_ ? scopes_at_(address) : std::vector<Dwarf_Die>{};
  for (Dwarf_Die& scope : scopes) {
    Dwarf_Die* die = &scope;
    InlineRange range;
    const char* linkage = string_attribute(die, DW_AT_linkage_name);
    DemangledName demangled = linkage ? demangle(linkage) : DemangledName{};
    if (demangled.demangled) {
      range.function = demangled.name;
    } else if (const char* name = string_attribute(die, DW_AT_name)) {
      range.function = name;
    }
    range.ranges = ranges_of(die);
    if (!range.ranges.empty()) range.entry = range.ranges.front().first;
    range.inlined = dwarf_tag(die) == DW_TAG_inlined_subroutine;
    if (range.inlined) {
      Dwarf_Attribute attr;
      Dwarf_Word value = 0;
      if (dwarf_attr(die, DW_AT_call_line, &attr) && dwarf_formudata(&attr, &value) == 0) {
        range.call_line = static_cast<uint32_t>(value);
      }
      if (dwarf_attr(die, DW_AT_call_column, &attr) && dwarf_formudata(&attr, &value) == 0) {
        range.call_column = static_cast<uint32_t>(value);
      }
      Dwarf_Die cu;
      Dwarf_Files* files = nullptr;
      size_t count = 0;
      if (dwarf_attr(die, DW_AT_call_file, &attr) && dwarf_formudata(&attr, &value) == 0 &&
          dwarf_diecu(die, &cu, nullptr, nullptr) && dwarf_getsrcfiles(&cu, &files, &count) == 0 &&
          value < count) {
        range.call_file = unit_info(&cu).absolute(dwarf_filesrc(files, value, nullptr, nullptr));
      }
    }
    result.push_back(std::move(range));
  }
  return result;
}

}  // namespace seam

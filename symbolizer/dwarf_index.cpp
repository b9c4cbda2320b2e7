#include "symbolizer/dwarf_index.h"

#include <dwarf.h>

#include <algorithm>
#include <string_view>

#include "symbolizer/demangle.h"
#include "symbolizer/dwarf_type_walk.h"

namespace seam {
namespace {

// Nesting deeper than this is corrupt DWARF, not real code.
constexpr int kMaxScopeDepth = 64;

uint32_t udata_attribute(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  Dwarf_Word value = 0;
  if (!dwarf_attr(die, name, &attr) || dwarf_formudata(&attr, &value) != 0) return 0;
  return static_cast<uint32_t>(value);
}

const char* string_attribute_integrated(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  return dwarf_attr_integrate(die, name, &attr) ? dwarf_formstring(&attr) : nullptr;
}

// GCC's closure types are anonymous classes that declare an operator().
bool is_closure_type(Dwarf_Die* type) {
  Dwarf_Die member;
  if (dwarf_child(type, &member) != 0) return false;
  do {
    const char* name = dwarf_diename(&member);
    if (dwarf_tag(&member) == DW_TAG_subprogram && name && std::string_view(name) == "operator()") {
      return true;
    }
  } while (dwarf_siblingof(&member, &member) == 0);
  return false;
}

}  // namespace

DwarfIndex::CompileUnit& DwarfIndex::unit_for(Dwarf_Die* cu_die) {
  auto [it, inserted] = unit_by_offset_.emplace(dwarf_dieoffset(cu_die), compile_units_.size());
  if (!inserted) return *compile_units_[it->second];
  auto unit = std::make_unique<CompileUnit>();
  unit->die = *cu_die;
  int lang = dwarf_srclang(cu_die);
  unit->language = lang < 0 ? Language::Unknown : language_from_dwarf(lang);
  if (const char* comp_dir = string_attribute_integrated(cu_die, DW_AT_comp_dir)) {
    unit->comp_dir = comp_dir;
  }
  compile_units_.push_back(std::move(unit));
  return *compile_units_.back();
}

void DwarfIndex::index_units() {
  units_indexed_ = true;
  units_.for_each_unit([this](Dwarf_Die& cu_die, uint8_t unit_type) {
    // Type units hold no code; split (skeleton) units are not supported yet.
    if (unit_type != DW_UT_compile && unit_type != DW_UT_partial) return;
    CompileUnit& unit = unit_for(&cu_die);
    uint64_t id = unit_by_offset_[dwarf_dieoffset(&cu_die)];
    bool has_ranges = false;
    for_each_range(&cu_die, [&](uint64_t low, uint64_t high) {
      unit_ranges_.intervals.push_back({low, high, id});
      has_ranges = true;
    });
    if (!has_ranges) {
      // No ranges on the unit DIE: learn them from its functions right away.
      if (!unit.functions_indexed) index_functions(unit);
      for (const Interval& f : unit.functions.intervals) {
        unit_ranges_.intervals.push_back({f.low, f.high, id});
      }
    }
  });
  unit_ranges_.finish();
}

void DwarfIndex::index_functions(CompileUnit& unit) {
  unit.functions_indexed = true;
  collect_functions(&unit.die, unit, "", 0);
  unit.functions.finish();
}

void DwarfIndex::collect_functions(Dwarf_Die* parent, CompileUnit& unit, const std::string& scope,
                                   int depth) {
  Dwarf_Die child;
  if (depth > kMaxScopeDepth || dwarf_child(parent, &child) != 0) return;
  // C has no scopes worth naming, and its thousands of struct members are not
  // worth walking; C++ and Rust define functions inside namespaces and types.
  const bool scoped_language = unit.language == Language::Cpp || unit.language == Language::Rust;
  do {
    int tag = dwarf_tag(&child);
    switch (tag) {
      case DW_TAG_subprogram:
        if (!scope.empty()) scope_of_.emplace(dwarf_dieoffset(&child), scope);
        for_each_range(&child, [&](uint64_t low, uint64_t high) {
          unit.functions.intervals.push_back({low, high, dwarf_dieoffset(&child)});
        });
        // GCC declares a lambda's operator() in a closure class local to the
        // function that holds the lambda: give it that function as scope.
        if (unit.language == Language::Cpp && dwarf_haschildren(&child) == 1) {
          std::string function = qualified_name(&child);
          if (!function.empty()) collect_local_classes(&child, unit, function + "::", depth + 1);
        }
        break;
      case DW_TAG_namespace:
      case DW_TAG_module:
      case DW_TAG_structure_type:
      case DW_TAG_class_type:
      case DW_TAG_union_type:
        if (scoped_language || tag == DW_TAG_namespace || tag == DW_TAG_module) {
          collect_functions(&child, unit, inner_scope(&child, scope), depth + 1);
        }
        break;
      default: break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

void DwarfIndex::collect_local_classes(Dwarf_Die* body, CompileUnit& unit, const std::string& scope,
                                       int depth) {
  Dwarf_Die child;
  if (depth > kMaxScopeDepth || dwarf_child(body, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_lexical_block: collect_local_classes(&child, unit, scope, depth + 1); break;
      case DW_TAG_structure_type:
      case DW_TAG_class_type:
      case DW_TAG_union_type: {
        const char* name = dwarf_diename(&child);
        std::string type_name = name                      ? name
                                : is_closure_type(&child) ? "<lambda>"
                                                          : "(anonymous class)";
        collect_functions(&child, unit, scope + type_name + "::", depth + 1);
        break;
      }
      default: break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

std::vector<SourceFrame> DwarfIndex::lookup(uint64_t address) {
  std::vector<SourceFrame> frames;
  // .debug_aranges, where present, names the unit without reading the others.
  if (std::optional<Dwarf_Die> cu_die = units_.arange_unit(address);
      cu_die && lookup_in_unit(unit_for(&*cu_die), address, frames)) {
    return frames;
  }
  if (!units_indexed_) index_units();
  unit_ranges_.for_each_containing(address, [&](const Interval& unit_range) {
    return lookup_in_unit(*compile_units_[unit_range.id], address, frames);
  });
  return frames;
}

bool DwarfIndex::lookup_in_unit(CompileUnit& unit, uint64_t address,
                                std::vector<SourceFrame>& frames) {
  const Interval* best = innermost_function(unit, address);
  Dwarf_Die function;
  if (best && dwarf_offdie(dwarf_, best->id, &function)) {
    frames = frames_in_function(unit, &function, address);
    return true;
  }
  // Code without function DIEs (assembly): the line table still knows it.
  SourceFrame frame;
  frame.language = unit.language;
  set_line(unit, address, frame);
  if (frame.line == 0) return false;
  frames.push_back(std::move(frame));
  return true;
}

const DwarfIndex::Interval* DwarfIndex::innermost_function(CompileUnit& unit, uint64_t address) {
  if (!unit.functions_indexed) index_functions(unit);
  // The innermost (smallest) function interval wins over an enclosing one.
  const Interval* best = nullptr;
  unit.functions.for_each_containing(address, [&](const Interval& f) {
    if (!best || f.high - f.low < best->high - best->low) best = &f;
    return false;
  });
  return best;
}

std::vector<Dwarf_Die> DwarfIndex::scopes(uint64_t address) {
  std::vector<Dwarf_Die> chain;
  auto in_unit = [&](CompileUnit& unit) {
    const Interval* best = innermost_function(unit, address);
    Dwarf_Die function;
    if (!best || !dwarf_offdie(dwarf_, best->id, &function)) return false;
    chain = inline_chain(&function, address);
    std::reverse(chain.begin(), chain.end());  // innermost first, as lookup() gives frames
    return true;
  };
  if (std::optional<Dwarf_Die> cu_die = units_.arange_unit(address);
      cu_die && in_unit(unit_for(&*cu_die))) {
    return chain;
  }
  if (!units_indexed_) index_units();
  unit_ranges_.for_each_containing(
      address, [&](const Interval& unit_range) { return in_unit(*compile_units_[unit_range.id]); });
  return chain;
}

std::optional<std::vector<InlinedCall>> DwarfIndex::inlined_calls(uint64_t address) {
  std::vector<Dwarf_Die> chain = scopes(address);
  Dwarf_Die cu_die;
  if (chain.empty() || !dwarf_diecu(&chain.back(), &cu_die, nullptr, nullptr)) return std::nullopt;
  // The call site's file index is into the line table of the function's unit.
  const CompileUnit& unit = unit_for(&cu_die);
  const InlineTree& tree = inline_tree(&chain.back());
  std::vector<InlinedCall> calls;
  calls.reserve(tree.scopes.size() - 1);
  for (size_t scope = 1; scope < tree.scopes.size(); ++scope) {
    Dwarf_Die die = tree.scopes[scope].die;
    InlinedCall call;
    call.callee = function_name(&die).name;
    call.call_file = file_name(unit, udata_attribute(&die, DW_AT_call_file));
    call.call_line = udata_attribute(&die, DW_AT_call_line);
    call.call_column = udata_attribute(&die, DW_AT_call_column);
    call.depth = tree.scopes[scope].depth;
    for_each_range(&die, [&](uint64_t low, uint64_t) {
      if (call.low_pc == 0 || low < call.low_pc) call.low_pc = low;
    });
    calls.push_back(std::move(call));
  }
  return calls;
}

std::vector<Dwarf_Die> DwarfIndex::inline_chain(Dwarf_Die* function, uint64_t address) {
  // The deepest inlined call holding the address, then its parents: chain[0]
  // is the concrete function, each next one inlined into the previous.
  const InlineTree& tree = inline_tree(function);
  int deepest = 0;
  tree.ranges.for_each_containing(address, [&](const Interval& range) {
    int scope = static_cast<int>(range.id);
    if (tree.scopes[scope].depth > tree.scopes[deepest].depth) deepest = scope;
    return false;
  });
  std::vector<Dwarf_Die> chain(tree.scopes[deepest].depth + 1);
  for (int scope = deepest; scope >= 0; scope = tree.scopes[scope].parent) {
    chain[tree.scopes[scope].depth] = tree.scopes[scope].die;
  }
  return chain;
}

const DwarfIndex::InlineTree& DwarfIndex::inline_tree(Dwarf_Die* function) {
  auto [it, inserted] = inline_trees_.try_emplace(dwarf_dieoffset(function));
  InlineTree& tree = it->second;
  if (inserted) {
    tree.scopes.push_back({*function, -1, 0});
    collect_inlined(function, 0, tree);
    tree.ranges.finish();
  }
  return tree;
}

void DwarfIndex::collect_inlined(Dwarf_Die* parent, int parent_scope, InlineTree& tree) {
  Dwarf_Die child;
  if (tree.scopes[parent_scope].depth >= kMaxScopeDepth || dwarf_child(parent, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_inlined_subroutine: {
        int scope = static_cast<int>(tree.scopes.size());
        tree.scopes.push_back({child, parent_scope, tree.scopes[parent_scope].depth + 1});
        for_each_range(&child, [&](uint64_t low, uint64_t high) {
          tree.ranges.intervals.push_back({low, high, static_cast<uint64_t>(scope)});
        });
        collect_inlined(&child, scope, tree);
        break;
      }
      case DW_TAG_lexical_block:
      case DW_TAG_try_block:
      case DW_TAG_catch_block:
        // Blocks only group; the inlined calls inside them count.
        collect_inlined(&child, parent_scope, tree);
        break;
      default: break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

std::vector<SourceFrame> DwarfIndex::frames_in_function(CompileUnit& unit, Dwarf_Die* function,
                                                        uint64_t address) {
  std::vector<Dwarf_Die> chain = inline_chain(function, address);
  std::vector<SourceFrame> frames;
  frames.reserve(chain.size());
  for (size_t i = chain.size(); i-- > 0;) {
    Dwarf_Die* die = &chain[i];
    const FunctionName& name = function_name(die);
    SourceFrame frame;
    frame.function = name.name;
    frame.linkage_name = name.linkage_name;
    frame.suffix = name.suffix;
    frame.language = language_of(die, unit.language);
    frame.inlined = i > 0;
    if (i + 1 == chain.size()) {
      set_line(unit, address, frame);  // Innermost: where the address itself is.
    } else {
      // A caller of an inlined frame: the call site recorded on the callee.
      Dwarf_Die* callee = &chain[i + 1];
      frame.file = file_name(unit, udata_attribute(callee, DW_AT_call_file));
      frame.line = udata_attribute(callee, DW_AT_call_line);
      frame.column = udata_attribute(callee, DW_AT_call_column);
    }
    if (i == 0) {
      // The entry is DW_AT_entry_pc or low_pc, else the first range listed
      // (compilers list the entry part first).
      std::optional<uint64_t> entry;
      if (Dwarf_Addr pc; dwarf_entrypc(die, &pc) == 0) entry = pc;
      for_each_range(die, [&](uint64_t low, uint64_t high) {
        if (!entry) entry = low;
        if (low <= address && address < high) frame.function_start = low;
      });
      frame.function_offset = address - frame.function_start;
      frame.split_part = entry && !(frame.function_start <= *entry && *entry <= address);
    }
    frames.push_back(std::move(frame));
  }
  return frames;
}

const DwarfIndex::FunctionName& DwarfIndex::function_name(Dwarf_Die* die) {
  Dwarf_Off offset = dwarf_dieoffset(die);
  if (auto it = names_.find(offset); it != names_.end()) return it->second;
  FunctionName result;
  // dwarf_attr_integrate follows DW_AT_abstract_origin and DW_AT_specification,
  // which is where inlined and out-of-line C++ and Rust functions keep names.
  const char* linkage = string_attribute_integrated(die, DW_AT_linkage_name);
  if (!linkage) linkage = string_attribute_integrated(die, DW_AT_MIPS_linkage_name);
  if (linkage) {
    result.linkage_name = linkage;
    DemangledName demangled = demangle(linkage);
    if (demangled.demangled) {
      result.name = demangled.name;
      result.suffix = demangled.suffix;
    }
  }
  if (result.name.empty()) result.name = qualified_name(die);
  if (result.name.empty()) result.name = linkage ? linkage : "??";
  return names_.emplace(offset, std::move(result)).first->second;
}

std::string DwarfIndex::qualified_name(Dwarf_Die* die) {
  // Follow abstract origins and specifications to the DIE that holds the
  // name; its scope was recorded when its unit was walked.
  Dwarf_Die named = die_holding_name(*die);
  const char* name = dwarf_diename(&named);
  if (!name) return "";
  auto scope = scope_of_.find(dwarf_dieoffset(&named));
  return scope == scope_of_.end() ? name : scope->second + name;
}

Language DwarfIndex::language_of(Dwarf_Die* die, Language fallback) {
  // An inlined function may come from another unit, even another language
  // (cross-language LTO): its abstract origin's unit says which.
  Dwarf_Attribute attr;
  Dwarf_Die origin, origin_cu;
  if (!dwarf_attr(die, DW_AT_abstract_origin, &attr) || !dwarf_formref_die(&attr, &origin) ||
      !dwarf_diecu(&origin, &origin_cu, nullptr, nullptr)) {
    return fallback;
  }
  int lang = dwarf_srclang(&origin_cu);
  return lang < 0 ? fallback : language_from_dwarf(lang);
}

void DwarfIndex::set_line(const CompileUnit& unit, uint64_t address, SourceFrame& frame) {
  Dwarf_Die cu_die = unit.die;
  Dwarf_Line* line = dwarf_getsrc_die(&cu_die, address);
  if (!line) return;
  int line_number = 0, column = 0;
  dwarf_lineno(line, &line_number);
  dwarf_linecol(line, &column);
  frame.file = absolute_path(unit, dwarf_linesrc(line, nullptr, nullptr));
  frame.line = static_cast<uint32_t>(line_number);
  frame.column = static_cast<uint32_t>(column);
}

std::string DwarfIndex::file_name(const CompileUnit& unit, uint64_t file_index) {
  Dwarf_Die cu_die = unit.die;
  Dwarf_Files* files = nullptr;
  size_t count = 0;
  if (dwarf_getsrcfiles(&cu_die, &files, &count) != 0 || file_index >= count) return "";
  return absolute_path(unit, dwarf_filesrc(files, file_index, nullptr, nullptr));
}

std::string DwarfIndex::absolute_path(const CompileUnit& unit, const char* path) {
  // libdw leaves DWARF 4 paths relative to the compilation directory (rustc
  // writes them so); debuggers and llvm-symbolizer show them absolute. It
  // also joins a directory ending in '/' with another '/': fold those.
  if (!path) return "";
  std::string joined = path[0] == '/' || unit.comp_dir.empty() ? path : unit.comp_dir + "/" + path;
  for (size_t slash = joined.find("//"); slash != std::string::npos;
       slash = joined.find("//", slash)) {
    joined.erase(slash, 1);
  }
  return joined;
}

}  // namespace seam

#include "symbolizer/dwarf_variables.h"

#include <dwarf.h>

#include <algorithm>

namespace seam {
namespace {

// Nesting deeper than this is corrupt DWARF, not real code.
constexpr int kMaxDepth = 64;

std::optional<Dwarf_Die> reference(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  Dwarf_Die target;
  if (!dwarf_attr(die, name, &attr) || !dwarf_formref_die(&attr, &target)) return std::nullopt;
  return target;
}

bool flag(Dwarf_Die* die, unsigned name) {
  Dwarf_Attribute attr;
  bool value = false;
  return dwarf_attr_integrate(die, name, &attr) && dwarf_formflag(&attr, &value) == 0 && value;
}

ScopeVariable describe(Dwarf_Die* die) {
  ScopeVariable v;
  v.die = *die;
  Dwarf_Attribute attr;
  if (dwarf_attr_integrate(die, DW_AT_name, &attr)) {
    if (const char* name = dwarf_formstring(&attr)) v.name = name;
  }
  Dwarf_Die type;
  if (dwarf_attr_integrate(die, DW_AT_type, &attr) && dwarf_formref_die(&attr, &type)) {
    v.type = type;
    Dwarf_Word size = 0;
    if (dwarf_aggregate_size(&type, &size) == 0) v.size = size;
  }
  return v;
}

void collect_locals(Dwarf_Die* scope, uint64_t address, std::vector<ScopeVariable>& locals,
                    int depth) {
  Dwarf_Die child;
  if (depth > kMaxDepth || dwarf_child(scope, &child) != 0) return;
  std::vector<Dwarf_Die> blocks;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_variable:
        // Declarations of globals inside a function and compiler temporaries
        // are not locals gdb shows.
        if (flag(&child, DW_AT_declaration) || flag(&child, DW_AT_artificial)) break;
        locals.push_back(describe(&child));
        break;
      case DW_TAG_lexical_block:
        if (dwarf_haspc(&child, address) == 1) blocks.push_back(child);
        break;
      default: break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
  // The enclosing scope's locals first, the innermost block's last.
  for (Dwarf_Die& block : blocks) collect_locals(&block, address, locals, depth + 1);
}

void search_call_sites(Dwarf_Die* scope, uint64_t return_address, std::optional<Dwarf_Die>& found,
                       int depth) {
  Dwarf_Die child;
  if (found || depth > kMaxDepth || dwarf_child(scope, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_call_site:
      case DW_TAG_GNU_call_site: {
        Dwarf_Attribute attr;
        Dwarf_Addr pc = 0;
        // DWARF 5: DW_AT_call_return_pc; GNU: DW_AT_low_pc is the return address.
        if ((dwarf_attr(&child, DW_AT_call_return_pc, &attr) ||
             dwarf_attr(&child, DW_AT_low_pc, &attr)) &&
            dwarf_formaddr(&attr, &pc) == 0 && pc == return_address) {
          found = child;
          return;
        }
        break;
      }
      case DW_TAG_lexical_block:
      case DW_TAG_inlined_subroutine:
        if (dwarf_haspc(&child, return_address - 1) == 1 ||
            dwarf_haspc(&child, return_address) == 1) {
          search_call_sites(&child, return_address, found, depth + 1);
          if (found) return;
        }
        break;
      default: break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

}  // namespace

ScopeVariables variables_in_scope(Dwarf_Die* scope, uint64_t address) {
  ScopeVariables result;
  // Concrete parameters, by the abstract parameter they instantiate.
  std::vector<std::pair<Dwarf_Off, Dwarf_Die>> concrete;
  std::vector<Dwarf_Die> own;  // parameters with no abstract origin
  Dwarf_Die child;
  if (dwarf_child(scope, &child) == 0) {
    do {
      if (dwarf_tag(&child) != DW_TAG_formal_parameter) continue;
      if (std::optional<Dwarf_Die> origin = reference(&child, DW_AT_abstract_origin)) {
        concrete.emplace_back(dwarf_dieoffset(&*origin), child);
      } else {
        own.push_back(child);
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  std::optional<Dwarf_Die> origin = reference(scope, DW_AT_abstract_origin);
  if (origin && dwarf_child(&*origin, &child) == 0) {
    // Declaration order is the abstract function's; an abstract parameter
    // with no concrete DIE here was optimized away entirely.
    do {
      if (dwarf_tag(&child) != DW_TAG_formal_parameter) continue;
      Dwarf_Off offset = dwarf_dieoffset(&child);
      auto it = std::find_if(concrete.begin(), concrete.end(),
                             [&](const auto& c) { return c.first == offset; });
      if (it != concrete.end()) {
        result.parameters.push_back(describe(&it->second));
        concrete.erase(it);
      } else {
        result.parameters.push_back(describe(&child));
      }
    } while (dwarf_siblingof(&child, &child) == 0);
  }
  for (auto& [offset, die] : concrete) result.parameters.push_back(describe(&die));
  for (Dwarf_Die& die : own) result.parameters.push_back(describe(&die));
  collect_locals(scope, address, result.locals, 0);
  return result;
}

std::optional<Dwarf_Die> find_call_site(Dwarf_Die* function, uint64_t return_address) {
  std::optional<Dwarf_Die> found;
  search_call_sites(function, return_address, found, 0);
  return found;
}

}  // namespace seam

// The variables in scope at an address, for a frame of its inline chain:
// formal parameters in declaration order, then the locals of the function and
// of each DW_TAG_lexical_block holding the address (innermost block last).
//
//   std::vector<Dwarf_Die> scopes = index.scopes(pc);   // innermost first
//   ScopeVariables vars = variables_in_scope(&scopes[0], pc);
//   for (const ScopeVariable& v : vars.parameters) print(v.name);
//
// Names and types follow DW_AT_abstract_origin, which is where inlined
// instances and out-of-line copies of inline functions keep them; a parameter
// of the abstract function with no concrete DIE in this instance is listed
// anyway (its DIE has no location: optimized out), as gdb does. Artificial
// locals are skipped; artificial parameters (C++ `this`) are kept.
#pragma once

#include <elfutils/libdw.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

struct ScopeVariable {
  std::string name;               // "" for an unnamed parameter
  Dwarf_Die die;                  // the DIE with the location (or const value) at this scope
  std::optional<Dwarf_Die> type;  // DW_AT_type, through abstract origins
  std::optional<size_t> size;     // the type's size in bytes, when it has one
};

struct ScopeVariables {
  std::vector<ScopeVariable> parameters;
  std::vector<ScopeVariable> locals;
};

// `scope`: a DW_TAG_subprogram or DW_TAG_inlined_subroutine DIE; `address`
// the file address in it (lexical blocks are entered when they hold it).
ScopeVariables variables_in_scope(Dwarf_Die* scope, uint64_t address);

// The DW_TAG_call_site (or DW_TAG_GNU_call_site) in `function` (a concrete
// subprogram, searched with its inlined calls and blocks) whose return
// address is `return_address`.
std::optional<Dwarf_Die> find_call_site(Dwarf_Die* function, uint64_t return_address);

}  // namespace seam

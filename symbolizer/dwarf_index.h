// DwarfIndex: address -> inline chain of functions with source positions,
// over libdw, with indexes of Seam's own built lazily (as drgn does):
//
//   1. address -> compilation unit: .debug_aranges when the producer wrote it
//      (GCC does; a single lookup then reads one unit and the headers before
//      it, through DwarfUnits, which gives their pages back), else the CU
//      DIEs' DW_AT_low_pc/high_pc/ranges, read once (clang and rustc often
//      omit .debug_aranges or cover only some units).
//   2. CU -> function intervals: the CU's DIE tree walked the first time an
//      address falls in it, descending into namespaces, modules and types
//      (where LLVM puts every Rust and C++ function).
//   3. function -> inline tree: the function's inlined calls with their
//      ranges, walked once, the first time an address falls in it.
//
// dwarf_getscopes is never used: in elfutils 0.188 it misses functions nested
// in DW_TAG_namespace and is far too slow per address on large CUs.
//
//   DwarfIndex index(dwarf);
//   std::vector<SourceFrame> frames = index.lookup(0xffffffff81234567);
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "symbolizer/dwarf_units.h"
#include "symbolizer/inlined_call.h"
#include "symbolizer/source_frame.h"

namespace seam {

class DwarfIndex {
 public:
  // `dwarf` is borrowed and must outlive the index.
  // Both borrowed: they must outlive the index.
  DwarfIndex(Dwarf* dwarf, DwarfUnits& units) : dwarf_(dwarf), units_(units) {}

  // Frames for `address` (a file address: link-time, or placed for a .ko),
  // innermost first; empty when no DWARF unit covers it. An address in a
  // unit without functions (assembly) gives one frame with an empty
  // function name but its source line: the caller names it from the symbols.
  std::vector<SourceFrame> lookup(uint64_t address);
  // The DIEs of those frames, same order: DW_TAG_inlined_subroutine for each
  // inlined call, the concrete DW_TAG_subprogram last; empty when no
  // function DIE covers the address (assembly, or no DWARF unit).
  std::vector<Dwarf_Die> scopes(uint64_t address);
  // Every call inlined into the concrete function holding `address`, nested
  // ones too, in DIE order (each call before the calls inlined into it);
  // nullopt when no function DIE covers the address.
  std::optional<std::vector<InlinedCall>> inlined_calls(uint64_t address);

 private:
  using Interval = IntervalIndex::Interval;
  struct CompileUnit {
    Dwarf_Die die;
    Language language = Language::Unknown;
    std::string comp_dir;  // DW_AT_comp_dir: relative source paths are under it
    bool functions_indexed = false;
    IntervalIndex functions;  // id: the function's DIE offset
  };
  // A function and the calls inlined into it, nested: scopes[0] is the
  // function, every other scope an inlined call inside its parent.
  struct InlineTree {
    struct Scope {
      Dwarf_Die die;
      int parent;
      int depth;
    };
    std::vector<Scope> scopes;
    IntervalIndex ranges;  // id: index into scopes (inlined calls only)
  };
  struct FunctionName {
    std::string name, linkage_name, suffix;
  };

  CompileUnit& unit_for(Dwarf_Die* cu_die);
  bool lookup_in_unit(CompileUnit& unit, uint64_t address, std::vector<SourceFrame>& frames);
  const Interval* innermost_function(CompileUnit& unit, uint64_t address);
  std::vector<Dwarf_Die> inline_chain(Dwarf_Die* function, uint64_t address);
  void index_units();
  void index_functions(CompileUnit& unit);
  void collect_functions(Dwarf_Die* parent, CompileUnit& unit, const std::string& scope, int depth);
  void collect_local_classes(Dwarf_Die* body, CompileUnit& unit, const std::string& scope,
                             int depth);
  std::vector<SourceFrame> frames_in_function(CompileUnit& unit, Dwarf_Die* function,
                                              uint64_t address);
  const InlineTree& inline_tree(Dwarf_Die* function);
  static void collect_inlined(Dwarf_Die* parent, int parent_scope, InlineTree& tree);
  const FunctionName& function_name(Dwarf_Die* die);
  std::string qualified_name(Dwarf_Die* die);
  Language language_of(Dwarf_Die* die, Language fallback);
  static void set_line(const CompileUnit& unit, uint64_t address, SourceFrame& frame);
  static std::string file_name(const CompileUnit& unit, uint64_t file_index);
  static std::string absolute_path(const CompileUnit& unit, const char* path);

  Dwarf* dwarf_;
  DwarfUnits& units_;  // the Binary's, shared with DwarfTypes
  bool units_indexed_ = false;
  std::vector<std::unique_ptr<CompileUnit>> compile_units_;
  std::unordered_map<Dwarf_Off, size_t> unit_by_offset_;    // CU DIE offset -> compile_units_ index
  IntervalIndex unit_ranges_;                               // id: index into compile_units_
  std::unordered_map<Dwarf_Off, InlineTree> inline_trees_;  // by function DIE offset
  std::unordered_map<Dwarf_Off, FunctionName> names_;
  // "ns::Class::" for C++ and Rust subprogram DIEs inside named scopes, to
  // qualify functions that have no linkage name (GCC omits it for functions
  // with internal linkage). libdw has no parent links, so this is recorded
  // while the unit is walked.
  std::unordered_map<Dwarf_Off, std::string> scope_of_;
};

}  // namespace seam

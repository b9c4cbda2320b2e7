// DwarfTypes: the layout of named types (struct member offsets, sizes, enum
// values) from DWARF, for code that reads a program's data structures out of
// raw memory — the kernel model reading task_struct, module, printk_ringbuffer.
//
//   DwarfTypes types(dwarf, symbols);
//   // Look in the unit that defines copy_process first: it has task_struct.
//   Result<StructLayout> task = types.find_struct("task_struct", {"copy_process"});
//   Result<Member> comm = task->member("comm");          // offset, size, type
//   Result<Member> cpu  = task->member("thread_info.cpu"); // nested, anonymous unions too
//
// Why anchors: a full index of every type name in a 160 MB vmlinux costs about
// 0.5 s, most of Seam's budget for a whole `seam ps`. A struct is complete in
// every unit that uses its members, so the unit holding a function known to
// use it (found through .debug_aranges, or the units' address ranges) is read
// alone, top-level DIEs only. Only when no anchor helps are all units indexed
// (.debug_pubtypes first when the producer wrote it, else a top-level scan),
// once, lazily. A .debug_pubtypes hit may be a Rust unit's bindgen copy of a C
// struct: same offsets, but its anonymous members are named __bindgen_anon_N
// (searched through like anonymous ones) and its bit fields are not members.
//
// Measured on Debian's 6.1 vmlinux (160 MB .debug_info): the first anchored
// find_struct 2.5 ms (libdw must read every unit header up to the anchor's
// unit), later ones in a new unit 0.1-0.6 ms, in a unit already read 1 µs;
// the whole-file fallback 0.4 s. Not thread-safe.
#pragma once

#include <elfutils/libdw.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "symbolizer/result.h"

namespace seam {

class DwarfUnits;
class SymbolTable;

// A bit field's value: read (bit_offset + bit_size + 7) / 8 bytes at `offset`
// (little-endian), shift right by bit_offset, keep bit_size bits.
struct Member {
  std::string name;           // as asked, e.g. "thread_info.cpu"
  uint64_t offset = 0;        // bytes from the start of the outermost struct
  uint64_t size = 0;          // bytes (0 if unknown, e.g. flexible array)
  uint8_t bit_offset = 0;     // for bit fields: bits after `offset`
  uint8_t bit_size = 0;       // 0 unless a bit field
  std::string type_name;      // "unsigned int", "struct list_head", "char [16]", "struct pid *"
  uint64_t array_count = 0;   // elements if an array, else 0
  uint64_t element_size = 0;  // for arrays and pointers: size of the element / pointee (0 if void)
};

class StructLayout {
 public:
  const std::string& name() const { return name_; }
  uint64_t size() const { return size_; }
  // A member by dotted path through nested structs and anonymous
  // structs/unions; "a.b" also works when `a` is an anonymous member's member.
  Result<Member> member(std::string_view path) const;
  bool has_member(std::string_view path) const { return member(path).ok(); }

 private:
  friend class DwarfTypes;
  std::string name_;
  uint64_t size_ = 0;
  Dwarf_Die die_{};
};

class DwarfTypes {
 public:
  // All borrowed; `units` is the Binary's (shared with DwarfIndex);
  // `symbols` (may be null) resolves anchor function names.
  DwarfTypes(Dwarf* dwarf, DwarfUnits& units, const SymbolTable* symbols);
  ~DwarfTypes();

  // `struct NAME` (also union NAME, or a typedef to one) with a definition,
  // not a declaration. Anchors: functions whose units to read first.
  Result<StructLayout> find_struct(std::string_view name,
                                   std::initializer_list<std::string_view> anchors = {});
  // The value of an enumerator, e.g. "MODULE_STATE_LIVE".
  Result<int64_t> enumerator(std::string_view name,
                             std::initializer_list<std::string_view> anchors = {});
  // sizeof a named base type or typedef ("long", "pgd_t"), or struct/union by name.
  Result<uint64_t> size_of(std::string_view name,
                           std::initializer_list<std::string_view> anchors = {});

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace seam

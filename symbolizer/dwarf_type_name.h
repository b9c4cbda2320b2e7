// The name of a DWARF type as its own language writes it.
//
//   type_name(char_pointer_die, Language::C)     // "const char *"
//   type_name(struct_ptr_die, Language::C)       // "struct file *"
//   type_name(array_die, Language::C)            // "int[4]"
//   type_name(holder_die, Language::Cpp)         // "geo::Holder<int>"
//   type_name(option_die, Language::Rust)        // "core::option::Option<&u32>"
//   type_name(str_die, Language::Rust)           // "&str", "[i8; 3]", "(u8, bool)"
//
// Pure DWARF (no target). Differences from gdb's `whatis`, on purpose:
// arrays are "int[4]" (gdb "int [4]"), C++ classes have no "struct " prefix
// (gdb "struct geo::Derived"), Rust raw and reference pointers keep rustc's
// own names ("&u32" where gdb may say "*mut u32").
#pragma once

#include <elfutils/libdw.h>

#include <string>

#include "symbolizer/language.h"

namespace seam {

std::string type_name(Dwarf_Die type, Language language);

// The name of a "no type" (DW_AT_type absent): "void", or "()" in Rust.
std::string void_type_name(Language language);

}  // namespace seam

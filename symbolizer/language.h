// Source languages Seam tells apart, from DWARF or from a symbol's mangling.
//
//   Language lang = language_from_dwarf(DW_LANG_Rust);   // Language::Rust
//   std::cout << language_name(lang);                     // "rust"
#pragma once

#include <string_view>

namespace seam {

enum class Language { Unknown, C, Cpp, Rust, Assembly };

// Short lower-case name used in text and JSON output: "c", "c++", "rust", "asm", "unknown".
std::string_view language_name(Language language);

// Maps a DW_AT_language value (DW_LANG_*) to a Language; unknown codes give Unknown.
Language language_from_dwarf(unsigned dw_lang);

}  // namespace seam

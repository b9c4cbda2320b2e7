#include "symbolizer/language.h"

#include <dwarf.h>

namespace seam {
namespace {

// DW_LANG_* codes from the DWARF language registry (dwarfstd.org) that are
// newer than the dwarf.h of elfutils 0.188; GCC and Clang emit some of them.
constexpr unsigned kDwLangCPlusPlus17 = 0x002a;
constexpr unsigned kDwLangCPlusPlus20 = 0x002b;
constexpr unsigned kDwLangC17 = 0x002c;
constexpr unsigned kDwLangAssembly = 0x0031;
constexpr unsigned kDwLangCPlusPlus23 = 0x003a;
constexpr unsigned kDwLangC23 = 0x003e;

}  // namespace

std::string_view language_name(Language language) {
  switch (language) {
    case Language::C: return "c";
    case Language::Cpp: return "c++";
    case Language::Rust: return "rust";
    case Language::Assembly: return "asm";
    case Language::Unknown: break;
  }
  return "unknown";
}

Language language_from_dwarf(unsigned dw_lang) {
  switch (dw_lang) {
    case DW_LANG_C89:
    case DW_LANG_C:
    case DW_LANG_C99:
    case DW_LANG_C11:
    case kDwLangC17:
    case kDwLangC23: return Language::C;
    case DW_LANG_C_plus_plus:
    case DW_LANG_C_plus_plus_03:
    case DW_LANG_C_plus_plus_11:
    case DW_LANG_C_plus_plus_14:
    case kDwLangCPlusPlus17:
    case kDwLangCPlusPlus20:
    case kDwLangCPlusPlus23: return Language::Cpp;
    case DW_LANG_Rust: return Language::Rust;
    // GNU as and Clang's integrated assembler say DW_LANG_Mips_Assembler for
    // any architecture; DWARF 6 adds a proper DW_LANG_Assembly.
    case DW_LANG_Mips_Assembler:
    case kDwLangAssembly: return Language::Assembly;
    default: return Language::Unknown;
  }
}

}  // namespace seam

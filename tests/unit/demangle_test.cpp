// Unit tests of the demangler (symbolizer/demangle.h) and of language names.
// The expected strings are what rustfilt 0.2.1 (rustc-demangle 0.1.21) and
// GNU c++filt 2.40 print, except where a test says otherwise; the classes of
// C++ differences are documented at the top of symbolizer/demangle.cpp and
// checked on real libraries by tests/integration/test_demangle_corpus.py.
#include "symbolizer/demangle.h"

#include <dwarf.h>
#include <gtest/gtest.h>

#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "symbolizer/language.h"

namespace seam {
namespace {

std::string show(std::string_view symbol) {
  return demangle(symbol).display();
}

// ---------------------------------------------------------------------------
// Languages

TEST(LanguageTest, Names) {
  EXPECT_EQ(language_name(Language::C), "c");
  EXPECT_EQ(language_name(Language::Cpp), "c++");
  EXPECT_EQ(language_name(Language::Rust), "rust");
  EXPECT_EQ(language_name(Language::Assembly), "asm");
  EXPECT_EQ(language_name(Language::Unknown), "unknown");
}

TEST(LanguageTest, FromDwarf) {
  // 0x2c C17 and 0x3e C23 are newer than elfutils' dwarf.h.
  for (unsigned c : std::initializer_list<unsigned>{DW_LANG_C89, DW_LANG_C, DW_LANG_C99,
                                                    DW_LANG_C11, 0x2c, 0x3e}) {
    EXPECT_EQ(language_from_dwarf(c), Language::C) << c;
  }
  // 0x2a C++17, 0x2b C++20 and 0x3a C++23 likewise.
  for (unsigned cpp : std::initializer_list<unsigned>{DW_LANG_C_plus_plus, DW_LANG_C_plus_plus_03,
                                                      DW_LANG_C_plus_plus_11,
                                                      DW_LANG_C_plus_plus_14, 0x2a, 0x2b, 0x3a}) {
    EXPECT_EQ(language_from_dwarf(cpp), Language::Cpp) << cpp;
  }
  EXPECT_EQ(language_from_dwarf(DW_LANG_Rust), Language::Rust);
  EXPECT_EQ(language_from_dwarf(0x1c), Language::Rust);
  EXPECT_EQ(language_from_dwarf(DW_LANG_Mips_Assembler), Language::Assembly);
  EXPECT_EQ(language_from_dwarf(0x8001), Language::Assembly);
  EXPECT_EQ(language_from_dwarf(DW_LANG_Fortran90), Language::Unknown);
  EXPECT_EQ(language_from_dwarf(0), Language::Unknown);
  EXPECT_EQ(language_from_dwarf(0xffff), Language::Unknown);
}

// ---------------------------------------------------------------------------
// C++

TEST(DemangleCxxTest, Basic) {
  DemangledName d = demangle("_ZN3foo3barEv");
  EXPECT_TRUE(d.demangled);
  EXPECT_EQ(d.name, "foo::bar()");
  EXPECT_EQ(d.suffix, "");
  EXPECT_EQ(d.language, Language::Cpp);
  EXPECT_EQ(d.display(), "foo::bar()");
  EXPECT_EQ(show("_Z1fPM1AFviE"), "f(void (A::**)(int))");
  EXPECT_EQ(show("_ZN1AcvT_IiEEv"), "A::operator int<int>()");
  // A `_ZN...E` without rustc's hash is C++ (and demangles the same either way).
  EXPECT_EQ(demangle("_ZN3foo3barE").language, Language::Cpp);
  EXPECT_EQ(show("_ZN3foo3barE"), "foo::bar");
}

TEST(DemangleCxxTest, CompilerSuffixesAreKeptApart) {
  struct Case {
    const char* symbol;
    const char* suffix;
    const char* display;  // c++filt's output
  };
  for (const Case& c : {
           Case{"_Z3foov.cold", ".cold", "foo() [clone .cold]"},
           Case{"_Z3foov.isra.0", ".isra.0", "foo() [clone .isra.0]"},
           Case{"_Z3foov.isra.0.cold", ".isra.0.cold", "foo() [clone .isra.0] [clone .cold]"},
           Case{"_Z3foov.llvm.1234", ".llvm.1234", "foo() [clone .llvm.1234]"},
           Case{"_Z3foov.constprop.0", ".constprop.0", "foo() [clone .constprop.0]"},
           Case{"_Z3foov.part.0", ".part.0", "foo() [clone .part.0]"},
           Case{"_Z3foov.123", ".123", "foo() [clone .123]"},
           Case{"_Z3foov.constprop.0.isra.0", ".constprop.0.isra.0",
                "foo() [clone .constprop.0] [clone .isra.0]"},
           Case{"_Z3foov.lto_priv.0", ".lto_priv.0", "foo() [clone .lto_priv.0]"},
       }) {
    DemangledName d = demangle(c.symbol);
    EXPECT_TRUE(d.demangled) << c.symbol;
    EXPECT_EQ(d.name, "foo()") << c.symbol;
    EXPECT_EQ(d.suffix, c.suffix) << c.symbol;
    EXPECT_EQ(d.display(), c.display) << c.symbol;
  }
}

TEST(DemangleCxxTest, SymbolVersionsAreStripped) {
  DemangledName d = demangle("_Z10qTerminatev@@Qt_6");
  EXPECT_EQ(d.name, "qTerminate()");
  EXPECT_EQ(d.suffix, "");
  EXPECT_EQ(demangle("_Z3foov.cold@GLIBC_2.2.5").display(), "foo() [clone .cold]");
  DemangledName plain = demangle("memcpy@@GLIBC_2.14");
  EXPECT_FALSE(plain.demangled);
  EXPECT_EQ(plain.name, "memcpy");
}

// One example of every documented class of difference from c++filt (see
// demangle.cpp); c++filt's output is in the comments.
TEST(DemangleCxxTest, DocumentedDifferencesFromCxxFilt) {
  // template-close: std::vector<int, std::allocator<int> >::push_back(int const&)
  EXPECT_EQ(show("_ZNSt6vectorIiSaIiEE9push_backERKi"),
            "std::vector<int, std::allocator<int>>::push_back(int const&)");
  // lambda: main::{lambda(int)#1}::operator()(int) const, then #2
  EXPECT_EQ(show("_ZZ4mainENKUliE_clEi"), "main::'lambda'(int)::operator()(int) const");
  EXPECT_EQ(show("_ZZ4mainENKUliE0_clEi"), "main::'lambda0'(int)::operator()(int) const");
  // nullptr: f(decltype(nullptr))
  EXPECT_EQ(show("_Z1fDn"), "f(std::nullptr_t)");
  // std-abbreviation and operator-template: std::basic_ostream<char,
  // std::char_traits<char> >& operator<< <char>(std::basic_ostream<char, ...
  EXPECT_EQ(show("_ZlsIcERSoS0_RKSt6vectorIT_SaIS2_EE"),
            "std::ostream& operator<<<char>(std::ostream&, std::vector<char, "
            "std::allocator<char>> const&)");
  // local-return-type: A<int>::f<int>()::x
  EXPECT_EQ(show("_ZZN1AIiE1fIiEEbvE1x"), "bool A<int>::f<int>()::x");
  // cxxfilt-fails: c++filt prints the data symbol with a suffix unchanged.
  EXPECT_EQ(show("_ZN3foo3barE.cold"), "foo::bar [clone .cold]");
  // clone-suffix: c++filt prints _Z3foov.llvm.ABC unchanged.
  DemangledName odd = demangle("_Z3foov.llvm.ABC");
  EXPECT_EQ(odd.suffix, ".llvm.ABC");
  EXPECT_EQ(odd.display(), "foo() [clone .llvm] [clone .ABC]");
}

TEST(DemangleCxxTest, NotDemangled) {
  for (const char* symbol : {"main", "_Z", "_Zfoo", "_Z3fo", "_ZN3foo", "_Z3foov$", "__Z3foov",
                             "_ZNK", "", ".", "_Z3foov\xff"}) {
    DemangledName d = demangle(symbol);
    EXPECT_FALSE(d.demangled) << symbol;
    EXPECT_EQ(d.name, symbol);
    EXPECT_EQ(d.suffix, "");
    EXPECT_EQ(d.language, Language::Unknown) << symbol;
    EXPECT_EQ(d.display(), symbol);
  }
}

// The Itanium back-reference to the slot-th substitution: S_, S0_, ..., SZ_, S10_, ...
std::string substitution(int slot) {
  if (slot == 0) return "S_";
  std::string digits;
  for (int n = slot - 1;; n /= 36) {
    digits.insert(0, 1, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 36]);
    if (n < 36) break;
  }
  return "S" + digits + "_";
}

// Back-references can make the output exponentially longer than the input:
// every `PFvXX` doubles it, and LLVM alone would print 512 MiB for these
// 150 bytes.
TEST(DemangleCxxTest, ExponentialOutputIsRefused) {
  std::string symbol = "_Z1fPi";  // S_ is int*
  for (int level = 0; level < 24; ++level) {
    std::string previous = substitution(2 * level);  // the pointer type before
    symbol += "PFv" + previous + previous + "E";     // adds two substitutions
  }
  EXPECT_FALSE(demangle(symbol).demangled);
  EXPECT_EQ(demangle_text(symbol), symbol);
  // A few levels are fine.
  EXPECT_EQ(show("_Z1fPiPFvS_S_EPFvS1_S1_E"),
            "f(int*, void (*)(int*, int*), void (*)(void (*)(int*, int*), void (*)(int*, int*)))");
}

// ---------------------------------------------------------------------------
// Rust v0

TEST(DemangleRustV0Test, Basic) {
  DemangledName d = demangle("_RNvCs1234_7mycrate3foo");
  EXPECT_TRUE(d.demangled);
  EXPECT_EQ(d.name, "mycrate::foo");
  EXPECT_EQ(d.suffix, "");
  EXPECT_EQ(d.language, Language::Rust);
  EXPECT_EQ(show("_RNCNCNgCs6DXkGYLi8lr_2cc5spawn00B5_"), "cc::spawn::{closure#0}::{closure#0}");
  EXPECT_EQ(show("_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_"
                 "ECs1iopQbuBiw2_3std"),
            "alloc::alloc::box_free::<dyn alloc::boxed::FnBox<(), Output = ()>>");
  EXPECT_EQ(show("_RMCs1234_7mycrateINtNtC4core6option6OptionjE"), "<core::option::Option<usize>>");
  EXPECT_EQ(show("_RNqCs4fqI2P2rA04_11utf8_identsu30____7hkackfecea1cbdathfdh9hlq6y"),
            "utf8_idents::საჭმელად_გემრიელი_სადილი");
}

// Constants that LLVM 19's rustDemangle cannot print the way rustfilt does.
TEST(DemangleRustV0Test, ConstGenerics) {
  EXPECT_EQ(show("_RINvCs1234_7mycrate3fooKRe616263_E"), "mycrate::foo::<\"abc\">");
  EXPECT_EQ(show("_RINvCs1234_7mycrate3fooKc2202_E"), "mycrate::foo::<'∂'>");
  EXPECT_EQ(show("_RINvCs1234_7mycrate3fooKcad_E"), "mycrate::foo::<'\\u{ad}'>");
  EXPECT_EQ(show("_RINvCs1234_7mycrate3fooKVNtC3foo3BarS1sRe616263_2chc78_5sliceRAh1_h2_h3_EEE"),
            "mycrate::foo::<{foo::Bar { s: \"abc\", ch: 'x', slice: &[1, 2, 3] }}>");
  EXPECT_EQ(show("_RIC0Ke616263_E"), "::<{*\"abc\"}>");
  EXPECT_EQ(show("_RIC0KTh1_b0_EE"), "::<{(1, false)}>");
  EXPECT_EQ(show("_RIC0Kanb_E"), "::<-11>");
  EXPECT_EQ(show("_RIC0Koff00ff00ff00ff00ff_E"), "::<0xff00ff00ff00ff00ff>");
}

TEST(DemangleRustV0Test, Suffixes) {
  DemangledName llvm = demangle("_RNvCs1234_7mycrate3foo.llvm.123");
  EXPECT_EQ(llvm.name, "mycrate::foo");
  EXPECT_EQ(llvm.suffix, ".llvm.123");
  EXPECT_EQ(llvm.display(), "mycrate::foo");  // rustfilt drops ThinLTO's suffix...
  EXPECT_EQ(show("_RNvCs1234_7mycrate3foo.cold"), "mycrate::foo.cold");  // ...and keeps others
  EXPECT_EQ(show("_RNvCs1234_7mycrate3foo.cold.llvm.9D1C9369"), "mycrate::foo.cold");
  EXPECT_EQ(show("_RNvCs1234_7mycrate3foo.llvm.123.cold"), "mycrate::foo.llvm.123.cold");
  EXPECT_EQ(show("_RNvCs1234_7mycrate3foo@@VERS_1"), "mycrate::foo");
}

// rustc-demangle prints errors it finds behind back-references inline.
TEST(DemangleRustV0Test, ErrorsAsRustfiltPrintsThem) {
  std::string recursion = show("_RNvB_1a");
  EXPECT_EQ(recursion.rfind("{recursion limit reached}::?::a::a::", 0), 0u) << recursion;
  EXPECT_EQ(show("_RMC0DNvC1a1bEL1_"), "<dyn a::b + '{invalid syntax}>");
  // Pattern types are newer than rustc-demangle 0.1.21: not demangled.
  EXPECT_FALSE(demangle("_RMC0WmRm1_m9_").demangled);
  EXPECT_FALSE(demangle("_RNvC1a1bX").demangled);  // junk after the path
  // Output beyond 1,000,000 bytes is cut like rustc-demangle cuts it.
  std::string huge = show("_RMC0FGZZZ_Eu");
  EXPECT_EQ(huge.substr(huge.size() - 20), "{size limit reached}");
  EXPECT_LE(huge.size(), 1'000'000u + 20);
}

// ---------------------------------------------------------------------------
// Rust legacy

TEST(DemangleRustLegacyTest, Basic) {
  DemangledName d = demangle("_ZN3std2io5stdio6_print17h0123456789abcdefE");
  EXPECT_TRUE(d.demangled);
  EXPECT_EQ(d.name, "std::io::stdio::_print");
  EXPECT_EQ(d.language, Language::Rust);
  EXPECT_EQ(show("_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$"
                 "closure$u7d$$u7d$$GT$17h02a996811f781011E"),
            "core::ptr::drop_in_place<std::rt::lang_start<()>::{{closure}}>");
  EXPECT_EQ(show("_ZN71_$LT$Test$u20$$u2b$$u20$$u27$static$u20$as$u20$foo..Bar$LT$Test$GT$$GT$"
                 "3bar17h0123456789abcdefE"),
            "<Test + 'static as foo::Bar<Test>>::bar");
  EXPECT_EQ(show("_ZN4core5slice89_$LT$impl$u20$core..iter..traits..IntoIterator$u20$for$u20$$RF$"
                 "$u27$a$u20$$u5b$T$u5d$$GT$9into_iter17h450e234d27262170E"),
            "core::slice::<impl core::iter::traits::IntoIterator for &'a [T]>::into_iter");
}

TEST(DemangleRustLegacyTest, Escapes) {
  EXPECT_EQ(show("_ZN13_$LT$test$GT$17h0123456789abcdefE"), "<test>");  // `_$` loses the `_`
  EXPECT_EQ(show("_ZN12test$BP$test4foob17h0123456789abcdefE"), "test*test::foob");
  EXPECT_EQ(show("_ZN6a$SP$b4$C$c17h0123456789abcdefE"), "a@b::,c");
  EXPECT_EQ(show("_ZN12test$u1f600$17h0123456789abcdefE"), "test😀");
  // Unknown escapes, control characters and unpaired `$` stay raw.
  EXPECT_EQ(show("_ZN8$xx$test17h0123456789abcdefE"), "$xx$test");
  EXPECT_EQ(show("_ZN10test$u7f$x17h0123456789abcdefE"), "test$u7f$x");
  EXPECT_EQ(show("_ZN11test$u20$x$17h0123456789abcdefE"), "test x$");
}

TEST(DemangleRustLegacyTest, Suffixes) {
  DemangledName d = demangle("_ZN3foo17h0123456789abcdefE.llvm.A5310EB9");
  EXPECT_EQ(d.name, "foo");
  EXPECT_EQ(d.suffix, ".llvm.A5310EB9");
  EXPECT_EQ(d.display(), "foo");
  EXPECT_EQ(show("_ZN3foo17h0123456789abcdefE.isra.0.cold"), "foo.isra.0.cold");
  EXPECT_EQ(show("_ZN3foo17h0123456789abcdefE.llvm.16520298941041491347"), "foo");
}

// ---------------------------------------------------------------------------
// Text

TEST(DemangleTextTest, ReplacesMangledTokens) {
  EXPECT_EQ(demangle_text("at _ZN3foo3barEv+0x10"), "at foo::bar()+0x10");
  EXPECT_EQ(demangle_text("[   12.345678]  _RNvCs1234_7mycrate3foo+0x1c/0x40 [mod]\n"),
            "[   12.345678]  mycrate::foo+0x1c/0x40 [mod]\n");
  EXPECT_EQ(demangle_text("_Z3foov.isra.0.cold,_Z3barv"),
            "foo() [clone .isra.0] [clone .cold],bar()");
  EXPECT_EQ(demangle_text("_Z10qTerminatev@@Qt_6"), "qTerminate()@@Qt_6");
  EXPECT_EQ(demangle_text("._Z3foov"), ".foo()");  // a local label, as c++filt
  EXPECT_EQ(demangle_text("(_ZN3std2io5stdio6_print17h0123456789abcdefE)"),
            "(std::io::stdio::_print)");
  EXPECT_EQ(demangle_text("a\n_Z3foov\nb\n"), "a\nfoo()\nb\n");
}

TEST(DemangleTextTest, LeavesEverythingElseByteForByte) {
  for (const char* text :
       {"", "\n", "no symbols here", "foo_Z3barv", "x._Z3foov", "$_Z3foov", "_Zxx _Rust",
        "__Z3foov", "_Z3fo", "_R", "_", "___", "über _ZN ümlaut\xff\xfe", "tab\there\r\n"}) {
    EXPECT_EQ(demangle_text(text), text);
  }
  std::string with_nul("a\0_Z3foov\0b", 11);
  EXPECT_EQ(demangle_text(with_nul), std::string("a\0foo()\0b", 9));
}

// ---------------------------------------------------------------------------
// Garbage must never crash (this also runs under ASan and UBSan).

std::vector<std::string> seed_symbols() {
  return {
      "_ZN3foo3barEv",
      "_ZNSt6vectorIiSaIiEE9push_backERKi",
      "_ZZ4mainENKUliE_clEi",
      "_ZlsIcERSoS0_RKSt6vectorIT_SaIS2_EE",
      "_ZN1AcvT_IiEEv",
      "_Z3foov.isra.0.cold",
      "_RNvCs1234_7mycrate3foo",
      "_RINbNbCskIICzLVDPPb_5alloc5alloc8box_freeDINbNiB4_5boxed5FnBoxuEp6OutputuEL_"
      "ECs1iopQbuBiw2_3std",
      "_RNqCs4fqI2P2rA04_11utf8_identsu30____7hkackfecea1cbdathfdh9hlq6y",
      "_RINvCs1234_7mycrate3fooKVNtC3foo3BarS1sRe616263_2chc78_5sliceRAh1_h2_h3_EEE",
      "_RNvB_1a",
      "_ZN4core3ptr85drop_in_place$LT$std..rt..lang_start$LT$$LP$$RP$$GT$..$u7b$$u7b$closure$u7d$"
      "$u7d$$GT$17h02a996811f781011E.llvm.123",
  };
}

void check_no_crash(const std::string& symbol) {
  DemangledName d = demangle(symbol);
  if (!d.demangled) {
    EXPECT_EQ(d.language, Language::Unknown);
    EXPECT_EQ(d.suffix, "");
  }
  (void)d.display();
  (void)demangle_text(symbol);
  (void)demangle_text("x " + symbol + " y\n" + symbol);
}

TEST(DemangleFuzzTest, TruncatedSymbols) {
  std::vector<std::string> symbols = seed_symbols();
  symbols.push_back("_RMC0FGZZZ_Eu");  // prints 1,000,000 bytes
  for (const std::string& symbol : symbols) {
    for (size_t length = 0; length <= symbol.size(); ++length)
      check_no_crash(symbol.substr(0, length));
  }
}

TEST(DemangleFuzzTest, MutatedSymbols) {
  std::mt19937 random(12345);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$.@";
  std::vector<std::string> seeds = seed_symbols();
  for (int i = 0; i < 20000; ++i) {
    std::string symbol = seeds[random() % seeds.size()];
    for (int edits = 1 + random() % 4; edits > 0; --edits) {
      size_t at = 2 + random() % (symbol.size() - 1);
      switch (random() % 4) {
        case 0: symbol.erase(at, 1 + random() % 3); break;
        case 1: symbol.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        case 2:
          if (at < symbol.size()) symbol[at] = alphabet[random() % alphabet.size()];
          break;
        case 3: symbol.insert(at, symbol.substr(random() % symbol.size(), random() % 8)); break;
      }
      if (symbol.size() < 3) symbol = "_R" + symbol;
    }
    check_no_crash(symbol);
  }
}

TEST(DemangleFuzzTest, RandomBytes) {
  std::mt19937 random(54321);
  for (int i = 0; i < 20000; ++i) {
    std::string symbol = (i % 2 == 0) ? "_Z" : "_R";
    for (int n = random() % 40; n > 0; --n) symbol += static_cast<char>(random() % 256);
    check_no_crash(symbol);
  }
}

// Deep nesting: recursion in the parsers must stay bounded.
TEST(DemangleFuzzTest, DeeplyNested) {
  check_no_crash("_Z1f" + std::string(16000, 'P') + "i");
  check_no_crash("_Z1f" + std::string(100000, 'P') + "i");  // over the length limit
  std::string vendor = "_Z1f", braced = "_Z1fIXtl1AdiL_Z1xE", chain = "_Z1fPi";
  for (int i = 0; i < 5000; ++i) {
    vendor += "u1xI";                // vendor-qualified types nest inside LLVM's parseType
    braced += "di1a";                // braced initialisers
    chain += "P" + substitution(i);  // back-references nesting ever deeper
  }
  check_no_crash(vendor + "iE");
  check_no_crash(braced + "EEEv");
  check_no_crash(chain);
  EXPECT_TRUE(demangle("_Z1fu1xIiE").demangled);
  check_no_crash("_RMC0" + std::string(100000, 'R') + "u");
  check_no_crash("_RINvC1a1b" + std::string(100000, 'K') + "E");
  check_no_crash("_ZN" + std::string(100000, '9') + "E");
  std::string many_backrefs = "_RNvC1a1b";
  for (int i = 0; i < 2000; ++i) many_backrefs += "B_";
  check_no_crash(many_backrefs);
}

}  // namespace
}  // namespace seam

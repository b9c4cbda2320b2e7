# ctest-labels: samples
"""`seam symbolize` on the mixed C / Rust / C++ samples, against its peers.

For every sample build (gcc and clang, legacy and v0 Rust mangling, PIE,
non-PIE, the C++ shared object) the addresses that matter are collected from
the binary itself:
  - the start and one random interior address of every function symbol;
  - the start of every range of every DW_TAG_inlined_subroutine (and its
    DW_AT_entry_pc), every DW_TAG_call_site return address and the byte
    before it (llvm-dwarfdump-19);
  - every call instruction (objdump -d);
all of them in the sample's own code (samples/mixed/*), a fixed-seed sample of
them elsewhere (the Rust standard library linked in). Seam's frames
(`--json --inlines`) must equal llvm-symbolizer-19's (`--inlines`) frame by
frame, and eu-addr2line's (`-i -f`), in function, file and line (and column,
for llvm-symbolizer), up to the naming styles listed in seamtest.py
("Comparing Seam's frames with a peer's"): llvm-symbolizer names the
outermost frame after the ELF symbol, the peers print DW_AT_name where there
is no linkage name, eu-addr2line prints mangled names, and a legacy Rust name
is spelled `_$LT$a..B$GT$::f::h<hash>` by LLVM's demangler and `<a::B>::f` by
rustc-demangle.

Then: the compressed (zlib, zstd) and split (debuglink, build-id) variants of
mixed-gcc-legacy give exactly the frames of the plain file; code shared by two
builds (the same Rust staticlib, the same C objects) gives the same frames in
both; languages, inlined frames and demangled Rust names; the symbol-table
fallback (.stripped, .nosyms) and --base.
"""
import functools
import os
import random
import re
import unittest

import seamtest as st
from seamtest import SAMPLES_DIR, sample, seam

# Builds compared with the peers, as named in SAMPLES_DIR.
PEER_BINARIES = ["mixed-gcc-legacy", "libmixed-cpp-gcc.so", "mixed-gcc-v0", "mixed-gcc-nopie",
                 "mixed-clang-legacy", "mixed-clang-v0"]
OWN_CODE = "/samples/mixed/"  # in the name of the sample's own compilation units
# How many addresses outside the sample's own code (Rust's std, crt files) go to
# llvm-symbolizer, and to eu-addr2line (which needs ~2 ms per address there).
OTHER_ADDRESSES = 5000
EU_OTHER_ADDRESSES = 150
PIE_BASE = 0x555555554000  # a typical PIE load address, as in a core dump


def unit_language(unit):
    """The language of a sample compilation unit, from its DW_AT_name."""
    if unit is None:
        return None
    if "/samples/mixed/lib.rs" in unit:
        return "rust"
    if unit.endswith(".cpp"):
        return "c++"
    if unit.endswith(".c"):
        return "c"
    return None


def symbol_language(name):
    """The language a symbol's mangling implies."""
    if name.startswith("_R") or re.fullmatch(r"_ZN.*17h[0-9a-f]{16}E(\..*)?", name):
        return "rust"
    if name.startswith("_Z"):
        return "c++"
    return None


class Binary:
    """A sample with its interesting addresses, Seam's results and the peers'."""

    def __init__(self, name):
        self.name = name
        self.path = sample(name)
        rng = random.Random(name)
        self.symbols = st.elf_function_symbols(self.path)
        dwarf = st.dwarf_code_addresses(self.path)
        self.units = st.Intervals([(low, high, unit) for unit, low, high in dwarf["units"]])
        candidates = set()
        for address, size, _ in self.symbols:
            candidates.add(address)
            if size > 1:
                candidates.add(address + rng.randrange(1, size))
        candidates.update(address for address, _ in dwarf["inlined"])
        for address, _ in dwarf["call_sites"]:
            candidates.update((address, address - 1))
        candidates.update(st.call_instructions(self.path))
        self.own = sorted(a for a in candidates if OWN_CODE in (self.units.find(a) or ""))
        others = sorted(candidates.difference(self.own))
        self.others = sorted(rng.sample(others, min(OTHER_ADDRESSES, len(others))))
        self.eu_others = sorted(rng.sample(self.others, min(EU_OTHER_ADDRESSES,
                                                            len(self.others))))
        self.addresses = sorted(self.own + self.others)
        self.results = dict(zip(self.addresses, st.seam_symbolize(self.path, self.addresses)))

    def own_function_symbols(self, language=None):
        """{name: (address, size)} of the function symbols in the sample's own
        units (of `language`, from the unit)."""
        found = {}
        for address, size, name in self.symbols:
            unit = self.units.find(address)
            if size and unit and OWN_CODE in unit and \
                    (language is None or unit_language(unit) == language):
                found[name] = (address, size)
        return found

    @functools.cached_property
    def symbol_names(self):
        return st.SymbolNames(self.symbols, st.demangle(n for _, _, n in self.symbols))

    def own_results(self):
        return [self.results[a] for a in self.own]


@functools.lru_cache(maxsize=None)
def binary(name):
    return Binary(name)


def symbol_address(b, name):
    for address, _, symbol in b.symbols:
        if symbol == name:
            return address
    raise AssertionError(f"{b.path} has no symbol {name}")


class PeerComparisonTest(unittest.TestCase):
    """Frame-by-frame agreement with llvm-symbolizer-19 and eu-addr2line."""

    def compare_with_llvm(self, name):
        b = binary(name)
        llvm = st.llvm_symbolize(b.path, b.addresses)
        problems, _ = st.compare_results(b.addresses, [b.results[a] for a in b.addresses],
                                         llvm=llvm, symbols=b.symbol_names)
        self.assertEqual(len(problems), 0,
                         f"{b.path} vs llvm-symbolizer-19: "
                         f"{st.format_problems(problems)}")
        self.assertGreater(len(b.own), 100, f"too few addresses in the own code of {b.path}")

    def compare_with_eu(self, name):
        b = binary(name)
        addresses = sorted(b.own + b.eu_others)
        eu = st.eu_addr2line(b.path, addresses)
        llvm = st.llvm_symbolize(b.path, addresses)
        demangled = st.demangle(f["function"] for frames in eu for f in frames)
        problems, waived = st.compare_results(addresses, [b.results[a] for a in addresses],
                                              llvm=llvm, eu=eu, symbols=b.symbol_names,
                                              demangled=demangled)
        self.assertEqual(len(problems), 0,
                         f"{b.path} vs eu-addr2line: "
                         f"{st.format_problems(problems)}")
        # The waiver is for a handful of eu-addr2line quirks, not a loophole.
        self.assertLess(len(waived), max(10, len(addresses) // 50),
                        f"{b.path}: too many eu-addr2line differences waived: "
                        f"{st.format_problems(waived)}")

    def test_no_inlines_matches_llvm_symbolizer_no_inlines(self):
        # Without --inlines: one frame, the concrete function's name with the
        # innermost position (llvm-symbolizer --no-inlines).
        for name in ("mixed-gcc-v0", "mixed-clang-legacy"):
            with self.subTest(sample=name):
                b = binary(name)
                ours = st.seam_symbolize(b.path, b.own, inlines=False)
                for address, result in zip(b.own, ours):
                    self.assertLessEqual(len(result["frames"]), 1, result)
                    full = b.results[address]["frames"]
                    if full:
                        self.assertEqual(result["frames"][0]["function"], full[-1]["function"])
                        self.assertEqual((result["frames"][0]["file"], result["frames"][0]["line"]),
                                         (full[0]["file"], full[0]["line"]))
                llvm = st.llvm_symbolize(b.path, b.own, inlines=False)
                problems, _ = st.compare_results(b.own, ours, llvm=llvm, symbols=b.symbol_names)
                self.assertEqual(len(problems), 0,
                                 f"{b.path} --no-inlines: "
                                 f"{st.format_problems(problems)}")


def add_peer_tests():
    for name in PEER_BINARIES:
        method = re.sub(r"\W", "_", name)
        setattr(PeerComparisonTest, f"test_{method}_matches_llvm_symbolizer",
                lambda self, name=name: self.compare_with_llvm(name))
        setattr(PeerComparisonTest, f"test_{method}_matches_eu_addr2line",
                lambda self, name=name: self.compare_with_eu(name))


add_peer_tests()


class LanguageTest(unittest.TestCase):
    """Languages, inlined frames and names of C, C++ and Rust code."""

    def test_frames_have_the_language_of_their_source(self):
        expected = {".c": "c", ".cpp": "c++", ".rs": "rust"}
        for name in PEER_BINARIES:
            with self.subTest(sample=name):
                b = binary(name)
                wrong = []
                for result in b.own_results():
                    for frame in result["frames"]:
                        if frame["source"] != "dwarf":
                            continue
                        file = frame["file"]
                        language = expected.get(os.path.splitext(file)[1])
                        if "/c++/" in file:
                            language = "c++"  # libstdc++ headers
                        if language and frame["language"] != language:
                            wrong.append(f"{result['address']}: {frame['function']} in {file} "
                                         f"is {frame['language']}")
                self.assertEqual(len(wrong), 0, f"{b.path}: {st.format_problems(wrong)}")

    def test_every_language_has_inlined_frames(self):
        # The sample inlines within each language: run_mode / parse_mode in
        # main.c, maybe_capture in callback.c, Canvas::add in shapes.cpp,
        # dispatch and closures in lib.rs.
        sources = {"c": ("main.c", "callback.c"), "c++": ("shapes.cpp",), "rust": ("lib.rs",)}
        for name in ("mixed-gcc-v0", "mixed-clang-v0", "mixed-gcc-nopie"):
            with self.subTest(sample=name):
                b = binary(name)
                for language, files in sources.items():
                    inlined = [f for r in b.own_results() for f in r["frames"]
                               if f["inlined"] and f["language"] == language and
                               os.path.basename(f["file"]) in files]
                    self.assertTrue(inlined, f"{b.path}: no inlined {language} frame in {files}")
                    for frame in inlined:
                        self.assertTrue(frame["function"], frame)
                        self.assertNotIn("function_offset", frame)
                    # (clang gives some addresses line 0: not all of them)
                    self.assertTrue(any(f["line"] > 0 for f in inlined), inlined[:3])

    def test_entry_points_of_each_language(self):
        checks = [  # (sample, symbol, language, source file, function name pattern)
            ("mixed-gcc-legacy", "main", "c", "main.c", r"main"),
            ("mixed-gcc-legacy", "mixed_c_report", "c", "callback.c", r"mixed_c_report"),
            ("mixed-gcc-legacy", "mixed_rust_entry", "rust", "lib.rs",
             r"(mixed_rs::)?mixed_rust_entry"),
            ("libmixed-cpp-gcc.so", "mixed_cpp_total_area", "c++", "shapes.cpp",
             r"mixed_cpp_total_area(\(.*\))?"),
            ("libmixed-cpp-gcc.so", "_ZNK4seam8geometry6Canvas6renderEv", "c++", "shapes.cpp",
             r"seam::geometry::Canvas::render\(\) const"),
            ("mixed-clang-v0", "mixed_cpp_total_area", "c++", "shapes.cpp",
             r"mixed_cpp_total_area(\(.*\))?"),
            ("mixed-clang-v0", "mixed_rust_entry", "rust", "lib.rs",
             r"(mixed_rs::)?mixed_rust_entry"),
        ]
        for name, symbol, language, file, pattern in checks:
            with self.subTest(sample=name, symbol=symbol):
                b = binary(name)
                address = symbol_address(b, symbol)
                frames = st.seam_symbolize(b.path, [address])[0]["frames"]
                self.assertTrue(frames, f"{symbol} in {b.path}: no frames")
                outer = frames[-1]
                self.assertRegex(outer["function"], f"^{pattern}$")
                self.assertEqual(outer["language"], language, outer)
                self.assertEqual(outer["source"], "dwarf", outer)
                self.assertEqual(os.path.basename(outer["file"]), file, outer)
                self.assertGreater(outer["line"], 0, outer)
                self.assertFalse(outer["inlined"], outer)
                self.assertEqual(outer["function_offset"], 0, outer)
        # measure_scene is generic: legacy and v0 name it differently, but both
        # are Rust functions of the mixed_rs crate.
        for name in ("mixed-gcc-legacy", "mixed-gcc-v0", "mixed-clang-legacy", "mixed-clang-v0"):
            with self.subTest(sample=name):
                b = binary(name)
                measure = [n for n in b.own_function_symbols("rust") if "measure_scene" in n]
                self.assertTrue(measure, f"{b.path}: no measure_scene symbol")
                for symbol in measure:
                    address, size = b.own_function_symbols("rust")[symbol]
                    outer = st.seam_symbolize(b.path, [address + size // 2])[0]["frames"][-1]
                    self.assertEqual(outer["language"], "rust", outer)
                    self.assertIn("mixed_rs::measure_scene", outer["function"], outer)
                    self.assertEqual(outer["function_offset"], size // 2, outer)

    def test_rust_names_are_demangled(self):
        # Every Rust frame in the sample's own code carries a demangled,
        # qualified name: rustc-demangle's form, so no `$LT$`-style escapes, no
        # `::h<hash>` and no mangled prefix, for both manglings.
        for name in ("mixed-gcc-legacy", "mixed-gcc-v0", "mixed-clang-legacy", "mixed-clang-v0"):
            with self.subTest(sample=name):
                b = binary(name)
                bad, rust_frames = [], 0
                for result in b.own_results():
                    for frame in result["frames"]:
                        if frame["language"] != "rust":
                            continue
                        rust_frames += 1
                        function = frame["function"]
                        if "::" not in function or re.match(r"_ZN|_R[A-Z]", function) or \
                                re.search(r"\$(LT|GT|RF|BP|SP|LP|RP|C|u[0-9a-f]+)\$|\.\.",
                                          function) or \
                                re.search(r"::h[0-9a-f]{16}$", function):
                            bad.append(f"{result['address']}: {function!r}")
                self.assertGreater(rust_frames, 100, f"{b.path}: too few Rust frames")
                self.assertEqual(len(bad), 0,
                                 f"{b.path}: Rust names not demangled: "
                                 f"{st.format_problems(sorted(set(bad)))}")


class SameCodeTest(unittest.TestCase):
    """Code that two builds share (the same object file or Rust staticlib,
    linked at different addresses) gives the same frames at every byte."""

    PAIRS = [  # (sample, sample, language of the shared code)
        ("mixed-gcc-legacy", "mixed-gcc-nopie", "rust"),    # the legacy staticlib
        ("mixed-gcc-legacy", "mixed-clang-legacy", "rust"),
        ("mixed-gcc-v0", "mixed-clang-v0", "rust"),          # the v0 staticlib
        ("mixed-gcc-legacy", "mixed-gcc-v0", "c"),           # gcc-main.o, gcc-callback.o
        ("libmixed-cpp-gcc.so", "mixed-gcc-v0", "c++"),      # shapes.cpp, -fPIC / -fPIE
    ]

    def test_shared_code_gives_identical_frames(self):
        for first, second, language in self.PAIRS:
            with self.subTest(first=first, second=second):
                a, b = binary(first), binary(second)
                symbols_a = a.own_function_symbols(language)
                symbols_b = b.own_function_symbols(language)
                common = sorted(n for n in symbols_a
                                if n in symbols_b and symbols_a[n][1] == symbols_b[n][1])
                self.assertGreaterEqual(len(common), 5, f"{first}/{second}: no shared code")
                addresses_a, addresses_b = [], []
                for n in common:
                    for offset in range(symbols_a[n][1]):
                        addresses_a.append(symbols_a[n][0] + offset)
                        addresses_b.append(symbols_b[n][0] + offset)
                results_a = st.seam_symbolize(a.path, addresses_a)
                results_b = st.seam_symbolize(b.path, addresses_b)
                different = [f"{ra['address']} / {rb['address']}: {st.describe(ra['frames'])}"
                             f" | {st.describe(rb['frames'])}"
                             for ra, rb in zip(results_a, results_b)
                             if ra["frames"] != rb["frames"]]
                self.assertEqual(len(different), 0, st.format_problems(different))


class DebugInfoVariantTest(unittest.TestCase):
    """Compressed and separate debug info give exactly the plain file's frames."""

    VARIANTS = [  # (file, extra options, where -v must say the DWARF came from)
        ("mixed-gcc-legacy.zlib", [], "mixed-gcc-legacy.zlib"),
        ("mixed-gcc-legacy.zstd", [], "mixed-gcc-legacy.zstd"),
        ("debuglink/mixed-gcc-legacy", [], "debuglink/mixed-gcc-legacy.debug"),
        ("buildid/mixed-gcc-legacy", ["--debug-dir", str(SAMPLES_DIR / "debugroot")],
         ".build-id/"),
    ]

    def test_variants_give_identical_frames(self):
        plain = binary("mixed-gcc-legacy")
        for file, options, debug_file in self.VARIANTS:
            with self.subTest(variant=file):
                path = sample(file)
                results = st.seam_symbolize(path, plain.addresses, *options)
                different = [f"{r['address']}: {st.describe(r['frames'])} | plain "
                             f"{st.describe(plain.results[a]['frames'])}"
                             for a, r in zip(plain.addresses, results)
                             if r["frames"] != plain.results[a]["frames"]]
                self.assertEqual(len(different), 0, f"{path}: {st.format_problems(different)}")
                verbose = seam("symbolize", "-v", "-e", path, *options,
                               hex(symbol_address(plain, "main")))
                self.assertIn("names from DWARF", verbose.stderr)
                self.assertIn(debug_file, verbose.stderr)
                self.assertRegex(verbose.stdout, r"^main \[c\]\n\S*/samples/mixed/main\.c:\d+:\d+")

    def test_compressed_variants_are_really_compressed(self):
        # Guards the test above: the variants must not be plain copies.
        for file in ("mixed-gcc-legacy.zlib", "mixed-gcc-legacy.zstd"):
            info = [s for s in st.elf_sections(sample(file)) if s["name"] == ".debug_info"]
            self.assertTrue(info and info[0]["flags"] & 0x800, f"{file}: .debug_info is not "
                                                                "SHF_COMPRESSED")

    def test_build_id_variant_without_debug_dir_has_no_dwarf(self):
        # No debug directory and no debuginfod: the symbol table (here only
        # .dynsym) or nothing, never an error.
        plain = binary("mixed-gcc-legacy")
        env = {k: v for k, v in os.environ.items() if not k.startswith("DEBUGINFOD")}
        path = sample("buildid/mixed-gcc-legacy")
        results = st.seam_symbolize(path, plain.own, "--debug-dir", str(SAMPLES_DIR / "obj"),
                                    env=env)
        for result in results:
            for frame in result["frames"]:
                self.assertEqual(frame["source"], "symtab", result)


class SymbolTableFallbackTest(unittest.TestCase):
    """No DWARF: names from .symtab (.stripped) or .dynsym (.nosyms), exit 0."""

    def test_stripped_binary_uses_the_symbol_table(self):
        plain = binary("mixed-gcc-legacy")
        path = sample("mixed-gcc-legacy.stripped")
        symbols = st.elf_function_symbols(path)
        demangled = st.demangle(n for _, _, n in symbols)
        addresses, expected = [], []
        for address, size, name in symbols:
            if size == 0:
                continue
            for offset in sorted({0, size // 2, size - 1}):
                addresses.append(address + offset)
                expected.append((name, offset))
        results = st.seam_symbolize(path, addresses)
        llvm = st.llvm_symbolize(path, addresses)
        names = st.SymbolNames(symbols, demangled)
        problems = []
        for address, result, (symbol, offset), peer in zip(addresses, results, expected, llvm):
            frames = result["frames"]
            if len(frames) != 1:
                problems.append(f"{address:#x}: {len(frames)} frames, want 1 for {symbol}")
                continue
            frame = frames[0]
            if frame["source"] != "symtab" or frame["file"] or frame["line"] or frame["inlined"]:
                problems.append(f"{address:#x}: not a symbol-table frame: {frame}")
            if not names.covers(frame["linkage_name"], address):
                problems.append(f"{address:#x}: linkage name {frame['linkage_name']!r} is not a "
                                f"symbol covering the address")
            if frame["linkage_name"] == symbol and frame["function_offset"] != offset:
                problems.append(f"{address:#x}: offset {frame['function_offset']}, want {offset}")
            language = symbol_language(frame["linkage_name"])
            if language and frame["language"] != language:
                problems.append(f"{address:#x}: {frame['linkage_name']} is {language}, "
                                f"Seam says {frame['language']}")
            if frame["linkage_name"] in demangled and st.name_key(frame["function"]) != \
                    st.name_key(demangled[frame["linkage_name"]]):
                problems.append(f"{address:#x}: {frame['linkage_name']} demangled as "
                                f"{frame['function']!r}, llvm-cxxfilt says "
                                f"{demangled[frame['linkage_name']]!r}")
            problems += st.compare_with_peer(address, result, peer, "llvm-symbolizer", names)
        self.assertEqual(len(problems), 0, f"{path}: {st.format_problems(problems)}")
        # The DWARF build names the same functions (sanity of the fallback).
        main = symbol_address(plain, "main")
        self.assertEqual(st.seam_symbolize(path, [main + 4])[0]["frames"][0]["function"], "main")

    def test_nosyms_binary_uses_dynsym_or_says_unknown(self):
        plain = binary("mixed-gcc-legacy")
        path = sample("mixed-gcc-legacy.nosyms")
        dynsym = [(a, s, n.split("@")[0]) for a, s, n in dynamic_symbols(path)]
        names = st.SymbolNames(dynsym, {})
        results = st.seam_symbolize(path, plain.addresses)
        named = 0
        for address, result in zip(plain.addresses, results):
            for frame in result["frames"]:
                self.assertEqual(len(result["frames"]), 1, result)
                self.assertEqual(frame["source"], "symtab", result)
                self.assertTrue(names.covers(frame["linkage_name"], address),
                                f"{address:#x}: {frame} is not a .dynsym symbol")
                named += 1
        # mixed_c_report is exported (the .so calls it); main is not.
        report = symbol_address(plain, "mixed_c_report")
        frames = st.seam_symbolize(path, [report + 4])[0]["frames"]
        self.assertEqual([(f["function"], f["function_offset"], f["source"]) for f in frames],
                         [("mixed_c_report", 4, "symtab")])
        self.assertGreater(named, 0)
        # An unknown address prints a clean "??" in text mode, exit status 0.
        main = symbol_address(plain, "main")
        proc = seam("symbolize", "-e", path, hex(main + 4))
        self.assertEqual(proc.stdout, "??\n??:0:0\n\n")
        self.assertEqual(proc.stderr, "")
        proc = seam("symbolize", "-e", path, "--json", "-i", hex(main + 4))
        self.assertEqual(proc.stdout.strip(), f'{{"address":"{main + 4:#x}","frames":[]}}')


def dynamic_symbols(path):
    """[(address, size, name)] of the defined function symbols in .dynsym."""
    out = st.run("nm", "-D", "-S", "--defined-only", path).stdout
    symbols = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in "tTwWi":
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
    return symbols


class SplitPartTest(unittest.TestCase):
    """GCC splits cold code off a function into "func.cold": DWARF names the
    function, the symbol table names the part, and offsets count from it."""

    def test_cold_parts_carry_their_suffix_and_offset(self):
        checked = 0
        for name in ("mixed-gcc-legacy", "libmixed-cpp-gcc.so"):
            path = sample(name)
            cold = [(a, n) for a, size, n in st.elf_function_symbols(path) if ".cold" in n and size]
            results = st.seam_symbolize(path, [a + 1 for a, _ in cold], inlines=False)
            for (address, symbol), result in zip(cold, results):
                frame = result["frames"][-1]
                if frame["source"] != "dwarf":
                    continue
                with self.subTest(sample=name, symbol=symbol):
                    self.assertEqual(frame["suffix"], symbol[symbol.index(".cold"):])
                    self.assertEqual(frame["function_offset"], 1)
                    checked += 1
        self.assertGreater(checked, 0, "no .cold part with DWARF in the gcc samples")


class LoadBaseTest(unittest.TestCase):
    """--base: runtime addresses of a PIE loaded at PIE_BASE."""

    def test_base_gives_the_file_address_frames(self):
        for name in ("mixed-gcc-legacy", "mixed-gcc-v0", "libmixed-cpp-gcc.so"):
            with self.subTest(sample=name):
                b = binary(name)
                runtime = [a + PIE_BASE for a in b.own]
                results = st.seam_symbolize(b.path, runtime, "--base", hex(PIE_BASE))
                for address, runtime_address, result in zip(b.own, runtime, results):
                    self.assertEqual(int(result["address"], 16), runtime_address)
                    self.assertEqual(result["frames"], b.results[address]["frames"],
                                     f"{b.path} {runtime_address:#x} with --base {PIE_BASE:#x}")

    def test_base_with_symbol_table_fallback(self):
        plain = binary("mixed-gcc-legacy")
        main = symbol_address(plain, "main")
        path = sample("mixed-gcc-legacy.stripped")
        result = st.seam_symbolize(path, [PIE_BASE + main + 4], "--base", hex(PIE_BASE))[0]
        self.assertEqual([(f["function"], f["function_offset"], f["source"])
                          for f in result["frames"]], [("main", 4, "symtab")])

    def test_addresses_outside_the_file_are_unknown(self):
        # Below the load base, beyond the end, in data: no frames, no error.
        b = binary("mixed-gcc-legacy")
        for address in (0x1000, PIE_BASE - 1, PIE_BASE, PIE_BASE + 0x10000000,
                        0xffffffffffffffff):
            proc = seam("symbolize", "-e", b.path, "--base", hex(PIE_BASE), "--json",
                        hex(address))
            self.assertEqual(proc.stdout.strip(), f'{{"address":"{address:#x}","frames":[]}}')

    def test_text_output_agrees_with_json(self):
        b = binary("mixed-gcc-v0")
        addresses = b.own[::7][:60]
        text = seam("symbolize", "-e", b.path, "-i", "-a", *map(hex, addresses)).stdout
        blocks = text.split("\n\n")
        self.assertEqual(blocks[-1], "")
        self.assertEqual(len(blocks) - 1, len(addresses))
        for address, block in zip(addresses, blocks):
            lines = block.split("\n")
            self.assertEqual(lines[0], hex(address))
            frames = b.results[address]["frames"]
            self.assertEqual(len(lines), 1 + 2 * max(1, len(frames)), block)
            for i, frame in enumerate(frames):
                self.assertTrue(lines[1 + 2 * i].startswith(frame["function"]), block)
                self.assertIn(f"[{frame['language']}", lines[1 + 2 * i])
                self.assertEqual(lines[2 + 2 * i],
                                 f"{frame['file'] or '??'}:{frame['line']}:{frame['column']}")


if __name__ == "__main__":
    unittest.main()

# ctest-labels: kernel
"""`seam symbolize` on real Linux kernels, against llvm-symbolizer-19 and eu-addr2line.

1. The Rust-enabled 6.1 fixture (SHARED_DIR/fixtures/rust-kernel-6.1, built
   with clang 14 and rustc 1.63; its README tells the story). Its vmlinux.xz
   is unpacked once into CACHE_DIR/fixtures/vmlinux-rust-6.1. Thousands of
   addresses: the start and a random interior address of every Rust (`_R`)
   text symbol and of a fixed-seed sample of the C ones, and the inlined
   calls and call sites of every Rust unit and of a sample of C units. Seam
   must agree with llvm-symbolizer-19 frame by frame (function, file, line,
   column) up to the naming styles documented in seamtest.py, with no
   mismatch left. (eu-addr2line 0.188 answers `??:0` for every address of
   this clang-built DWARF 5 vmlinux, so it is no oracle here.)
2. rust_crashme.ko, the fixture's Rust module (ET_REL, relocations in its
   debug sections): its sections are placed with --section as the kernel
   would load them, and every byte of .text, .init.text and .exit.text must
   give eu-addr2line's frames in its section-relative mode (`-j SECTION`).
   llvm-symbolizer-19 reads a .ko with every section at 0, so it is asked
   only where no other code section overlaps, and only for the innermost
   position.
3. Debian's 6.1 cloud kernel with its -dbg vmlinux (gcc 12, .rela.debug_*
   sections from --emit-relocs, which must be ignored): fetched into the
   cache by scripts/fetch-debian-kernel.sh, which the test runs (it does
   nothing when the files are cached); a failure to fetch fails the test.
   Compared with llvm-symbolizer-19 as the fixture is, and on part of the
   sample with eu-addr2line, which reads gcc's DWARF.
"""
import functools
import os
import random
import subprocess
import unittest

import seamtest as st
from seamtest import CACHE_DIR, SHARED_DIR, SOURCE_DIR

FIXTURE_DIR = SHARED_DIR / "fixtures" / "rust-kernel-6.1"
MODULE = FIXTURE_DIR / "rust_crashme.ko"
MODULE_SOURCE = "rust_crashme.rs"
# Where the module's code sections are placed, as the kernel's module loader
# might (module space starts at 0xffffffffc0000000 on x86-64).
MODULE_PLACEMENT = {".text": 0xffffffffc0000000, ".init.text": 0xffffffffc0002000,
                    ".exit.text": 0xffffffffc0003000}
C_SYMBOLS = 1500       # C text symbols of the fixture sampled (start + interior)
C_UNITS = 40           # C units of the fixture whose inlined calls are sampled
INLINED_PER_KIND = 1000
CALL_SITES = 500
DEBIAN_SYMBOLS = 1500  # text symbols of the Debian vmlinux sampled
DEBIAN_UNITS = 25
EU_DEBIAN_ADDRESSES = 600


def fixture_vmlinux():
    return st.rust_fixture_vmlinux()


def rust_unit(name):
    return name is not None and ".rs/@/" in name


class Kernel:
    """A vmlinux with sampled addresses, Seam's results and llvm-symbolizer's."""

    def __init__(self, path, symbol_count, c_unit_count, seed):
        self.path = path
        rng = random.Random(seed)
        self.symbols = [s for s in st.elf_function_symbols(path) if s[1] > 0]
        rust = [s for s in self.symbols if s[2].startswith("_R")]
        c = [s for s in self.symbols if not s[2].startswith("_R")]
        self.rust_symbols = rust
        chosen = rust + rng.sample(c, min(symbol_count, len(c)))
        self.symbol_addresses = {}
        for address, size, name in chosen:
            self.symbol_addresses[address] = name
            if size > 1:
                self.symbol_addresses[address + rng.randrange(1, size)] = name
        units = st.dwarf_units(path)
        rust_units = [u for u in units if rust_unit(u[1])]
        c_units = rng.sample([u for u in units if not rust_unit(u[1])],
                             min(c_unit_count, len(units) - len(rust_units)))
        self.rust_unit_count = len(rust_units)
        inlined, call_sites = {"rust": [], "c": []}, []
        for offset, name in rust_units + c_units:
            found = st.dwarf_code_addresses(path, f"--debug-info={offset:#x}", "-c")
            kind = "rust" if rust_unit(name) else "c"
            inlined[kind] += [a for a, _ in found["inlined"]]
            call_sites += [a for a, _ in found["call_sites"]]
        self.inlined = {kind: sorted(set(rng.sample(sorted(set(found)),
                                                    min(INLINED_PER_KIND, len(set(found))))))
                        for kind, found in inlined.items()}
        call_sites = rng.sample(sorted(set(call_sites)), min(CALL_SITES, len(set(call_sites))))
        addresses = set(self.symbol_addresses)
        for found in self.inlined.values():
            addresses.update(found)
        for address in call_sites:
            addresses.update((address, address - 1))
        self.addresses = sorted(addresses)
        self.results = dict(zip(self.addresses, st.seam_symbolize(path, self.addresses)))
        self.llvm = dict(zip(self.addresses, st.llvm_symbolize(path, self.addresses)))
        self.names = st.SymbolNames(self.symbols, st.demangle(n for _, _, n in self.symbols))

    def compare(self):
        problems, _ = st.compare_results(self.addresses,
                                         [self.results[a] for a in self.addresses],
                                         llvm=[self.llvm[a] for a in self.addresses],
                                         symbols=self.names)
        return problems


@functools.lru_cache(maxsize=None)
def rust_kernel():
    return Kernel(fixture_vmlinux(), C_SYMBOLS, C_UNITS, "rust-kernel-6.1")


@functools.lru_cache(maxsize=None)
def debian_kernel():
    return Kernel(debian_vmlinux(), DEBIAN_SYMBOLS, DEBIAN_UNITS, "debian-6.1")


@functools.lru_cache(maxsize=None)
def debian_vmlinux():
    script = SOURCE_DIR / "scripts" / "fetch-debian-kernel.sh"
    if not script.exists():
        raise AssertionError(f"{script} is missing: it fetches Debian's kernel for this test")
    env = dict(os.environ, SEAM_CACHE_DIR=str(CACHE_DIR))
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                          timeout=3600)
    if proc.returncode != 0:
        raise AssertionError(f"scripts/fetch-debian-kernel.sh failed ({proc.returncode}); run "
                             f"it by hand to fetch Debian's kernel:\n{proc.stderr[-2000:]}")
    path = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if not path or not os.path.isfile(path):
        raise AssertionError(f"scripts/fetch-debian-kernel.sh printed no vmlinux path "
                             f"({proc.stdout!r}); run it by hand")
    return path


class RustKernelTest(unittest.TestCase):
    """The Rust-enabled 6.1 fixture vmlinux."""

    def test_vmlinux_matches_llvm_symbolizer(self):
        kernel = rust_kernel()
        self.assertGreater(len(kernel.addresses), 3000)
        problems = kernel.compare()
        self.assertEqual(len(problems), 0,
                         f"{kernel.path} vs llvm-symbolizer-19: "
                         f"{st.format_problems(problems)}")

    def test_sample_covers_rust_c_and_inlined_code(self):
        kernel = rust_kernel()
        self.assertEqual(kernel.rust_unit_count, 5, "core, alloc, compiler_builtins, bindings, "
                                                    "kernel: the fixture's Rust units")
        self.assertGreater(len(kernel.rust_symbols), 1000)
        self.assertGreater(len(kernel.inlined["rust"]), 300)
        self.assertGreater(len(kernel.inlined["c"]), 300)

    def test_rust_functions_are_rust_and_demangled(self):
        kernel = rust_kernel()
        demangled = st.demangle(n for _, _, n in kernel.rust_symbols)
        problems, checked = [], 0
        for address, size, name in kernel.rust_symbols:
            frames = kernel.results[address]["frames"]
            if not frames:
                problems.append(f"{address:#x} {name}: no frames")
                continue
            outer = frames[-1]
            checked += 1
            if outer["language"] != "rust":
                problems.append(f"{address:#x} {name}: language {outer['language']}")
            if "::" not in outer["function"] or outer["function"].startswith("_R"):
                problems.append(f"{address:#x} {name}: not demangled: {outer['function']!r}")
            if outer["function_offset"] != 0:
                problems.append(f"{address:#x} {name}: offset {outer['function_offset']}")
            # The function is the symbol's, or another symbol at the same
            # address (identical code folded by the linker).
            if st.name_key(outer["function"]) != st.name_key(demangled.get(name, name)) and \
                    not kernel.names.covers(outer["function"], address):
                problems.append(f"{address:#x} {name}: named {outer['function']!r}, "
                                f"llvm-cxxfilt says {demangled.get(name)!r}")
        self.assertGreater(checked, 1000)
        self.assertEqual(len(problems), 0, st.format_problems(problems))

    def test_inlined_frames_in_rust_and_c(self):
        kernel = rust_kernel()
        frames = [f for r in kernel.results.values() for f in r["frames"]]
        for language, suffix in (("rust", ".rs"), ("c", (".c", ".h"))):
            inlined = [f for f in frames if f["inlined"] and f["language"] == language]
            self.assertGreater(len(inlined), 100, f"too few inlined {language} frames")
            self.assertTrue(all(f["file"].endswith(suffix) for f in inlined if f["file"]),
                            [f for f in inlined if not f["file"].endswith(suffix)][:5])
        # Language follows the source file for every DWARF frame.
        wrong = [f for f in frames if f["source"] == "dwarf" and
                 ((f["file"].endswith(".rs") and f["language"] != "rust") or
                  (f["file"].endswith(".c") and f["language"] != "c"))]
        self.assertEqual(len(wrong), 0, wrong[:5])

    def test_kaslr_base(self):
        # --base is the KASLR offset: runtime = link address + offset.
        kernel = rust_kernel()
        offset = 0x1e000000
        addresses = kernel.addresses[::25]
        results = st.seam_symbolize(kernel.path, [a + offset for a in addresses],
                                    "--base", hex(offset))
        for address, result in zip(addresses, results):
            self.assertEqual(result["frames"], kernel.results[address]["frames"], hex(address))


def module_options(placement=MODULE_PLACEMENT):
    options = []
    for name, address in placement.items():
        options += ["--section", f"{name}={address:#x}"]
    return options


def module_sections():
    if not MODULE.exists():
        raise AssertionError(f"{MODULE} is missing: the Rust kernel fixture is not installed "
                             f"beside the repository (see {FIXTURE_DIR}/README.md)")
    return {s["name"]: s for s in st.elf_sections(MODULE)}


class RustModuleTest(unittest.TestCase):
    """rust_crashme.ko, placed with --section."""

    FUNCTIONS = {  # symbol -> the demangled name Seam must give
        "_RNvCsgcprhymdBY0_12rust_crashme10compare_cb": "rust_crashme::compare_cb",
        "_RNvCsgcprhymdBY0_12rust_crashme10crash_here": "rust_crashme::crash_here",
        "_RNvCsgcprhymdBY0_12rust_crashme14sort_through_c": "rust_crashme::sort_through_c",
        "_RNvXCsgcprhymdBY0_12rust_crashmeNtB2_11RustCrashmeNtCsikukNlOigsz_6kernel6Module4init":
            "<rust_crashme::RustCrashme as kernel::Module>::init",
    }

    def test_named_functions(self):
        module_sections()  # the fixture is there
        symbols = {name: (address, size) for address, size, name in
                   st.elf_function_symbols(MODULE)}
        text = MODULE_PLACEMENT[".text"]
        for symbol, function in self.FUNCTIONS.items():
            with self.subTest(function=function):
                self.assertIn(symbol, symbols)
                start, size = symbols[symbol]
                offsets = [0, size // 2, size - 1]
                results = st.seam_symbolize(MODULE, [text + start + o for o in offsets],
                                            *module_options())
                eu = st.eu_addr2line(MODULE, [start + o for o in offsets], "-j", ".text")
                for offset, result, peer in zip(offsets, results, eu):
                    frames = result["frames"]
                    self.assertTrue(frames, f"{function}+{offset:#x}: no frames")
                    outer = frames[-1]
                    self.assertEqual(outer["function"], function)
                    self.assertEqual(outer["language"], "rust")
                    self.assertEqual(outer["source"], "dwarf")
                    self.assertEqual(outer["function_offset"], offset)
                    self.assertTrue(frames[0]["file"].endswith("/" + MODULE_SOURCE), frames[0])
                    self.assertGreater(frames[0]["line"], 0)
                    self.assertEqual(st.compare_with_peer(
                        text + start + offset, result, peer, "eu-addr2line",
                        demangled=st.demangle(f["function"] for f in peer)), [])

    def test_every_code_byte_matches_eu_addr2line(self):
        sections = module_sections()
        total = 0
        for name, base in MODULE_PLACEMENT.items():
            with self.subTest(section=name):
                offsets = list(range(sections[name]["size"]))
                self.assertTrue(offsets)
                results = st.seam_symbolize(MODULE, [base + o for o in offsets],
                                            *module_options())
                eu = st.eu_addr2line(MODULE, offsets, "-j", name)
                demangled = st.demangle(f["function"] for frames in eu for f in frames)
                problems, known = [], 0
                for offset, result, peer in zip(offsets, results, eu):
                    problems += st.compare_with_peer(base + offset, result, peer,
                                                     "eu-addr2line", demangled=demangled)
                    known += bool(result["frames"])
                self.assertEqual(len(problems), 0,
                                 f"{MODULE} {name}: "
                                 f"{st.format_problems(problems)}")
                self.assertGreater(known, len(offsets) * 0.9)
                total += known
        # Inlined frames exist in the module too (crash_here, compare_cb, init_module).
        inlined = st.seam_symbolize(MODULE, [MODULE_PLACEMENT[".text"] + o for o in range(
            sections[".text"]["size"])], *module_options())
        self.assertTrue(any(f["inlined"] for r in inlined for f in r["frames"]))

    def test_text_matches_llvm_symbolizer_positions(self):
        # llvm-symbolizer takes a .ko's addresses as offsets with every section
        # at 0: compare where only .text has code, innermost position only.
        sections = module_sections()
        overlap = max(s["size"] for n, s in sections.items()
                      if s["flags"] & 0x4 and n != ".text")  # SHF_EXECINSTR
        offsets = list(range(overlap, sections[".text"]["size"]))
        base = MODULE_PLACEMENT[".text"]
        results = st.seam_symbolize(MODULE, [base + o for o in offsets], *module_options())
        llvm = st.llvm_symbolize(MODULE, offsets)
        problems = []
        for offset, result, peer in zip(offsets, results, llvm):
            if not peer or not result["frames"]:
                if bool(peer) != bool(result["frames"]) and peer and peer[0]["line"]:
                    problems.append(f".text+{offset:#x}: Seam {result['frames']}, llvm {peer}")
                continue
            ours, theirs = result["frames"][0], peer[0]
            if theirs["line"] == 0 and ours["line"] == 0:
                continue
            if (ours["file"], ours["line"], ours["column"]) != \
                    (theirs["file"], theirs["line"], theirs["column"]):
                problems.append(f".text+{offset:#x}: Seam {ours['file']}:{ours['line']}:"
                                f"{ours['column']}, llvm {theirs['file']}:{theirs['line']}:"
                                f"{theirs['column']}")
        self.assertEqual(len(problems), 0, st.format_problems(problems))

    def test_default_layout_is_libdwfl_layout(self):
        # Without --section the sections are laid out one after another from 0,
        # as libdwfl does: eu-addr2line (no -j) takes the same addresses.
        sections = module_sections()
        addresses = list(range(0, sections[".text"]["size"], 3))
        ours = st.seam_symbolize(MODULE, addresses)
        eu = st.eu_addr2line(MODULE, addresses)
        demangled = st.demangle(f["function"] for frames in eu for f in frames)
        problems = []
        for address, result, peer in zip(addresses, ours, eu):
            problems += st.compare_with_peer(address, result, peer, "eu-addr2line",
                                             demangled=demangled)
        self.assertEqual(len(problems), 0, st.format_problems(problems))

    def test_placement_moves_the_frames(self):
        # The same .text offset placed at two addresses gives the same frames.
        crash_here = 0x100
        frames = []
        for base in (0xffffffffc0000000, 0xffffffffa0100000):
            placement = dict(MODULE_PLACEMENT, **{".text": base})
            frames.append(st.seam_symbolize(MODULE, [base + crash_here],
                                            *module_options(placement))[0]["frames"])
        self.assertTrue(frames[0])
        self.assertEqual(frames[0], frames[1])


class DebianKernelTest(unittest.TestCase):
    """Debian's gcc-built 6.1 vmlinux from linux-image-6.1.0-56-cloud-amd64-dbg."""

    def test_debian_vmlinux_matches_llvm_symbolizer(self):
        kernel = debian_kernel()
        sections = {s["name"] for s in st.elf_sections(kernel.path)}
        # The relocations are already applied: Seam must not apply them again.
        self.assertIn(".rela.debug_info", sections)
        self.assertGreater(len(kernel.addresses), 2000)
        problems = kernel.compare()
        self.assertEqual(len(problems), 0,
                         f"{kernel.path} vs llvm-symbolizer-19: "
                         f"{st.format_problems(problems)}")
        frames = [f for r in kernel.results.values() for f in r["frames"]]
        self.assertGreater(sum(f["inlined"] for f in frames), 200)
        self.assertGreater(sum(f["source"] == "dwarf" and f["language"] == "c"
                               for f in frames), 1000)

    def test_debian_vmlinux_matches_eu_addr2line(self):
        # eu-addr2line reads this gcc-built DWARF (unlike the clang-built
        # fixture's): a check independent of LLVM, on part of the sample.
        kernel = debian_kernel()
        addresses = sorted(random.Random("eu").sample(kernel.addresses, EU_DEBIAN_ADDRESSES))
        eu = st.eu_addr2line(kernel.path, addresses)
        demangled = st.demangle(f["function"] for frames in eu for f in frames)
        problems, waived = st.compare_results(
            addresses, [kernel.results[a] for a in addresses],
            llvm=[kernel.llvm[a] for a in addresses], eu=eu, symbols=kernel.names,
            demangled=demangled)
        self.assertEqual(len(problems), 0,
                         f"{kernel.path} vs eu-addr2line: "
                         f"{st.format_problems(problems)}")
        self.assertLess(len(waived), len(addresses) // 50, st.format_problems(waived))

    def test_debian_symbol_aliases(self):
        # crc32_be is a weak alias of crc32_be_base: either name is right, and
        # the position is the function's.
        path = debian_vmlinux()
        symbols = {name: address for address, _, name in st.elf_function_symbols(path)}
        self.assertIn("crc32_be", symbols, "Debian's 6.1 kernel has crc32_be")
        result = st.seam_symbolize(path, [symbols["crc32_be"] + 4])[0]
        outer = result["frames"][-1]
        self.assertIn(outer["function"], ("crc32_be", "crc32_be_base"))
        self.assertTrue(outer["file"].endswith("lib/crc32.c"), outer)
        self.assertEqual(outer["function_offset"], 4)


if __name__ == "__main__":
    unittest.main()

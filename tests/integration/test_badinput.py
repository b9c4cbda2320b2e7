# ctest-labels: badinput
"""`seam symbolize` on malformed input: never a crash, never a hang.

Every case runs `seam symbolize` with a 60 s timeout and requires that it
neither dies of a signal nor reports a sanitizer error (this module also runs
under ASan+UBSan in CI). Then, by kind of input:
  - a file that cannot be used at all (not ELF, empty, truncated, a
    directory, missing, a broken ELF header or section table), and bad
    arguments (a --section naming no section, malformed addresses): a
    non-zero exit status and exactly ONE line on stderr, `seam symbolize:
    ...`, naming the file (or the bad argument) and the problem;
  - damaged DWARF in an otherwise valid file (bytes overwritten in
    .debug_info, .debug_line, .debug_abbrev, .debug_str, in compressed
    sections, in a module's .rela.debug_* sections): either that clean
    one-line failure, or exit 0 with well-formed output for every address
    (symbol-table frames or whatever DWARF is left), warnings allowed;
  - a valid ELF without DWARF or symbols: exit 0 and `??`.
"""
import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import unittest

import seamtest as st
from seamtest import SEAM, SHARED_DIR, sample

TIMEOUT = 60
RANDOM_DAMAGE_RUNS = 30  # per file
SANITIZER_MARKS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                   "runtime error", "MemorySanitizer", "ThreadSanitizer", "terminate called",
                   "Segmentation fault", "core dumped", "Assertion `", "std::bad_alloc")
MODULE = SHARED_DIR / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko"

SHF_COMPRESSED = 0x800


def symbolize(*args, input=None):
    """Runs `seam symbolize ARGS`; fails the test on a hang, a signal or a
    sanitizer report. Returns the CompletedProcess."""
    command = [SEAM, "symbolize", *map(str, args)]
    try:
        proc = subprocess.run(command, input=None if input is None else input.encode(),
                              capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise AssertionError(f"hang: {' '.join(command)} ran for more than {TIMEOUT} s")
    proc.stderr = proc.stderr.decode(errors="replace")
    try:
        # JSON is UTF-8 (RFC 8259), whatever bytes the DWARF strings hold.
        proc.stdout = proc.stdout.decode("utf-8", errors="strict" if "--json" in args else
                                         "replace")
    except UnicodeDecodeError as error:
        context = proc.stdout[max(0, error.start - 120):error.end + 20]
        raise AssertionError(f"{' '.join(command)}: the JSON output is not valid UTF-8 "
                             f"({error}): {context!r}")
    if proc.returncode < 0:
        raise AssertionError(f"crash: {' '.join(command)} died of signal {-proc.returncode}:"
                             f"\n{proc.stderr[-3000:]}")
    for mark in SANITIZER_MARKS:
        if mark in proc.stderr:
            raise AssertionError(f"{' '.join(command)}: {mark} on stderr:\n{proc.stderr[-3000:]}")
    return proc


class BadInputCase(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="seam-badinput-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assertCleanFailure(self, proc, *must_name):
        """Non-zero exit, and one line on stderr naming each of `must_name`."""
        self.assertGreater(proc.returncode, 0, f"exit 0 (stdout {proc.stdout[:300]!r}), "
                                               f"want a failure; stderr {proc.stderr!r}")
        lines = proc.stderr.splitlines()
        self.assertEqual(len(lines), 1, f"want exactly one line on stderr, got {proc.stderr!r}")
        self.assertTrue(lines[0].startswith("seam symbolize: ") or lines[0].startswith("seam: "),
                        lines[0])
        for text in must_name:
            self.assertIn(str(text), lines[0])
        self.assertGreater(len(lines[0]), len("seam symbolize: ") + 10, lines[0])
        self.assertEqual(proc.stdout, "", "nothing on stdout when nothing could be done")

    def assertCleanOutcome(self, proc, path, addresses):
        """Either a clean one-line failure naming `path`, or exit 0 with one
        well-formed JSON result per address (stderr: warnings only)."""
        if proc.returncode != 0:
            self.assertCleanFailure(proc, path)
            return []
        for line in proc.stderr.splitlines():
            self.assertTrue(line.startswith("seam symbolize: warning: ") or
                            line.startswith("seam symbolize: names from"), proc.stderr[-2000:])
        results = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([int(r["address"], 16) for r in results], list(addresses))
        for result in results:
            for frame in result["frames"]:
                self.assertIsInstance(frame["function"], str)
                self.assertIsInstance(frame["line"], int)
                self.assertIn(frame["source"], ("dwarf", "symtab"))
                self.assertIn(frame["language"], ("c", "c++", "rust", "asm", "unknown"))
        return results


def legacy_addresses():
    """Function starts and interiors of mixed-gcc-legacy: C, Rust, std."""
    symbols = [s for s in st.elf_function_symbols(sample("mixed-gcc-legacy")) if s[1] > 4]
    picked = [s for s in symbols if s[2] in ("main", "mixed_c_report", "mixed_rust_entry")]
    picked += symbols[:: max(1, len(symbols) // 40)]
    addresses = []
    for address, size, _ in picked:
        addresses += [address, address + size // 2]
    return sorted(set(addresses))


class UnusableFileTest(BadInputCase):
    """Files Seam cannot use at all: one clean line, non-zero exit."""

    def test_text_file(self):
        path = self.write("notes.txt", b"this is not an ELF file\nat all\n")
        self.assertCleanFailure(symbolize("-e", path, "0x1000"), path)

    def test_empty_file(self):
        path = self.write("empty", b"")
        self.assertCleanFailure(symbolize("-e", path, "0x1000"), path)

    def test_directory(self):
        self.assertCleanFailure(symbolize("-e", self.tmp, "0x1000"), self.tmp)

    def test_nonexistent_path(self):
        path = os.path.join(self.tmp, "no", "such", "file")
        self.assertCleanFailure(symbolize("-e", path, "0x1000"), path)

    def test_fifo_does_not_hang(self):
        # Opening a FIFO for reading blocks until a writer comes: Seam must
        # refuse it at once (the run has a timeout, so a hang fails).
        path = os.path.join(self.tmp, "fifo")
        os.mkfifo(path)
        self.assertCleanFailure(symbolize("-e", path, "0x1000"), path)

    def test_truncated_elf(self):
        data = open(sample("mixed-gcc-legacy"), "rb").read()
        for size in (1, 4, 10, 16, 63, 64, 65, 1000, len(data) // 2, len(data) - 1):
            with self.subTest(size=size):
                path = self.write(f"truncated-{size}", data[:size])
                self.assertCleanFailure(symbolize("-e", path, "--json", "0x14ca4"), path)

    def test_truncated_module(self):
        data = open(MODULE, "rb").read()
        for size in (10, 64, len(data) // 2):
            with self.subTest(size=size):
                path = self.write(f"truncated-{size}.ko", data[:size])
                proc = symbolize("-e", path, "--section", ".text=0xffffffffc0000000",
                                 "0xffffffffc0000100")
                self.assertCleanFailure(proc, path)

    def test_broken_elf_header(self):
        data = bytearray(open(sample("mixed-gcc-legacy"), "rb").read())
        cases = {  # name: (offset, struct format, value)
            "class32": (4, "<B", 1),          # EI_CLASS = ELFCLASS32 on a 64-bit file
            "bigendian": (5, "<B", 2),        # EI_DATA = ELFDATA2MSB
            "badclass": (4, "<B", 7),
            "shoff-past-eof": (0x28, "<Q", len(data) + 4096),
            "shoff-huge": (0x28, "<Q", 0xfffffffffffff000),
            "shentsize": (0x3A, "<H", 7),
            "shnum-huge": (0x3C, "<H", 0xffff),
        }
        for name, (offset, fmt, value) in cases.items():
            with self.subTest(case=name):
                broken = bytearray(data)
                struct.pack_into(fmt, broken, offset, value)
                path = self.write(f"header-{name}", bytes(broken))
                proc = symbolize("-e", path, "--json", "0x14ca4")
                # A header this broken cannot be used; Seam may still get by
                # when the damage is in a field it does not need.
                if proc.returncode != 0:
                    self.assertCleanFailure(proc, path)
                else:
                    self.assertCleanOutcome(proc, path, [0x14ca4])


class BadArgumentTest(BadInputCase):
    def test_bad_addresses(self):
        path = sample("mixed-gcc-legacy")
        for address in ("zz", "0x", "0x12345678901234567", "12345678901234567", "-1", "0xg1",
                        "", " ", "0x 1"):
            with self.subTest(address=address):
                proc = symbolize("-e", path, "0x14ca4", address)
                self.assertCleanFailure(proc, f"'{address}'")
                self.assertEqual(proc.returncode, 2)

    def test_largest_address_is_fine(self):
        proc = symbolize("-e", sample("mixed-gcc-legacy"), "--json", "0xffffffffffffffff",
                         "ffffffffffffffff", "0x0")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual([json.loads(line)["frames"] for line in proc.stdout.splitlines()],
                         [[], [], []])

    def test_bad_address_on_stdin_is_reported_and_skipped(self):
        proc = symbolize("-e", sample("mixed-gcc-legacy"), "--json",
                         input="0x14ca4\nzz\n0x\n\n0x12345678901234567\n0x14ca4\n")
        self.assertEqual(proc.returncode, 1)
        results = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual([r["address"] for r in results], ["0x14ca4", "0x14ca4"])
        errors = proc.stderr.splitlines()
        self.assertEqual(len(errors), 3, proc.stderr)
        for error, text in zip(errors, ("zz", "0x", "0x12345678901234567")):
            self.assertIn(f"'{text}'", error)

    def test_bad_base(self):
        for base in ("zz", "0x", "0x12345678901234567"):
            with self.subTest(base=base):
                proc = symbolize("-e", sample("mixed-gcc-legacy"), "--base", base, "0x14ca4")
                self.assertCleanFailure(proc, base)

    def test_module_with_unknown_section(self):
        proc = symbolize("-e", MODULE, "--section", ".no_such_section=0xffffffffc0000000",
                         "0xffffffffc0000100")
        self.assertCleanFailure(proc, MODULE, ".no_such_section")

    def test_module_with_malformed_section_argument(self):
        for spec in (".text", "=0x1000", ".text=", ".text=zz", ".text=0x12345678901234567"):
            with self.subTest(spec=spec):
                proc = symbolize("-e", MODULE, "--section", spec, "0xffffffffc0000100")
                self.assertCleanFailure(proc, spec)

    def test_module_with_non_allocated_section(self):
        # .debug_info is not loaded: placing it means nothing.
        proc = symbolize("-e", MODULE, "--section", ".debug_info=0xffffffffc0000000",
                         "0xffffffffc0000100")
        self.assertCleanFailure(proc, MODULE, ".debug_info")

    def test_section_on_executable(self):
        path = sample("mixed-gcc-legacy")
        proc = symbolize("-e", path, "--section", ".text=0x1000", "0x1000")
        self.assertCleanFailure(proc, path)

    def test_no_file(self):
        proc = symbolize("0x1000")
        self.assertEqual(proc.returncode, 2)
        self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)


class NoDebugInfoTest(BadInputCase):
    def test_elf_without_dwarf_or_symtab(self):
        path = sample("mixed-gcc-legacy.nosyms")
        addresses = legacy_addresses()
        proc = symbolize("-e", path, "--json", "-i", *map(hex, addresses))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(proc.stderr, "")
        self.assertCleanOutcome(proc, path, addresses)
        text = symbolize("-e", path, "0x14ca4")
        self.assertEqual((text.returncode, text.stdout), (0, "??\n??:0:0\n\n"))

    def test_elf_without_sections_of_interest(self):
        # An ELF file with no section headers at all (as `strip` can never
        # make, but a dump or a hand-made file can): e_shoff = e_shnum = 0.
        data = bytearray(open(sample("mixed-gcc-legacy"), "rb").read())
        struct.pack_into("<Q", data, 0x28, 0)
        struct.pack_into("<HHH", data, 0x3A, 64, 0, 0)
        path = self.write("no-sections", bytes(data))
        proc = symbolize("-e", path, "--json", "0x14ca4")
        if proc.returncode != 0:
            self.assertCleanFailure(proc, path)
        else:
            self.assertCleanOutcome(proc, path, [0x14ca4])


def section(path, name):
    for s in st.elf_sections(path):
        if s["name"] == name:
            return s
    raise AssertionError(f"{path} has no {name}")


class CorruptDwarfTest(BadInputCase):
    """Damaged debug sections: clean failure or usable output, never a crash."""

    SECTIONS = (".debug_info", ".debug_line", ".debug_abbrev", ".debug_str",
                ".debug_rnglists", ".debug_line_str")

    def corrupt(self, source, name, section_name, patches):
        """A copy of `source` with `patches` [(offset in section, bytes)] applied."""
        data = bytearray(open(source, "rb").read())
        s = section(source, section_name)
        for offset, patch in patches:
            offset = offset % max(1, s["size"] - len(patch))
            data[s["offset"] + offset:s["offset"] + offset + len(patch)] = patch
        return self.write(name, bytes(data))

    def patterns(self, size):
        """Damage of several kinds at several places of a section of `size` bytes."""
        return {
            "head-ff": [(0, b"\xff" * 16)],
            "head-zero": [(0, b"\x00" * 16)],
            "length-huge": [(0, struct.pack("<I", 0xfffffff0))],
            "length-64bit": [(0, b"\xff\xff\xff\xff" + struct.pack("<Q", 1 << 62))],
            "version": [(4, struct.pack("<H", 0x99))],
            "middle-ff": [(size // 2, b"\xff" * 64)],
            "middle-0x80": [(size // 3, b"\x80" * 64)],  # endless LEB128s
            "scattered": [(size * k // 17 + 7, bytes([0xa5 ^ k, 0x5a, 0xff, k]))
                          for k in range(17)],
            "tail": [(size - 8, b"\xff" * 8)],
        }

    def check_file(self, path, addresses):
        proc = symbolize("-e", path, "--json", "-i", input="".join(f"{a:#x}\n" for a in addresses))
        return self.assertCleanOutcome(proc, path, addresses)

    def test_overwritten_bytes_in_debug_sections(self):
        source = sample("mixed-gcc-legacy")
        addresses = legacy_addresses()
        for section_name in self.SECTIONS:
            size = section(source, section_name)["size"]
            for pattern, patches in self.patterns(size).items():
                with self.subTest(section=section_name, damage=pattern):
                    path = self.corrupt(source, f"corrupt{section_name}-{pattern}",
                                        section_name, patches)
                    self.check_file(path, addresses)
                    os.unlink(path)

    def test_damage_in_a_rust_and_cpp_build(self):
        source = sample("mixed-clang-v0")
        symbols = [s for s in st.elf_function_symbols(source) if s[1] > 4]
        addresses = sorted({a + o for a, size, _ in symbols[::60] for o in (0, size // 2)})
        for section_name in (".debug_info", ".debug_line", ".debug_abbrev"):
            size = section(source, section_name)["size"]
            for pattern in ("middle-ff", "scattered", "middle-0x80"):
                with self.subTest(section=section_name, damage=pattern):
                    path = self.corrupt(source, f"clang{section_name}-{pattern}", section_name,
                                        self.patterns(size)[pattern])
                    self.check_file(path, addresses)
                    os.unlink(path)

    def test_damaged_compressed_sections(self):
        addresses = legacy_addresses()
        for variant in ("mixed-gcc-legacy.zlib", "mixed-gcc-legacy.zstd"):
            source = sample(variant)
            s = section(source, ".debug_info")
            self.assertTrue(s["flags"] & SHF_COMPRESSED, f"{variant}: .debug_info not compressed")
            damages = {
                # Elf64_Chdr: ch_type, ch_reserved, ch_size, ch_addralign.
                "unknown-type": [(0, struct.pack("<I", 77))],
                "size-huge": [(8, struct.pack("<Q", 1 << 62))],
                "size-zero": [(8, struct.pack("<Q", 0))],
                "size-small": [(8, struct.pack("<Q", 100))],
                "size-too-big": [(8, struct.pack("<Q", s["size"] * 1000))],
                "stream": [(64, b"\xff" * 32)],
                "stream-tail": [(s["size"] - 40, b"\x00" * 32)],
            }
            for name, patches in damages.items():
                with self.subTest(variant=variant, damage=name):
                    path = self.corrupt(source, f"{variant}-{name}", ".debug_info", patches)
                    self.check_file(path, addresses)
                    os.unlink(path)

    def test_section_table_pointing_outside_the_file(self):
        source = sample("mixed-gcc-legacy")
        data = open(source, "rb").read()
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, = struct.unpack_from("<H", data, 0x3A)
        addresses = legacy_addresses()
        for section_name in (".debug_info", ".debug_line", ".debug_str", ".symtab", ".strtab"):
            index = section(source, section_name)["index"]
            header = shoff + index * shentsize
            for field, (offset, value) in {
                    "size-past-eof": (0x20, len(data)),
                    "offset-past-eof": (0x18, len(data) + 100),
                    "offset-huge": (0x18, 0xfffffffffffffff0),
                    "size-huge": (0x20, 0x7fffffffffffffff)}.items():
                with self.subTest(section=section_name, field=field):
                    broken = bytearray(data)
                    struct.pack_into("<Q", broken, header + offset, value)
                    path = self.write(f"shdr{section_name}-{field}", bytes(broken))
                    self.check_file(path, addresses)
                    os.unlink(path)

    def test_damaged_module_relocations(self):
        # A .ko's DWARF is relocated by Seam itself: bad relocations must be
        # rejected or ignored, never applied outside the section.
        placement = ["--section", ".text=0xffffffffc0000000"]
        addresses = [0xffffffffc0000000 + o for o in (0, 0x50, 0x100, 0x145, 0x15b, 0x187, 0x200)]
        s = section(MODULE, ".rela.debug_info")
        count = s["size"] // 24
        info_size = section(MODULE, ".debug_info")["size"]
        damages = {  # Elf64_Rela: r_offset, r_info (sym << 32 | type), r_addend
            "offset-past-section": lambda i: struct.pack("<Q", 0xfffffff0 + i),
            "offset-at-end": lambda i: struct.pack("<Q", info_size - 2),
            "symbol-out-of-range": lambda i: struct.pack("<QQ", 8, (0xffffff << 32) | 1),
            "type-unknown": lambda i: struct.pack("<QQ", 8, (1 << 32) | 0xee),
            "type-none": lambda i: struct.pack("<QQ", 8, (1 << 32) | 0),
            "type-pc32": lambda i: struct.pack("<QQ", 8, (1 << 32) | 2),
        }
        for name, entry in damages.items():
            with self.subTest(damage=name):
                data = bytearray(open(MODULE, "rb").read())
                for i in range(0, count, max(1, count // 20)):
                    patch = entry(i)
                    start = s["offset"] + i * 24
                    data[start:start + len(patch)] = patch
                path = self.write(f"rela-{name}.ko", bytes(data))
                proc = symbolize("-e", path, "--json", "-i", *placement, *map(hex, addresses))
                self.assertCleanOutcome(proc, path, addresses)
        # The relocation table itself cut short or misaligned.
        for name, (field, value) in {"rela-size-odd": (0x20, s["size"] - 5),
                                     "rela-entsize-zero": (0x38, 0),
                                     "rela-link-bad": (0x28, 0xffff)}.items():
            with self.subTest(damage=name):
                data = bytearray(open(MODULE, "rb").read())
                shoff, = struct.unpack_from("<Q", data, 0x28)
                header = shoff + s["index"] * 64
                fmt = "<I" if field == 0x28 else "<Q"
                struct.pack_into(fmt, data, header + field, value)
                path = self.write(f"{name}.ko", bytes(data))
                proc = symbolize("-e", path, "--json", "-i", *placement, *map(hex, addresses))
                self.assertCleanOutcome(proc, path, addresses)

    def random_damage(self, regions, changes):
        """Seeded random byte changes in `regions(source)` -> [(file offset,
        size)] of small files, so that many runs stay cheap."""
        targets = [(sample("libmixed-cpp-gcc.so"), [], 0),
                   (MODULE, ["--section", ".text=0xffffffffc0000000"], 0xffffffffc0000000)]
        for source, options, base in targets:
            places = [r for r in regions(source) if r[1] > 0]
            symbols = [s for s in st.elf_function_symbols(source) if s[1]]
            addresses = sorted({base + a + o for a, size, _ in symbols for o in (0, size // 2)})
            original = open(source, "rb").read()
            for seed in range(RANDOM_DAMAGE_RUNS):
                with self.subTest(file=os.path.basename(source), seed=seed):
                    rng = random.Random(seed)
                    data = bytearray(original)
                    for _ in range(rng.choice(changes)):
                        offset, size = rng.choice(places)
                        data[offset + rng.randrange(size)] = rng.choice(
                            (0, 0xff, 0x80, rng.randrange(256)))
                    path = self.write(f"random-{seed}-{os.path.basename(source)}", bytes(data))
                    proc = symbolize("-e", path, "--json", "-i", *options, *map(hex, addresses))
                    self.assertCleanOutcome(proc, path, addresses)
                    os.unlink(path)

    def test_random_damage_in_debug_sections(self):
        # All over the debug sections and, for the module, their relocations.
        self.random_damage(lambda source: [
            (s["offset"], s["size"]) for s in st.elf_sections(source)
            if s["name"].startswith((".debug", ".rela.debug"))], (1, 4, 16, 64))

    def test_random_damage_in_headers_and_symbols(self):
        # The ELF header, the section header table and the symbol tables.
        def regions(source):
            sections = st.elf_sections(source)
            with open(source, "rb") as f:
                header = f.read(64)
            shoff, = struct.unpack_from("<Q", header, 0x28)
            return [(0, 64), (shoff, 64 * len(sections))] + [
                (s["offset"], s["size"]) for s in sections
                if s["name"] in (".symtab", ".strtab", ".dynsym", ".dynstr")]
        self.random_damage(regions, (1, 2, 4))

    def test_module_for_another_machine(self):
        # The same .ko claiming to be AArch64: its relocation types mean other
        # things there; Seam must refuse them or apply them correctly, not crash.
        data = bytearray(open(MODULE, "rb").read())
        struct.pack_into("<H", data, 0x12, 183)  # EM_AARCH64
        path = self.write("aarch64.ko", bytes(data))
        addresses = [0xffffffffc0000100]
        proc = symbolize("-e", path, "--json", "--section", ".text=0xffffffffc0000000",
                         *map(hex, addresses))
        self.assertCleanOutcome(proc, path, addresses)

    def test_debuglink_to_a_damaged_debug_file(self):
        # The stripped binary is fine, its separate debug file is not: the
        # symbol table of the binary is still there to use.
        directory = os.path.join(self.tmp, "debuglink")
        os.makedirs(directory, exist_ok=True)
        binary = os.path.join(directory, "mixed-gcc-legacy")
        shutil.copy(sample("debuglink/mixed-gcc-legacy"), binary)
        debug = sample("debuglink/mixed-gcc-legacy.debug")
        addresses = legacy_addresses()
        for name, data in {"empty": b"", "text": b"not ELF\n",
                           "truncated": open(debug, "rb").read()[:4096]}.items():
            with self.subTest(debug_file=name):
                with open(os.path.join(directory, "mixed-gcc-legacy.debug"), "wb") as f:
                    f.write(data)
                proc = symbolize("-e", binary, "--json", *map(hex, addresses))
                self.assertCleanOutcome(proc, binary, addresses)


if __name__ == "__main__":
    unittest.main()

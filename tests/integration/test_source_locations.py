# ctest-labels: samples
"""Breakpoint locations (symbolizer/source_locations.h) against gdb as the oracle.

For functions of each language (C, C++ qualified and by their last
components, Rust paths, generic and inlined functions) and FILE:LINE
locations in every source file of the mixed samples, the addresses of
`seam_resolve_location BINARY LOCATION` must be exactly those gdb lists for
`break LOCATION` (every location of a multi-location breakpoint). gdb is
asked once per binary, the breakpoints made and deleted one after another.

Then the Rust fixture kernel (vmlinux-rust-6.1 and rust_crashme.ko, when
present): `rust_crashme::compare_cb` and `sort_r`, compared as SYMBOL+OFFSET
(gdb places a .ko's sections elsewhere than Seam does).
"""
import os
import re
import unittest
from pathlib import Path

import seamtest as st
from seamtest import BUILD_DIR, SHARED_DIR, sample

TOOL = os.environ.get("SEAM_RESOLVE_LOCATION", str(BUILD_DIR / "tests" / "seam_resolve_location"))
BINARIES = ["mixed-gcc-v0", "mixed-clang-v0", "mixed-gcc-legacy"]
FUNCTIONS = [
    # C: out of line, static, inlined (always_inline and static inline).
    "main", "mixed_c_report", "capture_stack", "find_object_cb", "exe_bias_cb",
    "summarize", "maybe_capture", "parse_mode", "run_mode",
    # C++: qualified, by last components (gdb's wild matching), extern "C".
    "seam::geometry::CReporter::on_total", "CReporter::on_total", "on_total",
    "seam::geometry::Canvas::render", "mixed_cpp_total_area",
    # Rust: paths, a generic function, #[inline(always)] functions, extern "C".
    "mixed_rs::measure_scene<mixed_rs::Unit>", "mixed_rs::make_scene", "mixed_rs::reject", "mixed_rs::dispatch",
    "mixed_rs::cpp_total_area", "mixed_rust_entry",
]
LINES = [
    "callback.c:52", "callback.c:80", "callback.c:121", "callback.c:130", "callback.c:137",
    "callback.c:140", "main.c:19", "main.c:37", "main.c:40", "main.c:52", "main.c:55",
    "shapes.cpp:74", "shapes.cpp:84", "shapes.cpp:104", "shapes.cpp:106", "shapes.cpp:135",
    "lib.rs:98", "lib.rs:171", "lib.rs:192", "lib.rs:205", "lib.rs:212", "lib.rs:216",
    "lib.rs:231", "lib.rs:241", "mixed/main.c:44",
]

ADDRESS = re.compile(r"\s(0x[0-9a-f]+)\s")


def gdb_breakpoints(binary, locations, symbols=False):
    """{location: sorted addresses (or 'SYMBOL+OFF' strings)} from gdb's `break`."""
    gdb = st.require_tool("gdb")
    args = [gdb, "-nx", "-batch", "-ex", "set breakpoint pending off",
            "-ex", "set width 0", "-ex", "set confirm off"]
    for location in locations:
        args += ["-ex", f"echo @@{location}\\n", "-ex", f"break {location}",
                 "-ex", "info breakpoints", "-ex", "delete"]
    out = st.run(*args, binary, check=False, timeout=600).stdout
    result = {}
    for chunk in out.split("@@")[1:]:
        location, _, rest = chunk.partition("\n")
        addresses = sorted({int(a, 16) for a in ADDRESS.findall(rest)})
        result[location] = addresses
    if symbols:
        wanted = sorted({a for v in result.values() for a in v})
        # Mangled, as the ELF symbol table spells them.
        args = [gdb, "-nx", "-batch", "-ex", "set print demangle off", "-ex",
                "set print asm-demangle off"]
        for a in wanted:
            args += ["-ex", f"echo @@{a:#x}\\n", "-ex", f"info symbol {a:#x}"]
        names = {}
        for chunk in st.run(*args, binary, check=False).stdout.split("@@")[1:]:
            address, _, rest = chunk.partition("\n")
            m = re.match(r"(\S+) \+ (\d+) in section", rest.strip())
            m0 = re.match(r"(\S+) in section", rest.strip())
            names[int(address, 16)] = (f"{m.group(1)}+{int(m.group(2)):#x}" if m else
                                       f"{m0.group(1)}+0x0" if m0 else "?")
        result = {loc: sorted(names[a] for a in v) for loc, v in result.items()}
    return result


def seam_breakpoints(binary, locations, symbols=False):
    out = st.run(TOOL, binary, *locations, timeout=600).stdout
    result = {location: [] for location in locations}
    for line in out.splitlines():
        fields = line.split("\t")
        if fields[1] == "error":
            continue
        result[fields[0]].append(fields[2] if symbols else int(fields[1], 16))
    return {loc: sorted(set(v)) for loc, v in result.items()}


def show(values):
    return [v if isinstance(v, str) else hex(v) for v in values]


class SampleBreakpoints(unittest.TestCase):
    def compare(self, binary, locations):
        path = sample(binary)
        gdb = gdb_breakpoints(path, locations)
        seam = seam_breakpoints(path, locations)
        for location in locations:
            with self.subTest(binary=binary, location=location):
                self.assertEqual(show(seam[location]), show(gdb[location]))
        return gdb

    def test_functions(self):
        for binary in BINARIES:
            gdb = self.compare(binary, FUNCTIONS)
            # The list must exercise something: gdb finds most of these.
            self.assertGreater(sum(1 for v in gdb.values() if v), len(FUNCTIONS) // 2, binary)

    def test_file_lines(self):
        for binary in BINARIES:
            gdb = self.compare(binary, LINES)
            self.assertGreater(sum(1 for v in gdb.values() if v), len(LINES) // 2, binary)

    def test_every_line_of_callback_c(self):
        # Every line, with code or without (then the next line with code).
        self.compare("mixed-gcc-v0", [f"callback.c:{n}" for n in range(40, 150)])
        self.compare("mixed-clang-v0", [f"callback.c:{n}" for n in range(40, 150)])


def rust_kernel_files():
    vmlinux = st.rust_fixture_vmlinux()
    module = SHARED_DIR / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko"
    return vmlinux, module


class RustKernelBreakpoints(unittest.TestCase):
    def compare(self, binary, locations, symbols):
        gdb = gdb_breakpoints(binary, locations, symbols)
        seam = seam_breakpoints(binary, locations, symbols)
        for location in locations:
            with self.subTest(binary=Path(binary).name, location=location):
                self.assertTrue(gdb[location], f"gdb has no {location}")
                self.assertEqual(show(seam[location]), show(gdb[location]))

    def test_module(self):
        _, module = rust_kernel_files()
        if not module.exists():
            self.fail(f"{module} is missing")
        self.compare(module, ["rust_crashme::compare_cb"], symbols=True)

    def test_vmlinux(self):
        vmlinux, _ = rust_kernel_files()
        if not vmlinux.exists():
            self.fail(f"{vmlinux} is missing (unpacked by the tests' setup)")
        self.compare(vmlinux, ["sort_r", "do_one_initcall", "kernel::print::call_printk",
                               "lib/sort.c:200", "lib/sort.c:150", "lib/sort.c:100",
                               "kernel/panic.c:300"], symbols=False)


if __name__ == "__main__":
    unittest.main()

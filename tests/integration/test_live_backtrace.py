# ctest-labels: samples
"""The README's main job, checked: a sample program prints its own raw call
stack (C -> Rust -> C++ -> C), and seam turns each return address into the
mixed-language frames, inlined calls included, in order.

Each variant runs for real; the addresses are runtime addresses of the
process (PIE and shared-object load biases come from the program itself).
"""
import os
import unittest

from seamtest import run, sample, seam_symbolize

# The stack, innermost first, as (language, name) of every frame, inlined
# frames included. Names are compared by containment, since C++ names carry
# parameter lists and legacy Rust names drop generic arguments.
EXPECTED = [
    ("c", "capture_stack"),
    ("c", "maybe_capture"), ("c", "mixed_c_report"),
    ("c++", "operator()"), ("c++", "notify<"), ("c++", "seam::geometry::CReporter::on_total"),
    ("c++", "seam::geometry::Canvas::render"),
    ("c++", "mixed_cpp_total_area"),
    ("rust", "mixed_rs::cpp_total_area"), ("rust", "mixed_rs::measure_scene"),
    ("rust", "mixed_rs::with_specs"), ("rust", "mixed_rs::measure_scene"),
    ("rust", "mixed_rs::dispatch"), ("rust", "mixed_rs::mixed_rust_entry"),
    ("c", "run_mode"), ("c", "main"),
]


def frames_of_backtrace(program):
    """Runs `program backtrace`; returns the frames seam gives for each
    return address in a sample object (executable or .so), in stack order."""
    proc = run(program, "backtrace")
    frames = []
    for line in proc.stderr.splitlines():
        if not line.startswith("frame "):
            continue
        _, _, address, obj, bias = line.split()
        if os.path.dirname(obj) != os.path.dirname(str(program)):
            continue  # libc and the dynamic loader are not ours to check
        file_address = int(address, 16) - int(bias, 16)
        frames += seam_symbolize(obj, [file_address])[0]["frames"]
    return frames


class LiveBacktraceTest(unittest.TestCase):
    def check_variant(self, name):
        frames = frames_of_backtrace(sample(name))
        got = [(f["language"], f["function"]) for f in frames]
        position = 0
        for language, fragment in EXPECTED:
            while position < len(got) and not (got[position][0] == language
                                               and fragment in got[position][1]):
                position += 1
            self.assertLess(position, len(got),
                            f"{name}: no {language} frame '{fragment}' in order in {got}")
            position += 1
        # Below main only the C library's entry point, named from the symbol table.
        self.assertEqual(frames[-1]["function"], "_start")
        self.assertEqual(frames[-1]["source"], "symtab")
        self.assertTrue(any(f["inlined"] for f in frames if f["language"] == "rust"))
        dwarf_frames = [f for f in frames if f["source"] == "dwarf"]
        self.assertEqual(len(dwarf_frames), len(frames) - 1)
        self.assertTrue(all(f["file"] and f["line"] for f in dwarf_frames), dwarf_frames)
        return frames

    def test_gcc_with_shared_object_and_legacy_rust(self):
        frames = self.check_variant("mixed-gcc-legacy")
        # GCC's lambda is qualified by the function it is defined in.
        self.assertIn("seam::geometry::CReporter::on_total::<lambda>::operator()",
                      [f["function"] for f in frames])

    def test_gcc_v0(self):
        self.check_variant("mixed-gcc-v0")

    def test_clang_legacy(self):
        self.check_variant("mixed-clang-legacy")

    def test_clang_v0(self):
        frames = self.check_variant("mixed-clang-v0")
        self.assertIn("mixed_rs::measure_scene::<mixed_rs::Unit>",
                      [f["function"] for f in frames])


if __name__ == "__main__":
    unittest.main()

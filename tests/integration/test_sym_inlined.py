# ctest-labels: corpus;kernel
"""`seam sym --inlined FUNCTION|ADDR`: the calls inlined into a function, on the corpus's
sysrq-kaslr and module-bug dumps. Every inlined frame of `bt` is one of the calls listed for its
function, at its caller frame's file and line; the text form has the rows of the JSON form; an
address without a DWARF function is an error naming it. (tests/corpus/inlined_calls_test.cpp
holds the calls equal to llvm-dwarfdump-19's DW_TAG_inlined_subroutine DIEs.)"""
import unittest

import seamtest as st


def inlined_frames(frames):
    """(inlined frame, its caller frame, its concrete function's frame) for each inlined frame."""
    for i, frame in enumerate(frames):
        if not frame["inlined"]:
            continue
        concrete = next(f for f in frames[i + 1:] if not f["inlined"])
        yield frame, frames[i + 1], concrete


class SymInlined(unittest.TestCase):
    def check_backtrace(self, scenario):
        dump, files = scenario.dump("elf-paging"), scenario.debug_files()
        bt = st.seam_vmcore_json(dump, files, "bt")
        checked = 0
        for frame, caller, concrete in inlined_frames(bt["frames"]):
            for target in (concrete["function"], concrete["pc"]):
                calls = st.seam_vmcore_json(dump, files, "sym", "--inlined", target)
                found = [c for c in calls if c["callee"] == frame["function"]
                         and c["call_line"] == caller["line"]
                         and c["call_file"] == caller["file"]]
                self.assertTrue(found, f"{scenario}: sym --inlined {target}: no call of "
                                f"{frame['function']} at {caller['file']}:{caller['line']} in "
                                f"{calls}")
                self.assertTrue(any(int(c["low_pc"], 16) <= int(frame["pc"], 16)
                                    for c in found))
            checked += 1
        self.assertGreaterEqual(checked, 3, f"{scenario}: too few inlined frames in bt")

    def test_backtrace_inlined_frames_are_listed(self):
        for name in ("sysrq-kaslr", "module-bug"):
            with self.subTest(scenario=name):
                self.check_backtrace(st.corpus_scenario(name))

    def test_text_rows_are_the_json_rows(self):
        scenario = st.corpus_scenario("sysrq-kaslr")
        dump, files = scenario.dump("elf-paging"), scenario.debug_files()
        calls = st.seam_vmcore_json(dump, files, "sym", "--inlined", "proc_reg_write")
        proc = st.seam_vmcore(dump, *files, "sym", "--inlined", "proc_reg_write")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        lines = proc.stdout.splitlines()
        self.assertEqual(lines[0], f"{len(calls)} calls inlined into proc_reg_write [vmlinux]")
        expected = [" " * (2 * c["depth"]) + f"{c['call_file']}:{c['call_line']}:"
                    f"{c['call_column']}  {c['callee']}  {c['low_pc'] or '(no code)'}"
                    for c in calls]
        self.assertEqual(lines[1:], expected)
        self.assertIn("pde_write", [c["callee"] for c in calls])

    def test_module_function(self):
        scenario = st.corpus_scenario("module-bug")
        dump, files = scenario.dump("elf-paging"), scenario.debug_files()
        calls = st.seam_vmcore_json(dump, files, "sym", "--inlined", "seam_crash_trigger_write")
        modules = st.seam_vmcore_json(dump, files, "mod")
        module = next(m for m in modules if m["name"] == "seam_crash")
        base, size = int(module["base"], 16), int(module["size"])
        self.assertEqual(calls[0]["callee"], "copy_from_user")
        for call in calls:
            self.assertTrue(base <= int(call["low_pc"], 16) < base + size, call)

    def test_no_dwarf_function_is_an_error(self):
        scenario = st.corpus_scenario("sysrq-kaslr")
        proc = st.seam_vmcore(scenario.dump("elf-paging"), *scenario.debug_files(),
                              "sym", "--inlined", "entry_SYSCALL_64_after_hwframe")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("no DWARF function", proc.stderr)
        self.assertEqual(proc.stdout, "")


if __name__ == "__main__":
    unittest.main()

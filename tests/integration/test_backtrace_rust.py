# ctest-labels: rustdump
"""`seam bt` on the Rust fixture kernel's crash (../shared/fixtures/rust-kernel-6.1): a
frame-pointer kernel without ORC whose panic crosses C -> Rust -> C -> Rust -> C. The dump is made
by samples/kernels/make_rust_dump.py (ctest fixture rust_dump_generate) into
$SEAM_CACHE_DIR/fixtures/rust-kernel-6.1/.

Checked against the kernel's own Call Trace on the serial console and against crash 8.0.2's `bt`
(its raw `_R...` names demangled by rustfilt): the whole chain from the panic through the ud2
exception boundary down to user space, every Rust frame demangled, language rust, with file:line.
"""
import re
import subprocess
import unittest

import seamtest as st

FIXTURE = st.SHARED_DIR / "fixtures" / "rust-kernel-6.1"
DUMPS = st.CACHE_DIR / "fixtures" / "rust-kernel-6.1"
KO = FIXTURE / "rust_crashme.ko"

# The crashed task's chain, outermost last (function or linkage name of each concrete frame).
CHAIN = [
    "rust_helper_BUG", "rust_begin_unwind", "core::panicking::panic_fmt",
    "rust_crashme::crash_here", "rust_crashme::compare_cb", "sort_r", "sort",
    "rust_crashme::sort_through_c", "<rust_crashme::RustCrashme as kernel::Module>::init",
    "rust_crashme::__module_init::__module_init::init_module", "do_one_initcall",
    "do_init_module", "load_module", "__x64_sys_finit_module", "x64_sys_call", "do_syscall_64",
    "entry_SYSCALL_64_after_hwframe",
]
RUST_FRAMES = {"rust_begin_unwind", "core::panicking::panic_fmt", "rust_crashme::crash_here",
               "rust_crashme::compare_cb", "rust_crashme::sort_through_c",
               "<rust_crashme::RustCrashme as kernel::Module>::init"}


def names(frame):
    return {frame.get("function") or "", frame.get("linkage_name") or ""} - {""}


def rustfilt(lines):
    out = subprocess.run([st.require_tool("rustfilt")], input="\n".join(lines) + "\n",
                         capture_output=True, text=True, timeout=60, check=True).stdout
    return out.splitlines()


class RustBacktraceTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        global VMLINUX
        VMLINUX = st.rust_fixture_vmlinux()
        if not FIXTURE.is_dir():
            raise AssertionError(f"{FIXTURE} is not here: the shared fixtures are needed")
        for path in (VMLINUX, KO, DUMPS / "vmcore.elf-paging", DUMPS / "serial.log"):
            if not path.exists():
                raise AssertionError(f"{path} is missing: run samples/kernels/make_rust_dump.py "
                                     "(ctest fixture rust_dump_generate)")
        cls.traces = {}
        for dump in ("vmcore.elf-paging", "vmcore.elf-phys"):
            result = st.seam_vmcore_json(DUMPS / dump, ["-s", VMLINUX, "-s", KO], "bt")
            cls.traces[dump] = result[0] if isinstance(result, list) else result

    def concrete(self, dump="vmcore.elf-paging"):
        return [f for f in self.traces[dump]["frames"] if not f.get("inlined")]

    def test_whole_chain_to_user_space(self):
        for dump, trace in self.traces.items():
            with self.subTest(dump=dump):
                self.assertEqual(trace["end_reason"], "user space")
                frames = [f for f in trace["frames"] if not f.get("inlined")]
                position = 0
                for want in CHAIN:
                    while position < len(frames) and want not in names(frames[position]):
                        position += 1
                    self.assertLess(position, len(frames),
                                    f"{want} missing (or out of order) in "
                                    f"{[f.get('function') for f in frames]}")
                    # The chain is contiguous from the exception boundary down.
                    if want != CHAIN[0]:
                        self.assertIn(want, names(frames[position]))
                    position += 1
                self.assertEqual(frames[-1]["module"], "user")

    def test_chain_is_contiguous(self):
        frames = self.concrete()
        start = next(i for i, f in enumerate(frames) if "rust_helper_BUG" in names(f))
        got = [frames[start + i] for i in range(len(CHAIN))]
        for want, frame in zip(CHAIN, got):
            self.assertIn(want, names(frame))

    def test_exception_boundary_and_rules(self):
        frames = self.concrete()
        bug = next(f for f in frames if "rust_helper_BUG" in names(f))
        self.assertTrue(bug["boundary"] or any(
            f["boundary"] for f in self.traces["vmcore.elf-paging"]["frames"]
            if f["pc"] == bug["pc"]))
        self.assertEqual(bug["unwound_by"], "pt_regs")
        # No ORC here: every other frame comes from DWARF CFI (or frame pointers).
        for frame in frames[1:]:
            self.assertIn(frame["unwound_by"], ("cfi", "frame pointer", "pt_regs"), frame)
        self.assertTrue(any(f["unwound_by"] == "cfi" for f in frames))

    def test_rust_frames_demangled_with_lines(self):
        for frame in self.concrete():
            if not names(frame) & RUST_FRAMES:
                continue
            with self.subTest(frame=frame.get("function")):
                self.assertEqual(frame["language"], "rust")
                self.assertFalse(frame["function"].startswith("_R"), frame)
                self.assertTrue(frame["file"].endswith(".rs"), frame)
                self.assertGreater(frame["line"], 0)
        crash_here = next(f for f in self.concrete() if "rust_crashme::crash_here" in names(f))
        self.assertEqual(crash_here["module"], "rust_crashme")
        self.assertTrue(crash_here["file"].endswith("rust_crashme.rs"))

    def test_matches_serial_call_trace(self):
        with open(DUMPS / "serial.log", encoding="latin-1") as f:
            text = f.read()
        trace = text[text.index("Call Trace:"):]
        trace = trace[:trace.index("</TASK>")]
        frame = re.compile(r"^\s*(\? )?([\w.$]+)\+0x[0-9a-f]+/0x[0-9a-f]+")
        reliable = [m.group(2) for line in trace.splitlines()
                    if (m := frame.match(line)) and not m.group(1)]
        self.assertGreater(len(reliable), 10)
        demangled = rustfilt(reliable)
        ours = self.concrete()
        pairs = []
        for raw, name in zip(reliable, demangled):
            index = next((i for i, f in enumerate(ours) if raw in names(f) or name in names(f)),
                         None)
            if index is None and raw == "init_module":
                index = next((i for i, f in enumerate(ours)
                              if f.get("function", "").endswith("::init_module")), None)
            self.assertIsNotNone(index, f"serial frame {name} not in seam's trace")
            pairs.append(index)
        self.assertEqual(pairs, sorted(pairs), "seam's order differs from the kernel's")
        rip = re.search(r"RIP: 0010:(\w+)\+(0x[0-9a-f]+)", text)
        self.assertIn(rip.group(1), names(ours[pairs[0] - 1]))
        self.assertEqual(ours[pairs[0] - 1]["offset"], int(rip.group(2), 16))

    def test_rust_arguments_equal_what_the_module_printed(self):
        """bt -f: crash_here's arguments are Rust references printed with the Items they point
        to, and its local depth_marker: the values the module itself printed just before it
        panicked (serial console: a.key, a.tag, b.key, marker)."""
        log = (DUMPS / "serial.log").read_text(errors="replace")
        printed = re.search(r"crashing in Rust \(a\.key=(\d+) a\.tag=(0x[0-9a-f]+) "
                            r"b\.key=(\d+) marker=(0x[0-9a-f]+)\)", log)
        self.assertIsNotNone(printed, "the module's pr_emerg line is not in the serial log")
        a_key, a_tag, b_key, marker = (int(v, 0) for v in printed.groups())
        result = st.seam_vmcore_json(DUMPS / "vmcore.elf-paging", ["-s", VMLINUX, "-s", KO],
                                     "bt", "-f")
        frames = [f for f in result["frames"] if f["function"] == "rust_crashme::crash_here"]
        self.assertEqual(len(frames), 1)
        frame = frames[0]
        self.assertEqual(frame["language"], "rust")
        args = {a["name"]: a for a in frame["args"]}
        self.assertEqual(args["a"]["type"], "&rust_crashme::Item")
        self.assertRegex(args["a"]["value"],
                         rf"^0x[0-9a-f]+: Item {{ key: {a_key}, tag: {a_tag} }}$")
        self.assertRegex(args["b"]["value"], rf"^0x[0-9a-f]+: Item {{ key: {b_key}, tag: \d+ }}$")
        locals_ = {v["name"]: v for v in frame["locals"]}
        self.assertEqual(locals_["depth_marker"]["type"], "u64")
        self.assertEqual(locals_["depth_marker"]["value"], str(marker))
        # The text form declares them the Rust way.
        text = st.seam_vmcore(DUMPS / "vmcore.elf-paging", "-s", VMLINUX, "-s", KO, "bt", "-f")
        self.assertRegex(text.stdout, r"args: +a: &rust_crashme::Item = 0x[0-9a-f]+: Item \{")

    def test_matches_crash(self):
        crash = st.require_tool("crash")
        proc = subprocess.run([crash, "-s", str(VMLINUX), str(DUMPS / "vmcore.elf-paging")],
                              input="bt\nquit\n", capture_output=True, text=True, timeout=300)
        entries = re.findall(r"^\s*#\d+ \[[0-9a-f]+\] (\S+) at ([0-9a-f]+)", proc.stdout, re.M)
        self.assertGreater(len(entries), 15, proc.stdout[-2000:] + proc.stderr[-2000:])
        demangled = rustfilt([name for name, _ in entries])
        ours = self.concrete()
        pcs = [int(f["pc"], 16) for f in ours]
        # crash shows the exception RIP inside its frame #5; seam as a frame of its own (the
        # pt_regs frame of rust_helper_BUG): every crash frame is in seam's, in order, and
        # seam has nothing else in between.
        position = pcs.index(int(entries[0][1], 16))
        for i, ((raw, pc), name) in enumerate(zip(entries, demangled)):
            extra = [f.get("function") for f in ours[position:] if int(f["pc"], 16) != int(pc, 16)]
            while position < len(ours) and pcs[position] != int(pc, 16):
                self.assertEqual(ours[position]["unwound_by"], "pt_regs", extra)
                position += 1
            self.assertLess(position, len(ours), f"crash #{i} {name} at {pc} not in seam's trace")
            frame = ours[position]
            position += 1
            if raw.startswith("_MODULE_INIT_START_"):  # crash names the section's start
                self.assertTrue(frame["function"].endswith("init_module"))
                continue
            self.assertTrue(name in names(frame) or re.sub(r"::h[0-9a-f]{16}$", "", name)
                            in names(frame), f"crash #{i}: {name} vs {frame.get('function')}")


if __name__ == "__main__":
    unittest.main()

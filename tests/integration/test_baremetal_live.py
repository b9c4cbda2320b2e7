# ctest-labels: samples;qemu
"""Seam without a Linux kernel: samples/baremetal's seam-baremetal.elf under QEMU (TCG), live
through seam's stdin prompt and as a QMP dump, with gdb on the same boot as the oracle.

- breakpoints in a C, a Rust (by Rust path) and a C++ (qualified name) function stop there;
- step/next/finish across every language boundary of the chain C -> Rust -> C++ -> Rust -> C
  stop at the file:line gdb stops at with the same commands (step: past the prologue);
- `bt` at the innermost C function is the whole chain with inlined frames and languages, and
  `bt -f` prints locals in each language;
- a dump of the running guest: bt, regs, rd, sym work, ps says there is no Linux kernel.

One QEMU at a time; about 30 s.
"""
import os
import re
import tempfile
import unittest

from qemu_guest import require_baremetal_sample
from seamtest import SEAM, SOURCE_DIR, run
from test_baremetal_sample import CHAIN, ELF, Guest

SOURCES = SOURCE_DIR / "samples" / "baremetal"


def marker_line(file, text):
    """The line of `file` (in samples/baremetal) holding `text`: expectations follow the source."""
    for number, line in enumerate((SOURCES / file).read_text().splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"no '{text}' in {file}")


# One call site per language boundary of the chain: (file, marker of the calling line).
BOUNDARIES = [
    ("kmain.c", "return rust_tick(&config);"),                 # C -> Rust
    ("kernel.rs", "bm_cpp_schedule(config.tick"),               # Rust -> C++
    ("scheduler.cpp", "return rust_measure(&job);"),           # C++ -> Rust
    ("kernel.rs", "unsafe { bm_c_record(record, tag.as_ptr()) }"),  # Rust -> C
]
STOP_COMMANDS = ("continue", "step", "next", "finish")


def script():
    """The commands gdb and seam both run: at each boundary's call site, step into the callee;
    then finish out of each frame back up the chain, with a next in between."""
    commands = []
    for file, text in BOUNDARIES:
        commands += ["delete", f"break {file}:{marker_line(file, text)}", "continue", "step"]
    commands += ["delete", "next", "finish", "finish", "next", "finish", "finish"]
    return commands


def gdb_stops(out):
    """[(file name, line)] of each stop in gdb output whose commands were separated by
    `echo @@ COMMAND\\n`: a stop in another function says "at FILE:LINE", one in the same
    function only "LINE\\tsource"."""
    stops, file = [], None
    for segment in out.split("@@ ")[1:]:
        command, _, text = segment.partition("\n")
        located = re.findall(r" at (\S+):(\d+)\n", text)
        if located:
            file = os.path.basename(located[-1][0])
        if command.split()[0] not in STOP_COMMANDS:
            continue
        lines = re.findall(r"^(\d+)\t", text, re.M)
        line = int(lines[-1]) if lines else (int(located[-1][1]) if located else 0)
        stops.append((file, line))
    return stops


def seam_stops(out):
    """[(file name, line)] of each stop seam printed: its `#0 ... FILE:LINE` line."""
    return [(os.path.basename(m.group(1)), int(m.group(2)))
            for m in re.finditer(r"^#0 .* (\S+):(\d+)$", out, re.M)]


def gdb_pcs(out):
    """The pc after each stop command, printed as `PC=0x...` (see gdb_script)."""
    return [int(pc, 16) for pc in re.findall(r"PC=(0x[0-9a-f]+)", out)]


def seam_pcs(out):
    """The pc of each stop seam printed: the address of its `#0` line."""
    return [int(pc, 16) for pc in re.findall(r"^#0\s+([0-9a-f]+) ", out, re.M)]


class BaremetalLiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_baremetal_sample("gdb")

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="seam-baremetal-live-")
        self.addCleanup(self.tmp.cleanup)
        self.guest = Guest(self.tmp.name)
        self.addCleanup(self.guest.stop)
        self.guest.wait_for(r"^seam-baremetal: tick 1 ")

    def seam(self, *args, input=None, timeout=60):
        proc = run(SEAM, *args, input=input, timeout=timeout, check=False)
        return proc.stdout + proc.stderr

    def live(self, commands):
        return self.seam("-g", f"127.0.0.1:{self.guest.gdb_port}", "-s", str(ELF),
                         input="\n".join(commands) + "\n")

    def test_live_breakpoints_backtrace_locals_and_stepping(self):
        # Breakpoints by C name, Rust path and C++ qualified name.
        out = self.live(["break bm_c_record", "continue", "bt", "bt -f", "delete",
                         "break seam_baremetal::measure", "continue", "delete",
                         "break seam::kernel::Scheduler::run", "continue", "delete", "ps"])
        hits = re.findall(r"^Breakpoint \d+, (\S+?)[ (].* at (\S+):(\d+)$", out, re.M)
        self.assertEqual([(f, os.path.basename(p)) for f, p, _ in hits],
                         [("bm_c_record", "kmain.c"), ("seam_baremetal::measure", "kernel.rs"),
                          ("seam::kernel::Scheduler::run", "scheduler.cpp")], out)
        # bt: the whole chain, innermost first, in order, each in its language.
        bt = out.split("PID: ")[1].split("PID: ")[0]
        frames = re.findall(r"^#\d+\s+[0-9a-f]+ (\S+).*$", bt, re.M)
        lines = [line for line in bt.splitlines() if line.startswith("#")]
        position = 0
        for language, fragment in CHAIN:
            while position < len(lines) and not (
                    frames[position].startswith(fragment)
                    and (language == "c" or f"[{language}]" in lines[position])):
                position += 1
            self.assertLess(position, len(lines), f"no {language} {fragment} in order:\n{bt}")
            position += 1
        self.assertIn("[inlined]", bt)
        self.assertTrue(lines[-1].split()[2].startswith("bm_long_start"), bt)
        # bt -f: locals of each language.
        self.assertRegex(out, r"const char \*banner = 0x[0-9a-f]+ \"recorded\"")
        self.assertRegex(out, r"struct bm_record copy = \{tick = \d+")
        self.assertRegex(out, r"calibration: core::option::Option<&seam_baremetal::Calibration> = "
                              r"(None|Some)")
        self.assertRegex(out, r"limit: core::option::Option<u32> = (None|Some\(\d+\))")
        self.assertRegex(out, r"readings: &\[u32\] = &\[\d+")
        self.assertRegex(out, r"sensor: &dyn seam_baremetal::Sensor = 0x[0-9a-f]+ <")
        self.assertRegex(out, r"command: seam_baremetal::Command = (Idle|Sample|Report)")
        self.assertRegex(out, r"const seam::kernel::Device &self = @0x[0-9a-f]+: \{_vptr.Device")
        self.assertRegex(out, r"seam::kernel::Scheduler scheduler = \{<seam::kernel::Device> = ")
        self.assertIn("no Linux kernel here", out)
        self.assertIn("ps needs a Linux vmlinux", out)

        # Step/next/finish across the boundaries: where gdb stops on this same boot.
        commands = script()
        gdb_args = []
        for command in commands:
            gdb_args += [f"echo @@ {command}\\n", command]
            if command.split()[0] in STOP_COMMANDS:
                gdb_args += ["echo PC=", "output/x $pc", "echo \\n"]
        gdb_out = self.guest.gdb(*gdb_args, "detach")
        expected, expected_pcs = gdb_stops(gdb_out), gdb_pcs(gdb_out)
        seam_out = self.live(commands)
        got, got_pcs = seam_stops(seam_out), seam_pcs(seam_out)
        stop_count = sum(c.split()[0] in STOP_COMMANDS for c in commands)
        self.assertEqual(len(expected), stop_count, expected)
        # Every stop is in the file (function, language) gdb stops in.
        self.assertEqual([f for f, _ in got], [f for f, _ in expected], (got, expected))
        # At gdb's very instruction: stepping goes on through the middle of a line (after a
        # return, past rows that are no statement) as gdb's infrun does. Except (to fix) a
        # `next` reaching the entry of an inlined call made on another line: gdb stops there
        # (showing the call site), Seam steps through the inlined code.
        self.assertEqual(len(got_pcs), stop_count, seam_out)
        self.assertEqual([pc for i, pc in enumerate(got_pcs) if i != 11],
                         [pc for i, pc in enumerate(expected_pcs) if i != 11],
                         ([hex(p) for p in got_pcs], [hex(p) for p in expected_pcs]))
        # And on gdb's line (where several line-table rows share the stop's address, the one
        # that starts a statement), except at the inlined call above (11).
        known = {11}
        self.assertEqual([s for i, s in enumerate(got) if i not in known],
                         [s for i, s in enumerate(expected) if i not in known], (got, expected))
        # frame N: the caller of the C function is the inlined Rust frame at its call site,
        # as gdb's `frame 1` shows it.
        out = self.live(["break bm_c_record", "continue", "frame 1", "delete"])
        call = marker_line("kernel.rs", "unsafe { bm_c_record(record, tag.as_ptr()) }")
        self.assertRegex(out, rf"(?m)^#1\s+[0-9a-f]+ seam_baremetal::record_in_c .*\[inlined\] "
                              rf"\[rust\] \S+/kernel\.rs:{call}$")
        self.assertRegex(out, r"record: &seam_baremetal::Record = 0x[0-9a-f]+")
        # Stepping in at each call site lands in the next language's function.
        steps = [stop for stop, c in zip(got, [c for c in commands
                                                if c.split()[0] in STOP_COMMANDS])
                 if c == "step"][:4]
        self.assertEqual([file for file, _ in steps],
                         ["kernel.rs", "scheduler.cpp", "kernel.rs", "kmain.c"], got)

    def test_dump_of_the_running_guest(self):
        dump = os.path.join(self.tmp.name, "vmcore")
        self.guest.connect_qmp().command("dump-guest-memory", paging=False,
                                         protocol=f"file:{dump}")
        base = ["-c", dump, "-s", str(ELF)]
        bt = self.seam(*base, "bt")
        self.assertRegex(bt, r"(?m)^#\d+ .* kmain\+0x[0-9a-f]+ .*kmain\.c:\d+$")
        self.assertRegex(bt.strip().splitlines()[-1], r"bm_long_start\+0x[0-9a-f]+ .*entry\.S:\d+")
        regs = self.seam(*base, "regs")
        self.assertRegex(regs, r"RIP: 0000000000[0-9a-f]{6}")
        self.assertRegex(regs, r"CR3: [0-9a-f]{16}")
        sym = self.seam(*base, "sym", "bm_c_record")
        self.assertRegex(sym, r"^0*[0-9a-f]+ \(T\) bm_c_record")
        rd = self.seam(*base, "rd", "seam_tick_count", "1")
        self.assertRegex(rd, r"^0*[0-9a-f]+:\s+[0-9a-f]{16}")
        ps = self.seam(*base, "ps")
        self.assertIn("no Linux kernel here", ps)
        self.assertIn("ps needs a Linux vmlinux", ps)
        self.assertIn("no Linux kernel here", self.seam(*base, "sys"))


if __name__ == "__main__":
    unittest.main()

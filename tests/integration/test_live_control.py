# ctest-labels: kernel;corpus
"""Live run control on QEMU: break, hbreak, continue, next, step, finish, info breakpoints,
delete and Ctrl-C, through seam's stdin prompt on one `seam -g` connection.

Boots the corpus sysrq-kaslr scenario's kernel (Debian 6.1, KASLR) under QEMU TCG and stops it
(QMP) as soon as the kernel runs /init, before init's writes to /dev/kmsg and the crash. Then
`break ksys_write` + `continue` stops at gdb's breakpoint address for ksys_write (gdb given the
KASLR offset seam found), `next` reaches a later line of ksys_write, `step` enters a callee and
`finish` comes back to ksys_write's line of the call, `break FILE:LINE` is gdb's address of
that line, `hbreak` stops too, `info breakpoints` counts the hits, `delete` removes them, and
SIGINT during a `continue` without breakpoints interrupts the guest and seam says where.
"""
import re
import signal
import time
import unittest

from qemu_guest import RUN_INIT, CorpusGuest, Prompt, gdb_batch, run_qemu, stop_of
from seamtest import corpus_scenario, require_tool

SCENARIO = "sysrq-kaslr"


def gdb_breakpoints(vmlinux, offset, locations):
    """gdb's breakpoint address for each location (`symbol-file -o`, no target)."""
    proc = gdb_batch(["set pagination off", f"symbol-file -o {offset:#x} {vmlinux}",
                      *(f"break {location}" for location in locations)])
    found = re.findall(r"^Breakpoint \d+ at (0x[0-9a-f]+)", proc.stdout, re.M)
    if len(found) != len(locations):
        raise AssertionError(f"gdb: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return [int(a, 16) for a in found]


class LiveControlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool("gdb")
        require_tool(run_qemu.QEMU)
        cls.scenario = corpus_scenario(SCENARIO)
        # Stopped as soon as init starts: its writes (and the crash) are still to come.
        cls.guest = CorpusGuest(cls.scenario, "seam-live-control.", [RUN_INIT], stop=True)
        cls.vmlinux = cls.scenario.vmlinux
        cls.seam = Prompt(["-g", cls.guest.gdbstub, "-s", str(cls.vmlinux)])

    @classmethod
    def tearDownClass(cls):
        cls.seam.close()
        cls.guest.close()

    def test_run_control(self):
        seam = self.seam
        sys_text = seam.run("sys")
        offset = int(re.search(r"KASLR OFFSET: (?:0x)?([0-9a-f]+)", sys_text).group(1), 16)

        out = seam.run("break ksys_write")
        self.assertRegex(out, r"Breakpoint 1 at 0x[0-9a-f]+: file \S*fs/read_write.c")
        out = seam.run("continue", timeout=120)
        self.assertIn("Continuing.", out)
        self.assertRegex(out, r"Breakpoint 1, ksys_write \(")
        at_break = stop_of(out)
        self.assertEqual(at_break["function"], "ksys_write")

        # next: a later line of ksys_write.
        out = seam.run("next")
        after_next = stop_of(out)
        self.assertEqual(after_next["function"], "ksys_write", out)
        self.assertGreater(after_next["line"], at_break["line"], out)

        # step until it enters a callee (or an inlined call), then finish back.
        entered = None
        for _ in range(12):
            out = seam.run("step")
            s = stop_of(out)
            if s["function"] != "ksys_write":
                entered = s
                break
            last_line = s["line"]
        self.assertIsNotNone(entered, "step never left ksys_write")
        out = seam.run("bt")
        self.assertIn("ksys_write", out)
        out = seam.run("finish")
        back = stop_of(out)
        self.assertEqual(back["function"], "ksys_write", out)
        self.assertIn("Run till exit from", out)

        out = seam.run("regs")
        self.assertRegex(out, r"RIP: [0-9a-f]{16}")

        # break FILE:LINE and hbreak, against gdb's addresses.
        out = seam.run("break fs/read_write.c:%d" % at_break["line"])
        line_address = int(re.search(r"Breakpoint 2 at (0x[0-9a-f]+)", out).group(1), 16)
        out = seam.run("hbreak vfs_write")
        hw_address = int(re.search(r"Hardware breakpoint 3 at (0x[0-9a-f]+)", out).group(1), 16)
        gdb = gdb_breakpoints(self.vmlinux, offset,
                              ["ksys_write", "fs/read_write.c:%d" % at_break["line"], "vfs_write"])
        self.assertEqual(at_break["pc"], gdb[0])
        self.assertEqual(line_address, gdb[1])
        self.assertEqual(hw_address, gdb[2])

        seam.run("delete 1")
        seam.run("delete 2")
        out = seam.run("continue", timeout=120)
        self.assertRegex(out, r"Breakpoint 3, vfs_write \(")
        self.assertEqual(stop_of(out)["pc"], hw_address)
        out = seam.run("info breakpoints")
        self.assertRegex(out, r"(?m)^3\s+hw\s+%016x\s+1\s+vfs_write" % hw_address)
        self.assertNotRegex(out, r"(?m)^1\s")
        seam.run("delete")
        self.assertIn("No breakpoints.", seam.run("info breakpoints"))

        # Ctrl-C: continue with no breakpoint, interrupted by SIGINT.
        seam.send("continue")
        seam.read_until("Continuing.", 30)
        time.sleep(1)
        seam.proc.send_signal(signal.SIGINT)
        out = seam.read_until("COMMAND", 30)
        self.assertIn("Interrupted: CPU", out)
        self.assertRegex(out, r"(?m)^#0\s+[0-9a-f]{16} ")
        self.assertIn("PID", seam.run("bt"))


if __name__ == "__main__":
    unittest.main()

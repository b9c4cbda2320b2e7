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
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from seamtest import SEAM, CACHE_DIR, SOURCE_DIR, corpus_scenario, require_tool

sys.dont_write_bytecode = True
sys.path.insert(0, str(SOURCE_DIR / "samples" / "kernels"))
import run_qemu  # noqa: E402

SCENARIO = "sysrq-kaslr"
RUN_INIT = "Run /init as init process"


class Prompt:
    """seam reading commands from a pipe; each answer ends with the echo of a marker."""

    def __init__(self, args):
        self.proc = subprocess.Popen([SEAM, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.count = 0
        self.pending = ""

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def read_until(self, marker, timeout):
        """Output up to the line holding `marker` (read unbuffered: select() sees the pipe)."""
        deadline = time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while time.monotonic() < deadline:
            at = self.pending.find(marker)
            if at >= 0 and "\n" in self.pending[at:]:
                end = self.pending.index("\n", at) + 1
                text, self.pending = self.pending[:end], self.pending[end:]
                return text
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.pending += chunk.decode(errors="replace")
        raise AssertionError(f"no '{marker}' from seam within {timeout} s: {self.pending}")

    def run(self, command, timeout=60):
        self.count += 1
        marker = f"@@done {self.count}"
        self.send(command)
        self.send(f"help nosuchcommand-{self.count}")  # an error line marks the end
        text = self.read_until(f"nosuchcommand-{self.count}", timeout)
        return text[:text.rfind("seam: error: help: no command")]

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait()


def gdb_breakpoints(vmlinux, offset, locations):
    """gdb's breakpoint address for each location (`symbol-file -o`, no target)."""
    args = ["gdb", "-batch", "-nx", "-ex", "set pagination off",
            "-ex", f"symbol-file -o {offset:#x} {vmlinux}"]
    for location in locations:
        args += ["-ex", f"break {location}"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120)
    found = re.findall(r"^Breakpoint \d+ at (0x[0-9a-f]+)", proc.stdout, re.M)
    if len(found) != len(locations):
        raise AssertionError(f"gdb: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return [int(a, 16) for a in found]


STOP_LINE = re.compile(r"^#0\s+([0-9a-f]{16}) (\S+?)(?:\+0x[0-9a-f]+)? \[(\S+)\]"
                       r"(?: \[inlined\])?(?: \[\w+\])?(?: (\S+):(\d+))?$", re.M)


def stop_of(text):
    m = STOP_LINE.search(text)
    if not m:
        raise AssertionError(f"no stop location in: {text}")
    return {"pc": int(m.group(1), 16), "function": m.group(2), "file": m.group(4),
            "line": int(m.group(5) or 0), "inlined": "[inlined]" in m.group(0)}


class LiveControlTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool("gdb")
        require_tool(run_qemu.QEMU)
        cls.scenario = corpus_scenario(SCENARIO)
        info = cls.scenario.info
        kernel = CACHE_DIR / info["kernel"]["bzimage"]
        initrd = cls.scenario.dir.parent / "initramfs.cpio.gz"
        cls.workdir = tempfile.TemporaryDirectory(prefix="seam-live-control.")
        serial = os.path.join(cls.workdir.name, "serial.log")
        cls.qemu = run_qemu.Qemu(["-kernel", str(kernel), "-initrd", str(initrd),
                                  "-append", info["cmdline"]],
                                 cls.workdir.name, serial, "tcg", "max", info["cpus"],
                                 info["memory"])
        try:
            cls.qmp = cls.qemu.connect()
            # Stopped as soon as init starts: its writes (and the crash) are still to come.
            run_qemu.wait_for_serial(cls.qemu, serial, [RUN_INIT], [run_qemu.INIT_FAILED], 120)
            cls.qmp.command("stop")
        except Exception:
            cls.qemu.stop()
            cls.workdir.cleanup()
            raise
        cls.vmlinux = cls.scenario.vmlinux
        cls.seam = Prompt(["-g", f"127.0.0.1:{cls.qemu.gdb_port}", "-s", str(cls.vmlinux)])

    @classmethod
    def tearDownClass(cls):
        cls.seam.close()
        cls.qemu.stop()
        cls.workdir.cleanup()

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

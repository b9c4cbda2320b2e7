# ctest-labels: kernel;corpus
"""`seam -g HOST:PORT`: every vmcore command on a live QEMU, checked against a dump of the same
halted guest and against gdb on the same vCPU.

Boots the corpus sysrq-kaslr scenario's kernel (Debian 6.1, KASLR on, 5-level paging) under QEMU
TCG with a gdbstub and a QMP socket, and lets its init crash it (echo c > /proc/sysrq-trigger;
panic=0: the kernel then spins in panic() forever). Then:
  - on the still running guest, `seam -g sys` finds the panic and KASLR by itself, and the guest
    runs again afterwards (QEMU stopped it for Seam's connection);
  - with the guest stopped (QMP `stop`), live `ps` and `log` equal seam's on a
    `dump-guest-memory` of it, `sys`'s KASLR offset equals the dump's VMCOREINFO KERNELOFFSET,
    and the guest stays stopped;
  - live `bt --cpu 0` equals gdb's `bt` of the same vCPU (`target remote`, `symbol-file -o
    KASLR_OFFSET`), function names in order up to gdb's first exception frame;
  - a closed port and a stub sending garbage fail fast, with a clear message.
"""
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest

from qemu_guest import GarbageStub, boot_corpus_scenario, gdb_batch, run_qemu
from seamtest import CACHE_DIR, SEAM, corpus_scenario, require_tool
from test_backtrace import normal_name

import peer_oracles  # noqa: E402  (samples/kernels, on the path by qemu_guest)

SCENARIO = "sysrq-kaslr"


def seam_live(port, debug_files, *command, timeout=60):
    return subprocess.run([SEAM, "-g", f"127.0.0.1:{port}", *map(str, debug_files), *command],
                          capture_output=True, text=True, timeout=timeout)


def seam_json(args, timeout=60):
    proc = subprocess.run([SEAM, *map(str, args), "--json"], capture_output=True, text=True,
                          timeout=timeout)
    if proc.returncode != 0:
        raise AssertionError(f"seam {' '.join(map(str, args))} failed ({proc.returncode}): "
                             f"{proc.stderr.strip()[-2000:]}")
    return json.loads(proc.stdout)


def gdb_live_bt(port, vmlinux, kernel_offset, thread):
    """gdb's `bt` of one vCPU thread of the live guest, parsed as peer_oracles does."""
    commands = ["set pagination off", "set width 0", "set confirm off",
                f"target remote 127.0.0.1:{port}",
                f"symbol-file -o {kernel_offset:#x} {vmlinux}",
                f"thread {thread}", f"echo {peer_oracles.BT_MARK}\\n", "bt",
                f"echo {peer_oracles.BT_MARK}\\n", "disconnect"]
    proc = gdb_batch(commands)
    parts = proc.stdout.split(peer_oracles.BT_MARK)
    if len(parts) < 3:
        raise AssertionError(f"gdb printed no bt: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return peer_oracles.parse_gdb_backtrace(parts[1].splitlines())


def gdb_names_to_first_exception_frame(backtrace):
    """gdb's function names up to where it stops making sense: it does not unwind through an
    exception frame (pt_regs), and past the syscall entry it unwinds user space with kernel
    symbols."""
    names = []
    for frame in backtrace["frames"]:
        if frame["function"] is None:
            break
        name = normal_name(frame["function"])
        names.append(name)
        if name == "entry_SYSCALL_64" or name.startswith("asm_"):
            break
    return names


class LiveSessionTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool("gdb")
        require_tool(run_qemu.QEMU)
        cls.scenario = corpus_scenario(SCENARIO)
        info = cls.scenario.info
        kernel = CACHE_DIR / info["kernel"]["bzimage"]
        initrd = cls.scenario.dir.parent / "initramfs.cpio.gz"
        for path in (kernel, initrd, cls.scenario.vmlinux):
            if not path.exists():
                raise AssertionError(f"{path} is missing (fetch the kernel, make the corpus)")
        cls.workdir = tempfile.TemporaryDirectory(prefix="seam-live.")
        try:
            cls.qemu, cls.qmp = boot_corpus_scenario(cls.scenario, cls.workdir.name,
                                                     [run_qemu.PANIC_END])
        except Exception:
            cls.workdir.cleanup()
            raise
        cls.port = cls.qemu.gdb_port
        cls.debug_files = cls.scenario.debug_files()

    @classmethod
    def tearDownClass(cls):
        cls.qemu.stop()
        cls.workdir.cleanup()

    def status(self):
        return self.qmp.command("query-status")

    def stop_guest(self):
        if self.status()["running"]:
            self.qmp.command("stop")

    def test_1_running_guest_runs_again(self):
        self.assertTrue(self.status()["running"], self.status())
        start = time.monotonic()
        proc = seam_live(self.port, self.debug_files, "sys")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertLess(time.monotonic() - start, 30)
        rows = dict(line.strip().split(": ", 1) for line in proc.stdout.splitlines())
        self.assertEqual(rows["LIVE"], f"QEMU gdbstub 127.0.0.1:{self.port}")
        self.assertIn("runs again", rows["STATE"])
        self.assertEqual(rows["PANIC"], '"sysrq triggered crash"')
        self.assertEqual(rows["CRASHED CPU"], "0")
        self.assertIn('PID 1 "init"', rows["CRASHED TASK"])
        self.assertIn("found by Seam", rows["KASLR OFFSET"])
        self.assertNotIn("DUMPFILE", rows)
        # Left as found: running.
        self.assertTrue(self.status()["running"], self.status())

    def test_2_live_equals_a_dump_of_the_same_guest(self):
        self.stop_guest()
        dump = os.path.join(self.workdir.name, "vmcore.elf-phys")
        run_qemu.dump_guest_memory(self.qmp, dump, False, "elf", 60)
        live = ["-g", f"127.0.0.1:{self.port}", *self.debug_files]
        dumped = ["-c", dump, *self.debug_files]
        for command in ("ps", "log"):
            with self.subTest(command=command):
                got = seam_json(live + [command])
                self.assertGreater(len(got), 3)
                self.assertEqual(got, seam_json(dumped + [command]))
        live_sys = seam_json(live + ["sys"])
        dump_sys = seam_json(dumped + ["sys"])
        self.assertEqual(dump_sys["kaslr_source"], "VMCOREINFO")
        self.assertNotEqual(int(dump_sys["kaslr_offset"], 16), 0)
        self.assertEqual(live_sys["kaslr_offset"], dump_sys["kaslr_offset"])
        self.assertIn("found by Seam", live_sys["kaslr_source"])
        for key in ("release", "cpus", "memory_bytes", "uptime_seconds", "panic_message",
                    "crashed_cpu", "crashed_task", "paging_levels"):
            self.assertEqual(live_sys[key], dump_sys[key], key)
        self.assertEqual(live_sys["dump_path"], "")
        self.assertIn("stays stopped", live_sys["live_state"])
        # Left as found: stopped.
        self.assertFalse(self.status()["running"], self.status())

    def test_3_bt_equals_gdbs_on_the_same_vcpu(self):
        self.stop_guest()
        live = ["-g", f"127.0.0.1:{self.port}", *self.debug_files]
        offset = int(seam_json(live + ["sys"])["kaslr_offset"], 16)
        bt = seam_json(live + ["bt", "--cpu", "0"])
        self.assertEqual(bt, seam_json(live + ["bt"]))  # the panicked CPU's
        seam_names = [normal_name(f["function"]) for f in bt["frames"] if f["function"]]
        gdb = gdb_names_to_first_exception_frame(
            gdb_live_bt(self.port, self.scenario.vmlinux, offset, 1))
        self.assertGreaterEqual(len(gdb), 5, gdb)
        self.assertIn("sysrq_handle_crash", gdb)
        self.assertEqual(seam_names[:len(gdb)], gdb)
        self.assertFalse(self.status()["running"], self.status())

    def test_4_closed_port_fails_fast(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]  # bound, not listening: refused
            start = time.monotonic()
            proc = seam_live(port, self.debug_files, "sys", timeout=30)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(proc.returncode, 1)
        self.assertEqual(proc.stdout, "")
        self.assertIn(f"cannot connect to 127.0.0.1:{port}: connection refused", proc.stderr)
        self.assertIn(f"-gdb tcp:127.0.0.1:{port}", proc.stderr)

    def test_5_garbage_stub_is_a_clear_error(self):
        stub = GarbageStub()
        try:
            start = time.monotonic()
            proc = seam_live(stub.port, self.debug_files, "ps", timeout=60)
        finally:
            stub.close()
        self.assertLess(time.monotonic() - start, 30)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertIn(f"gdbstub 127.0.0.1:{stub.port}", proc.stderr)
        self.assertNotIn("Traceback", proc.stderr)
        self.assertLess(len(proc.stderr.splitlines()), 5, proc.stderr)


if __name__ == "__main__":
    unittest.main()

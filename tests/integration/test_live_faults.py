# ctest-labels: kernel
"""`seam -g` when the stub misbehaves: QEMU killed (SIGKILL) while seam waits in `continue`, and a
stub that accepts the connection and never answers. Each is a clear error within seam's timeout,
never a hang, and the prompt stays usable after the first. (A port where nothing listens and a
stub sending garbage are test_live_session's.)

Uses the Rust fixture kernel (small, boots in about a second under TCG), run by a bare RSP client
to its first do_init_module before seam attaches.
"""
import subprocess
import tempfile
import time
import unittest

from qemu_guest import Prompt, SilentStub, run_qemu, rust_fixture_at
from seamtest import SEAM, elf_symbol_addresses, require_tool, rust_fixture_vmlinux

EXCHANGE_TIMEOUT = 10  # GdbRemoteOptions::timeout, seconds


class StubKilledTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(run_qemu.QEMU)
        cls.vmlinux = rust_fixture_vmlinux()
        entry = elf_symbol_addresses(cls.vmlinux, ["do_init_module"])["do_init_module"]
        cls.workdir = tempfile.TemporaryDirectory(prefix="seam-live-faults.")
        try:
            cls.qemu, _, _ = rust_fixture_at(cls.workdir.name, entry)
        except Exception:
            cls.workdir.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.qemu.stop()
        cls.workdir.cleanup()

    def test_qemu_killed_during_continue(self):
        port = self.qemu.gdb_port
        seam = Prompt(["-g", f"127.0.0.1:{port}", "-s", str(self.vmlinux)])
        try:
            self.assertIn("RELEASE: 6.1", seam.run("sys"))
            seam.send("continue")  # no breakpoint: the guest panics, then spins
            seam.read_until("Continuing.", 30)
            time.sleep(1)
            self.qemu.process.kill()
            start = time.monotonic()
            out = seam.read_until("seam: error", EXCHANGE_TIMEOUT + 5)
            self.assertLess(time.monotonic() - start, EXCHANGE_TIMEOUT)
            self.assertIn(f"continue: gdbstub 127.0.0.1:{port}: the connection was closed", out)
            # Still answering: each command says the stub is gone, none hangs.
            for command in ("bt", "continue", "regs"):
                start = time.monotonic()
                out = seam.run(command, timeout=EXCHANGE_TIMEOUT + 5)
                self.assertLess(time.monotonic() - start, 5, command)
                self.assertIn("seam: error", out, command)
                self.assertNotIn("Traceback", out)
            seam.proc.stdin.close()
            self.assertIsNotNone(seam.proc.wait(timeout=10))
        finally:
            seam.close()


class SilentStubTest(unittest.TestCase):
    def test_silent_stub_times_out(self):
        vmlinux = rust_fixture_vmlinux()
        stub = SilentStub()
        try:
            start = time.monotonic()
            proc = subprocess.run([SEAM, "-g", f"127.0.0.1:{stub.port}", "-s", str(vmlinux), "bt"],
                                  capture_output=True, text=True, timeout=EXCHANGE_TIMEOUT * 3)
            elapsed = time.monotonic() - start
        finally:
            stub.close()
        self.assertLess(elapsed, EXCHANGE_TIMEOUT + 5)
        self.assertEqual(proc.returncode, 1, proc.stdout)
        self.assertEqual(proc.stdout, "")
        self.assertIn(f"gdbstub 127.0.0.1:{stub.port}: timed out after", proc.stderr)
        self.assertEqual(len(proc.stderr.splitlines()), 1, proc.stderr)


if __name__ == "__main__":
    unittest.main()

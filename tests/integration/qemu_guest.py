"""QEMU guests with a gdbstub for the live tests and benchmarks: the Rust fixture kernel booted
halted (-S), a minimal RSP client to run such a guest to a first breakpoint before seam attaches
(seam needs the kernel in memory: at -S the CPU is at the reset vector), and fake stubs.
"""
import os
import socket
import sys
import threading
import time

from seamtest import RUST_FIXTURE_DIR, SOURCE_DIR

sys.dont_write_bytecode = True
sys.path.insert(0, str(SOURCE_DIR / "samples" / "kernels"))
import run_qemu  # noqa: E402

RUST_CMDLINE = "console=ttyS0 nokaslr oops=panic panic=0 loglevel=8"


def boot_rust_fixture(workdir, halted=True):
    """QEMU TCG on the Rust fixture's bzImage + initramfs (its init loads rust_minimal, then
    rust_crashme, which panics); halted at the first instruction when `halted`. The QMP socket is
    connected. Returns (qemu, serial log path)."""
    serial = os.path.join(workdir, "serial.log")
    args = ["-kernel", str(RUST_FIXTURE_DIR / "bzImage"),
            "-initrd", str(RUST_FIXTURE_DIR / "initramfs.cpio.gz"), "-append", RUST_CMDLINE]
    qemu = run_qemu.Qemu((["-S"] if halted else []) + args, workdir, serial, "tcg", "max", 1,
                         "256M")
    try:
        qemu.connect()
    except Exception:
        qemu.stop()
        raise
    return qemu, serial


class RawStub:
    """Just enough of the GDB Remote Serial Protocol (ack mode) to set a hardware breakpoint,
    continue to it and leave the guest stopped there."""

    def __init__(self, port, timeout=10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buffer = b""

    def _read_packet(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            start = self.buffer.find(b"$")
            end = self.buffer.find(b"#", start + 1) if start >= 0 else -1
            if start >= 0 and end >= 0 and len(self.buffer) >= end + 3:
                payload = self.buffer[start + 1:end].decode("latin-1")
                self.buffer = self.buffer[end + 3:]
                self.sock.sendall(b"+")
                return payload
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no reply from the gdbstub within {timeout} s")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("the gdbstub closed the connection")
            self.buffer += chunk

    def request(self, payload, timeout=10):
        data = payload.encode("latin-1")
        self.sock.sendall(b"$" + data + b"#" + b"%02x" % (sum(data) % 256))
        return self._read_packet(timeout)

    def run_to(self, address, timeout):
        """Continues the guest to a hardware breakpoint at `address` (then removed): the stop
        reply."""
        if self.request(f"Z1,{address:x},1") != "OK":
            raise AssertionError("the gdbstub refused a hardware breakpoint")
        stop = self.request("c", timeout=timeout)
        self.request(f"z1,{address:x},1")
        return stop

    def close(self):
        # No `D`: QEMU leaves the guest stopped when its gdb goes away.
        self.sock.close()


class SilentStub:
    """A TCP server that accepts connections and never says a word (a hung stub)."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.connections = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections.append(conn)  # kept open, unread

    def close(self):
        self.server.close()
        for conn in self.connections:
            conn.close()

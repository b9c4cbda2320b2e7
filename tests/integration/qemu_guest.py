"""QEMU guests with a gdbstub for the live tests and benchmarks: a corpus scenario's kernel run to
a serial line, the Rust fixture kernel booted halted (-S), a minimal RSP client to run such a
guest to a first breakpoint before seam attaches (seam needs the kernel in memory: at -S the CPU
is at the reset vector), fake stubs, seam's stdin prompt driven through a pipe, gdb in batch mode
and the bare-metal sample's requirements.
"""
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

from seamtest import CACHE_DIR, RUST_FIXTURE_DIR, SAMPLES_DIR, SEAM, SOURCE_DIR, require_tool

sys.dont_write_bytecode = True
sys.path.insert(0, str(SOURCE_DIR / "samples" / "kernels"))
import run_qemu  # noqa: E402

RUST_CMDLINE = "console=ttyS0 nokaslr oops=panic panic=0 loglevel=8"
# The corpus kernel's serial line as it starts init: stopped there, init's writes (and the
# crash) are still to come.
RUN_INIT = "Run /init as init process"
BAREMETAL_ELF = SAMPLES_DIR / "baremetal" / "seam-baremetal.elf"


def boot_corpus_scenario(scenario, workdir, until, stop=False):
    """QEMU TCG on a corpus scenario's kernel + initramfs, run until the serial console prints
    one of `until` (120 s), then paused when `stop` (run_qemu.boot_to_serial)."""
    info = scenario.info
    return run_qemu.boot_to_serial(CACHE_DIR / info["kernel"]["bzimage"],
                                   scenario.dir.parent / "initramfs.cpio.gz", info, workdir,
                                   until, 120, stop)


class CorpusGuest:
    """A corpus scenario's kernel booted by boot_corpus_scenario in a temporary directory of its
    own (`prefix`), for a live test class: its qemu, qmp, workdir and gdbstub (HOST:PORT).
    close() stops QEMU and removes the directory; a failed boot removes it at once."""

    def __init__(self, scenario, prefix, until, stop=False):
        self.workdir = tempfile.TemporaryDirectory(prefix=prefix)
        try:
            self.qemu, self.qmp = boot_corpus_scenario(scenario, self.workdir.name, until, stop)
        except Exception:
            self.workdir.cleanup()
            raise
        self.gdbstub = f"127.0.0.1:{self.qemu.gdb_port}"

    def close(self):
        self.qemu.stop()
        self.workdir.cleanup()


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


def rust_fixture_at(workdir, address, timeout=120):
    """The Rust fixture booted halted and run by a RawStub to a hardware breakpoint at
    `address`, left stopped there for seam. Returns (qemu, serial log path, stop reply); on
    failure QEMU is stopped."""
    qemu, serial = boot_rust_fixture(workdir, halted=True)
    try:
        stub = RawStub(qemu.gdb_port)
        try:
            stop = stub.run_to(address, timeout=timeout)
        finally:
            stub.close()
    except Exception:
        qemu.stop()
        raise
    return qemu, serial, stop


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


class StubServer:
    """A TCP server on a free local port that hands each connection to `handle` (a thread)."""

    def __init__(self):
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn):
        raise NotImplementedError

    def close(self):
        self.server.close()


class SilentStub(StubServer):
    """A stub that accepts connections and never says a word (a hung stub)."""

    def __init__(self):
        self.connections = []
        super().__init__()

    def handle(self, conn):
        self.connections.append(conn)  # kept open, unread

    def close(self):
        super().close()
        for conn in self.connections:
            conn.close()


class GarbageStub(StubServer):
    """A stub that answers every connection with bytes no gdbstub sends."""

    def handle(self, conn):
        with conn:
            try:
                conn.settimeout(5)
                conn.recv(4096)
                conn.sendall(b"HTTP/1.1 400 Bad Request\r\n\r\n" + bytes(range(256)))
                conn.recv(4096)
            except OSError:
                pass


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


STOP_LINE = re.compile(r"^#0\s+([0-9a-f]{16}) (\S+?)(?:\+0x[0-9a-f]+)? \[(\S+)\]"
                       r"(?: \[inlined\])?(?: \[\w+\])?(?: (\S+):(\d+))?$", re.M)


def stop_of(text):
    """The stop seam printed (its `#0` line): pc, function, file, line, inlined."""
    m = STOP_LINE.search(text)
    if not m:
        raise AssertionError(f"no stop location in: {text}")
    return {"pc": int(m.group(1), 16), "function": m.group(2), "file": m.group(4),
            "line": int(m.group(5) or 0), "inlined": "[inlined]" in m.group(0)}


def gdb_batch(commands, timeout=120):
    """gdb -batch -nx running `commands` (each an -ex): the CompletedProcess, text."""
    args = ["gdb", "-batch", "-nx"]
    for command in commands:
        args += ["-ex", command]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def require_baremetal_sample(*tools):
    """QEMU and `tools` installed and the bare-metal sample built, else the test fails."""
    for tool in ("qemu-system-x86_64", *tools):
        require_tool(tool)
    if not BAREMETAL_ELF.exists():
        raise AssertionError(f"{BAREMETAL_ELF} is missing: build the 'samples' target")

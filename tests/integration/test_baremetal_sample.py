# ctest-labels: samples;qemu
"""samples/baremetal, the kernel live-debugging tests run on, checked under QEMU with gdb as
the oracle (standard library only):

- it boots through QEMU's PVH loader and prints "seam-baremetal: tick N" on the serial port;
- at a breakpoint in the innermost C function, gdb's backtrace is the chain
  C -> Rust -> C++ -> Rust -> C, each frame in its own language, inlined frames included;
- gdb can read the locals the sample is there to show (Rust Option/Result/&dyn, C++ template);
- a QMP dump-guest-memory (paging: false) of the running guest is an ELF core whose memory
  holds the kernel image and its live tick counter;
- setting seam_trigger_panic from the debugger makes Rust panic and end in bm_panic_halt (C),
  and so does the boot argument seam.panic=N.

One QEMU at a time, TCG, 64 MiB: about 10-20 s on a loaded two-core machine.
"""
import json
import os
import re
import socket
import struct
import subprocess
import tempfile
import time
import unittest

from qemu_guest import BAREMETAL_ELF as ELF, require_baremetal_sample
from seamtest import elf_symbol_addresses, run

MEMORY_MIB = 64

# The chain at the breakpoint in bm_c_record, innermost first: (language gdb
# reports for the frame, function name fragment). Inlined frames are listed
# too; they are matched in order, so a missing one fails.
CHAIN = [
    ("c", "bm_c_record"),
    ("rust", "seam_baremetal::record_in_c"),
    ("rust", "seam_baremetal::measure"),
    ("rust", "seam_baremetal::rust_measure"),
    ("c++", "seam::kernel::Scheduler::dispatch"),
    ("c++", "seam::kernel::Scheduler::run"),
    ("c++", "bm_cpp_schedule"),
    ("rust", "seam_baremetal::execute"),
    ("rust", "seam_baremetal::rust_tick"),
    ("c", "run_tick"),
    ("c", "kmain"),
    ("asm", "bm_long_start"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class QMP:
    """A minimal QMP client over a UNIX socket (events are skipped)."""

    def __init__(self, path, timeout=20):
        deadline = time.monotonic() + timeout
        while True:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if time.monotonic() > deadline:
                    raise AssertionError(f"cannot connect to QMP at {path}") from None
                time.sleep(0.05)
        self.sock.settimeout(timeout)
        self.file = self.sock.makefile("rb")
        if "QMP" not in json.loads(self.file.readline()):
            raise AssertionError("no QMP greeting")
        self.command("qmp_capabilities")

    def command(self, name, **arguments):
        message = {"execute": name}
        if arguments:
            message["arguments"] = arguments
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        while True:
            line = self.file.readline()
            if not line:
                raise AssertionError(f"QMP closed during {name}")
            reply = json.loads(line)
            if "error" in reply:
                raise AssertionError(f"QMP {name}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def close(self):
        self.file.close()
        self.sock.close()


class Guest:
    """seam-baremetal under qemu-system-x86_64 (TCG), with a gdbstub on 127.0.0.1,
    a QMP socket and the serial port in a file."""

    def __init__(self, workdir, append=""):
        self.serial = os.path.join(workdir, "serial.txt")
        self.qmp_path = os.path.join(workdir, "qmp.sock")
        self.gdb_port = free_port()
        self.args = [
            "qemu-system-x86_64", "-accel", "tcg", "-nographic", "-nodefaults", "-no-reboot",
            "-m", f"{MEMORY_MIB}M", "-kernel", str(ELF), "-append", append,
            "-serial", f"file:{self.serial}", "-monitor", "none",
            "-chardev", f"socket,id=qmp0,path={self.qmp_path},server=on,wait=off",
            "-mon", "chardev=qmp0,mode=control",
            "-gdb", f"tcp:127.0.0.1:{self.gdb_port}",
        ]
        self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.qmp = None

    def connect_qmp(self):
        self.qmp = QMP(self.qmp_path)
        return self.qmp

    def output(self):
        try:
            with open(self.serial, encoding="utf-8", errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def ticks(self):
        return [int(n) for n in re.findall(r"^seam-baremetal: tick (\d+) value \d+\r?$",
                                           self.output(), re.M)]

    def wait_for(self, pattern, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, self.output(), re.M)
            if m:
                return m
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"no /{pattern}/ on the serial port within {timeout} s; "
                             f"serial (last 2000 characters): {self.output()[-2000:]!r}\nqemu stderr: {self.stderr()}")

    def stderr(self):
        if self.proc.poll() is None:
            return "(running)"
        return self.proc.stderr.read().decode(errors="replace")

    def gdb(self, *commands, timeout=60):
        """Runs gdb -batch on the ELF against the gdbstub; returns its stdout."""
        args = ["gdb", "-batch", "-nx", "-ex", "set pagination off", "-ex", "set confirm off",
                "-ex", "set width 0", "-ex", f"file {ELF}",
                "-ex", f"target remote 127.0.0.1:{self.gdb_port}"]
        for command in commands:
            args += ["-ex", command]
        proc = run(*args, timeout=timeout, check=False)
        if proc.returncode != 0:
            raise AssertionError(f"gdb failed ({proc.returncode}): {proc.stderr.strip()}\n"
                                 f"its output:\n{proc.stdout[-3000:]}")
        return proc.stdout

    def stop(self):
        if self.qmp is not None:
            try:
                self.qmp.command("quit")
            except (AssertionError, OSError):
                pass
            self.qmp.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()


def gdb_frames(text):
    """[(level, function, language)] from `frame apply all -q info frame` output: each
    frame's block starts with "Stack level N, frame at ..." and says
    " source language L." and "rip = 0x... in FUNCTION (file:line); saved rip = ..."."""
    frames = []
    for block in re.split(r"^(?=Stack level \d+)", text, flags=re.M):
        m = re.match(r"Stack level (\d+)", block)
        if not m:
            continue
        function = re.search(r"rip = 0x[0-9a-f]+ in (.+?)(?: \(\S+:\d+\))?;", block)
        language = re.search(r"source language ([\w+]+)\.", block)
        frames.append((int(m.group(1)), function.group(1) if function else "?",
                       language.group(1) if language else "?"))
    return frames


def elf_core_layout(path):
    """(e_type, [PT_LOAD (paddr, offset, filesz)], [(note name, type)]) of an ELF64 core."""
    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2:
            raise AssertionError(f"{path} is not an ELF64 file")
        e_type, = struct.unpack_from("<H", header, 16)
        phoff, = struct.unpack_from("<Q", header, 32)
        phentsize, phnum = struct.unpack_from("<HH", header, 54)
        loads, notes = [], []
        for i in range(phnum):
            f.seek(phoff + i * phentsize)
            p_type, _, offset, _, paddr, filesz = struct.unpack("<IIQQQQ", f.read(40))
            if p_type == 1:
                loads.append((paddr, offset, filesz))
            elif p_type == 4:
                f.seek(offset)
                data, pos = f.read(filesz), 0
                while pos + 12 <= len(data):
                    namesz, descsz, n_type = struct.unpack_from("<III", data, pos)
                    name = data[pos + 12:pos + 12 + namesz].rstrip(b"\0").decode()
                    notes.append((name, n_type))
                    pos += 12 + (namesz + 3) // 4 * 4 + (descsz + 3) // 4 * 4
    return e_type, loads, notes


def read_physical(path, loads, paddr, size):
    for start, offset, filesz in loads:
        if start <= paddr and paddr + size <= start + filesz:
            with open(path, "rb") as f:
                f.seek(offset + paddr - start)
                return f.read(size)
    raise AssertionError(f"physical {paddr:#x} is in no PT_LOAD of the dump")


class BaremetalSampleTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_baremetal_sample("gdb", "nm")

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="seam-baremetal-")
        self.addCleanup(self.tmp.cleanup)

    def boot(self, append=""):
        guest = Guest(self.tmp.name, append)
        self.addCleanup(guest.stop)
        return guest

    def test_live_chain_dump_and_debugger_panic(self):
        guest = self.boot()
        guest.wait_for(r"^seam-baremetal: boot, cmdline")
        guest.wait_for(r"^seam-baremetal: tick 2 ")
        ticks = guest.ticks()
        self.assertEqual(ticks, list(range(1, len(ticks) + 1)), guest.output())

        # A vmcore of the running guest, without paging: physical memory only.
        qmp = guest.connect_qmp()
        dump = os.path.join(self.tmp.name, "vmcore")
        qmp.command("dump-guest-memory", paging=False, protocol=f"file:{dump}")
        self.assertEqual(qmp.command("query-status")["status"], "running")
        e_type, loads, notes = elf_core_layout(dump)
        self.assertEqual(e_type, 4)  # ET_CORE
        self.assertIn(("CORE", 1), notes)  # NT_PRSTATUS of the CPU
        self.assertIn("QEMU", {name for name, _ in notes})
        # All of RAM (QEMU adds its ROM blocks to it).
        self.assertGreaterEqual(sum(size for _, _, size in loads), MEMORY_MIB << 20)
        # The kernel is in the dump where it was loaded (identity-mapped, so link
        # address = physical address): its strings, and a tick count that has run.
        symbols = elf_symbol_addresses(ELF, ["bm_long_start", "seam_tick_count"])
        with open(ELF, "rb") as f:
            image = f.read()
        start = symbols["bm_long_start"]
        code = read_physical(dump, loads, start, 32)
        self.assertIn(code, image, "bm_long_start's code in the dump differs from the ELF's")
        dumped_tick, = struct.unpack("<I", read_physical(dump, loads, symbols["seam_tick_count"], 4))
        self.assertGreaterEqual(dumped_tick, 2)
        self.assertLessEqual(dumped_tick, max(guest.ticks()) + 1)

        # gdb: break in the innermost C function, the whole chain in the backtrace.
        out = guest.gdb("break bm_c_record", "continue", "bt",
                        "frame apply all -q info frame",
                        # Not `info locals`: gdb 13 aborts printing rustc 1.63's
                        # Option<&Calibration>::Some (an internal error in gdbtypes.h).
                        "frame function seam_baremetal::rust_measure", "print limit",
                        "whatis calibration", "print sensor", "print name", "print readings",
                        # run() is the frame above its inlined dispatch().
                        "frame function seam::kernel::Scheduler::dispatch", "info locals",
                        "up", "info locals", "whatis ring",
                        "frame function seam_baremetal::execute", "info locals",
                        "up", "info locals",  # rust_tick: command (pinned)
                        "frame function bm_c_record", "info locals",
                        # The debugger pulls the panic trigger; stop where the panic ends.
                        "set var seam_trigger_panic = 1", "delete", "break bm_panic_halt",
                        "continue", "bt", "print seam_trigger_panic")
        breakpoint_part, _, panic_part = out.partition("Breakpoint 2, ")
        frames = gdb_frames(breakpoint_part)
        got = [(language, function) for _, function, language in frames]
        position = 0
        for language, fragment in CHAIN:
            while position < len(got) and not (got[position][0] == language
                                               and got[position][1].startswith(fragment)):
                position += 1
            self.assertLess(position, len(got),
                            f"no {language} frame {fragment} in order in {got}\n{out}")
            position += 1
        self.assertEqual(got[-1], ("asm", "bm_long_start"), got)
        # Locals of each language.
        self.assertRegex(breakpoint_part, r"= core::option::Option<u32>::(None|Some)")
        self.assertIn("type = core::option::Option<&seam_baremetal::Calibration>", breakpoint_part)
        self.assertRegex(breakpoint_part, r"= &dyn seam_baremetal::Sensor \{pointer: 0x[0-9a-f]+ "
                                          r"<seam_baremetal\[[0-9a-f]+\]::(THERMOMETER|COUNTER)>")
        self.assertIn('= "ring-job"', breakpoint_part)
        self.assertRegex(breakpoint_part, r"= &\[u32\] \[\d+")
        self.assertRegex(breakpoint_part, r"job = \{id = \d+, priority = \d+, readings = 0x")
        self.assertRegex(breakpoint_part, r"ring = \{items_ = \{")
        self.assertIn("type = seam::kernel::Ring<unsigned int, 8>", breakpoint_part)
        # execute's pinned locals (right with every rustc this builds with).
        self.assertIn('label = "tick"', breakpoint_part)
        self.assertRegex(breakpoint_part, r"command = seam_baremetal::Command::(Idle|Sample|Report)")
        self.assertRegex(breakpoint_part, r"window = &\[u32\] \[\d+")
        self.assertRegex(breakpoint_part, r"readings = \[\d+, ")
        # The derived class seen through its base (`const Device &self`).
        self.assertRegex(breakpoint_part, r"self = @0x[0-9a-f]+: \{_vptr.Device = ")
        self.assertRegex(breakpoint_part, r'banner = 0x[0-9a-f]+ "recorded"')
        self.assertRegex(breakpoint_part, r"history = \{")

        # The panic: Rust's panic handler calls bm_panic_halt (C) from under the
        # chain's C++ frames; the message names the tick it happened at.
        self.assertIn("Breakpoint 2, bm_panic_halt", out)
        panic_bt = [line for line in panic_part.splitlines() if re.match(r"#\d+ ", line)]
        names = " ".join(panic_bt)
        for fragment in ("bm_panic_halt", "seam_baremetal::panic", "seam_baremetal::rust_measure",
                         "seam::kernel::Scheduler::run", "seam_baremetal::rust_tick", "kmain"):
            self.assertIn(fragment, names, panic_part)
        m = guest.wait_for(r"^seam-baremetal: PANIC: panicked at[^\n]*\n?[^\n]*rust_measure: "
                           r"job \d+ \(ring-job\) failed: Overflow \{ at: (\d+) \}")
        self.assertGreater(int(m.group(1)), max(ticks))
        guest.wait_for(r"^seam-baremetal: halted")

    def test_step_marker_once_per_tick(self):
        guest = self.boot()
        guest.wait_for(r"^seam-baremetal: tick 1 ")
        out = guest.gdb("break seam_step_marker", "continue", "print tick", "continue",
                        "print tick", "finish")
        first, second = (int(n) for n in re.findall(r"^\$\d+ = (\d+)$", out, re.M))
        self.assertEqual(second, first + 1, out)
        # finish returns into kmain, the caller.
        self.assertRegex(out, r"(?m)^0x[0-9a-f]+ in kmain \(|^kmain \(")
        guest.wait_for(rf"^seam-baremetal: tick {second} ")

    def test_boot_argument_panics(self):
        guest = self.boot("seam.panic=3 seam.delay=1000")
        guest.wait_for(r'^seam-baremetal: boot, cmdline "seam.panic=3 seam.delay=1000"')
        guest.wait_for(r"^seam-baremetal: halted")
        self.assertEqual(guest.ticks(), [1, 2])
        self.assertRegex(guest.output(), r"rust_measure: job \d+ \(ring-job\) failed: "
                                         r"Overflow \{ at: 3 \}")
        self.assertIn("seam-baremetal: rust panic\n", guest.output())


if __name__ == "__main__":
    unittest.main()

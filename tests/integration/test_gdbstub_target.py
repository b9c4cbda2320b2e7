# ctest-labels: kernel;corpus
"""GdbstubTarget on a live kernel, checked against gdb on the same halted guest.

Boots the corpus kernel (Debian 6.1, KASLR on, 5-level paging, 2 vCPUs) under QEMU TCG with a
gdbstub, attaches after boot (QEMU stops the guest when a debugger connects), and runs the
GdbstubLive gtests of seam_corpus_tests against it:
  - ReadsWhatGdbReads writes every vCPU's registers, linux_banner where Seam's own KASLR search
    found it, and some physical memory; then gdb (`target remote`, `disconnect` so the guest
    stays stopped) reads the same registers and addresses, and both must agree;
  - ControlsTheGuest interrupts, continues, steps, sets breakpoints and detaches.
"""
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest

from qemu_guest import gdb_batch
from seamtest import BUILD_DIR, CACHE_DIR, SOURCE_DIR, require_tool

sys.dont_write_bytecode = True
sys.path.insert(0, str(SOURCE_DIR / "samples" / "kernels"))
import run_qemu  # noqa: E402

ABI = "6.1.0-56-cloud-amd64"
KERNEL = CACHE_DIR / "kernels" / ABI / "boot" / f"vmlinuz-{ABI}"
INITRD = CACHE_DIR / "corpus" / ABI / "initramfs.cpio.gz"
CORPUS_TESTS = BUILD_DIR / "tests" / "seam_corpus_tests"
# Init is busybox sleeping: the kernel stays up and idle, nothing crashes.
CMDLINE = "console=ttyS0 panic=-1 rdinit=/bin/busybox -- sleep 100000"
BOOTED = "Run /bin/busybox as init process"


def gdb_remote(port, commands, timeout=60):
    proc = gdb_batch(["set pagination off", f"target remote 127.0.0.1:{port}", *commands,
                      "disconnect"], timeout=timeout)
    return proc.stdout + proc.stderr


def gdb_bytes(text):
    """The bytes of `x/Nxb` output lines."""
    data = bytearray()
    for line in text.splitlines():
        if ":" not in line:
            continue
        for word in line.split(":", 1)[1].split():
            if re.fullmatch(r"0x[0-9a-f]{2}", word):
                data.append(int(word, 16))
    return bytes(data)


class GdbstubTargetTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool("gdb")
        require_tool(run_qemu.QEMU)
        for path in (KERNEL, INITRD, CORPUS_TESTS):
            if not path.exists():
                raise AssertionError(f"{path} is missing (fetch the kernel, make the corpus, "
                                     "build seam_corpus_tests)")
        cls.workdir = tempfile.TemporaryDirectory(prefix="seam-gdbstub.")
        serial = os.path.join(cls.workdir.name, "serial.log")
        cls.qemu = run_qemu.Qemu(["-kernel", str(KERNEL), "-initrd", str(INITRD),
                                  "-append", CMDLINE],
                                 cls.workdir.name, serial, "tcg", "max", 2, "256M")
        try:
            cls.qemu.connect()
            run_qemu.wait_for_serial(cls.qemu, serial, [BOOTED], [], 120)
            time.sleep(1)  # init has started; let the vCPUs go idle
        except Exception:
            cls.qemu.stop()
            cls.workdir.cleanup()
            raise
        cls.port = cls.qemu.gdb_port

    @classmethod
    def tearDownClass(cls):
        cls.qemu.stop()
        cls.workdir.cleanup()

    def run_gtest(self, name, out=None):
        env = dict(os.environ, SEAM_GDBSTUB=f"127.0.0.1:{self.port}")
        if out:
            env["SEAM_GDBSTUB_OUT"] = out
        proc = subprocess.run([str(CORPUS_TESTS), f"--gtest_filter=GdbstubLive.{name}"],
                              capture_output=True, text=True, timeout=120, env=env)
        self.assertEqual(proc.returncode, 0, proc.stdout[-3000:] + proc.stderr[-2000:])
        self.assertIn("[  PASSED  ] 1 test", proc.stdout)

    def test_1_reads_what_gdb_reads(self):
        out = os.path.join(self.workdir.name, "seam.txt")
        self.run_gtest("ReadsWhatGdbReads", out)
        registers = {}
        memory = []
        with open(out) as f:
            for line in f:
                words = line.split()
                if words[0] == "reg":
                    registers[(int(words[1]), words[2])] = int(words[3], 16)
                elif words[0] in ("virt", "phys"):
                    memory.append((words[0], int(words[1], 16), bytes.fromhex(words[2])))
        cpus = sorted({cpu for cpu, _ in registers})
        self.assertEqual(cpus, [0, 1])
        self.assertIn((0, "cr3"), registers)
        self.assertTrue(any(kind == "virt" for kind, _, _ in memory))

        # gdb on the same stopped guest: each vCPU's registers.
        names = sorted({name for _, name in registers})
        commands = []
        for cpu in cpus:
            commands += [f"thread {cpu + 1}", "echo @cpu " + str(cpu) + "\\n"]
            commands += [f"info registers {name}" for name in names]
        for kind, address, data in memory:
            if kind == "phys":
                commands.append("maint packet Qqemu.PhyMemMode:1")
            commands += [f"echo @mem {kind} {address:#x}\\n", f"x/{len(data)}xb {address:#x}",
                         "echo @end\\n"]
            if kind == "phys":
                commands.append("maint packet Qqemu.PhyMemMode:0")
        text = gdb_remote(self.port, commands)

        gdb_registers = {}
        cpu = None
        for line in text.splitlines():
            if line.startswith("@cpu "):
                cpu = int(line.split()[1])
                continue
            match = re.match(r"^(\w+)\s+(0x[0-9a-f]+)", line)
            if cpu is not None and match and match.group(1) in names:
                gdb_registers[(cpu, match.group(1))] = int(match.group(2), 16)
        self.assertGreater(len(gdb_registers), 40, text[-2000:])
        for key, value in gdb_registers.items():
            self.assertEqual(registers.get(key), value,
                             f"cpu {key[0]} {key[1]}: seam {registers.get(key)} gdb {value:#x}")

        for kind, address, data in memory:
            start = text.index(f"@mem {kind} {address:#x}")
            end = text.index("@end", start)
            got = gdb_bytes(text[start:end].split("\n", 1)[1])
            self.assertEqual(got, data, f"{kind} {address:#x}")

    def test_2_controls_the_guest(self):
        self.run_gtest("ControlsTheGuest")


if __name__ == "__main__":
    unittest.main()

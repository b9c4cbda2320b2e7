# ctest-labels: corpus;badinput
"""`seam -c VMCORE -s VMLINUX` on broken and wrong inputs: damaged copies of the corpus's dumps
(made in a temporary directory: the corpus is never modified), files that are not dumps, and a
vmlinux of another kernel. Each run must end within TIMEOUT seconds, exit non-zero or print a
`seam: warning:`, never die of a signal or print a sanitizer report, and name on stderr the file
and the problem. Also run under ASan+UBSan (label badinput).

The "other kernel" is Debian's linux-image-6.1.0-55-cloud-amd64-dbg (6.1.192-1), the ABI just
before the corpus's 6.1.0-56 (6.1.192-2), fetched into the cache by scripts/fetch-debian-kernel.sh
with SEAM_KERNEL_ABI=6.1.0-55-cloud-amd64 (apt-get download from the machine's apt sources).
"""
import os
import random
import re
import shutil
import subprocess
import tempfile
import unittest

import seamtest as st

TIMEOUT = 10  # seconds per run
OTHER_ABI = "6.1.0-55-cloud-amd64"
SCENARIO = "sysrq-kaslr"
# A claim that the vmlinux is not the dump's kernel.
WRONG_VMLINUX = re.compile(r"does not (?:belong|match)|mismatch|another kernel|wrong vmlinux",
                           re.IGNORECASE)
# What stderr must say, by case (case-insensitive): the problem in a few words.
PROBLEM = {
    "truncated": r"truncat|short|end of file|eof|beyond|past the end|too small|incomplete|"
                 r"missing|cannot read|outside",
    "corrupt": r"not an? |unknown|unrecognized|unsupported|format|invalid|corrupt|bad|magic",
    "empty": r"empty|too small|truncat|short|end of file|not an? |unrecognized",
    "directory": r"directory",
    "missing": r"no such file|not found|does not exist|cannot open",
}


def copy_prefix(source, target, size):
    with open(source, "rb") as src, open(target, "wb") as dst:
        remaining = size
        while remaining > 0:
            block = src.read(min(remaining, 1 << 20))
            if not block:
                break
            dst.write(block)
            remaining -= len(block)


def scramble(path, start, count, seed):
    """Overwrites `count` bytes at `start` with seeded random bytes."""
    data = random.Random(seed).randbytes(count)
    with open(path, "r+b") as f:
        f.seek(start)
        f.write(data)


class VmcoreBadInputTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenario = st.corpus_scenario(SCENARIO)
        cls.tmp = tempfile.TemporaryDirectory(prefix="seam-badvmcore-")
        cls.dir = cls.tmp.name

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_seam(self, dump, *debug, commands=("sys",), stdin=None):
        """seam -c DUMP -s ... COMMANDS (or commands on stdin): the CompletedProcess, after the
        checks every bad input shares."""
        args = [st.SEAM, "-c", dump]
        for path in debug:
            args += ["-s", path]
        args += list(commands)
        where = " ".join(str(a) for a in args) + (f" <<< {stdin!r}" if stdin else "")
        try:
            proc = subprocess.run([str(a) for a in args], input=stdin or "", capture_output=True,
                                  text=True, errors="replace", timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail(f"{where}: still running after {TIMEOUT} s")
        self.assertGreaterEqual(proc.returncode, 0,
                                f"{where}: killed by signal {-proc.returncode}:\n"
                                f"{proc.stderr[-3000:]}")
        self.assertIsNone(st.SANITIZER_REPORT.search(proc.stderr),
                          f"{where}: sanitizer report:\n{proc.stderr[-5000:]}")
        self.assertTrue(proc.returncode != 0 or "seam: warning:" in proc.stderr,
                        f"{where}: exit 0 without a warning:\nstdout: {proc.stdout[:1500]}\n"
                        f"stderr: {proc.stderr[-1500:]}")
        if proc.returncode != 0:
            self.assertIn("seam: error:", proc.stderr, f"{where}: exit {proc.returncode} "
                          f"without a 'seam: error:' line")
        self.assertNotIn("Traceback", proc.stderr, where)
        return proc, where

    def check_right_vmlinux(self, proc, where):
        """The scenario's own vmlinux must not be called another kernel's, however damaged
        the dump."""
        self.assertIsNone(WRONG_VMLINUX.search(proc.stderr),
                          f"{where}: the dump's own vmlinux is reported as not matching:\n"
                          f"{proc.stderr[-2000:]}")

    def check_bad_dump(self, dump, problem, commands=("sys",), stdin=None):
        proc, where = self.run_seam(dump, self.scenario.vmlinux, commands=commands, stdin=stdin)
        self.check_right_vmlinux(proc, where)
        name = os.path.basename(dump)
        self.assertIn(name, proc.stderr, f"{where}: stderr does not name {name}:\n"
                      f"{proc.stderr[-1500:]}")
        self.assertRegex(proc.stderr.lower(), PROBLEM[problem],
                         f"{where}: stderr does not say what is wrong ({problem})")
        return proc

    def damaged(self, kind, what):
        """A damaged copy of the scenario's vmcore.KIND in the temporary directory."""
        source = self.scenario.dump(kind)
        target = os.path.join(self.dir, f"{what}.vmcore.{kind}")
        size = os.path.getsize(source)
        if what == "truncated-100":
            copy_prefix(source, target, 100)
        elif what == "truncated-half":
            copy_prefix(source, target, size // 2)
        elif what == "bad-magic":
            shutil.copyfile(source, target)
            scramble(target, 0, 8, what + kind)
        elif what == "bad-header":
            # The fields after the magic: the ELF header's offsets and counts, or the kdump
            # header's version, sizes and bitmap geometry.
            shutil.copyfile(source, target)
            scramble(target, 16 if kind.startswith("elf") else 8, 48, what + kind)
        else:
            raise ValueError(what)
        return target

    def test_truncated_to_100_bytes(self):
        for kind in st.DUMP_KINDS:
            with self.subTest(kind=kind):
                self.check_bad_dump(self.damaged(kind, "truncated-100"), "truncated")

    def test_truncated_to_half(self):
        # Half the memory is gone: opening may work (with a warning), reading must not crash.
        for kind in st.DUMP_KINDS:
            with self.subTest(kind=kind):
                dump = self.damaged(kind, "truncated-half")
                self.check_bad_dump(dump, "truncated")
                proc, where = self.run_seam(dump, self.scenario.vmlinux, commands=(),
                                            stdin="sys\nps\nlog\nmod\nrd linux_banner 4\n"
                                                  "quit\n")
                self.check_right_vmlinux(proc, where)
                os.remove(dump)

    def test_corrupted_magic(self):
        for kind in st.DUMP_KINDS:
            with self.subTest(kind=kind):
                dump = self.damaged(kind, "bad-magic")
                self.check_bad_dump(dump, "corrupt")
                os.remove(dump)

    def test_corrupted_header_fields(self):
        for kind in st.DUMP_KINDS:
            with self.subTest(kind=kind):
                dump = self.damaged(kind, "bad-header")
                # Whatever the scrambled fields say, nothing may crash or hang; a dump that
                # still opens must say something is wrong.
                self.run_seam(dump, self.scenario.vmlinux, commands=(),
                              stdin="sys\nps\nlog\nquit\n")
                os.remove(dump)

    def test_random_bytes(self):
        dump = os.path.join(self.dir, "random.vmcore")
        with open(dump, "wb") as f:
            f.write(random.Random("seam").randbytes(1 << 20))
        self.check_bad_dump(dump, "corrupt")

    def test_random_bytes_after_elf_magic(self):
        dump = os.path.join(self.dir, "random-elf.vmcore")
        with open(dump, "wb") as f:
            f.write(b"\x7fELF\x02\x01\x01\x00" + random.Random("elf").randbytes((1 << 20) - 8))
        self.run_seam(dump, self.scenario.vmlinux)

    def test_empty_file(self):
        dump = os.path.join(self.dir, "empty.vmcore")
        open(dump, "wb").close()
        self.check_bad_dump(dump, "empty")

    def test_directory(self):
        dump = os.path.join(self.dir, "a-directory.vmcore")
        os.makedirs(dump, exist_ok=True)
        self.check_bad_dump(dump, "directory")

    def test_nonexistent_file(self):
        self.check_bad_dump(os.path.join(self.dir, "no-such.vmcore"), "missing")

    def test_vmlinux_of_another_kernel(self):
        other = st.debian_vmlinux_for(OTHER_ABI)
        for kind in ("elf-paging", "kdump"):
            with self.subTest(kind=kind):
                proc, where = self.run_seam(self.scenario.dump(kind), other)
                self.assertIn(os.path.basename(other), proc.stderr, where)
                for version in ("6.1.0-55", "6.1.0-56"):
                    self.assertIn(version, proc.stderr, f"{where}: stderr should name both "
                                  f"kernels' versions:\n{proc.stderr[-1500:]}")

    def test_vmcore_given_as_vmlinux(self):
        dump = self.scenario.dump("elf-paging")
        proc, where = self.run_seam(dump, dump)
        self.assertIn(os.path.basename(dump), proc.stderr, where)

    def test_vmlinux_given_as_vmcore(self):
        vmlinux = self.scenario.vmlinux
        proc, where = self.run_seam(vmlinux, vmlinux)
        self.assertIn(os.path.basename(vmlinux), proc.stderr, where)
        self.assertRegex(proc.stderr.lower(), PROBLEM["corrupt"] + r"|core|dump", where)

    def test_missing_vmlinux(self):
        proc, where = self.run_seam(self.scenario.dump("kdump"),
                                    os.path.join(self.dir, "no-such-vmlinux"))
        self.assertIn("no-such-vmlinux", proc.stderr, where)
        self.assertRegex(proc.stderr.lower(), PROBLEM["missing"], where)


if __name__ == "__main__":
    unittest.main()

# ctest-labels: kernel
"""A Rust kernel module debugged live: breakpoint in Rust, mixed C/Rust backtrace.

Boots the Rust fixture kernel (../shared/fixtures/rust-kernel-6.1: its init loads rust_minimal,
then rust_crashme, whose init calls the C sort() with a Rust compare_cb that panics) under QEMU
TCG halted (-S). A bare RSP client runs it to the first do_init_module (seam needs the kernel in
memory to attach), then at seam's prompt (`-s vmlinux -s rust_crashme.ko`): `break
do_init_module` + `continue` until the module list holds rust_crashme (loaded, its init not run:
the list is re-read on every stop), `break rust_crashme::compare_cb` at the .ko's runtime
address, `continue` stops in compare_cb, and `bt` is the mixed stack, Rust frames demangled with
their .rs lines.
"""
import re
import tempfile
import unittest

from qemu_guest import Prompt, run_qemu, rust_fixture_at, stop_of
from seamtest import RUST_FIXTURE_DIR, elf_symbol_addresses, require_tool, rust_fixture_vmlinux

FRAME = re.compile(r"^#(\d+)\s+([0-9a-f]{16}) (.+?)(?:\+0x[0-9a-f]+)? \[(\S+)\]"
                   r"((?: \[\w+\])*)(?: (\S+):(\d+))?$", re.M)


def frames_of(bt_text):
    return [{"function": m.group(3), "module": m.group(4), "tags": m.group(5),
             "file": m.group(6), "line": int(m.group(7) or 0)} for m in FRAME.finditer(bt_text)]


class LiveRustTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(run_qemu.QEMU)
        cls.vmlinux = rust_fixture_vmlinux()
        cls.ko = RUST_FIXTURE_DIR / "rust_crashme.ko"
        entry = elf_symbol_addresses(cls.vmlinux, ["do_init_module"])["do_init_module"]
        cls.workdir = tempfile.TemporaryDirectory(prefix="seam-live-rust.")
        cls.seam = None
        try:
            cls.qemu, cls.serial, stop = rust_fixture_at(cls.workdir.name, entry)  # nokaslr
        except Exception:
            cls.workdir.cleanup()
            raise
        try:
            if not stop.startswith("T05"):
                raise AssertionError(f"the guest did not stop at do_init_module: {stop}")
            cls.seam = Prompt(["-g", f"127.0.0.1:{cls.qemu.gdb_port}", "-s", str(cls.vmlinux),
                               "-s", str(cls.ko)])
        except Exception:
            cls.qemu.stop()
            cls.workdir.cleanup()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.seam:
            cls.seam.close()
        cls.qemu.stop()
        cls.workdir.cleanup()

    def test_break_in_rust_and_mixed_backtrace(self):
        seam = self.seam
        self.assertRegex(seam.run("break do_init_module"), r"Breakpoint 1 at 0x[0-9a-f]+")
        # rust_minimal is loaded first; the stop we attached at may be its call still.
        modules = ""
        for _ in range(3):
            out = seam.run("continue", timeout=120)
            self.assertRegex(out, r"Breakpoint 1, ", out)
            modules = seam.run("mod")
            if "rust_crashme" in modules:
                break
        self.assertRegex(modules,
                         r"(?m)^rust_crashme\s+ffffffffa[0-9a-f]+\s+\d+\s+\S*rust_crashme\.ko$")
        self.assertNotIn("rust_crashme: init", self.serial_text())  # its init has not run
        seam.run("delete")

        out = seam.run("break rust_crashme::compare_cb")
        found = re.search(r"Breakpoint 2 at (0x[0-9a-f]+): file \S*rust_crashme\.rs, line (\d+)",
                          out)
        self.assertIsNotNone(found, out)
        out = seam.run("continue", timeout=120)
        self.assertRegex(out, r"Breakpoint 2, rust_crashme::compare_cb ", out)
        stop = stop_of(out)
        self.assertEqual(stop["pc"], int(found.group(1), 16))
        self.assertEqual(stop["function"], "rust_crashme::compare_cb")
        self.assertTrue(stop["file"].endswith("rust_crashme.rs"), stop)

        frames = frames_of(seam.run("bt"))
        names = [f["function"] for f in frames]
        want = ["rust_crashme::compare_cb", "do_cmp", "sort_r", "sort",
                "rust_crashme::sort_through_c",
                "<rust_crashme::RustCrashme as kernel::Module>::init", "do_one_initcall"]
        at = [next((i for i, n in enumerate(names) if n == w or n.startswith(w + " ")), -1)
              for w in want]
        self.assertNotIn(-1, at, f"{want} not all in {names}")
        self.assertEqual(at, sorted(at), names)
        self.assertEqual(at[0], 0, names)
        for frame in frames:
            if frame["function"].startswith(("rust_crashme::", "<rust_crashme::")):
                self.assertEqual(frame["module"], "rust_crashme", frame)
                self.assertIn("[rust]", frame["tags"], frame)
                self.assertTrue(frame["file"] and frame["file"].endswith(".rs"), frame)
                self.assertGreater(frame["line"], 0, frame)
            self.assertNotIn("_RNv", frame["function"], frame)  # demangled
        for c_function in ("do_cmp", "sort_r", "sort", "do_one_initcall"):
            frame = frames[names.index(c_function)]
            self.assertEqual(frame["module"], "vmlinux", frame)
            self.assertNotIn("[rust]", frame["tags"], frame)
        self.assertIn("[inlined]", frames[names.index("do_cmp")]["tags"])  # in sort_r
        self.assertTrue(frames[names.index("sort_r")]["file"].endswith("lib/sort.c"), frames)

    def serial_text(self):
        with open(self.serial, errors="replace") as f:
            return f.read()


if __name__ == "__main__":
    unittest.main()

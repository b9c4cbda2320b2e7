# ctest-labels: kernel;corpus;gui
"""seam-gui's live mode on QEMU against the CLI: the same `break ksys_write`, continue and `next`.

Boots the corpus sysrq-kaslr scenario's kernel under QEMU TCG and stops it (QMP) as soon as the
kernel runs /init, before init's writes, as test_live_control.py does. First the CLI, at its
prompt on `seam -g`: `break ksys_write`, `continue`, `next` give the reference function and lines;
its session ends leaving the guest stopped. Then the QtTest binary seam_gui_live_tests
(tests/gui/gui_live_test.cpp) connects seam-gui's window to the same guest, offscreen: it adds
the same breakpoint, presses F5 and F10, and writes the highlighted source lines and the status
line; they must be the CLI's. The CLI goes first because the GUI test then lets the guest run
free (Shift+F5 interrupts a Continue with no breakpoint), and init may crash the kernel meanwhile.
"""
import json
import os
import re
import subprocess
import unittest
from pathlib import Path

from qemu_guest import RUN_INIT, CorpusGuest, Prompt, run_qemu, stop_of
from seamtest import BUILD_DIR, corpus_scenario, require_tool

SCENARIO = "sysrq-kaslr"
GUI_LIVE_TESTS = Path(os.environ.get("SEAM_GUI_LIVE_TESTS",
                                     BUILD_DIR / "tests" / "seam_gui_live_tests"))


class GuiLiveTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool(run_qemu.QEMU)
        if not GUI_LIVE_TESTS.exists():
            raise AssertionError(f"{GUI_LIVE_TESTS} is missing: build the seam_gui_live_tests "
                                 "target (or set SEAM_GUI_LIVE_TESTS)")
        cls.scenario = corpus_scenario(SCENARIO)
        cls.guest = CorpusGuest(cls.scenario, "seam-gui-live.", [RUN_INIT], stop=True)
        cls.gdbstub = cls.guest.gdbstub

    @classmethod
    def tearDownClass(cls):
        cls.guest.close()

    def cli_break_continue_next(self):
        """The CLI's stops at `break ksys_write` + `continue`, then after `next`."""
        seam = Prompt(["-g", self.gdbstub, "-s", str(self.scenario.vmlinux)])
        try:
            out = seam.run("break ksys_write")
            self.assertRegex(out, r"Breakpoint 1 at 0x[0-9a-f]+: file \S*fs/read_write.c")
            out = seam.run("continue", timeout=180)
            self.assertRegex(out, r"Breakpoint 1, ksys_write \(")
            at_break = stop_of(out)
            after_next = stop_of(seam.run("next"))
            seam.run("delete")
        finally:
            seam.close()
        return at_break, after_next

    def test_f5_f10_as_seam_next(self):
        at_break, after_next = self.cli_break_continue_next()
        self.assertEqual(at_break["function"], "ksys_write")
        self.assertEqual(after_next["function"], "ksys_write")

        result_path = os.path.join(self.guest.workdir.name, "gui-live.json")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SEAM_GDBSTUB=self.gdbstub,
                   SEAM_VMLINUX=str(self.scenario.vmlinux), SEAM_GUI_LIVE_RESULT=result_path)
        proc = subprocess.run([str(GUI_LIVE_TESTS)], env=env, capture_output=True, text=True,
                              timeout=800)
        report = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, report[-6000:])
        self.assertRegex(report, r"Totals: \d+ passed, 0 failed, 0 skipped")

        with open(result_path) as f:
            gui = json.load(f)
        # The same lines as the CLI: the breakpoint's, and the one `next` reached.
        self.assertEqual(gui["break_line"], at_break["line"], gui)
        self.assertEqual(gui["next_function"], after_next["function"], gui)
        self.assertEqual(gui["next_line"], after_next["line"], gui)
        self.assertNotEqual(gui["next_line"], gui["break_line"])
        self.assertRegex(gui["break_status"],
                         r"^Stopped: Breakpoint 1, ksys_write \(fd=.*\) at \S*fs/read_write\.c:%d "
                         r"on CPU \d+$" % at_break["line"])
        self.assertRegex(gui["next_status"],
                         r"^Stopped: ksys_write \(.*read_write\.c:%d on CPU" % after_next["line"])
        self.assertRegex(gui["interrupt_status"], r"^Interrupted: CPU \d+ stopped in ")


if __name__ == "__main__":
    unittest.main()

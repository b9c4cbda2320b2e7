#!/usr/bin/env python3
"""GUI benchmark: how long seam-gui takes to put the crashed task's stack on screen, and its peak
RSS, side by side with the terminal tools printing the same stack (seam bt, drgn, gdb, crash),
each a whole process from start to its answer.

Not a test: run it by hand on a quiet machine after a release build. Two dumps:

  corpus   the paging ELF dump of a corpus scenario (--scenario, default sysrq-kaslr;
           samples/kernels/make-corpus.sh) with Debian's vmlinux
  rust     the Rust-kernel fixture's paging ELF dump with its vmlinux and rust_crashme.ko
           (samples/kernels/make_rust_dump.py; found as tests/integration/seamtest.py finds
           them: SEAM_CACHE_DIR, SEAM_SHARED_DIR)

What runs on each:

  seam-gui   QT_QPA_PLATFORM=offscreen seam-gui DUMP -s VMLINUX [-s KO] --screenshot RUN.png
             It quits once the window has shown the crashed task's backtrace: 300 ms after the
             Backtrace dock is filled (the layout settles), it grabs the window and exits. So
             "to the stack" is its wall time minus 0.3 s; the table shows both.
  seam       seam -c DUMP -s VMLINUX [-s KO] bt
  drgn       prog.crashed_thread().stack_trace() printed
  gdb        gdb -batch, symbol-file (-o KERNELOFFSET), add-symbol-file KO at the section
             addresses drgn reads, core-file DUMP, bt
  crash      crash -s VMLINUX DUMP with "bt" and "exit" on stdin
  (the terminal tools' argv are bt_bench.py's; their "to the stack" is their wall time)

Runs are interleaved (seam-gui, seam, drgn, gdb, crash, seam-gui, ...); the median of --runs (5)
is reported: wall time (spawn to exit, bench/measure.py's run_measured), CPU time (user+sys) and
peak RSS (/usr/bin/time -f %M), and seam-gui's ratios to each tool by "to the stack" and RSS
(< 1: seam-gui is faster or smaller). The dump and debug files are read once before the runs, so
the page cache is warm. seam-gui runs with XDG_CONFIG_HOME in the scratch directory, so that the
benchmark neither reads nor changes the user's remembered layout and recent dumps.

Sanity checks, so that a broken run is never reported as fast: every tool must exit 0; every
seam-gui run must leave RUN.png and the RUN.png.json report beside it with backtrace_rows > 0 and
the expected function among its frames; the first output of each other tool must name it too
(corpus: the scenario's first expected frame, sysrq_handle_crash; rust: crash_here, except for
drgn and gdb, which stop at the exception frame on this frame-pointer kernel: asm_exc_invalid_op).
The "frames" column counts the frames each printed that name a function (seam-gui: the report's).

    python3 bench/gui_bench.py
    python3 bench/gui_bench.py --seam-gui build-release/gui/seam-gui --runs 9 --json out.json
    python3 bench/gui_bench.py --workloads rust --tools seam-gui,seam --keep /tmp/outputs
"""

from __future__ import annotations

import functools
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from bt_bench import Scenario, argv_for, expected_text
from measure import (DEBIAN_PYTHON, REPO, add_common_arguments, bench_env, bench_parser,
                     check_tools, figures, finish, print_progress, ratios, run_interleaved,
                     scratch_dir, split_tools_and_workloads, warm)

sys.path.insert(0, str(REPO / "tests" / "integration"))
import seamtest  # noqa: E402 - the Rust fixture's paths, as the tests find them

TOOLS = ("seam-gui", "seam", "drgn", "gdb", "crash")
WORKLOADS = ("corpus", "rust")
SETTLE = 0.3  # seconds seam-gui waits after the backtrace is shown, before it grabs and quits
# "#3  0x... in panic (...)", " #8 [ffa...] panic at ...": a frame line of a terminal tool.
FRAME_LINE = re.compile(rb"^\s*#(\d+)\s+(.*)$", re.M)
# A frame that names no function: gdb's "0x... in ?? ()", drgn's bare "0x...".
UNNAMED_FRAME = re.compile(rb"^(?:0x[0-9a-f]+\s*$|.* in \?\? \()")


class RustFixture(Scenario):
    """The Rust-kernel fixture in the shape of bt_bench's corpus Scenario."""

    def __init__(self):
        self.name = "rust-kernel-6.1"
        self.dir = seamtest.CACHE_DIR / "fixtures" / "rust-kernel-6.1"
        self.dump = str(self.dir / "vmcore.elf-paging")
        try:
            self.vmlinux = str(seamtest.rust_fixture_vmlinux())
        except AssertionError as e:
            sys.exit(str(e))
        self.module = ("rust_crashme", str(seamtest.RUST_FIXTURE_DIR / "rust_crashme.ko"))
        for path in (self.dump, self.module[1], self.dir / "serial.log"):
            if not os.path.exists(path):
                sys.exit(f"{path} is missing: run samples/kernels/make_rust_dump.py (ctest "
                         f"fixture rust_dump_generate) with the shared fixtures beside the "
                         f"repository (SEAM_SHARED_DIR)")
        self.kernel_offset = seamtest.serial_facts(self.dir / "serial.log")["kernel_offset"]
        self.info = {"expected_frames": ["crash_here"]}  # rust_crashme::crash_here, or _R...

    @functools.cache
    def module_sections(self):
        """Where drgn finds the module's sections (peer_oracles.py's drgn, run once)."""
        proc = subprocess.run([DEBIAN_PYTHON, str(REPO / "samples" / "kernels" /
                                                  "peer_oracles.py"),
                               "--drgn-one", self.dump, *self.debug_files()],
                              capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            sys.exit(f"drgn could not read {self.dump}'s modules for gdb: "
                     f"{proc.stderr.strip()[-500:]}")
        modules = json.loads(proc.stdout)["modules"] or []
        found = [m["sections"] for m in modules if m["name"] == self.module[0]]
        if not found:
            sys.exit(f"drgn finds no module {self.module[0]} in {self.dump}")
        return found[0]


def gui_argv(args, scenario, screenshot):
    argv = [args.seam_gui, scenario.dump]
    for path in scenario.debug_files():
        argv += ["-s", path]
    return argv + ["--screenshot", screenshot]


def expected_function(workload, scenario, tool):
    """The function a tool's stack must name. On the Rust fixture (frame pointers, no ORC) drgn
    0.0.22 and gdb 13 stop at the exception frame of the ud2 in rust_helper_BUG: their stack
    ends at asm_exc_invalid_op, short of the Rust frames."""
    if workload == "rust" and tool in ("drgn", "gdb"):
        return "asm_exc_invalid_op"
    return expected_text("bt", scenario, tool)


def named_frames(output):
    """How many frames a terminal tool's stack names (gdb prints frame #0 twice)."""
    return len({m.group(1) for m in FRAME_LINE.finditer(output)
                if not UNNAMED_FRAME.match(m.group(2))})


def gui_problem(screenshot, want):
    """What is wrong with one seam-gui run's screenshot and report, or None."""
    try:
        report = json.loads(Path(screenshot + ".json").read_text())
    except (OSError, ValueError) as e:
        return f"no report {screenshot}.json ({e})"
    functions = [frame["function"] for frame in report.get("frames", [])]
    if not os.path.exists(screenshot):
        return f"no screenshot {screenshot}"
    if report.get("backtrace_rows", 0) <= 0:
        return f"an empty backtrace in {screenshot}.json ({report.get('backtrace_status')})"
    if not any(want in function for function in functions):
        return f"no {want!r} among the frames of {screenshot}.json"
    return None


def bench(args, scenarios, workdir):
    env = {**bench_env(), "QT_QPA_PLATFORM": "offscreen",
           "XDG_CONFIG_HOME": os.path.join(workdir, "config"),
           "XDG_RUNTIME_DIR": os.path.join(workdir, "runtime")}
    os.makedirs(env["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    rows, problems = [], []
    for workload in args.workloads:
        scenario = scenarios[workload]
        for path in [scenario.dump, *scenario.debug_files()]:
            warm(path)
        base = os.path.join(workdir, workload)
        screenshots = []

        def run_argv(tool):
            if tool != "seam-gui":
                return argv_for(tool, "bt", scenario, args)
            screenshots.append(f"{base}.seam-gui.{len(screenshots) + 1}.png")
            return gui_argv(args, scenario, screenshots[-1]), ""

        frames = {}

        def check_first(tool, base_of_run):
            want = expected_function(workload, scenario, tool)
            if tool == "seam-gui":
                try:  # gui_problem() below says what is wrong with a missing report
                    report = json.loads(Path(screenshots[0] + ".json").read_text())
                    # Its last row is the user-space frame, which names no function.
                    frames[tool] = len([f for f in report.get("frames", []) if f["function"]])
                except (OSError, ValueError):
                    pass
                return
            output = Path(base_of_run + ".out").read_bytes()
            frames[tool] = named_frames(output)
            if want.encode() not in output:
                problems.append(f"{tool} on {scenario.name}: no {want!r} in its output "
                                f"({base_of_run}.out)")

        measured, failed = run_interleaved(args.tools, args.runs, run_argv,
                                           lambda tool: f"{base}.{tool}", env, check_first)
        # The GUI's every run: its report says what the window showed.
        want = expected_function(workload, scenario, "seam-gui")
        for screenshot in screenshots[:len(measured.get("seam-gui", []))]:
            if problem := gui_problem(screenshot, want):
                problems.append(f"seam-gui on {scenario.name}: {problem}")
        for tool in args.tools:
            row = {"workload": workload, "scenario": scenario.name, "tool": tool,
                   "frames": frames.get(tool), **figures(measured[tool], failed.get(tool))}
            row["to_stack"] = row["wall"] - (SETTLE if tool == "seam-gui" else 0.0)
            rows.append(row)
        print_progress(f"{workload} ({scenario.name})", rows[-len(args.tools):])
    return rows, problems


def ratio(gui, peer):
    """seam-gui over peer, by time to the stack and by peak RSS."""
    both = ratios(gui and {**gui, "wall": gui["to_stack"]},
                  peer and {**peer, "wall": peer["to_stack"]}, ".2g")
    return f"{both[0]} / {both[1]}" if both else "—"


def print_table(rows, args):
    by = {(r["workload"], r["tool"]): r for r in rows}
    peers = [t for t in args.tools if t != "seam-gui"]
    print(f"to the stack: seam-gui's wall time minus the {SETTLE:g} s it waits before the "
          f"screenshot; the others' wall time")
    print("| dump | tool | frames | runs | wall s | to the stack s | CPU s | peak RSS MiB | "
          + " | ".join(f"seam-gui vs {p} (stack / RSS)" for p in peers) + " |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | "
          + " | ".join("---:" for _ in peers) + " |")
    for r in rows:
        if not r["runs"]:
            print(f"| {r['scenario']} | {r['tool']} | | 0 | fails: {r['error']} | | | |"
                  + " |" * len(peers))
            continue
        cells = [ratio(r, by.get((r["workload"], p))) if r["tool"] == "seam-gui" else ""
                 for p in peers]
        print(f"| {r['scenario']} | {r['tool']} | {r['frames'] or ''} | {r['runs']} | "
              f"{r['wall']:.3f} | {r['to_stack']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.1f} | "
              + " | ".join(cells) + " |")


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--seam-gui", default=str(REPO / "build" / "gui" / "seam-gui"),
                        help="the seam-gui binary (default: build/gui/seam-gui)")
    parser.add_argument("--scenario", default="sysrq-kaslr", help="corpus scenario of 'corpus'")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help=f"a subset of {','.join(WORKLOADS)}")
    add_common_arguments(parser, TOOLS, "dump")
    args = parser.parse_args()
    split_tools_and_workloads(args, TOOLS, WORKLOADS)
    check_tools(args)
    if "seam-gui" in args.tools and not os.access(args.seam_gui, os.X_OK):
        sys.exit(f"{args.seam_gui} is not built: cmake --build --preset default --target "
                 f"seam-gui, or pass --seam-gui")

    scenarios = {}
    if "corpus" in args.workloads:
        scenarios["corpus"] = Scenario(args.cache_dir, args.abi, args.scenario)
    if "rust" in args.workloads:
        scenarios["rust"] = RustFixture()
    print(f"the crashed task's stack on {', '.join(s.name for s in scenarios.values())} "
          f"(vmcore.elf-paging); {args.runs} runs", file=sys.stderr)

    with scratch_dir(args.keep, "seam-gui-bench-") as workdir:
        rows, problems = bench(args, scenarios, workdir)
    problems += [f"seam-gui never ran to the end on {r['scenario']}: {r['error']}"
                 for r in rows if r["tool"] == "seam-gui" and not r["runs"]]
    print()
    print_table(rows, args)
    return finish(rows, problems, args.json, {"runs": args.runs, "settle_s": SETTLE})


if __name__ == "__main__":
    sys.exit(main())

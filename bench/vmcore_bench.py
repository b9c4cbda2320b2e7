#!/usr/bin/env python3
"""vmcore benchmark: `seam sys`, `seam ps` and `seam log` on a real crash dump, side by side with
drgn and crash doing the same thing, each a whole process from start to its answer.

Not a test: run it by hand on a quiet machine after a release build. On one scenario of the
vmcore corpus (samples/kernels/make-corpus.sh; default sysrq-kaslr) and each of its dumps
(default: the paging ELF and the compressed kdump), for each task:

    seam    seam -c DUMP -s VMLINUX sys|ps|log
    drgn    /usr/bin/python3 -c SCRIPT: drgn.Program(), set_core_dump(DUMP),
            load_debug_info([VMLINUX]), then
              sys  init_uts_ns's release, version, machine, nodename, and the uptime
                   (tk_core.timekeeper)
              ps   for_each_task(): pid and comm of every task
              log  get_dmesg()
    crash   crash -s VMLINUX DUMP, with "sys"|"ps"|"log" and "exit" on stdin

Runs are interleaved (seam, drgn, crash, seam, ...); the median of --runs (5) is reported: wall
time (spawn to exit, bench/measure.py's run_measured, with /usr/bin/time's own ~0.5 ms), CPU time
(user+sys) and peak RSS (/usr/bin/time -f %M), and the ratios seam/drgn (time and RSS) and
seam/crash (time and RSS); < 1 means seam is faster or smaller. The files are read once before
the runs, so the page cache is warm: the figures are CPU and memory, not disk.

drgn 0.0.22 (Debian 12) opens only the paging ELF dump (the others: see
samples/kernels/README.md); on a dump it cannot read, its row shows the error and no ratio.

Sanity checks, so that a broken run is never reported as fast: every tool must exit 0 (a drgn
that cannot open the dump is shown as such), and its output must hold what the task asks for:
the release (sys), the init task (ps), the init's "seam-init: triggering" line (log). Seam's
`log` must equal drgn's get_dmesg() byte for byte where drgn reads the dump.

Goal (from the vmcore issue): at most half of drgn's time and peak RSS (drgn: 0.35-0.39 s and
235 MB to a first result on this machine; crash: about 4.8 s and 405 MB).

    python3 bench/vmcore_bench.py
    python3 bench/vmcore_bench.py --seam build-release/cli/seam --runs 9 --json out.json
    python3 bench/vmcore_bench.py --tools seam,drgn --dumps elf-paging,elf-phys,kdump-flat,kdump
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import TIME, ToolFailed, run_measured

REPO = Path(__file__).resolve().parent.parent
DEBIAN_PYTHON = "/usr/bin/python3"  # python3-drgn is installed for Debian's python only
TASKS = ("sys", "ps", "log")
TOOLS = ("seam", "drgn", "crash")

DRGN_SCRIPT = r"""
import sys
import drgn
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.printk import get_dmesg

task, dump, vmlinux = sys.argv[1:4]
prog = drgn.Program()
prog.set_core_dump(dump)
prog.load_debug_info([vmlinux])
out = sys.stdout
if task == "sys":
    uts = prog["init_uts_ns"].name
    tk = prog["tk_core"].timekeeper
    uptime = (tk.tkr_mono.base.value_() + tk.offs_boot.value_()) / 1e9
    for key, value in (("RELEASE", uts.release), ("VERSION", uts.version),
                       ("MACHINE", uts.machine), ("NODENAME", uts.nodename)):
        out.write(f"{key}: {value.string_().decode()}\n")
    out.write(f"UPTIME: {uptime:.2f} s\n")
elif task == "ps":
    for t in for_each_task(prog):
        out.write(f"{t.pid.value_():7} {t.comm.string_().decode()}\n")
elif task == "log":
    out.flush()
    sys.stdout.buffer.write(get_dmesg(prog))
"""

# What each task's output must contain, whoever prints it.
EXPECTED = {"sys": "{release}", "ps": "init", "log": "seam-init: triggering"}


def argv_for(tool, task, dump, vmlinux, seam):
    """(argv, stdin text) of one run."""
    if tool == "seam":
        return [seam, "-c", dump, "-s", vmlinux, task], ""
    if tool == "drgn":
        return [DEBIAN_PYTHON, "-c", DRGN_SCRIPT, task, dump, vmlinux], ""
    return ["crash", "-s", vmlinux, dump], f"{task}\nexit\n"


def median(values):
    return statistics.median(values) if values else float("nan")


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def bench(args, scenario, vmlinux, release, workdir):
    env = {k: v for k, v in os.environ.items() if k != "DEBUGINFOD_URLS"}
    rows, problems = [], []
    for kind in args.dumps:
        dump = str(scenario / f"vmcore.{kind}")
        if not os.path.exists(dump):
            sys.exit(f"{dump} is missing: run samples/kernels/make-corpus.sh")
        warm(dump)
        for task in TASKS:
            runs = {tool: [] for tool in args.tools}
            failed, outputs = {}, {}
            for i in range(args.runs):
                for tool in args.tools:
                    if tool in failed:
                        continue
                    argv, stdin = argv_for(tool, task, dump, vmlinux, args.seam)
                    base = os.path.join(workdir, f"{kind}.{task}.{tool}")
                    with open(base + ".in", "w") as f:
                        f.write(stdin)
                    try:
                        m = run_measured(argv, base + ".in", base + ".out", base + ".err", env)
                    except ToolFailed as e:
                        failed[tool] = str(e).strip().splitlines()[-1][:160]
                        continue
                    runs[tool].append(m)
                    if i == 0:
                        with open(base + ".out", "rb") as f:
                            outputs[tool] = f.read()
                        want = EXPECTED[task].format(release=release)
                        if want.encode() not in outputs[tool]:
                            problems.append(f"{tool} {task} on vmcore.{kind}: no {want!r} "
                                            f"in its output ({base}.out)")
            if task == "log" and "seam" in outputs and "drgn" in outputs and \
                    outputs["seam"] != outputs["drgn"]:
                problems.append(f"seam log on vmcore.{kind} differs from drgn's get_dmesg()")
            for tool in args.tools:
                ms = runs[tool]
                rows.append({
                    "dump": kind, "task": task, "tool": tool, "runs": len(ms),
                    "error": failed.get(tool) if not ms else None,
                    "wall": median([m.wall for m in ms]),
                    "cpu": median([m.user + m.sys for m in ms]),
                    "rss_mib": median([m.maxrss_kib / 1024 for m in ms]),
                    "all": [{"wall": m.wall, "user": m.user, "sys": m.sys,
                             "maxrss_kib": m.maxrss_kib} for m in ms],
                })
            print(f"  vmcore.{kind} {task}: " + ", ".join(
                f"{r['tool']} {r['wall']:.3f} s" if r["runs"] else f"{r['tool']} failed"
                for r in rows[-len(args.tools):]), file=sys.stderr, flush=True)
    return rows, problems


def ratio(a, b):
    if a is None or b is None or not b["runs"] or not a["runs"]:
        return "—", "—"
    return f"{a['wall'] / b['wall']:.2f}x", f"{a['rss_mib'] / b['rss_mib']:.2f}x"


def print_table(rows, tools):
    by = {(r["dump"], r["task"], r["tool"]): r for r in rows}
    print("| dump | task | tool | runs | wall s | CPU s | peak RSS MiB | time vs drgn | "
          "RSS vs drgn | time vs crash | RSS vs crash |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if not r["runs"]:
            print(f"| vmcore.{r['dump']} | {r['task']} | {r['tool']} | 0 | fails: "
                  f"{r['error']} | | | | | | |")
            continue
        drgn = by.get((r["dump"], r["task"], "drgn"))
        crash = by.get((r["dump"], r["task"], "crash"))
        td, rd = ratio(r, drgn) if r["tool"] == "seam" else ("", "")
        tc, rc = ratio(r, crash) if r["tool"] == "seam" else ("", "")
        print(f"| vmcore.{r['dump']} | {r['task']} | {r['tool']} | {r['runs']} | "
              f"{r['wall']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.1f} | {td} | {rd} | {tc} | "
              f"{rc} |")


def print_goals(rows):
    by = {(r["dump"], r["task"], r["tool"]): r for r in rows}
    verdicts = []
    for (dump, task, tool), r in by.items():
        drgn = by.get((dump, task, "drgn"))
        if tool != "seam" or not r["runs"] or not drgn or not drgn["runs"]:
            continue
        t, m = r["wall"] / drgn["wall"], r["rss_mib"] / drgn["rss_mib"]
        ok = t <= 0.5 and m <= 0.5
        verdicts.append(ok)
        print(f"goal vmcore.{dump} {task}: time {t:.2f}x drgn, RSS {m:.2f}x drgn (<= 0.5x both): "
              f"{'met' if ok else 'NOT met'}")
    if verdicts:
        print(f"goal overall: {'met' if all(verdicts) else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seam", default=str(REPO / "build" / "cli" / "seam"),
                        help="the seam binary (default: build/cli/seam)")
    parser.add_argument("--scenario", default="sysrq-kaslr", help="corpus scenario")
    parser.add_argument("--dumps", default="elf-paging,kdump",
                        help="dump kinds: elf-paging, elf-phys, kdump-flat, kdump")
    parser.add_argument("--tools", default=",".join(TOOLS), help="a subset of seam,drgn,crash")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and task (median)")
    parser.add_argument("--abi", default=os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64"))
    parser.add_argument("--cache-dir", default=os.environ.get(
        "SEAM_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "seam")))
    parser.add_argument("--keep", metavar="DIR", help="keep the outputs in DIR")
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE ('-': stdout)")
    args = parser.parse_args()
    args.dumps = [d for d in args.dumps.split(",") if d]
    args.tools = [t for t in args.tools.split(",") if t]
    if unknown := set(args.tools) - set(TOOLS):
        sys.exit(f"unknown tools: {', '.join(sorted(unknown))}")
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} is missing (Debian package time)")
    if "seam" in args.tools and not os.access(args.seam, os.X_OK):
        sys.exit(f"{args.seam} is not built: cmake --preset default && cmake --build --preset "
                 f"default, or pass --seam")
    if "drgn" in args.tools and subprocess.run([DEBIAN_PYTHON, "-c", "import drgn"],
                                               capture_output=True).returncode != 0:
        sys.exit(f"drgn is not importable by {DEBIAN_PYTHON} (Debian package python3-drgn)")
    if "crash" in args.tools and subprocess.run(["sh", "-c", "command -v crash"],
                                                capture_output=True).returncode != 0:
        sys.exit("crash is missing (Debian package crash)")

    scenario = Path(args.cache_dir) / "corpus" / args.abi / args.scenario
    try:
        info = json.loads((scenario / "scenario.json").read_text())
    except OSError:
        sys.exit(f"no scenario {scenario}: run samples/kernels/make-corpus.sh")
    vmlinux = str(Path(args.cache_dir) / info["kernel"]["vmlinux"])
    warm(vmlinux)
    print(f"{args.scenario}: {', '.join('vmcore.' + d for d in args.dumps)}; vmlinux {vmlinux}; "
          f"{args.runs} runs", file=sys.stderr)

    workdir = args.keep or tempfile.mkdtemp(prefix="seam-vmcore-bench-")
    os.makedirs(workdir, exist_ok=True)
    try:
        rows, problems = bench(args, scenario, vmlinux, info["abi"], workdir)
    finally:
        if not args.keep:
            subprocess.run(["rm", "-rf", "--", workdir])
    print()
    print_table(rows, args.tools)
    print()
    print_goals(rows)
    for problem in problems:
        print(f"INVALID: {problem}", file=sys.stderr)
    if args.json:
        data = json.dumps({"scenario": args.scenario, "vmlinux": vmlinux, "runs": args.runs,
                           "rows": rows, "problems": problems}, indent=1)
        if args.json == "-":
            print(data)
        else:
            Path(args.json).write_text(data + "\n")
    seam_failed = any(r["tool"] == "seam" and not r["runs"] for r in rows)
    return 1 if problems or seam_failed else 0


if __name__ == "__main__":
    sys.exit(main())

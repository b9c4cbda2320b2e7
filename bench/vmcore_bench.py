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

import os
import sys

from measure import (DEBIAN_PYTHON, add_common_arguments, bench_env, bench_parser,
                     check_tools, figures, finish, load_scenario, print_progress, ratios,
                     run_interleaved, scratch_dir, split_list, warm)

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


def bench(args, scenario, vmlinux, release, workdir):
    env = bench_env()
    rows, problems = [], []
    for kind in args.dumps:
        dump = str(scenario / f"vmcore.{kind}")
        if not os.path.exists(dump):
            sys.exit(f"{dump} is missing: run samples/kernels/make-corpus.sh")
        warm(dump)
        for task in TASKS:
            outputs = {}

            def check_first(tool, base):
                with open(base + ".out", "rb") as f:
                    outputs[tool] = f.read()
                want = EXPECTED[task].format(release=release)
                if want.encode() not in outputs[tool]:
                    problems.append(f"{tool} {task} on vmcore.{kind}: no {want!r} "
                                    f"in its output ({base}.out)")

            measured, failed = run_interleaved(
                args.tools, args.runs, lambda tool: argv_for(tool, task, dump, vmlinux, args.seam),
                lambda tool: os.path.join(workdir, f"{kind}.{task}.{tool}"), env, check_first)
            if task == "log" and "seam" in outputs and "drgn" in outputs and \
                    outputs["seam"] != outputs["drgn"]:
                problems.append(f"seam log on vmcore.{kind} differs from drgn's get_dmesg()")
            for tool in args.tools:
                rows.append({"dump": kind, "task": task, "tool": tool,
                             **figures(measured[tool], failed.get(tool))})
            print_progress(f"vmcore.{kind} {task}", rows[-len(args.tools):])
    return rows, problems


def ratio(a, b):
    return ratios(a, b) or ("—", "—")


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
    parser = bench_parser(__doc__)
    parser.add_argument("--scenario", default="sysrq-kaslr", help="corpus scenario")
    parser.add_argument("--dumps", default="elf-paging,kdump",
                        help="dump kinds: elf-paging, elf-phys, kdump-flat, kdump")
    add_common_arguments(parser, TOOLS, "task")
    args = parser.parse_args()
    args.dumps = split_list(args.dumps)
    args.tools = split_list(args.tools)
    if unknown := set(args.tools) - set(TOOLS):
        sys.exit(f"unknown tools: {', '.join(sorted(unknown))}")
    check_tools(args)

    scenario, info, vmlinux = load_scenario(args.cache_dir, args.abi, args.scenario)
    warm(vmlinux)
    print(f"{args.scenario}: {', '.join('vmcore.' + d for d in args.dumps)}; vmlinux {vmlinux}; "
          f"{args.runs} runs", file=sys.stderr)

    with scratch_dir(args.keep, "seam-vmcore-bench-") as workdir:
        rows, problems = bench(args, scenario, vmlinux, info["abi"], workdir)
    print()
    print_table(rows, args.tools)
    print()
    print_goals(rows)
    return finish(rows, problems, args.json,
                  {"scenario": args.scenario, "vmlinux": vmlinux, "runs": args.runs})


if __name__ == "__main__":
    sys.exit(main())

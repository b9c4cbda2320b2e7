#!/usr/bin/env python3
"""Backtrace benchmark: `seam bt` on a real crash dump, side by side with drgn, gdb and crash
unwinding the same stacks, each a whole process from start to its answer.

Not a test: run it by hand on a quiet machine after a release build. Three workloads, on the
paging ELF dump (vmcore.elf-paging, the one every peer opens) of a corpus scenario
(samples/kernels/make-corpus.sh):

  bt         the crashed task (--scenario, default sysrq-kaslr)
    seam     seam -c DUMP -s VMLINUX bt
    drgn     /usr/bin/python3 -c SCRIPT: prog.crashed_thread().stack_trace() printed
    gdb      gdb -batch -ex 'symbol-file -o KERNELOFFSET VMLINUX' -ex 'core-file DUMP' -ex bt
    crash    crash -s VMLINUX DUMP with "bt" and "exit" on stdin
  bt-a       the task on every CPU (--smp-scenario, default smp-kthread-spin)
    seam     seam ... bt -a
    drgn     prog.stack_trace(rq.curr) printed for each present CPU
    gdb      ... -ex 'thread apply all bt' (one thread per CPU's PRSTATUS note)
    crash    bt -a
  bt-f       the crashed task with every frame's arguments and locals (--scenario)
    seam     seam ... bt -f
    drgn     each frame of the crashed thread's trace and its locals(), formatted
    gdb      ... -ex 'bt full'
    (crash's bt -f prints raw stack words, not variables: not comparable)
  all-tasks  every task's stack (--tasks-scenario, default sysrq-kaslr: on smp-kthread-spin
             crash's `foreach bt` stops at the task on CPU 1, "bt: read of stack at
             fffffe000004f000 failed", after 4 of 53 tasks)
    seam     seam ... bt --all-tasks if this seam has it, else "bt PID" for every PID of
             `seam ps --json` (read once, before the runs), all in one process through stdin
    drgn     prog.stack_trace(task) printed for each task of for_each_task() (a task drgn
             cannot unwind prints its error, as crash prints its)
    crash    foreach bt: crash 8.0.2 does not find this kernel's tasks (its `ps` lists the
             active ones and swapper only, "active task ... not found in PID hash", and `bt
             TASK` refuses the others' addresses): it shows 2 of 45 stacks; the table's
             "stacks" column counts what each tool printed
    (gdb has no idea of kernel tasks: it sees one thread per CPU)

In module scenarios seam and drgn also load seam_crash.ko, gdb places it with add-symbol-file
at the section addresses drgn's oracle recorded (samples/kernels/peer_oracles.py), crash reads
the module's symbols from the kernel's own kallsyms.

Runs are interleaved (seam, drgn, gdb, crash, seam, ...); the median of --runs (5) is reported:
wall time (spawn to exit, bench/measure.py's run_measured), CPU time (user+sys) and peak RSS
(/usr/bin/time -f %M), and seam's ratios to each peer (< 1: seam is faster or smaller). The
files are read once before the runs, so the page cache is warm.

Sanity checks, so that a broken run is never reported as fast: every tool must exit 0, and its
output must name the function each workload must show (bt: sysrq_handle_crash, or the scenario's
first expected frame; bt-a: panic; all-tasks: kthreadd).

    python3 bench/bt_bench.py
    python3 bench/bt_bench.py --seam build-release/cli/seam --runs 9 --json out.json
    python3 bench/bt_bench.py --workloads bt --tools seam,drgn
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from measure import (DEBIAN_PYTHON, add_common_arguments, bench_env, bench_parser,
                     check_tools, figures, finish, load_scenario, print_progress, ratios,
                     run_interleaved, scratch_dir, split_tools_and_workloads, warm)

TOOLS = ("seam", "drgn", "gdb", "crash")
WORKLOADS = ("bt", "bt-a", "all-tasks", "bt-f")

DRGN_SCRIPT = r"""
import sys
import drgn
from drgn.helpers.linux.cpumask import for_each_present_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.pid import for_each_task

workload, dump, *files = sys.argv[1:]
prog = drgn.Program()
prog.set_core_dump(dump)
prog.load_debug_info(files)
out = sys.stdout

def show(title, get_trace):
    out.write(title + "\n")
    try:
        out.write(str(get_trace()) + "\n\n")
    except Exception as e:
        out.write(f"error: {type(e).__name__}: {e}\n\n")

if workload == "bt":
    show("crashed thread", lambda: prog.crashed_thread().stack_trace())
elif workload == "bt-f":
    trace = prog.crashed_thread().stack_trace()
    out.write("crashed thread\n")
    for frame in trace:
        out.write(str(frame) + "\n")
        for name in frame.locals():
            try:
                out.write(f"    {name} = {frame[name].format_(dereference=False)}\n")
            except Exception as e:
                out.write(f"    {name} = <{type(e).__name__}>\n")
elif workload == "bt-a":
    for cpu in for_each_present_cpu(prog):
        task = per_cpu(prog["runqueues"], cpu).curr
        show(f"CPU {cpu} PID {task.pid.value_()} {task.comm.string_().decode()}",
             lambda: prog.stack_trace(task))
else:
    for task in for_each_task(prog):
        show(f"PID {task.pid.value_()} {task.comm.string_().decode()}",
             lambda: prog.stack_trace(task))
"""


class Scenario:
    def __init__(self, cache_dir, abi, name):
        self.name = name
        self.dir, self.info, self.vmlinux = load_scenario(cache_dir, abi, name)
        self.dump = str(self.dir / "vmcore.elf-paging")
        module = self.info.get("module")
        self.module = (module["name"], str(self.dir / module["file"])) if module else None
        offset = self.info["dumps"]["vmcore.elf-paging"].get("kerneloffset")
        self.kernel_offset = int(offset, 16) if offset else 0

    def debug_files(self):
        return [self.vmlinux] + ([self.module[1]] if self.module else [])

    def module_sections(self):
        """{section: "0x..."} of the module where drgn found it (peer_oracles.py's drgn.json)."""
        oracle = self.dir / "oracles" / "drgn.json"
        try:
            modules = json.loads(oracle.read_text())["modules"]
        except (OSError, ValueError, KeyError):
            sys.exit(f"{oracle} is missing: run /usr/bin/python3 samples/kernels/"
                     f"peer_oracles.py {self.name}")
        return next(m["sections"] for m in modules if m["name"] == self.module[0])

    def gdb_setup(self):
        """gdb's commands before the core: the symbols moved by KERNELOFFSET, the module
        placed where drgn found it (module_sections())."""
        commands = [f"symbol-file -o {self.kernel_offset:#x} {self.vmlinux}"
                    if self.kernel_offset else f"symbol-file {self.vmlinux}"]
        if self.module:
            sections = self.module_sections()
            placed = " ".join(f"-s {n} {a}" for n, a in sections.items()
                              if n != ".text" and not n.startswith((".note", ".symtab",
                                                                    ".strtab")))
            commands.append(f"add-symbol-file {self.module[1]} {sections['.text']} {placed}")
        return commands


def seam_has_all_tasks(seam):
    # A session command's --help is answered before the dump is opened.
    proc = subprocess.run([seam, "-c", "/nonexistent", "bt", "--help"], capture_output=True,
                          text=True, timeout=60)
    return "--all-tasks" in proc.stdout + proc.stderr


def seam_pids(seam, scenario):
    proc = subprocess.run([seam, "-c", scenario.dump, "-s", scenario.vmlinux, "ps", "--json"],
                          capture_output=True, text=True, timeout=300, check=True)
    data = json.loads(proc.stdout)
    rows = data["tasks"] if isinstance(data, dict) else data
    return [row["pid"] for row in rows if row["pid"] > 0]


def argv_for(tool, workload, scenario, args):
    """(argv, stdin text) of one run, or None when the tool has no such workload."""
    flag = {"bt": "", "bt-a": " -a", "all-tasks": "", "bt-f": " -f"}[workload]
    if tool == "seam":
        argv = [args.seam, "-c", scenario.dump]
        for path in scenario.debug_files():
            argv += ["-s", path]
        if workload != "all-tasks":
            return argv + ["bt"] + flag.split(), ""
        if args.seam_all_tasks:
            return argv + ["bt", "--all-tasks"], ""
        return argv, "".join(f"bt {pid}\n" for pid in args.pids) + "quit\n"
    if tool == "drgn":
        return [DEBIAN_PYTHON, "-c", DRGN_SCRIPT, workload, scenario.dump,
                *scenario.debug_files()], ""
    if tool == "gdb":
        if workload == "all-tasks":
            return None
        argv = ["gdb", "-batch", "-nx", "-ex", "set pagination off"]
        for command in scenario.gdb_setup():
            argv += ["-ex", command]
        command = {"bt": "bt", "bt-f": "bt full", "bt-a": "thread apply all bt"}[workload]
        return argv + ["-ex", f"core-file {scenario.dump}", "-ex", command], ""
    if workload == "bt-f":
        return None  # crash's bt -f dumps raw stack words, not DWARF variables
    command = {"bt": "bt", "bt-a": "bt -a", "all-tasks": "foreach bt"}[workload]
    return ["crash", "-s", scenario.vmlinux, scenario.dump], f"{command}\nexit\n"


def expected_text(workload, scenario, tool):
    if workload == "all-tasks" and tool == "crash":
        return "init"  # see above: crash sees no other task of this kernel
    if workload in ("bt", "bt-f"):
        return scenario.info["expected_frames"][0]
    return "panic" if workload == "bt-a" else "kthreadd"


def bench(args, scenarios, workdir):
    env = bench_env()
    rows, problems = [], []
    for workload in args.workloads:
        scenario = scenarios[workload]
        warm(scenario.dump)
        tools = [t for t in args.tools if argv_for(t, workload, scenario, args) is not None]
        stacks = {}

        def check_first(tool, base):
            want = expected_text(workload, scenario, tool)
            output = Path(base + ".out").read_bytes()
            stacks[tool] = len(re.findall(rb"^(?:PID:? \d+|CPU \d+ PID|Thread \d+ |"
                                          rb"crashed thread)", output, re.M))
            if want.encode() not in output:
                problems.append(f"{tool} {workload} on {scenario.name}: no {want!r} in "
                                f"its output ({base}.out)")

        measured, failed = run_interleaved(
            tools, args.runs, lambda tool: argv_for(tool, workload, scenario, args),
            lambda tool: os.path.join(workdir, f"{workload}.{tool}"), env, check_first)
        for tool in tools:
            rows.append({"workload": workload, "scenario": scenario.name, "tool": tool,
                         "stacks": stacks.get(tool), **figures(measured[tool], failed.get(tool))})
        print_progress(f"{workload} on {scenario.name}", rows[-len(tools):])
    return rows, problems


def ratio(seam, peer):
    both = ratios(seam, peer, ".2g")
    return f"{both[0]} / {both[1]}" if both else "—"


def print_table(rows, args):
    by = {(r["workload"], r["tool"]): r for r in rows}
    peers = [t for t in args.tools if t != "seam"]
    print("| workload | scenario | tool | stacks | runs | wall s | CPU s | peak RSS MiB | "
          + " | ".join(f"seam vs {p} (time / RSS)" for p in peers) + " |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | " + " | ".join("---:" for _ in peers)
          + " |")
    for r in rows:
        if not r["runs"]:
            print(f"| {r['workload']} | {r['scenario']} | {r['tool']} | | 0 | fails: "
                  f"{r['error']} | | |" + " |" * len(peers))
            continue
        cells = [ratio(r, by.get((r["workload"], p))) if r["tool"] == "seam" else ""
                 for p in peers]
        print(f"| {r['workload']} | {r['scenario']} | {r['tool']} | {r['stacks']} | {r['runs']} | "
              f"{r['wall']:.3f} | {r['cpu']:.3f} | {r['rss_mib']:.1f} | "
              + " | ".join(cells) + " |")


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--scenario", default="sysrq-kaslr", help="scenario of the bt workload")
    parser.add_argument("--smp-scenario", default="smp-kthread-spin",
                        help="scenario of the bt-a and all-tasks workloads")
    parser.add_argument("--tasks-scenario", default="sysrq-kaslr",
                        help="scenario of the all-tasks workload")
    parser.add_argument("--workloads", default=",".join(WORKLOADS),
                        help="a subset of bt,bt-a,all-tasks,bt-f")
    add_common_arguments(parser, TOOLS, "workload")
    args = parser.parse_args()
    split_tools_and_workloads(args, TOOLS, WORKLOADS)
    check_tools(args)

    single = Scenario(args.cache_dir, args.abi, args.scenario)
    smp = Scenario(args.cache_dir, args.abi, args.smp_scenario)
    tasks = Scenario(args.cache_dir, args.abi, args.tasks_scenario)
    scenarios = {"bt": single, "bt-a": smp, "all-tasks": tasks, "bt-f": single}
    args.seam_all_tasks = "seam" in args.tools and seam_has_all_tasks(args.seam)
    args.pids = []
    if "all-tasks" in args.workloads and "seam" in args.tools and not args.seam_all_tasks:
        args.pids = seam_pids(args.seam, tasks)
    warm(single.vmlinux)
    print(f"bt on {single.name}, bt -a on {smp.name}, all tasks on {tasks.name} "
          f"(vmcore.elf-paging); "
          f"{args.runs} runs; seam all tasks: "
          f"{'bt --all-tasks' if args.seam_all_tasks else f'bt PID x {len(args.pids)} on stdin'}",
          file=sys.stderr)

    with scratch_dir(args.keep, "seam-bt-bench-") as workdir:
        rows, problems = bench(args, scenarios, workdir)
    print()
    print_table(rows, args)
    return finish(rows, problems, args.json, {"runs": args.runs,
                                              "seam_all_tasks": args.seam_all_tasks,
                                              "pids": args.pids})


if __name__ == "__main__":
    sys.exit(main())

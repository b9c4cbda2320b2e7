#!/usr/bin/env python3
"""Disassembly benchmark: `seam dis FUNCTION` on a real crash dump, side by side with gdb's
`disassemble` and crash's `dis` of the same function in the same dump, each a whole process from
start to its answer; and `seam bt` with and without the disassembler linked in (LLVM's x86 MC
libraries are linked statically and set up on the first disassembly only: a backtrace must not
pay for them).

Not a test: run it by hand on a quiet machine after a release build. On the paging ELF dump
(vmcore.elf-paging) of a corpus scenario (--scenario, default sysrq-kaslr):

  dis        one function (--function, default panic: 174 instructions)
    seam         seam -c DUMP -s VMLINUX dis FUNCTION
    gdb          gdb -batch -ex 'symbol-file -o KERNELOFFSET VMLINUX' -ex 'core-file DUMP'
                     -ex 'disassemble FUNCTION'
    crash        crash -s VMLINUX DUMP with "dis FUNCTION" and "exit" on stdin
  bt         the crashed task's stack
    seam         seam -c DUMP -s VMLINUX bt (this build: the disassembler linked)
    seam-before  the same with --seam-before, a seam built before the disassembler was linked

Runs are interleaved; the median of --runs (5) is reported: wall time (spawn to exit), CPU time
(user+sys) and peak RSS (/usr/bin/time -f %M). Every tool must exit 0 and its output must hold
`<FUNCTION+` (dis) or the scenario's first expected frame (bt), else the figures are invalid.

    python3 bench/dis_bench.py --seam build/cli/seam --seam-before /tmp/seam-before
    python3 bench/dis_bench.py --function __handle_sysrq --tools seam,gdb --runs 9
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from measure import (add_common_arguments, bench_env, bench_parser, check_tools, figures, finish,
                     load_scenario, print_progress, ratios, run_interleaved, scratch_dir,
                     split_tools_and_workloads, warm)

TOOLS = ("seam", "gdb", "crash", "seam-before")
WORKLOADS = ("dis", "bt")


class Scenario:
    def __init__(self, cache_dir, abi, name):
        self.name = name
        self.dir, self.info, self.vmlinux = load_scenario(cache_dir, abi, name)
        self.dump = str(self.dir / "vmcore.elf-paging")
        offset = self.info["dumps"]["vmcore.elf-paging"].get("kerneloffset")
        self.kernel_offset = int(offset, 16) if offset else 0


def argv_for(tool, workload, scenario, args):
    """(argv, stdin text) of one run, or None when the tool has no such workload."""
    if tool in ("seam", "seam-before"):
        if tool == "seam-before" and (workload != "bt" or not args.seam_before):
            return None
        seam = args.seam if tool == "seam" else args.seam_before
        command = ["dis", args.function] if workload == "dis" else ["bt"]
        return [seam, "-c", scenario.dump, "-s", scenario.vmlinux, *command], ""
    if workload != "dis":
        return None
    if tool == "gdb":
        symbols = (f"symbol-file -o {scenario.kernel_offset:#x} {scenario.vmlinux}"
                   if scenario.kernel_offset else f"symbol-file {scenario.vmlinux}")
        return ["gdb", "-batch", "-nx", "-ex", "set pagination off", "-ex", symbols, "-ex",
                f"core-file {scenario.dump}", "-ex", f"disassemble {args.function}"], ""
    return ["crash", "-s", scenario.vmlinux, scenario.dump], f"dis {args.function}\nexit\n"


def bench(args, scenario, workdir):
    env = bench_env()
    rows, problems = [], []
    warm(scenario.dump)
    warm(scenario.vmlinux)
    for workload in args.workloads:
        tools = [t for t in args.tools if argv_for(t, workload, scenario, args) is not None]
        want = (f"<{args.function}+" if workload == "dis"
                else scenario.info["expected_frames"][0])
        if workload == "dis":
            # gdb writes offsets alone ("<+5>"); crash and seam name the function.
            wants = {"gdb": "<+5>:"}
        else:
            wants = {}

        def check_first(tool, base):
            output = Path(base + ".out").read_text(errors="replace")
            text = wants.get(tool, want)
            if text not in output:
                problems.append(f"{tool} {workload}: no {text!r} in its output ({base}.out)")

        measured, failed = run_interleaved(
            tools, args.runs, lambda tool: argv_for(tool, workload, scenario, args),
            lambda tool: os.path.join(workdir, f"{workload}.{tool}"), env, check_first)
        for tool in tools:
            rows.append({"workload": workload, "tool": tool,
                         **figures(measured[tool], failed.get(tool))})
        print_progress(f"{workload} on {scenario.name}", rows[-len(tools):])
    return rows, problems


def print_table(rows):
    by = {(r["workload"], r["tool"]): r for r in rows}
    print("| workload | tool | runs | wall s | CPU s | peak RSS MiB | seam vs this (time / RSS) |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if not r["runs"]:
            print(f"| {r['workload']} | {r['tool']} | 0 | fails: {r['error']} | | | |")
            continue
        both = None if r["tool"] == "seam" else ratios(by.get((r["workload"], "seam")), r)
        print(f"| {r['workload']} | {r['tool']} | {r['runs']} | {r['wall']:.3f} | "
              f"{r['cpu']:.3f} | {r['rss_mib']:.1f} | "
              f"{f'{both[0]} / {both[1]}' if both else ''} |")


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--seam-before", help="a seam built without the disassembler (bt only)")
    parser.add_argument("--scenario", default="sysrq-kaslr")
    parser.add_argument("--function", default="panic")
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="a subset of dis,bt")
    add_common_arguments(parser, TOOLS, "workload")
    args = parser.parse_args()
    split_tools_and_workloads(args, TOOLS, WORKLOADS)
    if args.seam_before and not os.access(args.seam_before, os.X_OK):
        sys.exit(f"--seam-before {args.seam_before} is not an executable")
    check_tools(args)
    scenario = Scenario(args.cache_dir, args.abi, args.scenario)
    print(f"dis {args.function} and bt on {scenario.name} (vmcore.elf-paging); {args.runs} runs",
          file=sys.stderr)
    with scratch_dir(args.keep, "seam-dis-bench-") as workdir:
        rows, problems = bench(args, scenario, workdir)
    print()
    print_table(rows)
    return finish(rows, problems, args.json, {"runs": args.runs, "function": args.function,
                                              "scenario": scenario.name})


if __name__ == "__main__":
    sys.exit(main())

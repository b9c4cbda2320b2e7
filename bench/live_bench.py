#!/usr/bin/env python3
"""Live backtrace benchmark: `seam -g` against gdb on the same halted QEMU guest, each a whole
process from start to its answer, and the GDB remote protocol packets each sends.

Not a test: run it by hand on a quiet machine after a release build. Boots the corpus
sysrq-kaslr scenario's kernel (Debian 6.1, KASLR) under QEMU TCG with a gdbstub, lets its init
crash it (panic=0: it spins in panic()), stops it (QMP `stop`), then runs, interleaved:

    seam     seam -g 127.0.0.1:PORT -s VMLINUX bt
    gdb      gdb -batch -nx -ex 'target remote 127.0.0.1:PORT'
                 -ex 'symbol-file -o KASLR_OFFSET VMLINUX' -ex bt -ex disconnect

(the offset is the one `seam -g ... sys --json` finds; gdb cannot find it). The median of --runs
(5) is reported: wall time, CPU time and peak RSS (bench/measure.py), and seam's ratios to gdb.
Packets are counted in one more run of each, apart from the timed ones (gdb's debug output
slows it): seam with SEAM_RSP_STATS=1 (GdbRemote prints "rsp: N packets, ..." when it closes),
gdb with `set debug remote 1` (its "Sending packet" lines).

Sanity checks: both exit 0 and print sysrq_handle_crash; the guest is still stopped after.

    python3 bench/live_bench.py --seam build-release/cli/seam
    python3 bench/live_bench.py --runs 9 --json out.json
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from measure import (REPO, add_common_arguments, bench_env, bench_parser, check_tools, figures,
                     finish, load_scenario, print_progress, ratios, run_interleaved, scratch_dir,
                     split_list, warm)

sys.dont_write_bytecode = True
sys.path.insert(0, str(REPO / "samples" / "kernels"))
import run_qemu  # noqa: E402

TOOLS = ("seam", "gdb")
EXPECTED = "sysrq_handle_crash"


def boot_halted_at_panic(cache_dir, info, scenario_dir, workdir):
    """QEMU on the scenario's kernel, stopped once the panic is on the console."""
    return run_qemu.boot_to_serial(Path(cache_dir) / info["kernel"]["bzimage"],
                                   scenario_dir.parent / "initramfs.cpio.gz", info, workdir,
                                   [run_qemu.PANIC_END], 180, stop=True)


def argv_for(tool, args, port, vmlinux, offset, debug=False):
    address = f"127.0.0.1:{port}"
    if tool == "seam":
        return [args.seam, "-g", address, "-s", vmlinux, "bt"]
    commands = (["set debug remote 1"] if debug else []) + [
        "set pagination off", f"target remote {address}",
        f"symbol-file -o {offset:#x} {vmlinux}", "bt", "disconnect"]
    argv = ["gdb", "-batch", "-nx"]
    for command in commands:
        argv += ["-ex", command]
    return argv


def count_packets(tool, args, port, vmlinux, offset):
    """(packets sent, the run's stderr tail) of one counting run."""
    env = dict(bench_env(), SEAM_RSP_STATS="1")
    proc = subprocess.run(argv_for(tool, args, port, vmlinux, offset, debug=True),
                          capture_output=True, text=True, env=env, timeout=600)
    if tool == "seam":
        m = re.search(r"^rsp: (\d+) packets, (\d+) bytes sent, (\d+) bytes received$",
                      proc.stderr, re.M)
        return (int(m.group(1)), int(m.group(3))) if m else (None, None)
    return len(re.findall(r"Sending packet", proc.stderr)), None


def main() -> int:
    parser = bench_parser(__doc__)
    parser.add_argument("--scenario", default="sysrq-kaslr", help="the corpus scenario booted")
    add_common_arguments(parser, TOOLS, "tool")
    args = parser.parse_args()
    args.tools = split_list(args.tools)
    check_tools(args)
    scenario_dir, info, vmlinux = load_scenario(args.cache_dir, args.abi, args.scenario)
    warm(vmlinux)

    with tempfile.TemporaryDirectory(prefix="seam-live-bench-qemu.") as qemu_dir:
        print(f"booting {args.scenario} under TCG to its panic...", file=sys.stderr, flush=True)
        qemu, qmp = boot_halted_at_panic(args.cache_dir, info, scenario_dir, qemu_dir)
        try:
            port = qemu.gdb_port
            sys_proc = subprocess.run([args.seam, "-g", f"127.0.0.1:{port}", "-s", vmlinux, "sys",
                                       "--json"], capture_output=True, text=True, timeout=300)
            if sys_proc.returncode != 0:
                sys.exit(f"seam sys failed: {sys_proc.stderr[-2000:]}")
            offset = int(json.loads(sys_proc.stdout)["kaslr_offset"], 16)
            problems = []

            def check(tool, base):
                out = Path(base + ".out").read_text(errors="replace")
                if EXPECTED not in out:
                    problems.append(f"{tool}: no {EXPECTED} in its bt")

            with scratch_dir(args.keep, "seam-live-bench-") as workdir:
                measured, failed = run_interleaved(
                    args.tools, args.runs,
                    lambda tool: (argv_for(tool, args, port, vmlinux, offset), ""),
                    lambda tool: os.path.join(workdir, tool), bench_env(), check)
            rows = []
            for tool in args.tools:
                packets, received = count_packets(tool, args, port, vmlinux, offset)
                rows.append({"tool": tool, **figures(measured[tool], failed.get(tool)),
                             "packets": packets, "bytes_received": received})
            print_progress("bt", rows)
            if qmp.command("query-status")["running"]:
                problems.append("the guest runs again after the runs")
        finally:
            qemu.stop()

    print()
    print(f"bt of the live {args.scenario} guest, halted at its panic, median of {args.runs}")
    print(f"{'tool':6} {'wall s':>8} {'cpu s':>8} {'RSS MiB':>8} {'packets':>8}")
    for r in rows:
        if not r["runs"]:
            print(f"{r['tool']:6} failed: {r['error']}")
            continue
        print(f"{r['tool']:6} {r['wall']:8.3f} {r['cpu']:8.3f} {r['rss_mib']:8.1f} "
              f"{r['packets'] if r['packets'] is not None else '?':>8}")
    by_tool = {r["tool"]: r for r in rows}
    if ratio := ratios(by_tool.get("seam"), by_tool.get("gdb")):
        print(f"seam/gdb: time {ratio[0]}, RSS {ratio[1]}")
    return finish(rows, problems, args.json, {"runs": args.runs, "scenario": args.scenario,
                                              "kaslr_offset": hex(offset)})


if __name__ == "__main__":
    sys.exit(main())

"""Measuring one process for the benchmarks: wall, user and system time, and
peak RSS, with the standard streams redirected to files.

    m = run_measured(["seam", "demangle"], "in.txt", "out.txt", "err.txt", os.environ)
    print(m.wall, m.maxrss_kib)

And what the corpus benchmarks (bt_bench.py, vmcore_bench.py) share: their common options and
checks, a corpus scenario, the interleaved runs of each tool and their medians, the ratios, the
scratch directory and the closing report.

    measured, failed = run_interleaved(tools, args.runs, argv_for, base_for, env, check)
    rows.append({"tool": tool, **figures(measured[tool], failed.get(tool))})
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"  # Debian package "time"
DEBIAN_PYTHON = "/usr/bin/python3"  # python3-drgn is installed for Debian's python only
REPO = Path(__file__).resolve().parent.parent


@dataclass
class Measurement:
    wall: float  # seconds
    user: float
    sys: float
    maxrss_kib: int
    exit_code: int = 0


class ToolFailed(Exception):
    pass


def run_measured(argv: list[str], stdin_path: str, stdout_path: str, stderr_path: str,
                 env: dict[str, str], allow_failure: bool = False) -> Measurement:
    """Runs argv with redirected stdio, under /usr/bin/time for the peak RSS.

    The wall time is taken around spawn..wait4 (it includes /usr/bin/time's own start, about
    0.5 ms); user and system times come from wait4. The peak RSS is the one /usr/bin/time reports
    for its child: ru_maxrss of a process that Python spawns directly is wrong, since Linux
    carries the RSS of the address space that exec replaces (here the benchmark's own, hundreds
    of MiB once it holds the outputs) into the maximum.

    A non-zero exit raises ToolFailed unless allow_failure: eu-addr2line exits 1 as soon as one
    address of the batch is not found, and its output is judged by the sanity checks instead.
    """
    rusage_path = stderr_path + ".rusage"
    argv = [TIME, "-f", "%M %x", "-o", rusage_path, shutil.which(argv[0]) or argv[0], *argv[1:]]
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, stdin_path, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    start = time.perf_counter()
    pid = os.posix_spawn(TIME, argv, env, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    try:
        # "Command exited with non-zero status N" may come first; ours is the last line.
        maxrss_kib, exit_code = (int(x) for x in
                                 Path(rusage_path).read_text().strip().split("\n")[-1].split())
    except (OSError, ValueError):
        maxrss_kib, exit_code = 0, code if code else 1
    if exit_code != 0 and not allow_failure:
        err = Path(stderr_path).read_text(errors="replace")[-2000:]
        raise ToolFailed(f"{' '.join(argv[5:])} exited with {exit_code}:\n{err}")
    return Measurement(wall, usage.ru_utime, usage.ru_stime, maxrss_kib, exit_code)


def median(values):
    return statistics.median(values) if values else float("nan")


def warm(path):
    """Reads path once, so that the runs find it in the page cache."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def split_list(text):
    """"a,b,,c" -> ["a", "b", "c"]"""
    return [item for item in text.split(",") if item]


def split_tools_and_workloads(args, tools, workloads):
    """args.tools and args.workloads from comma lists to lists; exits naming any that is not one
    of `tools` or `workloads`."""
    args.workloads = split_list(args.workloads)
    args.tools = split_list(args.tools)
    if unknown := (set(args.tools) - set(tools)) | (set(args.workloads) - set(workloads)):
        sys.exit(f"unknown tools or workloads: {', '.join(sorted(unknown))}")


def bench_parser(description):
    """An argument parser with description (a script's __doc__) as it is written, and --seam."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seam", default=str(REPO / "build" / "cli" / "seam"),
                        help="the seam binary (default: build/cli/seam)")
    return parser


def add_common_arguments(parser, tools, unit):
    """--tools (a subset of tools), --runs (per tool and unit), --abi, --cache-dir, --keep and
    --json."""
    parser.add_argument("--tools", default=",".join(tools), help=f"a subset of {','.join(tools)}")
    parser.add_argument("--runs", type=int, default=5, help=f"runs per tool and {unit} (median)")
    parser.add_argument("--abi", default=os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64"))
    parser.add_argument("--cache-dir", default=os.environ.get(
        "SEAM_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "seam")))
    parser.add_argument("--keep", metavar="DIR", help="keep the outputs in DIR")
    parser.add_argument("--json", metavar="FILE", help="write every figure to FILE ('-': stdout)")


def check_tools(args):
    """Exits with the reason when /usr/bin/time or one of args.tools is not there to run."""
    if not os.path.exists(TIME):
        sys.exit(f"{TIME} is missing (Debian package time)")
    if "seam" in args.tools and not os.access(args.seam, os.X_OK):
        sys.exit(f"{args.seam} is not built: cmake --preset default && cmake --build --preset "
                 f"default, or pass --seam")
    if "drgn" in args.tools and subprocess.run([DEBIAN_PYTHON, "-c", "import drgn"],
                                               capture_output=True).returncode != 0:
        sys.exit(f"drgn is not importable by {DEBIAN_PYTHON} (Debian package python3-drgn)")
    for tool in ("gdb", "crash"):
        if tool in args.tools and subprocess.run(["sh", "-c", f"command -v {tool}"],
                                                 capture_output=True).returncode != 0:
            sys.exit(f"{tool} is missing (Debian package {tool})")


def load_scenario(cache_dir, abi, name):
    """(directory, scenario.json, vmlinux path) of a scenario of the vmcore corpus."""
    directory = Path(cache_dir) / "corpus" / abi / name
    try:
        info = json.loads((directory / "scenario.json").read_text())
    except OSError:
        sys.exit(f"no scenario {directory}: run samples/kernels/make-corpus.sh")
    return directory, info, str(Path(cache_dir) / info["kernel"]["vmlinux"])


def bench_env():
    """The environment of the runs: no debuginfod, so that nobody goes to the network."""
    return {k: v for k, v in os.environ.items() if k != "DEBUGINFOD_URLS"}


def run_interleaved(tools, runs, argv_for, base_for, env, check_first):
    """Runs every tool `runs` times, interleaved (a, b, c, a, b, ...), each on its own files
    base_for(tool) + .in/.out/.err, the .in holding the stdin text of argv_for(tool) -> (argv,
    stdin). check_first(tool, base) looks at the output of each tool's first run. A tool that
    fails is not run again. Returns ({tool: [Measurement]}, {tool: its last error line})."""
    measured = {tool: [] for tool in tools}
    failed = {}
    for i in range(runs):
        for tool in tools:
            if tool in failed:
                continue
            argv, stdin = argv_for(tool)
            base = base_for(tool)
            with open(base + ".in", "w") as f:
                f.write(stdin)
            try:
                m = run_measured(argv, base + ".in", base + ".out", base + ".err", env)
            except ToolFailed as e:
                failed[tool] = str(e).strip().splitlines()[-1][:160]
                continue
            measured[tool].append(m)
            if i == 0:
                check_first(tool, base)
    return measured, failed


def figures(ms, error):
    """A table row's figures: the medians of the runs ms, and each run's."""
    return {
        "runs": len(ms), "error": error if not ms else None,
        "wall": median([m.wall for m in ms]),
        "cpu": median([m.user + m.sys for m in ms]),
        "rss_mib": median([m.maxrss_kib / 1024 for m in ms]),
        "all": [{"wall": m.wall, "user": m.user, "sys": m.sys,
                 "maxrss_kib": m.maxrss_kib} for m in ms],
    }


def print_progress(label, rows):
    print(f"  {label}: " + ", ".join(
        f"{r['tool']} {r['wall']:.3f} s" if r["runs"] else f"{r['tool']} failed"
        for r in rows), file=sys.stderr, flush=True)


def ratios(a, b, spec=".2f"):
    """(time, RSS) of row a over row b as "0.42x" texts, or None when either has no run."""
    if a is None or b is None or not a["runs"] or not b["runs"]:
        return None
    return f"{a['wall'] / b['wall']:{spec}}x", f"{a['rss_mib'] / b['rss_mib']:{spec}}x"


@contextmanager
def scratch_dir(keep, prefix):
    """The directory of the runs' files: keep (kept), or a temporary one removed at the end."""
    workdir = keep or tempfile.mkdtemp(prefix=prefix)
    os.makedirs(workdir, exist_ok=True)
    try:
        yield workdir
    finally:
        if not keep:
            subprocess.run(["rm", "-rf", "--", workdir])


def finish(rows, problems, json_path, data):
    """Prints the problems, writes data (with rows and problems) to json_path, and returns the
    exit code: 1 when a sanity check failed or seam never ran to the end."""
    for problem in problems:
        print(f"INVALID: {problem}", file=sys.stderr)
    if json_path:
        text = json.dumps({**data, "rows": rows, "problems": problems}, indent=1)
        if json_path == "-":
            print(text)
        else:
            Path(json_path).write_text(text + "\n")
    seam_failed = any(r["tool"] == "seam" and not r["runs"] for r in rows)
    return 1 if problems or seam_failed else 0

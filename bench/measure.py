"""Measuring one process for the benchmarks: wall, user and system time, and
peak RSS, with the standard streams redirected to files.

    m = run_measured(["seam", "demangle"], "in.txt", "out.txt", "err.txt", os.environ)
    print(m.wall, m.maxrss_kib)
"""
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

TIME = "/usr/bin/time"  # Debian package "time"


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

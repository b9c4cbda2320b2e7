#!/usr/bin/env python3
"""Demangling benchmark: `seam demangle` side by side with c++filt and rustfilt.

Not a test: run it by hand on a quiet machine after a release build. For each
symbol set it feeds the same file, one symbol per line, on stdin to Seam's
filter and to the peer that Seam's output is compared with:

    C++           the `_Z` symbols of libLLVM-19 and libQt6Core   seam demangle  vs  c++filt
    Rust v0       the `_R` symbols of the rustup toolchain's
                  librustc_driver-*.so (its whole symbol table)   seam demangle  vs  rustfilt
    Rust legacy   the `_ZN...17h<hash>E` symbols of Debian rustc
                  1.63's rlibs (/usr/lib/rustlib/.../lib/*.rlib)  seam demangle  vs  rustfilt

Symbol versions (`@@Qt_6`) are dropped. Each set is repeated until it has at
least --min-lines lines, so that process start-up is noise. The runs are
interleaved (seam, peer, seam, peer, ...) and the median of --runs (5) is
reported: wall time (spawn to exit, with /usr/bin/time's own ~0.5 ms),
symbols per second and peak RSS (`/usr/bin/time -f %M`), and the ratios
seam/peer (`speed` > 1: seam is faster; `RSS` < 1: seam is smaller).

Sanity checks, so that a broken run is never reported as fast: every tool
must exit 0 and print one line per input line; on Rust sets Seam's output
must equal rustfilt's, on C++ the share of lines equal to c++filt's is shown
(the differences are documented in symbolizer/demangle.cpp).

    python3 bench/demangle_bench.py
    python3 bench/demangle_bench.py --seam build-release/cli/seam --runs 9 --json out.json
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import TIME, ToolFailed, run_measured

REPO = Path(__file__).resolve().parent.parent
CXX_LIBS = ["/usr/lib/llvm-19/lib/libLLVM.so.1", "/usr/lib/x86_64-linux-gnu/libQt6Core.so.6"]
RUSTLIB_163 = "/usr/lib/rustlib/x86_64-unknown-linux-gnu/lib"


def nm_names(path: str, dynamic: bool) -> list[str]:
    args = ["nm", "--defined-only"] + (["-D"] if dynamic else []) + [path]
    proc = subprocess.run(args, capture_output=True, text=True, errors="surrogateescape")
    names = []
    for line in proc.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.endswith(":"):
            names.append(fields[-1].split("@")[0])
    return names


def unique(names):
    return list(dict.fromkeys(names))


def cxx_symbols() -> list[str]:
    names = []
    for lib in CXX_LIBS:
        if not os.path.exists(lib):
            sys.exit(f"{lib} is missing (packages libllvm19, libqt6core6)")
        names += [n for n in nm_names(lib, dynamic=True) if n.startswith("_Z")]
    return unique(names)


def rust_v0_symbols() -> list[str]:
    sysroot = subprocess.run(["rustc", "--print", "sysroot"], capture_output=True,
                             text=True, check=True).stdout.strip()
    libs = glob.glob(os.path.join(sysroot, "lib", "librustc_driver-*.so"))
    if not libs:
        sys.exit(f"no librustc_driver-*.so in {sysroot}/lib")
    return unique(n for n in nm_names(libs[0], dynamic=False) if n.startswith("_R"))


def rust_legacy_symbols() -> list[str]:
    names = []
    for rlib in sorted(glob.glob(os.path.join(RUSTLIB_163, "*.rlib"))):
        names += [n for n in nm_names(rlib, dynamic=False)
                  if n.startswith("_ZN") and "17h" in n]
    if not names:
        sys.exit(f"no legacy Rust symbols in {RUSTLIB_163} (Debian package rustc)")
    return unique(names)


@dataclass
class Run:
    seconds: float
    rss_kib: int


@dataclass
class Result:
    symbol_set: str
    tool: str
    lines: int
    distinct: int
    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return statistics.median(r.rss_kib for r in self.runs) / 1024

    @property
    def per_second(self) -> float:
        return self.lines / self.seconds


def run_once(argv: list[str], input_path: str, output_path: str, expected_lines: int) -> Run:
    try:
        m = run_measured(argv, input_path, output_path, output_path + ".err", dict(os.environ))
    except ToolFailed as failure:
        sys.exit(str(failure))
    with open(output_path, "rb") as out:
        lines = sum(1 for _ in out)
    if lines != expected_lines:
        sys.exit(f"{argv[0]} printed {lines} lines for {expected_lines}")
    return Run(m.wall, m.maxrss_kib)


def agreement(path_a: str, path_b: str) -> float:
    with open(path_a, "rb") as a, open(path_b, "rb") as b:
        pairs = list(zip(a, b))
    return sum(x == y for x, y in pairs) / len(pairs)


def bench_set(name, symbols, peer_argv, seam, runs, min_lines, workdir):
    repeats = max(1, -(-min_lines // len(symbols)))
    lines = symbols * repeats
    input_path = os.path.join(workdir, f"{name}.in")
    with open(input_path, "w", errors="surrogateescape") as f:
        f.write("".join(s + "\n" for s in lines))
    tools = {"seam": [seam, "demangle"], peer_argv[0]: peer_argv}
    results = {t: Result(name, t, len(lines), len(symbols)) for t in tools}
    outputs = {t: os.path.join(workdir, f"{name}.{t}.out") for t in tools}
    for _ in range(runs):
        for tool, argv in tools.items():
            results[tool].runs.append(run_once(argv, input_path, outputs[tool], len(lines)))
    same = agreement(outputs["seam"], outputs[peer_argv[0]])
    return list(results.values()), same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seam", default=str(REPO / "build" / "cli" / "seam"),
                        help="the seam binary (default: build/cli/seam)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and set (median)")
    parser.add_argument("--min-lines", type=int, default=400_000,
                        help="repeat each symbol set up to at least this many lines")
    parser.add_argument("--sets", default="cxx,v0,legacy",
                        help="comma-separated subset of cxx,v0,legacy")
    parser.add_argument("--json", metavar="FILE",
                        help="also write all figures as JSON ('-': stdout)")
    args = parser.parse_args()

    for tool in (args.seam, "c++filt", "rustfilt", "nm", TIME):
        if not (os.path.exists(tool) or subprocess.run(["which", tool],
                                                        capture_output=True).returncode == 0):
            sys.exit(f"{tool} not found")

    sets = {
        "cxx": ("C++", cxx_symbols, ["c++filt"]),
        "v0": ("Rust v0", rust_v0_symbols, ["rustfilt"]),
        "legacy": ("Rust legacy", rust_legacy_symbols, ["rustfilt"]),
    }
    rows, report = [], []
    with tempfile.TemporaryDirectory(prefix="seam-demangle-bench-") as workdir:
        for key in args.sets.split(","):
            label, collect, peer = sets[key]
            symbols = collect()
            print(f"{label}: {len(symbols)} distinct symbols ...", file=sys.stderr)
            results, same = bench_set(key, symbols, peer, args.seam, args.runs, args.min_lines,
                                      workdir)
            if key != "cxx" and same != 1.0:
                print(f"INVALID: seam differs from rustfilt on {1 - same:.4%} of {label}",
                      file=sys.stderr)
                return 1
            rows.append((label, results, same))
            report += [dict(set=label, tool=r.tool, lines=r.lines, distinct=r.distinct,
                            median_seconds=r.seconds, symbols_per_second=r.per_second,
                            peak_rss_mib=r.rss_mib, same_as_peer=same,
                            runs=[vars(x) for x in r.runs]) for r in results]

    header = (f"{'set':<12} {'tool':<9} {'lines':>8} {'median s':>9} {'symbols/s':>11} "
              f"{'RSS MiB':>8} {'speed':>6} {'RSS':>6} {'same':>7}")
    print(header)
    print("-" * len(header))
    for label, results, same in rows:
        seam, peer = results
        for r in results:
            line = (f"{label:<12} {r.tool:<9} {r.lines:>8} {r.seconds:>9.3f} "
                    f"{r.per_second:>11,.0f} {r.rss_mib:>8.1f}")
            if r is seam:
                line += (f" {seam.per_second / peer.per_second:>5.2f}x"
                         f" {seam.rss_mib / peer.rss_mib:>5.2f}x {same:>7.2%}")
            print(line)
    print(f"\nmedian of {args.runs} runs; speed and RSS are seam / peer; 'same' is the share "
          "of lines equal to the peer's output")
    if args.json:
        text = json.dumps(report, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Symbolization benchmark: seam symbolize side by side with llvm-symbolizer and eu-addr2line.

Not a test: run it by hand (see bench/README.md). For each input file -- Debian's 6.1 cloud
vmlinux with DWARF (scripts/fetch-debian-kernel.sh) and the mixed-language sample binaries of a
build, if they were built -- it samples COUNT addresses from the text symbols that
`nm -S --defined-only` lists (half of them function starts, half random offsets inside the
function; fixed seed, with repetition) and feeds them on stdin, in one run per tool, to

    seam symbolize --inlines -e FILE
    llvm-symbolizer-19 --inlines -e FILE
    eu-addr2line -a -i -f -e FILE        (-a only so that its output can be split per address)

It reports the median over --runs runs (fewer for a tool whose runs on a file already took more
than --budget seconds: eu-addr2line) of the wall time, the addresses per second and the peak
RSS (`/usr/bin/time -f %M`) of each tool, and the ratios to
llvm-symbolizer. For the vmlinux it also times the whole process of a single-address lookup
(`seam symbolize -e vmlinux ADDR` and the peers' equivalent), median of 5 runs, with the file in
the page cache (the benchmark reads it once first): the cost of opening the file and building
whatever the first lookup needs.

Every run is sanity-checked so that a broken run is never reported as fast: seam and
llvm-symbolizer must exit 0 (eu-addr2line exits 1 whenever one address is not found), every tool
must give exactly one result per address, and for a sample of addresses the containing
(outermost) function and the file:line of each peer must agree with Seam's for at least 90% of
them (after
normalizing the cosmetic differences: Seam's "[lang]" tags, GCC clone suffixes like .constprop.0
that llvm-symbolizer takes from the symbol table, Rust legacy hashes, eu-addr2line's mangled
names, demangled with llvm-cxxfilt-19). The agreement of the innermost (inlined) function is
shown too; it is lower where a peer does not see inlined calls (eu-addr2line in Rust code) or
names a different one of several identical folded functions. A row that fails the checks is
marked INVALID; if it is seam's or llvm-symbolizer's the script exits with status 1.

The goals of the symbolizer issue are printed at the end: at least 2x llvm-symbolizer's throughput
at no more than half its peak RSS (on the vmlinux), and a single-address lookup in the vmlinux in
under 50 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from measure import TIME, Measurement, ToolFailed, run_measured

REPO = Path(__file__).resolve().parent.parent
DEFAULT_ABI = "6.1.0-56-cloud-amd64"
TEXT_TYPES = set("tTwW")
SAMPLE_SKIP_SUFFIXES = (".stripped", ".nosyms", ".debug", ".o", ".a")

LLVM_SYMBOLIZER = "llvm-symbolizer-19"
EU_ADDR2LINE = "eu-addr2line"
CXXFILT = "llvm-cxxfilt-19"

GOAL_THROUGHPUT = 2.0  # at least this times llvm-symbolizer's addresses per second
GOAL_RSS = 0.5  # at most this times llvm-symbolizer's peak RSS
GOAL_COLD_MS = 50.0  # single-address lookup in the vmlinux, whole process
MIN_NAME_AGREEMENT = 0.90  # below this, a peer's output is taken as broken


# ---------------------------------------------------------------------------------------------
# Tools


@dataclass
class Tool:
    key: str  # seam, llvm, eu
    label: str
    batch_argv: list[str]  # FILE is substituted
    single_argv: list[str]  # FILE and ADDR are substituted

    def argv(self, template: list[str], file: Path, addr: str = "") -> list[str]:
        return [addr if a == "ADDR" else str(file) if a == "FILE" else a for a in template]


def make_tools(seam: Path, wanted: list[str]) -> list[Tool]:
    tools = {
        "seam": Tool("seam", "seam", [str(seam), "symbolize", "--inlines", "-e", "FILE"],
                     [str(seam), "symbolize", "-e", "FILE", "ADDR"]),
        "llvm": Tool("llvm", LLVM_SYMBOLIZER, [LLVM_SYMBOLIZER, "--inlines", "-e", "FILE"],
                     [LLVM_SYMBOLIZER, "-e", "FILE", "ADDR"]),
        "eu": Tool("eu", EU_ADDR2LINE, [EU_ADDR2LINE, "-a", "-i", "-f", "-e", "FILE"],
                   [EU_ADDR2LINE, "-f", "-e", "FILE", "ADDR"]),
    }
    return [tools[k] for k in ("seam", "llvm", "eu") if k in wanted]


# ---------------------------------------------------------------------------------------------
# Running one process and measuring it


def warm_page_cache(path: Path) -> None:
    with open(path, "rb", buffering=0) as f:
        while f.read(16 << 20):
            pass


# ---------------------------------------------------------------------------------------------
# Addresses


def text_symbols(path: Path) -> list[tuple[int, int]]:
    out = subprocess.run(["nm", "-S", "--defined-only", str(path)], capture_output=True,
                         text=True, check=False).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] in TEXT_TYPES:
            size = int(parts[1], 16)
            if size > 0:
                syms.add((int(parts[0], 16), size))
    return sorted(syms)


def sample_addresses(syms: list[tuple[int, int]], count: int, seed: int) -> list[int]:
    """Half function starts, half random interior offsets; with repetition."""
    rng = random.Random(seed)
    addrs = []
    for i in range(count):
        start, size = rng.choice(syms)
        addrs.append(start if i % 2 == 0 or size < 2 else start + rng.randrange(1, size))
    return addrs


# ---------------------------------------------------------------------------------------------
# Parsing the outputs, for the sanity checks


def parse_blank_separated(text: str) -> list[list[tuple[str, str]]]:
    """llvm-symbolizer and seam: per address, (function, location) line pairs, then a blank line."""
    results = []
    for block in text.split("\n\n"):
        lines = block.split("\n")
        if block == "" or lines == [""]:
            continue
        results.append([(lines[i], lines[i + 1] if i + 1 < len(lines) else "")
                        for i in range(0, len(lines), 2)])
    return results


ADDR_LINE = re.compile(r"^0x[0-9a-fA-F]+$")


def parse_eu(text: str) -> list[list[tuple[str, str]]]:
    """eu-addr2line -a: the address on a line of its own, then (function, location) pairs."""
    results: list[list[tuple[str, str]]] = []
    lines: list[str] = []

    def flush() -> None:
        results[-1].extend((lines[i], lines[i + 1] if i + 1 < len(lines) else "")
                           for i in range(0, len(lines), 2))

    for line in text.split("\n"):
        if ADDR_LINE.match(line):
            if results:
                flush()
            results.append([])
            lines = []
        elif line:
            lines.append(line)
    if results:
        flush()
    return results


def count_results(tool: Tool, text: str) -> int:
    if tool.key == "eu":
        return sum(1 for line in text.split("\n") if ADDR_LINE.match(line))
    return len(parse_blank_separated(text))


CLONE_SUFFIX = re.compile(r"(\.(constprop|isra|part|cold|lto_priv|localalias|llvm)(\.\d+)?)+$")
RUST_HASH = re.compile(r"::h[0-9a-f]{16}$")


def normalize_name(name: str) -> str:
    name = re.sub(r" \[[^\]]*\]$", "", name)  # seam: " [c, inlined]"
    name = re.sub(r" inlined at .*$", "", name)  # eu-addr2line -i
    name = re.sub(r"\+0x[0-9a-fA-F]+$", "", name)  # symtab fallback: name+0xoff
    name = CLONE_SUFFIX.sub("", name)
    name = RUST_HASH.sub("", name)
    return "??" if name in ("", "??") else name


def demangle_all(names: set[str]) -> dict[str, str]:
    mangled = sorted(n for n in names if n.startswith(("_Z", "_R")))
    if not mangled or not shutil.which(CXXFILT):
        return {}
    out = subprocess.run([CXXFILT], input="\n".join(mangled) + "\n", capture_output=True,
                         text=True, check=False).stdout.split("\n")
    return dict(zip(mangled, out))


def location_key(result: list[tuple[str, str]]) -> str:
    """The innermost frame's file:line (the address's own line), without the column."""
    if not result:
        return "??"
    loc = re.sub(r"/+", "/", result[0][1])
    loc = re.sub(r"(:\d+):\d+$", r"\1", loc)  # llvm-symbolizer and seam add :column
    return "??" if loc.startswith("??") else loc


def name_key(result: list[tuple[str, str]], demangled: dict[str, str]) -> tuple[str, str]:
    if not result:
        return ("??", "??")
    names = []
    for raw in (result[0][0], result[-1][0]):
        base = re.sub(r" inlined at .*$", "", raw)
        names.append(normalize_name(demangled.get(base, base)))
    return (names[0], names[1])


# ---------------------------------------------------------------------------------------------
# The benchmark of one file


@dataclass
class ToolResult:
    tool: Tool
    runs: list[Measurement] = field(default_factory=list)
    results: int = -1
    # Shares of the spot-checked addresses whose outermost (containing) function and innermost
    # (inlined) function agree with seam's.
    outer_agreement: float | None = None
    inner_agreement: float | None = None
    line_agreement: float | None = None  # the same for the innermost file:line
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(m.wall for m in self.runs)

    @property
    def rss_mib(self) -> float:
        return statistics.median(m.maxrss_kib for m in self.runs) / 1024


def sanity_check(results: list[ToolResult], outputs: dict[str, str], expected: int,
                 spot: int, seed: int) -> list[str]:
    """Counts every tool's results; compares the peers' function names with seam's."""
    notes = []
    parsed = {}
    for r in results:
        text = outputs[r.tool.key]
        r.results = count_results(r.tool, text)
        if r.results != expected:
            r.problems.append(f"{r.results} results for {expected} addresses")
        parsed[r.tool.key] = (parse_eu(text) if r.tool.key == "eu"
                              else parse_blank_separated(text))
    # A tool whose count is off is already marked; the others are still compared with seam.
    checkable = {r.tool.key for r in results if not r.problems}
    if "seam" not in checkable:
        return notes
    indices = random.Random(seed + 1).sample(range(expected), min(spot, expected))
    raw_names = {re.sub(r" inlined at .*$", "", frame[0])
                 for key in checkable for i in indices
                 for frame in parsed[key][i][:1] + parsed[key][i][-1:]}
    demangled = demangle_all(raw_names)
    reference = [name_key(parsed["seam"][i], demangled) for i in indices]
    ref_lines = [location_key(parsed["seam"][i]) for i in indices]
    for r in results:
        if r.tool.key == "seam" or r.tool.key not in checkable:
            continue
        mine = [name_key(parsed[r.tool.key][i], demangled) for i in indices]
        inner = sum(1 for a, b in zip(reference, mine) if a[0] == b[0])
        outer = sum(1 for a, b in zip(reference, mine) if a[1] == b[1])
        r.inner_agreement = inner / len(indices)
        r.outer_agreement = outer / len(indices)
        lines = sum(1 for i, ref in zip(indices, ref_lines)
                    if location_key(parsed[r.tool.key][i]) == ref)
        r.line_agreement = lines / len(indices)
        if r.line_agreement < MIN_NAME_AGREEMENT:
            r.problems.append(f"file:line agree with seam for only {lines}/{len(indices)}"
                              " spot-checked addresses")
            examples = [(ref, location_key(parsed[r.tool.key][i]))
                        for i, ref in zip(indices, ref_lines)
                        if location_key(parsed[r.tool.key][i]) != ref][:5]
            notes.extend(f"  {r.tool.label}: seam {a!r} vs {b!r}" for a, b in examples)
        if r.outer_agreement < MIN_NAME_AGREEMENT:
            r.problems.append(f"containing function names agree with seam for only"
                              f" {outer}/{len(indices)} spot-checked addresses")
            examples = [(a[1], b[1]) for a, b in zip(reference, mine) if a[1] != b[1]][:5]
            notes.extend(f"  {r.tool.label}: seam {a!r} vs {b!r}" for a, b in examples)
    return notes


def bench_file(path: Path, tools: list[Tool], count: int, runs: int, seed: int, spot: int,
               budget: float, workdir: Path, env: dict[str, str], log) -> dict:
    syms = text_symbols(path)
    if not syms:
        raise ToolFailed(f"{path}: nm lists no sized text symbols")
    addrs = sample_addresses(syms, count, seed)
    addr_file = workdir / "addresses.txt"
    addr_file.write_text("".join(f"{a:#x}\n" for a in addrs))
    warm_page_cache(path)

    results = [ToolResult(t) for t in tools]
    outputs: dict[str, str] = {}
    for run in range(runs):
        for r in results:  # interleaved, so that drifts of the machine hit every tool alike
            if run > 0 and sum(m.wall for m in r.runs) > budget:
                continue  # a slow peer: fewer runs (the table says how many)
            out = workdir / f"{r.tool.key}.out"
            m = run_measured(r.tool.argv(r.tool.batch_argv, path), str(addr_file), str(out),
                             str(workdir / f"{r.tool.key}.err"), env,
                             allow_failure=r.tool.key == "eu")
            r.runs.append(m)
            if m.exit_code and f"exit {m.exit_code}" not in r.notes:
                r.notes.append(f"exit {m.exit_code}")
            log(f"    run {run + 1}/{runs} {r.tool.label:<18} {m.wall:8.3f} s"
                f" {m.maxrss_kib / 1024:8.1f} MiB" + (f"  exit {m.exit_code}" if m.exit_code
                                                       else ""))
            if run == 0:
                outputs[r.tool.key] = out.read_text(errors="replace")
            elif count_results(r.tool, out.read_text(errors="replace")) != count:
                r.problems.append(f"run {run + 1} gave a different number of results")
        if run == 0:
            notes = sanity_check(results, outputs, count, spot, seed)
            for note in notes:
                log(note)
            outputs.clear()

    by_key = {r.tool.key: r for r in results}
    llvm = by_key.get("llvm")
    rows = []
    for r in results:
        row = {
            "tool": r.tool.label,
            "command": " ".join(r.tool.argv(r.tool.batch_argv, path)),
            "wall_s": r.wall,
            "addresses_per_s": count / r.wall,
            "peak_rss_mib": r.rss_mib,
            "user_s": statistics.median(m.user for m in r.runs),
            "sys_s": statistics.median(m.sys for m in r.runs),
            "cpu_s": statistics.median(m.user + m.sys for m in r.runs),
            "runs_wall_s": [m.wall for m in r.runs],
            "runs_peak_rss_kib": [m.maxrss_kib for m in r.runs],
            "runs": len(r.runs),
            "results": r.results,
            "outer_name_agreement_with_seam": r.outer_agreement,
            "inner_name_agreement_with_seam": r.inner_agreement,
            "line_agreement_with_seam": r.line_agreement,
            "valid": not r.problems,
            "problems": r.problems,
            "notes": r.notes,
        }
        if llvm:
            row["throughput_vs_llvm"] = llvm.wall / r.wall
            row["rss_vs_llvm"] = r.rss_mib / llvm.rss_mib
            llvm_cpu = statistics.median(m.user + m.sys for m in llvm.runs)
            row["cpu_vs_llvm"] = llvm_cpu / row["cpu_s"] if row["cpu_s"] else None
        rows.append(row)
    return {
        "file": str(path),
        "size_mib": path.stat().st_size / (1 << 20),
        "text_symbols": len(syms),
        "addresses": count,
        "runs": runs,
        "seed": seed,
        "spot_checked": min(spot, count),
        "tools": rows,
        "_addrs": addrs,
    }


def bench_cold(path: Path, tools: list[Tool], addr: int, runs: int, workdir: Path,
               env: dict[str, str], log) -> dict:
    warm_page_cache(path)
    rows = []
    for tool in tools:
        argv = tool.argv(tool.single_argv, path, f"{addr:#x}")
        allow = tool.key == "eu"
        run_measured(argv, "/dev/null", str(workdir / "cold.out"), str(workdir / "cold.err"), env,
                     allow)  # once more, untimed: the binary and its libraries in the page cache
        ms = [run_measured(argv, "/dev/null", str(workdir / "cold.out"),
                           str(workdir / "cold.err"), env, allow) for _ in range(runs)]
        answer = (workdir / "cold.out").read_text(errors="replace").strip().split("\n")[0]
        row = {
            "tool": tool.label,
            "command": " ".join(argv),
            "wall_ms": statistics.median(m.wall for m in ms) * 1000,
            "cpu_ms": statistics.median(m.user + m.sys for m in ms) * 1000,
            "runs_wall_ms": [m.wall * 1000 for m in ms],
            "peak_rss_mib": statistics.median(m.maxrss_kib for m in ms) / 1024,
            "answer": answer,
        }
        rows.append(row)
        log(f"    cold {tool.label:<18} {row['wall_ms']:8.1f} ms wall {row['cpu_ms']:8.1f} ms cpu"
            f"  {answer}")
    return {"file": str(path), "address": f"{addr:#x}", "runs": runs,
            "page_cache": "warm (file read once before the runs)", "tools": rows}


# ---------------------------------------------------------------------------------------------
# Reporting


def fmt_rate(x: float) -> str:
    return f"{x:,.0f}"


def table(headers: list[str], rows: list[list[str]], align: str) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) if a == "l" else c.rjust(w)
                         for c, w, a in zip(cells, widths, align)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def report_file(res: dict) -> str:
    title = (f"{Path(res['file']).name}  ({res['size_mib']:.0f} MiB, {res['text_symbols']:,} text"
             f" symbols; {res['addresses']:,} addresses, half function starts; median of up to"
             f" {res['runs']} runs; names spot-checked on {res['spot_checked']:,})")
    rows = []
    for t in res["tools"]:
        def pct(x: float | None) -> str:
            return "ref" if t["tool"] == "seam" else "-" if x is None else f"{100 * x:.1f}%"

        check = "ok" if t["valid"] else "INVALID: " + "; ".join(t["problems"])
        if t["notes"]:
            check += " (" + ", ".join(t["notes"]) + ")"
        rows.append([
            t["tool"], str(t["runs"]), f"{t['wall_s']:.3f}", fmt_rate(t["addresses_per_s"]),
            f"{t['cpu_s']:.3f}", f"{t['peak_rss_mib']:.1f}",
            f"{t['throughput_vs_llvm']:.2f}x" if "throughput_vs_llvm" in t else "-",
            f"{t['cpu_vs_llvm']:.2f}x" if t.get("cpu_vs_llvm") else "-",
            f"{t['rss_vs_llvm']:.2f}x" if "rss_vs_llvm" in t else "-",
            f"{t['results']:,}", pct(t["outer_name_agreement_with_seam"]),
            pct(t["inner_name_agreement_with_seam"]), pct(t["line_agreement_with_seam"]), check,
        ])
    return title + "\n" + table(
        ["tool", "runs", "wall s", "addr/s", "cpu s", "peak RSS MiB", "speed vs llvm",
         "cpu vs llvm", "RSS vs llvm", "results", "func=seam", "inl=seam", "line=seam", "check"],
        rows, "lrrrrrrrrrrrrl")


def report_cold(res: dict) -> str:
    title = (f"single-address lookup, whole process: {Path(res['file']).name} {res['address']}"
             f"  (median of {res['runs']}; page cache {res['page_cache']})")
    rows = [[t["tool"], f"{t['wall_ms']:.1f}", f"{t['cpu_ms']:.1f}", f"{t['peak_rss_mib']:.1f}",
             t["answer"]] for t in res["tools"]]
    return title + "\n" + table(["tool", "wall ms", "cpu ms", "peak RSS MiB", "answer"], rows,
                                 "lrrrl")


def goals(vmlinux: dict | None, cold: dict | None) -> list[str]:
    lines = []
    if vmlinux:
        seam = next((t for t in vmlinux["tools"] if t["tool"] == "seam"), None)
        if seam and "throughput_vs_llvm" in seam:
            lines.append(f"throughput >= {GOAL_THROUGHPUT:g}x llvm-symbolizer on the vmlinux: "
                         f"{seam['throughput_vs_llvm']:.2f}x "
                         f"{'PASS' if seam['throughput_vs_llvm'] >= GOAL_THROUGHPUT else 'FAIL'}")
            if seam.get("cpu_vs_llvm"):
                lines.append(f"  (by CPU time, user+sys, which a busy machine disturbs less:"
                             f" {seam['cpu_vs_llvm']:.2f}x)")
            lines.append(f"peak RSS <= {GOAL_RSS:g}x llvm-symbolizer on the vmlinux: "
                         f"{seam['rss_vs_llvm']:.2f}x "
                         f"{'PASS' if seam['rss_vs_llvm'] <= GOAL_RSS else 'FAIL'}")
    if cold:
        seam = next((t for t in cold["tools"] if t["tool"] == "seam"), None)
        if seam:
            lines.append(f"single-address lookup in the vmlinux < {GOAL_COLD_MS:g} ms: "
                         f"{seam['wall_ms']:.1f} ms "
                         f"{'PASS' if seam['wall_ms'] < GOAL_COLD_MS else 'FAIL'}")
    return lines


# ---------------------------------------------------------------------------------------------


def find_samples(samples_dir: Path) -> list[Path]:
    """The ELF files at the top of the samples directory that have DWARF and text symbols."""
    found = []
    if not samples_dir.is_dir():
        return found
    for p in sorted(samples_dir.iterdir()):
        if not p.is_file() or p.name.endswith(SAMPLE_SKIP_SUFFIXES):
            continue
        with open(p, "rb") as f:
            if f.read(4) != b"\x7fELF":
                continue
        sections = subprocess.run(["readelf", "-S", "-W", str(p)], capture_output=True,
                                  text=True, check=False).stdout
        if ".debug_info" in sections or ".zdebug_info" in sections:
            found.append(p)
    return found


def main() -> int:
    cache = Path(os.environ.get("SEAM_CACHE_DIR", Path.home() / ".cache" / "seam"))
    abi = os.environ.get("SEAM_KERNEL_ABI", DEFAULT_ABI)
    build = Path(os.environ.get("BUILD", REPO / "build"))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seam", type=Path, default=build / "cli" / "seam",
                    help="the seam binary (default: $BUILD/cli/seam, BUILD defaulting to build/)")
    ap.add_argument("--vmlinux", type=Path,
                    default=cache / "kernels" / abi / "usr/lib/debug/boot" / f"vmlinux-{abi}",
                    help="the kernel with DWARF (default: the one scripts/fetch-debian-kernel.sh"
                         " caches)")
    ap.add_argument("--samples-dir", type=Path, default=build / "samples",
                    help="the built samples (default: $BUILD/samples)")
    ap.add_argument("--no-vmlinux", action="store_true", help="skip the vmlinux")
    ap.add_argument("--no-samples", action="store_true", help="skip the samples")
    ap.add_argument("--tools", default="seam,llvm,eu",
                    help="comma-separated subset of seam,llvm,eu (default: all three)")
    ap.add_argument("--count", type=int, default=100_000, help="addresses per file (100000)")
    ap.add_argument("--runs", type=int, help="runs per tool; the median is reported"
                                             " (default: 3 for the vmlinux, 5 for the samples)")
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds after which a tool is not run again on the same file, so that"
                         " a slow peer (eu-addr2line) gets fewer runs (60)")
    ap.add_argument("--cold-runs", type=int, default=5, help="runs of the single lookup (5)")
    ap.add_argument("--seed", type=int, default=20240601, help="random seed")
    ap.add_argument("--spot-check", type=int, default=2000,
                    help="addresses whose function names are compared (2000)")
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON ('-': stdout)")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="keep the address lists and outputs in DIR")
    args = ap.parse_args()

    wanted = [t.strip() for t in args.tools.split(",") if t.strip()]
    if not set(wanted) <= {"seam", "llvm", "eu"} or not wanted:
        ap.error("--tools takes a subset of seam,llvm,eu")
    if "seam" in wanted and not os.access(args.seam, os.X_OK):
        ap.error(f"no seam binary at {args.seam}: build it, or pass --seam PATH")
    tools = make_tools(args.seam.resolve(), wanted)
    for t in tools:
        if not shutil.which(t.batch_argv[0]):
            ap.error(f"{t.batch_argv[0]} is not installed")
    if not os.access(TIME, os.X_OK):
        ap.error(f"{TIME} is missing: apt-get install time")

    log = (lambda s: print(s, file=sys.stderr, flush=True))
    env = {k: v for k, v in os.environ.items() if k != "DEBUGINFOD_URLS"}  # no network lookups
    env["LC_ALL"] = "C"

    files: list[tuple[Path, int, bool]] = []  # (file, runs, is_vmlinux)
    if not args.no_vmlinux:
        if args.vmlinux.is_file():
            files.append((args.vmlinux, args.runs or 3, True))
        else:
            log(f"note: no vmlinux at {args.vmlinux}; run scripts/fetch-debian-kernel.sh")
    if not args.no_samples:
        samples = find_samples(args.samples_dir)
        if not samples:
            log(f"note: no samples with DWARF in {args.samples_dir}; skipping them")
        files.extend((p, args.runs or 5, False) for p in samples)
    if not files:
        log("nothing to benchmark")
        return 2

    report: dict = {
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname()),
                    "loadavg_before": os.getloadavg()},
        "tool_versions": {},
        "files": [],
        "cold": None,
    }
    for t in tools:
        out = subprocess.run([t.batch_argv[0], "--version"], capture_output=True, text=True,
                             check=False).stdout.strip().split("\n")
        report["tool_versions"][t.label] = next((line.strip() for line in out if line.strip()),
                                                "?")

    failed = False
    with tempfile.TemporaryDirectory(prefix="seam-bench-") as tmp:
        for path, runs, is_vmlinux in files:
            workdir = (args.keep / path.name) if args.keep else Path(tmp) / path.name
            workdir.mkdir(parents=True, exist_ok=True)
            log(f"== {path}")
            try:
                res = bench_file(path, tools, args.count, runs, args.seed, args.spot_check,
                                 args.budget, workdir, env, log)
            except ToolFailed as e:
                log(f"FAILED: {e}")
                failed = True
                continue
            addrs = res.pop("_addrs")
            res["vmlinux"] = is_vmlinux
            report["files"].append(res)
            # A peer's limits (eu-addr2line cannot read zstd sections) are shown in the table
            # but only broken seam or llvm-symbolizer runs, the figures compared, fail the run.
            failed |= any(not t["valid"] for t in res["tools"] if t["tool"] != EU_ADDR2LINE)
            if is_vmlinux:
                cold_addr = addrs[1] if len(addrs) > 1 else addrs[0]  # an interior address
                try:
                    report["cold"] = bench_cold(path, tools, cold_addr, args.cold_runs, workdir,
                                                env, log)
                except ToolFailed as e:
                    log(f"FAILED: {e}")
                    failed = True

    report["machine"]["loadavg_after"] = os.getloadavg()
    print()
    for t, v in report["tool_versions"].items():
        print(f"{t}: {v}")
    before, after = report["machine"]["loadavg_before"], report["machine"]["loadavg_after"]
    print(f"machine: {report['machine']['cpus']} CPUs, load average {before[0]:.2f} before and"
          f" {after[0]:.2f} after; page cache warm (each file is read once before its runs)")
    for res in report["files"]:
        print()
        print(report_file(res))
    if report["cold"]:
        print()
        print(report_cold(report["cold"]))
    vml = next((r for r in report["files"] if r["vmlinux"]), None)
    goal_lines = goals(vml, report["cold"])
    report["goals"] = goal_lines
    if goal_lines:
        print()
        print("goals:")
        for g in goal_lines:
            print(f"  {g}")
    if failed:
        print("\nSOME RUNS FAILED THEIR SANITY CHECKS: their figures are not to be trusted.")
    elif any(not t["valid"] for r in report["files"] for t in r["tools"]):
        print(f"\nnote: rows marked INVALID are {EU_ADDR2LINE}'s limits (it cannot read zstd"
              " sections, for one), not a broken comparison.")

    if args.json:
        text = json.dumps(report, indent=2)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

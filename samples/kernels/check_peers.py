#!/usr/bin/python3
"""Opens every dump of the corpus with the peers, crash and drgn, as a sanity check of the corpus
(and a record of what the peers can and cannot read). Optional: needs Debian's crash and
python3-drgn; run it with Debian's /usr/bin/python3 (drgn is installed for that interpreter).

    samples/kernels/check_peers.py [SCENARIO...]     # default: every generated scenario

For each scenario and dump it runs
  crash -s vmlinux VMCORE  with "sys" and "bt": ok when it shows a PANIC, the right release,
                           and a backtrace of the crashing task that names the expected frames
  drgn                     set_core_dump + load_debug_info(vmlinux[, seam_crash.ko]): ok when
                           get_dmesg() has the init's "triggering" marker and
                           crashed_thread()'s stack trace names the expected frames
prints a table and writes $SEAM_CACHE_DIR/corpus/$ABI/peers.json.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

DUMPS = ["vmcore.elf-paging", "vmcore.elf-phys", "vmcore.kdump-flat", "vmcore.kdump"]
TIMEOUT = 300


def first_error(text):
    for line in text.splitlines():
        line = line.strip()
        if re.search(r"(error|cannot|invalid|failed|not supported|Error|Exception|fault)", line):
            return line[:200]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no output"


def check_crash(vmlinux, vmcore, scenario):
    try:
        result = subprocess.run(["crash", "-s", vmlinux, vmcore], input="sys\nbt\nquit\n",
                                capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"result": "timeout"}
    out = result.stdout + result.stderr
    panic = re.search(r'^\s*PANIC: "(.*)"', out, re.M)
    release = re.search(r"^\s*RELEASE: (\S+)", out, re.M)
    if not panic or not release:
        return {"result": "fails", "error": first_error(out)}
    problems = []
    if release.group(1) != scenario["abi"]:
        problems.append(f"RELEASE {release.group(1)}")
    bt = out[panic.end():]
    missing = [f for f in scenario.get("expected_frames", []) if f not in bt]
    if missing:
        problems.append("bt lacks " + ", ".join(missing))
    return {"result": "ok" if not problems else "partial", "panic": panic.group(1),
            "problems": problems}


DRGN_ONE = r"""
import json, sys
out = {}
try:
    import drgn
    from drgn.helpers.linux.printk import get_dmesg
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[1])
    out["opened"] = True
    try:
        prog.load_debug_info(sys.argv[2:])
    except drgn.MissingDebugInfoError as e:
        out["missing_debug_info"] = str(e)[:200]
    try:
        out["dmesg_marker"] = b"seam-init: triggering" in get_dmesg(prog)
    except Exception as e:
        out["dmesg_error"] = f"{type(e).__name__}: {e}"[:200]
    try:
        out["crashed_thread"] = str(prog.crashed_thread().stack_trace())
    except Exception as e:
        out["stack_error"] = f"{type(e).__name__}: {e}"[:200]
except Exception as e:
    out["error"] = f"{type(e).__name__}: {e}"[:200]
print(json.dumps(out))
"""


def check_drgn(vmlinux, vmcore, module, scenario):
    files = [vmlinux] + ([module] if module else [])
    try:
        result = subprocess.run(["/usr/bin/python3", "-c", DRGN_ONE, vmcore] + files,
                                capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return {"result": "timeout"}
    try:
        out = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"result": "fails", "error": first_error(result.stderr)}
    if "error" in out:
        return {"result": "fails", "error": out["error"]}
    problems = []
    if not out.get("dmesg_marker"):
        problems.append(out.get("dmesg_error", "dmesg lacks the init's marker"))
    trace = out.get("crashed_thread", "")
    if not trace:
        problems.append(out.get("stack_error", "no crashed thread"))
    else:
        missing = [f for f in scenario.get("expected_frames", []) if f not in trace]
        if missing:
            problems.append("crashed_thread lacks " + ", ".join(missing))
    if problems and not out.get("dmesg_marker") and not trace:
        return {"result": "fails", "error": problems[0]}
    return {"result": "ok" if not problems else "partial", "problems": problems}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*")
    parser.add_argument("--abi", default=os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64"))
    parser.add_argument("--cache-dir", default=os.environ.get(
        "SEAM_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "seam")))
    parser.add_argument("--peer", choices=["crash", "drgn"], action="append")
    args = parser.parse_args()
    peers = args.peer or ["crash", "drgn"]
    corpus = os.path.join(args.cache_dir, "corpus", args.abi)
    names = args.scenarios or sorted(
        d for d in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, d, "scenario.json")))
    results = {}
    for name in names:
        with open(os.path.join(corpus, name, "scenario.json")) as f:
            scenario = json.load(f)
        vmlinux = os.path.join(args.cache_dir, scenario["kernel"]["vmlinux"])
        module = scenario.get("module")
        module = os.path.join(corpus, name, module["file"]) if module else None
        results[name] = {}
        for dump in DUMPS:
            path = os.path.join(corpus, name, dump)
            row = {}
            for peer in peers:
                start = time.monotonic()
                if peer == "crash":
                    row[peer] = check_crash(vmlinux, path, scenario)
                else:
                    row[peer] = check_drgn(vmlinux, path, module, scenario)
                row[peer]["seconds"] = round(time.monotonic() - start, 1)
                detail = row[peer].get("error") or "; ".join(row[peer].get("problems", []))
                print(f"{name:18} {dump:18} {peer:6} {row[peer]['result']:8} {detail}", flush=True)
            results[name][dump] = row
    out = os.path.join(corpus, "peers.json")
    with open(out + ".tmp", "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    os.replace(out + ".tmp", out)
    print(f"\nwritten {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

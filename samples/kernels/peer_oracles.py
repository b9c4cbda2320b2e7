#!/usr/bin/python3
"""Records what the peer debuggers, drgn, crash and gdb, read from each scenario of the vmcore
corpus, as oracles for Seam's tests: SCENARIO/oracles/{drgn,crash,gdb}.json.

    /usr/bin/python3 samples/kernels/peer_oracles.py [SCENARIO...]   # default: every scenario
    /usr/bin/python3 samples/kernels/peer_oracles.py --force sysrq-kaslr

Run it with Debian's /usr/bin/python3: python3-drgn (0.0.22 on Debian 12) is installed for that
interpreter only. crash comes from Debian's `crash` package (8.0.2), gdb from Debian's `gdb` (13).
./setup.sh installs them.

The peers read the paging ELF dump (vmcore.elf-paging), the only one drgn 0.0.22 opens
(see README.md), with the vmlinux and, in module scenarios, seam_crash.ko.

drgn.json:  tool, version, key, dump; release (UTS_RELEASE and init_uts_ns.name.release),
            layout {page_offset_base (the direct map), phys_base, linux_banner, _text},
            uptime_ns (tk_core.timekeeper: tkr_mono.base + offs_boot, the time of the last tick),
            uptime_jiffies_ns ((jiffies_64 - INITIAL_JIFFIES) / HZ, what crash's UPTIME shows),
            dmesg (get_dmesg() decoded as UTF-8 with surrogateescape, so that no byte is lost),
            printk_records [{sequence, timestamp_ns, level, facility, text}],
            tasks [{pid, tgid, ppid (real_parent), cpu (task_cpu), state (task_state_to_char),
            comm, task ("0x..."), kernel_thread (PF_KTHREAD)}] in for_each_task order (no idle
            tasks), cpus [{cpu, online, curr {pid, comm, task}, idle {comm, task}}] from the
            runqueues, modules [{name, base, size, state, sections {name: "0x..."}}],
            crashed_thread {tid, frames [{name, is_inline, pc, symbol}]} innermost first, each
            inline frame a frame of its own as drgn gives them (name null where drgn has none);
            cpu_stacks [{cpu, pid, comm, frames (as crashed_thread's), error}]: the stack of the
            task running on each present CPU (prog.stack_trace(rq.curr));
            and errors {what: message} for whatever drgn failed to read.
crash.json: tool, version, key, dump; sys {FIELD: value} as `sys` prints it (KERNEL, DUMPFILE,
            CPUS, DATE, UPTIME, TASKS, NODENAME, RELEASE, VERSION, MACHINE, MEMORY, PANIC, ...),
            uptime_seconds (UPTIME parsed; crash prints whole seconds, rounded down), panic (PANIC's
            quoted message),
            ps [{active, pid, ppid, cpu, task, state, comm}], mod [{module, name, base, size}],
            bt (`bt`: the panic task) and bt_all (`bt -a`: the task on each CPU), each a list of
            {pid, task, cpu, command, frames [{level, sp, function, pc, module}],
            exception_rips ["seam_crash_do_bug+29", ...]} (crash's frames come from a scan of the
            stack: they include stale return addresses that ORC unwinders skip),
            warnings (crash's WARNING lines), output (the whole output, for a human).
gdb.json:   tool, version, key, dump, kernel_offset, commands (what gdb was given: under KASLR
            `symbol-file -o KERNELOFFSET VMLINUX`, and `add-symbol-file` for the module with the
            section addresses drgn read, so gdb.json is made after drgn.json),
            crashed_thread (`bt`: the thread gdb selects, the first PRSTATUS note = the panic CPU)
            and threads (`thread apply all bt`: one per PRSTATUS note, QEMU numbers them LWP =
            CPU + 1), each {lwp, stopped (gdb's "Backtrace stopped: ..." or null), frames
            [{level, pc (null for an inline frame, which gdb prints without one), function (null
            for "??"), args [{name, value}], file, line, library}]}; args as gdb prints them with
            `print frame-arguments scalars`: value is the text after "name=", without gdb's
            "name@entry=" prefix (`fmt=fmt@entry=0x... "sysrq triggered crash\n"` -> value
            `0x... "sysrq triggered crash\n"`); entry_values {name: value} keeps what @entry gave.
            Frames past entry_SYSCALL_64 are junk (gdb unwinds user space with kernel symbols):
            they have function null and the tests stop at the first such frame.

Caching: a scenario's oracle file is kept when it is newer than its vmcore and records the same
tool version and the same key, "PEER/vN" from PEER_FORMATS below: bump a peer's number when what
it records changes, so that only that peer's files are computed again (adding gdb did not redo
drgn's and crash's). The files are written under a
temporary name and renamed; concurrent runs (ctest -j) serialize on a lock in the corpus.

It prints one line per scenario and peer, and exits 1 if a peer could not produce its file.
"""

import argparse
import concurrent.futures
import fcntl
import json
import os
import re
import subprocess
import sys
import time

DUMP = "vmcore.elf-paging"
TIMEOUT = 300
SCRIPT = os.path.abspath(__file__)
# The format of each peer's oracle file; bump one when its recorded fields change.
PEER_FORMATS = {"drgn": 3, "crash": 2, "gdb": 2}
PEERS = ("drgn", "crash", "gdb")
PACKAGES = {"drgn": "python3-drgn", "crash": "crash", "gdb": "gdb"}


def peer_key(peer):
    return f"{peer}/v{PEER_FORMATS[peer]}"


# --- drgn -----------------------------------------------------------------------------------
# Runs in a child process (/usr/bin/python3 peer_oracles.py --drgn-one DUMP FILE...), so that
# the scenarios run in parallel and one drgn failure cannot take the others down.


def drgn_one(dump, files):
    import drgn
    from drgn.helpers.linux.cpumask import (for_each_online_cpu, for_each_possible_cpu,
                                             for_each_present_cpu)
    from drgn.helpers.linux.list import list_for_each_entry
    from drgn.helpers.linux.percpu import per_cpu
    from drgn.helpers.linux.pid import for_each_task
    from drgn.helpers.linux.printk import get_dmesg, get_printk_records
    from drgn.helpers.linux.sched import task_cpu, task_state_to_char

    out = {"tool": "drgn", "version": drgn.__version__, "dump": dump, "errors": {}}

    def attempt(what, function):
        try:
            out[what] = function()
        except Exception as e:  # noqa: BLE001 - an oracle records what the peer could not do
            out[what] = None
            out["errors"][what] = f"{type(e).__name__}: {e}"[:500]

    def text(data):
        return data.decode("utf-8", "surrogateescape")

    prog = drgn.Program()
    prog.set_core_dump(dump)
    try:
        prog.load_debug_info(files)
    except drgn.MissingDebugInfoError as e:
        out["errors"]["load_debug_info"] = str(e)[:500]

    def release():
        uts = text(prog["init_uts_ns"].name.release.string_())
        try:
            constant = text(prog["UTS_RELEASE"].string_())
        except (KeyError, LookupError):
            constant = None
        return {"UTS_RELEASE": constant, "init_uts_ns": uts}

    def uptime():
        tk = prog["tk_core"].timekeeper
        return tk.tkr_mono.base.value_() + tk.offs_boot.value_()

    def uptime_jiffies():
        # What crash's UPTIME is computed from: (jiffies_64 - INITIAL_JIFFIES) / HZ, with
        # HZ = NSEC_PER_SEC / tick_nsec and INITIAL_JIFFIES = (u32)(-300 * HZ).
        hz = round(1e9 / prog["tick_nsec"].value_())
        initial = (-300 * hz) & 0xFFFFFFFF
        return (prog["jiffies_64"].value_() - initial) * 1000000000 // hz

    def records():
        return [{"sequence": r.seq, "timestamp_ns": r.timestamp, "level": r.level,
                 "facility": r.facility, "text": text(r.text)}
                for r in get_printk_records(prog)]

    def tasks():
        rows = []
        for task in for_each_task(prog):
            rows.append({"pid": task.pid.value_(), "tgid": task.tgid.value_(),
                         "ppid": task.real_parent.pid.value_(), "cpu": task_cpu(task),
                         "state": task_state_to_char(task), "comm": text(task.comm.string_()),
                         "task": hex(task.value_()),
                         "kernel_thread": bool(task.flags.value_() & 0x00200000)})  # PF_KTHREAD
        return rows

    def cpus():
        online = set(for_each_online_cpu(prog))
        rows = []
        for cpu in for_each_possible_cpu(prog):
            rq = per_cpu(prog["runqueues"], cpu)
            rows.append({"cpu": cpu, "online": cpu in online,
                         "curr": {"pid": rq.curr.pid.value_(),
                                  "comm": text(rq.curr.comm.string_()),
                                  "task": hex(rq.curr.value_())},
                         "idle": {"comm": text(rq.idle.comm.string_()),
                                  "task": hex(rq.idle.value_())}})
        return rows

    def modules():
        rows = []
        for module in list_for_each_entry("struct module", prog["modules"].address_of_(),
                                          "list"):
            sections = {}
            attrs = module.sect_attrs
            for i in range(attrs.nsections.value_()):
                attr = attrs.attrs[i]
                sections[text(attr.battr.attr.name.string_())] = hex(attr.address.value_())
            rows.append({"name": text(module.name.string_()),
                         "base": hex(module.core_layout.base.value_()),
                         "size": module.core_layout.size.value_(),
                         "state": module.state.format_(type_name=False).replace(
                             "MODULE_STATE_", "").lower(),
                         "sections": sections})
        return rows

    def stack_frames(trace):
        frames = []
        for frame in trace:
            try:
                symbol = frame.symbol().name
            except LookupError:
                symbol = None
            frames.append({"name": frame.name, "is_inline": frame.is_inline,
                           "pc": hex(frame.pc), "symbol": symbol})
        return frames

    def crashed_thread():
        thread = prog.crashed_thread()
        return {"tid": thread.tid, "frames": stack_frames(thread.stack_trace())}

    def cpu_stacks():
        # The task on each present CPU (not only the online ones: panic() stops the other
        # CPUs, which mark themselves offline), unwound from drgn's idea of its registers
        # (the PRSTATUS note of that CPU for a running task).
        rows = []
        for cpu in for_each_present_cpu(prog):
            curr = per_cpu(prog["runqueues"], cpu).curr
            try:
                frames, error = stack_frames(prog.stack_trace(curr)), None
            except Exception as e:  # noqa: BLE001 - recorded per CPU
                frames, error = None, f"{type(e).__name__}: {e}"[:500]
            rows.append({"cpu": cpu, "pid": curr.pid.value_(), "comm": text(curr.comm.string_()),
                         "frames": frames, "error": error})
        return rows

    def layout():
        return {"page_offset_base": hex(prog["page_offset_base"].value_()),
                "phys_base": hex(prog.read_u64(prog.symbol("phys_base").address)),  # head_64.S
                "linux_banner": hex(prog["linux_banner"].address_),
                "_text": hex(prog.symbol("_text").address)}

    attempt("release", release)
    attempt("layout", layout)
    attempt("uptime_ns", uptime)
    attempt("uptime_jiffies_ns", uptime_jiffies)
    attempt("dmesg", lambda: text(get_dmesg(prog)))
    attempt("printk_records", records)
    attempt("tasks", tasks)
    attempt("cpus", cpus)
    attempt("modules", modules)
    attempt("crashed_thread", crashed_thread)
    attempt("cpu_stacks", cpu_stacks)
    return out


def drgn_version():
    try:
        import drgn
    except ImportError:
        return None
    return drgn.__version__


def run_drgn(dump, files):
    proc = subprocess.run([sys.executable, SCRIPT, "--drgn-one", dump, *files],
                          capture_output=True, text=True, timeout=TIMEOUT)
    if proc.returncode != 0:
        raise RuntimeError(f"drgn failed on {dump}: {proc.stderr.strip()[-1500:]}")
    return json.loads(proc.stdout)


# --- crash ----------------------------------------------------------------------------------

CRASH_COMMANDS = "sys\nps\nmod\nbt\nbt -a\nexit\n"


def crash_version():
    try:
        proc = subprocess.run(["crash", "--version"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return None
    match = re.search(r"crash (\S+)", proc.stdout)
    return match.group(1) if match else proc.stdout.strip()[:40] or None


def parse_uptime(value):
    """crash's UPTIME: "00:00:02", "1 days, 02:03:04"."""
    match = re.fullmatch(r"(?:(\d+) days?, )?(\d+):(\d\d):(\d\d)", value.strip())
    if not match:
        return None
    days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def parse_crash(output):
    sys_fields, ps, mod, warnings = {}, [], [], []
    section = None
    for line in output.splitlines():
        if line.startswith("WARNING:"):
            warnings.append(line.strip())
            continue
        if re.match(r"^\s+PID\s+PPID\s+CPU\s+TASK", line):
            section = "ps"
            continue
        if re.match(r"^\s*MODULE\s+NAME\s+", line):
            section = "mod"
            continue
        if section is None:
            match = re.match(r"^\s*([A-Z][A-Z ]*[A-Z]): (.*)$", line)
            if match:
                sys_fields[match.group(1)] = match.group(2).rstrip()
        elif section == "ps":
            match = re.match(r"^(>?)\s*(\d+)\s+(\d+)\s+(\d+)\s+([0-9a-f]+)\s+(\S+)\s+\S+\s+\d+"
                             r"\s+\d+\s+(.*)$", line)
            if match:
                active, pid, ppid, cpu, task, state, comm = match.groups()
                ps.append({"active": active == ">", "pid": int(pid), "ppid": int(ppid),
                           "cpu": int(cpu), "task": "0x" + task, "state": state,
                           "comm": comm.strip()})
        elif section == "mod":
            match = re.match(r"^\s*([0-9a-f]{16})\s+(\S+)\s+([0-9a-f]{16})\s+(\d+)", line)
            if match:
                mod.append({"module": "0x" + match.group(1), "name": match.group(2),
                            "base": "0x" + match.group(3), "size": int(match.group(4))})
    # PANIC: "Kernel panic - not syncing: ..."   or   PANIC: "Oops: 0002 [#1] ..." (check log...)
    panic = sys_fields.get("PANIC")
    if panic is not None:
        match = re.match(r'^\s*"(.*)"', panic)
        panic = match.group(1) if match else panic.strip()
    uptime = parse_uptime(sys_fields["UPTIME"]) if "UPTIME" in sys_fields else None
    return {"sys": sys_fields, "uptime_seconds": uptime, "panic": panic, "ps": ps, "mod": mod,
            "warnings": warnings}


CRASH_BT_HEADER = re.compile(r'^PID: (\d+)\s+TASK: ([0-9a-f]+)\s+CPU: (\d+)\s+COMMAND: "(.*)"')
CRASH_BT_FRAME = re.compile(r"^\s*#(\d+) \[([0-9a-f]+)\] (\S+) at ([0-9a-f]+)(?: \[(\S+)\])?")


def parse_crash_bt(output):
    """The backtraces of `bt` then `bt -a`, in output order: [{pid, task, cpu, command, frames,
    exception_rips}]. `bt` prints the first one; `bt -a` the others, one per CPU."""
    traces = []
    for line in output.splitlines():
        match = CRASH_BT_HEADER.match(line)
        if match:
            traces.append({"pid": int(match.group(1)), "task": "0x" + match.group(2),
                           "cpu": int(match.group(3)), "command": match.group(4), "frames": [],
                           "exception_rips": []})
            continue
        if not traces:
            continue
        match = CRASH_BT_FRAME.match(line)
        if match:
            traces[-1]["frames"].append({"level": int(match.group(1)), "sp": "0x" + match.group(2),
                                         "function": match.group(3), "pc": "0x" + match.group(4),
                                         "module": match.group(5)})
            continue
        match = re.match(r"^\s*\[exception RIP: (\S+)\]", line)
        if match:
            traces[-1]["exception_rips"].append(match.group(1))
    return {"bt": traces[:1], "bt_all": traces[1:]}


def run_crash(vmlinux, dump, version):
    proc = subprocess.run(["crash", "-s", vmlinux, dump], input=CRASH_COMMANDS,
                          capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    output = proc.stdout + proc.stderr
    result = {"tool": "crash", "version": version, "dump": dump, "exit_code": proc.returncode}
    result.update(parse_crash(output))
    result.update(parse_crash_bt(output))
    result["output"] = output
    if "RELEASE" not in result["sys"]:
        raise RuntimeError(f"crash read nothing from {dump} (exit {proc.returncode}):\n"
                           f"{output.strip()[-1500:]}")
    return result


# --- gdb ------------------------------------------------------------------------------------

GDB_FRAME = re.compile(r"^#(\d+)\s+(?:(0x[0-9a-f]+) in )?(\S+) \((.*)$")
# gdb prints frame #0 when it loads the core: the markers delimit what `bt` printed.
BT_MARK = "==seam-bt=="
THREADS_MARK = "==seam-threads=="


def gdb_version():
    try:
        proc = subprocess.run(["gdb", "--version"], capture_output=True, text=True, timeout=60)
    except FileNotFoundError:
        return None
    match = re.search(r"GNU gdb .*? (\d+\S*)$", proc.stdout.splitlines()[0] if proc.stdout else "")
    return match.group(1) if match else None


def split_gdb_args(text):
    """Splits gdb's "a=1, b=0x10 \"x, y\", c=<optimized out>" at the top-level commas: not in
    a string or character literal, nor in (), [], {}, <>."""
    parts, depth, quote, current, i = [], 0, None, [], 0
    while i < len(text):
        c = text[i]
        if quote:
            current.append(c)
            if c == "\\" and i + 1 < len(text):
                current.append(text[i + 1])
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
            current.append(c)
        elif c in "([{<":
            depth += 1
            current.append(c)
        elif c in ")]}>" and depth:
            depth -= 1
            current.append(c)
        elif c == "," and depth == 0 and text.startswith(", ", i):
            parts.append("".join(current))
            current = []
            i += 1
        else:
            current.append(c)
        i += 1
    if current:
        parts.append("".join(current))
    return parts


def parse_gdb_frame(line):
    match = GDB_FRAME.match(line)
    if not match:
        return None
    level, pc, function, rest = match.groups()
    file = line_number = library = None
    # The argument list ends at the last ") at FILE:LINE", ") from LIB" or ")".
    tail = re.search(r"\) at (\S+):(\d+)$", rest)
    if tail:
        file, line_number = tail.group(1), int(tail.group(2))
    else:
        tail = re.search(r"\) from (\S+)$", rest) or re.search(r"\)$", rest)
        if tail and tail.groups():
            library = tail.group(1)
    arg_text = rest[:tail.start()] if tail else rest
    args, entry_values = [], {}
    for part in split_gdb_args(arg_text) if arg_text.strip() else []:
        name, _, value = part.partition("=")
        # name=name@entry=VALUE: gdb found the value the argument had on entry (from the
        # caller's DW_OP_entry_value) and it equals the current one.
        prefix = f"{name}@entry="
        if value.startswith(prefix):
            value = value[len(prefix):]
            entry_values[name] = value
        elif "@entry=" in name:
            entry_values[name.split("@")[0]] = value
            continue
        args.append({"name": name, "value": value})
    return {"level": int(level), "pc": pc, "function": None if function == "??" else function,
            "args": args, "entry_values": entry_values, "file": file, "line": line_number,
            "library": library}


def parse_gdb_backtrace(lines):
    frames, stopped = [], None
    for line in lines:
        frame = parse_gdb_frame(line)
        if frame:
            frames.append(frame)
        elif line.startswith("Backtrace stopped:"):
            stopped = line.strip()
    return {"frames": frames, "stopped": stopped}


def gdb_commands(vmlinux, kernel_offset, module_file, module_sections):
    commands = ["set pagination off", "set width 0", "set confirm off",
                "set print frame-arguments scalars"]
    # gdb reads no VMCOREINFO: the symbols move by KERNELOFFSET under KASLR.
    commands.append(f"symbol-file -o {kernel_offset:#x} {vmlinux}" if kernel_offset
                    else f"symbol-file {vmlinux}")
    if module_file:
        text = module_sections[".text"]
        placed = " ".join(f"-s {name} {address}" for name, address in module_sections.items()
                          if name != ".text" and not name.startswith((".note", ".symtab",
                                                                     ".strtab")))
        commands.append(f"add-symbol-file {module_file} {text} {placed}".rstrip())
    return commands


def run_gdb(vmlinux, dump, module, version, kernel_offset, drgn_oracle):
    sections = None
    if module:
        found = [m for m in (drgn_oracle or {}).get("modules") or [] if m["name"] == module[0]]
        if not found:
            raise RuntimeError(f"gdb needs {module[0]}'s section addresses from drgn.json, "
                               f"which has none")
        sections = found[0]["sections"]
    commands = gdb_commands(vmlinux, kernel_offset, module[1] if module else None, sections)
    commands += [f"core-file {dump}", f"echo {BT_MARK}\\n", "bt", f"echo {THREADS_MARK}\\n",
                 "thread apply all bt"]
    argv = ["gdb", "-batch", "-nx"]
    for command in commands:
        argv += ["-ex", command]
    proc = subprocess.run(argv, capture_output=True, text=True, errors="replace",
                          timeout=TIMEOUT)
    output = proc.stdout
    before, _, after = output.partition(BT_MARK)[2].partition(THREADS_MARK)
    crashed = parse_gdb_backtrace(before.splitlines())
    threads, current = [], None
    for line in after.splitlines():
        match = re.match(r"^Thread \d+ \(LWP (\d+)\):", line)
        if match:
            current = {"lwp": int(match.group(1)), "lines": []}
            threads.append(current)
        elif current is not None:
            current["lines"].append(line)
    threads = [dict({"lwp": t["lwp"]}, **parse_gdb_backtrace(t["lines"])) for t in threads]
    threads.sort(key=lambda t: t["lwp"])
    if not crashed["frames"]:
        raise RuntimeError(f"gdb gave no backtrace of {dump} (exit {proc.returncode}):\n"
                           f"{(output + proc.stderr).strip()[-1500:]}")
    return {"tool": "gdb", "version": version, "dump": dump, "kernel_offset": hex(kernel_offset),
            "commands": commands, "crashed_thread": crashed, "threads": threads,
            "exit_code": proc.returncode, "stderr": proc.stderr[-3000:], "output": output}


# --- the corpus -----------------------------------------------------------------------------


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.tmp.{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)


def up_to_date(path, dump, version, key):
    try:
        if os.path.getmtime(path) <= os.path.getmtime(dump):
            return False
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError):
        return False
    return data.get("version") == version and data.get("key") == key


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--drgn-one":
        json.dump(drgn_one(sys.argv[2], sys.argv[3:]), sys.stdout)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*")
    parser.add_argument("--abi", default=os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64"))
    parser.add_argument("--cache-dir", default=os.environ.get(
        "SEAM_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "seam")))
    parser.add_argument("--peer", choices=PEERS, action="append")
    parser.add_argument("--force", action="store_true", help="ignore the cached oracles")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    peers = args.peer or list(PEERS)
    corpus = os.path.join(args.cache_dir, "corpus", args.abi)
    if not os.path.isdir(corpus):
        print(f"peer_oracles: no corpus at {corpus}: run samples/kernels/make-corpus.sh",
              file=sys.stderr)
        return 1
    names = args.scenarios or sorted(
        d for d in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, d, "scenario.json")))
    finders = {"drgn": drgn_version, "crash": crash_version, "gdb": gdb_version}
    versions = {peer: finders[peer]() for peer in peers}
    missing = [f"{peer} (Debian package {PACKAGES[peer]}, which ./setup.sh installs"
               + (f"; drgn must be importable by {sys.executable})" if peer == "drgn" else ")")
               for peer in peers if not versions[peer]]
    if missing:
        print("peer_oracles: missing " + "; ".join(missing), file=sys.stderr)
        return 1

    jobs = []
    for name in names:
        directory = os.path.join(corpus, name)
        try:
            with open(os.path.join(directory, "scenario.json")) as f:
                scenario = json.load(f)
        except OSError:
            print(f"peer_oracles: {directory} is not a generated scenario", file=sys.stderr)
            return 1
        vmlinux = os.path.join(args.cache_dir, scenario["kernel"]["vmlinux"])
        module = scenario.get("module")
        files = [vmlinux] + ([os.path.join(directory, module["file"])] if module else [])
        dump = os.path.join(directory, DUMP)
        offset = scenario["dumps"][DUMP].get("kerneloffset")
        info = {"vmlinux": vmlinux, "files": files, "dump": dump,
                "module": (module["name"], files[1]) if module else None,
                "kernel_offset": int(offset, 16) if offset else 0,
                "drgn_out": os.path.join(directory, "oracles", "drgn.json")}
        for peer in peers:
            out = os.path.join(directory, "oracles", f"{peer}.json")
            jobs.append((name, peer, info, out))

    os.makedirs(corpus, exist_ok=True)
    with open(os.path.join(corpus, ".oracles.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        futures, drgn_futures = {}, {}

        def work(job):
            name, peer, info, out = job
            if not args.force and up_to_date(out, info["dump"], versions[peer], peer_key(peer)):
                return job, "cached", 0.0
            start = time.monotonic()
            if peer == "drgn":
                data = run_drgn(info["dump"], info["files"])
            elif peer == "crash":
                data = run_crash(info["vmlinux"], info["dump"], versions[peer])
            else:
                # gdb places the module where drgn found it: wait for this run's drgn.json.
                if name in drgn_futures:
                    drgn_futures[name].result()
                drgn_oracle = None
                if info["module"]:
                    with open(info["drgn_out"]) as f:
                        drgn_oracle = json.load(f)
                data = run_gdb(info["vmlinux"], info["dump"], info["module"], versions[peer],
                               info["kernel_offset"], drgn_oracle)
            data["key"] = peer_key(peer)
            data["generated_in_s"] = round(time.monotonic() - start, 2)
            write_json(out, data)
            return job, "written", time.monotonic() - start

        failures = 0
        # crash (5-6 s a dump) first, so the drgn runs fill the gaps; gdb last, as it waits
        # for drgn (the pool takes jobs in order, so every drgn job has started by then).
        order = {"crash": 0, "drgn": 1, "gdb": 2}
        jobs.sort(key=lambda j: order[j[1]])
        with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
            for job in jobs:
                future = pool.submit(work, job)
                futures[future] = job
                if job[1] == "drgn":
                    drgn_futures[job[0]] = future
            for future in concurrent.futures.as_completed(futures):
                name, peer, _, out = futures[future]
                try:
                    _, status, seconds = future.result()
                    print(f"{name:18} {peer:6} {status:8} {seconds:5.1f} s  {out}", flush=True)
                except Exception as e:  # noqa: BLE001 - reported, then the exit status says it
                    failures += 1
                    print(f"{name:18} {peer:6} FAILED   {e}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

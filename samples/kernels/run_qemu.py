#!/usr/bin/env python3
"""Boots Debian's kernel in QEMU until it panics, then dumps its memory over QMP (stdlib only).

    run_qemu.py probe-accel --kernel BZIMAGE
        prints "kvm" when KVM boots the kernel here, "tcg" otherwise

    run_qemu.py scenario --out-dir DIR --name NAME --kernel BZIMAGE --initrd INITRD \
        --cmdline CMDLINE [--cpus N] [--memory 128M] [--accel kvm|tcg] ...
        boots, waits for the panic on the serial console, stops the guest, and writes into DIR
          serial.log          the whole serial console (the kernel's own oracles)
          vmcore.elf-paging   dump-guest-memory paging=true: ELF, virtual PT_LOADs
          vmcore.elf-phys     dump-guest-memory paging=false: ELF, physical-only PT_LOADs
          vmcore.kdump-flat   dump-guest-memory format=kdump-zlib: makedumpfile's flattened format
          vmcore.kdump        makedumpfile -R of vmcore.kdump-flat: a normal kdump file
          cmdline             the kernel's command line
          qemu.log            QEMU's own stderr
          seam_crash.ko       a copy of --module, when given
        then checks each dump's VMCOREINFO (OSRELEASE, KERNELOFFSET against --kaslr,
        NUMBER(pgtable_l5_enabled) against --paging-levels) and the console's call traces
        (--expect-frame), and writes scenario.json last (scenario.failed.json on a problem).

QEMU runs with -device vmcoreinfo, a QMP UNIX socket, a gdbstub on 127.0.0.1 only,
-no-reboot, and always dies with this process. Every wait has a hard timeout. Every output is
written under a temporary name and renamed. The guest is stopped before the first dump, so all
four dumps show the same instant.
"""

import argparse
import ctypes
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmcore_inspect  # noqa: E402

QEMU = os.environ.get("SEAM_QEMU", "qemu-system-x86_64")
PANIC_END = "---[ end Kernel panic - not syncing"
INIT_FAILED = "seam-init: FAILED"
PR_SET_PDEATHSIG = 1

DUMPS = [
    # (file, paging, format)
    ("vmcore.elf-paging", True, "elf"),
    ("vmcore.elf-phys", False, "elf"),
    ("vmcore.kdump-flat", False, "kdump-zlib"),
]
KDUMP = "vmcore.kdump"


class Failure(Exception):
    pass


def log(message):
    print(f"run_qemu: {message}", file=sys.stderr, flush=True)


def die_with_parent():
    """In the child before exec: get SIGKILL when the parent (this script) dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except OSError:
        pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def qemu_version():
    out = subprocess.run([QEMU, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"version (\S+)", out)
    return match.group(1) if match else out.strip()


class QMP:
    """A minimal QMP client: JSON lines over a UNIX socket, events queued aside."""

    def __init__(self, path, timeout, alive=lambda: True):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.sock.connect(path)
                break
            except OSError:
                self.sock.close()
                if not alive():
                    raise Failure("QEMU exited before its QMP socket opened") from None
                if time.monotonic() > deadline:
                    raise Failure(f"cannot connect to QMP at {path}") from None
                time.sleep(0.05)
        self.buffer = b""
        self.events = []
        self.next_id = 0
        greeting = self._read(deadline)
        if "QMP" not in greeting:
            raise Failure(f"unexpected QMP greeting {greeting}")
        self.command("qmp_capabilities", timeout=timeout)

    def close(self):
        self.sock.close()

    def _read(self, deadline):
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise Failure("QMP timed out")
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise Failure("QMP timed out") from None
            if not chunk:
                raise Failure("QMP connection closed")
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return json.loads(line)

    def command(self, name, arguments=None, timeout=30):
        self.next_id += 1
        message = {"execute": name, "id": self.next_id}
        if arguments:
            message["arguments"] = arguments
        self.sock.sendall(json.dumps(message).encode() + b"\n")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if "event" in reply:
                self.events.append(reply)
            elif reply.get("id") == self.next_id:
                if "error" in reply:
                    raise Failure(f"QMP {name}: {reply['error'].get('desc', reply['error'])}")
                return reply.get("return")

    def wait_event(self, name, timeout, poll=None):
        """Waits for the event NAME; every second calls POLL(), which may return a result."""
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event["event"] == name:
                    return self.events.pop(i)
            if poll:
                polled = poll()
                if polled is not None:
                    return polled
            now = time.monotonic()
            if now > deadline:
                raise Failure(f"no {name} event within {timeout} s")
            try:
                reply = self._read(min(deadline, now + 1.0))
            except Failure as e:
                if "timed out" not in str(e):
                    raise
                continue
            if "event" in reply:
                self.events.append(reply)


class Qemu:
    """One QEMU process, killed for sure by stop() (and by the kernel if this script dies)."""

    def __init__(self, args, workdir, serial_path, accel, cpu, cpus, memory):
        self.qmp_path = os.path.join(workdir, "qmp.sock")
        self.gdb_port = free_port()
        self.stderr_path = os.path.join(workdir, "qemu.log")
        command = [
            QEMU,
            "-nodefaults",
            "-no-user-config",
            "-accel", accel,
            "-cpu", cpu,
            "-smp", str(cpus),
            "-m", memory,
            "-display", "none",
            "-no-reboot",
            "-device", "vmcoreinfo",
            "-chardev", f"file,id=serial0,path={serial_path}",
            "-serial", "chardev:serial0",
            "-chardev", f"socket,id=qmp0,path={self.qmp_path},server=on,wait=off",
            "-mon", "chardev=qmp0,mode=control",
            "-gdb", f"tcp:127.0.0.1:{self.gdb_port}",
        ] + args
        self.command = command
        self.stderr = open(self.stderr_path, "wb")
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=self.stderr,
            stderr=self.stderr,
            preexec_fn=die_with_parent,
        )
        self.qmp = None

    def connect(self, timeout=30):
        try:
            self.qmp = QMP(self.qmp_path, timeout, self.running)
        except (Failure, OSError) as e:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
            if not self.running():
                raise Failure(f"QEMU exited ({e}): {self.stderr_text().strip()[-500:]}") from None
            raise
        return self.qmp

    def running(self):
        return self.process.poll() is None

    def stop(self):
        if self.qmp is not None and self.running():
            try:
                self.qmp.command("quit", timeout=5)
            except (Failure, OSError):
                pass
        if self.qmp is not None:
            self.qmp.close()
            self.qmp = None
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)
        self.stderr.close()

    def stderr_text(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""


def read_new(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read()
    except FileNotFoundError:
        return b""


def wait_for_serial(qemu, serial_path, markers, failures, timeout):
    """Returns (marker found, serial text) once a marker is on the console; raises on failures,
    on QEMU's exit, or at the timeout."""
    deadline = time.monotonic() + timeout
    data = b""
    while True:
        data += read_new(serial_path, len(data))
        text = data.decode("latin-1")
        for marker in markers:
            index = text.find(marker)
            if index >= 0 and "\n" in text[index:]:
                return marker, text
        for failure in failures:
            if failure in text:
                line = text[text.find(failure) :].splitlines()[0]
                raise Failure(f"the guest says: {line}")
        if not qemu.running():
            raise Failure(f"QEMU exited ({qemu.process.returncode}) before the panic: "
                          f"{qemu.stderr_text().strip()[-500:]}")
        if time.monotonic() > deadline:
            raise Failure(f"no panic on the serial console within {timeout} s")
        time.sleep(0.1)


def boot_to_serial(kernel, initrd, info, workdir, until, timeout, stop=False):
    """QEMU TCG on `kernel` + `initrd` with a scenario's cmdline, CPUs and memory (`info`, its
    scenario.json), run until the serial console prints one of `until` (INIT_FAILED is an
    error), then paused by QMP when `stop`: the live tests' and benchmarks' guest. Returns
    (qemu, qmp); on failure QEMU is stopped."""
    serial = os.path.join(workdir, "serial.log")
    qemu = Qemu(["-kernel", str(kernel), "-initrd", str(initrd), "-append", info["cmdline"]],
                workdir, serial, "tcg", "max", info["cpus"], info["memory"])
    try:
        qmp = qemu.connect()
        wait_for_serial(qemu, serial, until, [INIT_FAILED], timeout)
        if stop:
            qmp.command("stop")
    except Exception:
        qemu.stop()
        raise
    return qemu, qmp


def probe_accel(args):
    """kvm if /dev/kvm opens and a KVM guest prints the kernel's banner soon, else tcg."""
    try:
        fd = os.open("/dev/kvm", os.O_RDWR)
        os.close(fd)
    except OSError:
        return "tcg"
    with tempfile.TemporaryDirectory(prefix="seam-probe.") as workdir:
        serial = os.path.join(workdir, "serial.log")
        qemu = Qemu(["-kernel", args.kernel, "-append", "console=ttyS0 panic=-1"],
                    workdir, serial, "kvm", args.cpu, 1, "256M")
        try:
            wait_for_serial(qemu, serial, ["Linux version"], [], args.timeout)
            return "kvm"
        except Failure:
            return "tcg"
        finally:
            qemu.stop()


def dump_guest_memory(qmp, path, paging, fmt, timeout):
    tmp = f"{path}.tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    # Synchronous (detach=false): QEMU 7.2's detached dump sends DUMP_COMPLETED before it closes
    # its file, and a dump started right after may lose its own descriptor to that close
    # ("failed to write elf header: Bad file descriptor"). The command returns once the dump
    # is written and closed; DUMP_COMPLETED comes before the return.
    arguments = {"paging": paging, "protocol": f"file:{tmp}", "detach": False}
    if fmt != "elf":
        arguments["format"] = fmt
    start = time.monotonic()
    qmp.command("dump-guest-memory", arguments, timeout=timeout)
    status = qmp.command("query-dump", timeout=timeout)
    if status.get("status") != "completed":
        raise Failure(f"dump-guest-memory {fmt} paging={paging}: {status}")
    event = qmp.wait_event("DUMP_COMPLETED", 10)
    data = event.get("data", {})
    if data.get("error") or data.get("result", {}).get("status") != "completed":
        raise Failure(f"dump-guest-memory {fmt} paging={paging}: {data}")
    os.chmod(tmp, 0o644)  # QEMU creates it 0400
    os.replace(tmp, path)
    return time.monotonic() - start


def reassemble(flat, out, timeout):
    """makedumpfile -R: the flattened stream on stdin, a normal kdump file out."""
    tmp = f"{out}.tmp"
    if os.path.exists(tmp):
        os.unlink(tmp)
    start = time.monotonic()
    with open(flat, "rb") as stdin:
        result = subprocess.run(["makedumpfile", "-R", tmp], stdin=stdin, capture_output=True,
                                text=True, timeout=timeout, preexec_fn=die_with_parent)
    if result.returncode != 0:
        raise Failure(f"makedumpfile -R failed: {result.stderr.strip()[-500:]}")
    os.chmod(tmp, 0o644)
    os.replace(tmp, out)
    return time.monotonic() - start


FRAME = re.compile(r"^\s*(\? )?([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)/(0x[0-9a-f]+)( \[[\w]+\])?\s*$")
STACK_MARK = re.compile(r"^\s*</?(TASK|IRQ|NMI|SOFTIRQ|EOE|\w+_STACK)>\s*$")
# The register dump of an exception frame inside a trace: its RIP is kept, the rest skipped.
REGISTERS = re.compile(r"^(Code|RSP|RAX|RDX|RBP|R10|R13|FS|CS|CR2|DR0|DR3|DR6|PKRU):")


def serial_oracles(text):
    """What the kernel itself printed: the panic line, the call traces, the init's markers.

    Each call trace is {"cpu": the last "CPU: N PID: ..." line before it, "rip": the oops's
    "RIP:" line before it (or None), "frames": its lines: "func+0xoff/0xsize [module]" (with
    "? " for the unreliable ones), stack markers like "<TASK>", and "RIP: ..." for the
    exception frames the trace crosses}.
    """
    lines = [re.sub(r"^\[\s*\d+\.\d+\] ", "", line.rstrip("\r")) for line in text.splitlines()]
    oracles = {"panic": None, "call_traces": [], "init": [], "kernel_offset_line": None}
    rip = None
    cpu_line = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Kernel panic - not syncing:") and oracles["panic"] is None:
            oracles["panic"] = line[len("Kernel panic - not syncing:"):].strip()
        elif line.startswith("Kernel Offset:"):
            oracles["kernel_offset_line"] = line
        elif line.startswith("seam-init: "):
            oracles["init"].append(line[len("seam-init: "):])
        elif line.startswith("CPU: ") and " PID: " in line:
            cpu_line = line
        elif line.startswith("RIP: "):
            rip = line[len("RIP: "):]
        elif line.strip() == "Call Trace:":
            frames = []
            while i + 1 < len(lines):
                entry = lines[i + 1].strip()
                if STACK_MARK.match(entry) or FRAME.match(entry):
                    frames.append(entry)
                elif entry.startswith("RIP: "):
                    frames.append(entry)
                elif not REGISTERS.match(entry):
                    break
                i += 1
                if entry == "</TASK>":
                    break
            oracles["call_traces"].append({"cpu": cpu_line, "rip": rip, "frames": frames})
            rip = None
        i += 1
    return oracles


def check_dump(name, info, expect):
    """Problems of one dump against the scenario's expectations, as strings."""
    problems = []
    if not info.get("osrelease"):
        problems.append(f"{name}: no VMCOREINFO")
        return problems
    if expect.abi and info["osrelease"] != expect.abi:
        problems.append(f"{name}: OSRELEASE={info['osrelease']}, not {expect.abi}")
    offset = int(info["kerneloffset"] or "0", 16)
    if expect.kaslr and offset == 0:
        problems.append(f"{name}: KERNELOFFSET=0 although KASLR is on")
    if not expect.kaslr and offset != 0:
        problems.append(f"{name}: KERNELOFFSET={info['kerneloffset']} although nokaslr")
    l5 = info.get("pgtable_l5_enabled")
    want = "1" if expect.paging_levels == 5 else "0"
    if l5 != want:
        problems.append(f"{name}: NUMBER(pgtable_l5_enabled)={l5}, want {want} "
                        f"({expect.paging_levels}-level paging)")
    if info.get("prstatus_notes") not in (None, 0) and info["prstatus_notes"] != expect.cpus:
        problems.append(f"{name}: {info['prstatus_notes']} NT_PRSTATUS notes for {expect.cpus} CPUs")
    return problems


def run_scenario(args):
    out_dir = args.out_dir
    os.makedirs(out_dir, exist_ok=True)
    serial_final = os.path.join(out_dir, "serial.log")
    serial_tmp = serial_final + ".tmp"
    for stale in [serial_tmp] + [os.path.join(out_dir, d[0]) + ".tmp" for d in DUMPS]:
        if os.path.exists(stale):
            os.unlink(stale)
    timings = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="seam-qemu.") as workdir:
        qemu_args = ["-kernel", args.kernel, "-initrd", args.initrd, "-append", args.cmdline]
        qemu = Qemu(qemu_args, workdir, serial_tmp, args.accel, args.cpu, args.cpus, args.memory)
        log(f"{args.name}: QEMU pid {qemu.process.pid}, {args.accel}, -cpu {args.cpu}, "
            f"{args.cpus} CPU(s), gdbstub tcp:127.0.0.1:{qemu.gdb_port}")
        try:
            qmp = qemu.connect()
            wait_for_serial(qemu, serial_tmp, [PANIC_END], [INIT_FAILED], args.boot_timeout)
            timings["boot_to_panic_s"] = round(time.monotonic() - started, 2)
            qmp.command("stop")
            status = qmp.command("query-status")
            if status.get("status") != "paused":
                raise Failure(f"the guest did not stop: {status}")
            for file, paging, fmt in DUMPS:
                seconds = dump_guest_memory(qmp, os.path.join(out_dir, file), paging, fmt,
                                            args.dump_timeout)
                timings[f"{file}_s"] = round(seconds, 2)
        finally:
            qemu.stop()
            shutil.copyfile(qemu.stderr_path, os.path.join(out_dir, "qemu.log"))
    os.replace(serial_tmp, serial_final)
    timings[f"{KDUMP}_s"] = round(reassemble(os.path.join(out_dir, DUMPS[2][0]),
                                             os.path.join(out_dir, KDUMP), args.dump_timeout), 2)

    dumps = {}
    problems = []
    for file in [d[0] for d in DUMPS] + [KDUMP]:
        info = vmcore_inspect.inspect(os.path.join(out_dir, file))
        info.pop("vmcoreinfo", None)
        info["size"] = os.path.getsize(os.path.join(out_dir, file))
        dumps[file] = info
        problems += check_dump(file, info, args)
    paging = dumps["vmcore.elf-paging"]
    phys = dumps["vmcore.elf-phys"]
    if paging["pt_loads_virtual"] == 0:
        problems.append("vmcore.elf-paging has no virtual PT_LOADs")
    if phys["pt_loads_virtual"] != 0:
        problems.append("vmcore.elf-phys has virtual PT_LOADs")
    with open(serial_final, encoding="latin-1") as f:
        oracles = serial_oracles(f.read())
    if not oracles["panic"]:
        problems.append("serial.log has no 'Kernel panic - not syncing' line")
    if args.expect_frame:
        frames = " ".join(" ".join(t["frames"]) for t in oracles["call_traces"])
        frames += " " + " ".join(t["rip"] or "" for t in oracles["call_traces"])
        for frame in args.expect_frame:
            if frame not in frames:
                problems.append(f"serial.log's call traces lack {frame}")
    timings["total_s"] = round(time.monotonic() - started, 2)

    module = None
    if args.module:
        module_file = os.path.basename(args.module)
        shutil.copyfile(args.module, os.path.join(out_dir, module_file))
        module = {"name": os.path.splitext(module_file)[0], "file": module_file,
                  "source": "samples/crashmod/seam_crash.c"}
    files = {"elf_paging": DUMPS[0][0], "elf_phys": DUMPS[1][0], "kdump_flat": DUMPS[2][0],
             "kdump": KDUMP, "serial_log": "serial.log", "cmdline": "cmdline",
             "qemu_log": "qemu.log"}
    with open(os.path.join(out_dir, "cmdline"), "w") as f:
        f.write(args.cmdline + "\n")
    scenario = {
        "format_version": 1,
        "scenario": args.name,
        "description": args.description,
        "generator_key": args.generator_key,
        "abi": args.abi,
        "kernel": {
            # Relative to the cache directory ($SEAM_CACHE_DIR, default ~/.cache/seam).
            "vmlinux": os.path.relpath(args.vmlinux, args.cache_dir) if args.vmlinux else None,
            "bzimage": os.path.relpath(args.kernel, args.cache_dir) if args.cache_dir else None,
        },
        "cmdline": args.cmdline,
        "cpus": args.cpus,
        "memory": args.memory,
        "crash": args.crash,
        "crash_cpu": 0,
        "busy": args.busy or None,
        "kaslr": args.kaslr,
        "paging_levels": args.paging_levels,
        "module": module,
        # Functions the kernel's own call traces on the console name (checked); a debugger's
        # backtrace of the crashing CPU should name them too.
        "expected_frames": args.expect_frame,
        # CPU 1's stack by construction (not checked here: the console shows no trace of it):
        # the panic's stop IPI (REBOOT_VECTOR) interrupted it, innermost frame first.
        "expected_frames_cpu1": args.cpu1_frame or None,
        "files": files,
        "generation": {
            "accel": args.accel,
            "cpu_model": args.cpu,
            "qemu_version": qemu_version(),
            "timings": timings,
        },
        "dumps": dumps,
        "oracles": oracles,
        "problems": problems,
    }
    # scenario.json comes last: a directory with it is complete.
    name = "scenario.json" if not problems else "scenario.failed.json"
    tmp = os.path.join(out_dir, name + ".tmp")
    with open(tmp, "w") as f:
        json.dump(scenario, f, indent=2)
        f.write("\n")
    os.replace(tmp, os.path.join(out_dir, name))
    if problems:
        for problem in problems:
            log(f"{args.name}: {problem}")
        return 1
    log(f"{args.name}: done in {timings['total_s']} s (boot to panic {timings['boot_to_panic_s']} s)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    probe = sub.add_parser("probe-accel", help="print kvm if KVM works here, else tcg")
    probe.add_argument("--kernel", required=True)
    probe.add_argument("--cpu", default="max")
    probe.add_argument("--timeout", type=float, default=15)

    scenario = sub.add_parser("scenario", help="boot, wait for the panic, dump")
    scenario.add_argument("--out-dir", required=True)
    scenario.add_argument("--name", required=True)
    scenario.add_argument("--kernel", required=True)
    scenario.add_argument("--initrd", required=True)
    scenario.add_argument("--cmdline", required=True)
    scenario.add_argument("--cpus", type=int, default=1)
    scenario.add_argument("--memory", default="256M")
    scenario.add_argument("--accel", choices=["kvm", "tcg"], default="tcg")
    scenario.add_argument("--cpu", default="max")
    scenario.add_argument("--boot-timeout", type=float, default=120)
    scenario.add_argument("--dump-timeout", type=float, default=120)
    scenario.add_argument("--abi", help="expected VMCOREINFO OSRELEASE")
    scenario.add_argument("--kaslr", choices=["on", "off"], default="on")
    scenario.add_argument("--paging-levels", type=int, choices=[4, 5], default=5)
    scenario.add_argument("--expect-frame", action="append", default=[],
                          help="a function the serial log's call traces must name")
    scenario.add_argument("--cpu1-frame", action="append", default=[],
                          help="a frame CPU 1's stack has by construction, innermost first")
    scenario.add_argument("--description", default="")
    scenario.add_argument("--crash", default=None, help="the crash, for scenario.json")
    scenario.add_argument("--busy", default=None, help="what keeps CPU 1 busy, for scenario.json")
    scenario.add_argument("--module", help="the crash module's .ko, copied next to the dumps")
    scenario.add_argument("--vmlinux", help="the vmlinux with DWARF, for scenario.json")
    scenario.add_argument("--cache-dir", help="paths in scenario.json are relative to it")
    scenario.add_argument("--generator-key", default=None)
    args = parser.parse_args()

    try:
        if args.command == "probe-accel":
            print(probe_accel(args))
            return 0
        args.kaslr = args.kaslr == "on"
        return run_scenario(args)
    except (Failure, subprocess.TimeoutExpired, OSError) as e:
        log(f"error: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())

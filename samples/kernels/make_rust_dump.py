#!/usr/bin/env python3
"""Dumps the Rust fixture kernel's crash: boots ../shared/fixtures/rust-kernel-6.1 under QEMU.

    make_rust_dump.py [--fixture DIR] [--out-dir DIR] [--force]

Boots the fixture's bzImage + initramfs (whose init loads rust_crashme.ko, which panics through
C -> Rust -> C -> Rust -> C) under TCG with the fixture README's command line, waits for the end
of the panic on the serial console, stops the guest and writes into --out-dir (default
$SEAM_CACHE_DIR/fixtures/rust-kernel-6.1, SEAM_CACHE_DIR defaulting to ~/.cache/seam):

    vmcore.elf-paging   dump-guest-memory paging=true (virtual PT_LOADs)
    vmcore.elf-phys     dump-guest-memory paging=false (physical PT_LOADs only)
    serial.log          the console, with the kernel's own Call Trace
    inputs.sha256       the inputs the dumps came from; a later run with the same inputs is a no-op

Reuses run_qemu.py's QEMU/QMP pieces (every wait has a hard timeout, QEMU dies with us).
"""

import argparse
import hashlib
import json
import os
import sys
import tempfile
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_qemu  # noqa: E402

# The shared fixtures sit beside the repository (../shared), unless SEAM_SHARED_DIR says otherwise.
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED_DIR = os.environ.get("SEAM_SHARED_DIR") or os.path.join(os.path.dirname(REPO), "shared")
FIXTURE = os.path.join(SHARED_DIR, "fixtures", "rust-kernel-6.1")
CMDLINE = ("console=ttyS0 nokaslr oops=panic panic=0 loglevel=8 "
           "qemu_fw_cfg.ioport=12@0x510:0:1:4")
DUMPS = [("vmcore.elf-paging", True), ("vmcore.elf-phys", False)]
# Bump when the way the dumps are made changes: the cache key includes it.
GENERATOR_VERSION = "1"


def inputs_key(fixture):
    digest = hashlib.sha256()
    digest.update(f"{GENERATOR_VERSION}\n{CMDLINE}\n{run_qemu.qemu_version()}\n".encode())
    for name in ("bzImage", "initramfs.cpio.gz"):
        with open(os.path.join(fixture, name), "rb") as f:
            digest.update(hashlib.sha256(f.read()).hexdigest().encode())
    return digest.hexdigest()


def main():
    cache = os.environ.get("SEAM_CACHE_DIR", os.path.expanduser("~/.cache/seam"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixture", default=FIXTURE)
    parser.add_argument("--out-dir", default=os.path.join(cache, "fixtures", "rust-kernel-6.1"))
    parser.add_argument("--force", action="store_true", help="remake even when cached")
    parser.add_argument("--boot-timeout", type=float, default=180)
    parser.add_argument("--dump-timeout", type=float, default=120)
    args = parser.parse_args()

    for name in ("bzImage", "initramfs.cpio.gz"):
        if not os.path.isfile(os.path.join(args.fixture, name)):
            run_qemu.log(f"error: {args.fixture} has no {name}")
            return 1
    key = inputs_key(args.fixture)
    stamp = os.path.join(args.out_dir, "inputs.sha256")
    outputs = [d[0] for d in DUMPS] + ["serial.log"]
    if not args.force and all(os.path.isfile(os.path.join(args.out_dir, f)) for f in outputs):
        try:
            with open(stamp) as f:
                if f.read().strip() == key:
                    run_qemu.log(f"rust dump cached in {args.out_dir}")
                    return 0
        except OSError:
            pass
    os.makedirs(args.out_dir, exist_ok=True)
    if os.path.exists(stamp):
        os.unlink(stamp)  # the stamp goes last: without it the directory is incomplete

    started = time.monotonic()
    serial_final = os.path.join(args.out_dir, "serial.log")
    serial_tmp = serial_final + ".tmp"
    if os.path.exists(serial_tmp):
        os.unlink(serial_tmp)
    try:
        with tempfile.TemporaryDirectory(prefix="seam-rust-qemu.") as workdir:
            qemu_args = ["-kernel", os.path.join(args.fixture, "bzImage"),
                         "-initrd", os.path.join(args.fixture, "initramfs.cpio.gz"),
                         "-append", CMDLINE]
            qemu = run_qemu.Qemu(qemu_args, workdir, serial_tmp, "tcg", "max", 1, "256M")
            run_qemu.log(f"rust fixture: QEMU pid {qemu.process.pid}, tcg")
            try:
                qmp = qemu.connect()
                run_qemu.wait_for_serial(qemu, serial_tmp, [run_qemu.PANIC_END], [],
                                         args.boot_timeout)
                qmp.command("stop")
                for file, paging in DUMPS:
                    run_qemu.dump_guest_memory(qmp, os.path.join(args.out_dir, file), paging,
                                               "elf", args.dump_timeout)
            finally:
                qemu.stop()
        os.replace(serial_tmp, serial_final)
    except (run_qemu.Failure, OSError) as e:
        run_qemu.log(f"error: {e}")
        return 1
    with open(serial_final, encoding="latin-1") as f:
        oracles = run_qemu.serial_oracles(f.read())
    if not oracles["call_traces"]:
        run_qemu.log("error: the serial log has no Call Trace")
        return 1
    with open(os.path.join(args.out_dir, "oracles.json"), "w") as f:
        json.dump(oracles, f, indent=2)
        f.write("\n")
    with open(stamp + ".tmp", "w") as f:
        f.write(key + "\n")
    os.replace(stamp + ".tmp", stamp)
    run_qemu.log(f"rust fixture dumped into {args.out_dir} in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

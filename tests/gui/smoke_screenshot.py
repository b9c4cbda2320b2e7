#!/usr/bin/env python3
"""seam-gui's smoke test under a real X server (Xvfb): the program opens the
Rust fixture kernel's crash dump (vmlinux and the rust_crashme module), shows
the crashed task's backtrace, grabs its window to a PNG and exits 0.

    smoke_screenshot.py SEAM_GUI OUT.png
    # runs: xvfb-run -a SEAM_GUI --screenshot OUT.png VMCORE -s VMLINUX -s rust_crashme.ko

The dump is made by samples/kernels/make_rust_dump.py (ctest fixture
rust_dump) into SEAM_CACHE_DIR (else ~/.cache/seam)/fixtures/rust-kernel-6.1/,
the vmlinux unpacked beside it (fixtures/vmlinux-rust-6.1); the module is
under SEAM_SHARED_DIR (else the repository's ../shared)/fixtures/rust-kernel-6.1,
as tests/integration/seamtest.py finds them.

The PNG is checked to exist and not be blank (more than a few distinct
colours: a window that painted nothing is one or two). The report seam-gui
writes beside it (OUT.png.json: the backtrace pane's rows and frames, the
selected and crashed task) must show the crashed task selected and a
populated backtrace through the Rust frame rust_crashme::crash_here. Both
stay where they are written, for a look at what the window looked like.
"""
import json
import os
import pathlib
import struct
import subprocess
import sys
import zlib


def png_colours(path):
    """The distinct pixel values of an 8-bit, non-interlaced RGB or RGBA PNG."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour_type)
    if depth != 8 or channels is None or interlace:
        raise ValueError(f"unexpected PNG format {header}")
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        row_start = y * (stride + 1)
        kind = raw[row_start]
        row = bytearray(raw[row_start + 1:row_start + 1 + stride])
        for i in range(stride):  # the PNG filters, undone
            a = row[i - channels] if i >= channels else 0
            b = previous[i]
            c = previous[i - channels] if i >= channels else 0
            if kind == 1:
                row[i] = (row[i] + a) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + b) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                row[i] = (row[i] + pred) & 0xFF
        for x in range(0, stride, channels):
            colours.add(bytes(row[x:x + channels]))
        previous = row
    return width, height, colours


def rust_fixture_files():
    """The Rust fixture kernel's dump, its vmlinux and the crashing module."""
    cache = pathlib.Path(os.environ.get("SEAM_CACHE_DIR", pathlib.Path.home() / ".cache" / "seam"))
    source = pathlib.Path(os.environ.get("SEAM_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
    shared = pathlib.Path(os.environ.get("SEAM_SHARED_DIR", source.parent / "shared"))
    vmcore = cache / "fixtures" / "rust-kernel-6.1" / "vmcore.elf-paging"
    vmlinux = cache / "fixtures" / "vmlinux-rust-6.1"
    module = shared / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko"
    for path in (vmcore, vmlinux, module):
        if not path.is_file():
            sys.exit(f"no {path}: the Rust fixture dump is made by samples/kernels/make_rust_dump.py "
                     f"(ctest -R rust_dump_generate) from {module.parent}")
    return vmcore, vmlinux, module


def check_report(path):
    """The backtrace pane as seam-gui reported it: populated, the crashed task's, through Rust."""
    with open(path) as f:
        report = json.load(f)
    frames = [frame["function"] for frame in report.get("frames", [])]
    print(f"{path}: {report.get('backtrace_rows')} backtrace rows, PID {report.get('selected_pid')} "
          f"selected (crashed: {report.get('crashed_pid')}), {report.get('locals_rows')} locals")
    if report.get("backtrace_rows", 0) <= 0 or not frames:
        sys.exit("the backtrace pane is empty")
    if report.get("crashed_pid") is None or report.get("selected_pid") != report["crashed_pid"]:
        sys.exit("the crashed task is not the one selected")
    rust = [frame for frame in report["frames"] if frame["function"] == "rust_crashme::crash_here"]
    if not rust or rust[0]["language"] != "rust":
        sys.exit(f"no Rust frame rust_crashme::crash_here in the backtrace pane: {frames}")


def check_wrong_vmlinux(gui, out, vmcore):
    """The Rust dump with Debian's vmlinux (another kernel): the window still opens and is
    grabbed (no wait for a backtrace that cannot come), the mismatch is the first warning and
    the backtrace pane says why it is empty."""
    cache = pathlib.Path(os.environ.get("SEAM_CACHE_DIR", pathlib.Path.home() / ".cache" / "seam"))
    abi = "6.1.0-56-cloud-amd64"
    other = cache / "kernels" / abi / "usr/lib/debug/boot" / f"vmlinux-{abi}"
    if not other.is_file():
        sys.exit(f"no {other}: scripts/fetch-debian-kernel.sh fetches it (ctest fixture corpus)")
    report = out + ".json"
    command = ["xvfb-run", "-a", gui, "--screenshot", out, str(vmcore), "-s", str(other)]
    print("+", " ".join(command), flush=True)
    status = subprocess.run(command, timeout=120).returncode
    if status != 0:
        sys.exit(f"seam-gui with another kernel's vmlinux exited {status}")
    with open(report) as f:
        data = json.load(f)
    warnings = data.get("warnings", [])
    print(f"{report}: {len(warnings)} warnings, backtrace: {data.get('backtrace_status')}")
    if not warnings or "does not belong to the dump" not in warnings[0]:
        sys.exit(f"the first warning is not the vmlinux mismatch: {warnings}")
    if not data.get("backtrace_status", "").startswith("No tasks"):
        sys.exit(f"the backtrace pane does not say why it is empty: {data.get('backtrace_status')}")


def main():
    gui, out = sys.argv[1:3]
    vmcore, vmlinux, module = rust_fixture_files()
    report = out + ".json"
    for stale in (out, report):  # a stale file must not pass for this run's
        if os.path.exists(stale):
            os.remove(stale)
    command = ["xvfb-run", "-a", gui, "--screenshot", out, str(vmcore), "-s", str(vmlinux),
               "-s", str(module)]
    print("+", " ".join(command), flush=True)
    status = subprocess.run(command, timeout=300).returncode
    if status != 0:
        sys.exit(f"seam-gui exited {status}")
    width, height, colours = png_colours(out)
    print(f"{out}: {width}x{height}, {len(colours)} distinct colours")
    if width < 200 or height < 200:
        sys.exit("the screenshot is too small for the window")
    if len(colours) <= 8:
        sys.exit("the screenshot is blank")
    if not os.path.exists(report):
        sys.exit(f"seam-gui wrote no {report}")
    check_report(report)
    check_wrong_vmlinux(gui, str(pathlib.Path(out).with_name("screenshot-wrong-vmlinux.png")),
                        vmcore)


if __name__ == "__main__":
    main()

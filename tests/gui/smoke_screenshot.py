#!/usr/bin/env python3
"""seam-gui's smoke test under a real X server (Xvfb): the program opens a
scenario of the vmcore corpus (its paging ELF dump), shows the crashed task's
backtrace, grabs its window to a PNG and exits 0.

    smoke_screenshot.py SEAM_GUI OUT.png SCENARIO
    # runs: xvfb-run -a SEAM_GUI --screenshot OUT.png VMCORE -s VMLINUX

The corpus is where samples/kernels/make-corpus.sh puts it: SEAM_CACHE_DIR
(else ~/.cache/seam)/corpus/SEAM_KERNEL_ABI/SCENARIO, as tests/corpus/corpus_paths.h.

The PNG is checked to exist and not be blank (more than a few distinct
colours: a window that painted nothing is one or two). It stays where it is
written, for a look at what the window looked like.
"""
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


def corpus_files(scenario):
    """The paging ELF dump of `scenario` and Debian's vmlinux it is of."""
    cache = pathlib.Path(os.environ.get("SEAM_CACHE_DIR", pathlib.Path.home() / ".cache" / "seam"))
    abi = os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64")
    vmcore = cache / "corpus" / abi / scenario / "vmcore.elf-paging"
    vmlinux = cache / "kernels" / abi / "usr/lib/debug/boot" / f"vmlinux-{abi}"
    for path in (vmcore, vmlinux):
        if not path.is_file():
            sys.exit(f"no {path}: the corpus is made by samples/kernels/make-corpus.sh")
    return vmcore, vmlinux


def main():
    gui, out, scenario = sys.argv[1:4]
    vmcore, vmlinux = corpus_files(scenario)
    if os.path.exists(out):
        os.remove(out)  # a stale screenshot must not pass for this run's
    command = ["xvfb-run", "-a", gui, "--screenshot", out, str(vmcore), "-s", str(vmlinux)]
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


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Derives more kdump-compressed files from a scenario's physical ELF dump (stdlib + ctypes).

    kdump_convert.py DIR --key KEY [--timeout 120]

makedumpfile 1.7.2 (Debian 12's) converts DIR/vmcore.elf-phys, and its output is compressed
once more where Debian's build cannot:
  vmcore.kdump-lzo     makedumpfile -l: every page, lzo
  vmcore.kdump-d31     makedumpfile -c -d 31: zlib, free, cache, user and zero pages left out
  vmcore.kdump-snappy  every page, snappy  } Debian's makedumpfile is built without snappy and
  vmcore.kdump-zstd    every page, zstd    } zstd ("-p/-z option will be ignored"), so
                                             makedumpfile writes the pages uncompressed and this
                                             script compresses each one as makedumpfile would
                                             (libsnappy's snappy_compress, libzstd level 1; kept
                                             raw unless smaller; the shared zero page raw)
Then it re-reads every dump of DIR with vmcore_inspect.py, checks the new ones' VMCOREINFO
against the scenario, and rewrites DIR/scenario.json ("files", "dumps", "kdump_variants",
"generation.conversion_timings", "conversion_key"). Every output is written under a temporary
name and renamed; scenario.json last. Re-running it replaces the files.

makedumpfile 1.7.2 cannot read QEMU 7.2's ELF dumps as they are: it expects the program
headers right after the ELF header (it reads them at sizeof(Elf64_Ehdr) + i * sizeof(Phdr),
ignoring e_phoff), and QEMU puts two section headers there. It reads a copy instead whose
program headers are moved there (everything else at the same offsets), deleted afterwards.
"""

import argparse
import ctypes
import ctypes.util
import json
import mmap
import os
import shutil
import struct
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmcore_inspect  # noqa: E402

SOURCE = "vmcore.elf-phys"
# file -> (scenario.json "files" key, makedumpfile options, recompression, description)
VARIANTS = {
    "vmcore.kdump-lzo": ("kdump_lzo", ["-l"], None,
                         "makedumpfile -l of vmcore.elf-phys: lzo, every page"),
    "vmcore.kdump-snappy": ("kdump_snappy", [], "snappy",
                            "makedumpfile (pages uncompressed) of vmcore.elf-phys, each page then "
                            "compressed with snappy by kdump_convert.py: Debian's makedumpfile "
                            "1.7.2 is built without snappy"),
    "vmcore.kdump-zstd": ("kdump_zstd", [], "zstd",
                          "makedumpfile (pages uncompressed) of vmcore.elf-phys, each page then "
                          "compressed with zstd (level 1) by kdump_convert.py: Debian's "
                          "makedumpfile 1.7.2 is built without zstd"),
    "vmcore.kdump-d31": ("kdump_d31", ["-c", "-d", "31"], None,
                         "makedumpfile -c -d 31 of vmcore.elf-phys: zlib; free, cache, user and "
                         "zero pages left out"),
}

# disk_dump_header.status and page_desc.flags (makedumpfile's diskdump_mod.h)
COMPRESSED = {"zlib": 0x1, "lzo": 0x2, "snappy": 0x4, "zstd": 0x20}
PAGE_DESC = struct.Struct("<qIIQ")  # offset, size, flags, page_flags


class Failure(Exception):
    pass


def log(message):
    print(f"kdump_convert: {message}", file=sys.stderr, flush=True)


def makedumpfile_input(elf, out):
    """A copy of a QEMU ELF dump that makedumpfile 1.7.2 can read (see the docstring)."""
    shutil.copyfile(elf, out)
    with open(out, "r+b") as f:
        header = bytearray(f.read(64))
        if header[:4] != b"\x7fELF" or header[4] != 2:
            raise Failure(f"{elf}: not an ELF64 file")
        phoff = struct.unpack_from("<Q", header, 32)[0]
        phentsize, phnum = struct.unpack_from("<HH", header, 54)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
        first = min(struct.unpack_from("<Q", table, i * phentsize + 8)[0] for i in range(phnum))
        if 64 + len(table) > first:
            raise Failure(f"{elf}: no room for the program headers before the first segment")
        struct.pack_into("<QQ", header, 32, 64, 0)  # e_phoff, e_shoff
        struct.pack_into("<HHH", header, 58, 64, 0, 0)  # e_shentsize, e_shnum, e_shstrndx
        f.seek(0)
        f.write(header + table + bytes(first - 64 - len(table)))


def makedumpfile(options, elf, out, timeout):
    """Runs makedumpfile; returns its warnings (the lines that are not progress)."""
    if os.path.exists(out):
        os.unlink(out)
    result = subprocess.run(["makedumpfile", *options, elf, out], capture_output=True,
                            text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    # Progress lines (stderr) are redrawn with \r; messages go to stdout or stderr.
    lines = [line.split("\r")[-1].strip()
             for line in (result.stdout + "\n" + result.stderr).splitlines()]
    if result.returncode != 0:
        raise Failure(f"makedumpfile {' '.join(options)} failed: " + " / ".join(
            line for line in lines if line)[-500:])
    os.chmod(out, 0o644)  # makedumpfile creates it 0600
    return [line for line in lines if line and "%]" not in line and
            not line.startswith(("The dumpfile is saved", "makedumpfile Completed", "Copying data",
                                 "Checking for memory holes", "Excluding"))]


class Compressor:
    """One page at a time, through the shared libraries libkdumpfile itself links."""

    def __init__(self, method):
        self.method = method
        self.out = ctypes.create_string_buffer(2 * 65536)
        if method == "snappy":
            lib = ctypes.CDLL(ctypes.util.find_library("snappy") or "libsnappy.so.1")
            lib.snappy_compress.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                            ctypes.POINTER(ctypes.c_size_t)]
            lib.snappy_compress.restype = ctypes.c_int
            self.lib = lib
            self.length = ctypes.c_size_t()
        elif method == "zstd":
            lib = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
            lib.ZSTD_createCCtx.restype = ctypes.c_void_p
            lib.ZSTD_freeCCtx.argtypes = [ctypes.c_void_p]
            lib.ZSTD_compressCCtx.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                              ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int]
            lib.ZSTD_compressCCtx.restype = ctypes.c_size_t
            lib.ZSTD_isError.argtypes = [ctypes.c_size_t]
            lib.ZSTD_isError.restype = ctypes.c_uint
            self.lib = lib
            self.cctx = lib.ZSTD_createCCtx()
            if not self.cctx:
                raise Failure("ZSTD_createCCtx failed")
        else:
            raise Failure(f"unknown compression {method}")

    def close(self):
        if self.method == "zstd" and self.cctx:
            self.lib.ZSTD_freeCCtx(self.cctx)
            self.cctx = None

    def compress(self, page):
        """The compressed page, or None when it would not be smaller (makedumpfile's rule)."""
        if self.method == "snappy":
            self.length.value = len(self.out)
            if self.lib.snappy_compress(page, len(page), self.out, ctypes.byref(self.length)):
                return None
            size = self.length.value
        else:
            size = self.lib.ZSTD_compressCCtx(self.cctx, self.out, len(self.out), page,
                                              len(page), 1)
            if self.lib.ZSTD_isError(size):
                return None
        return self.out.raw[:size] if size < len(page) else None


def recompress(src, out, method):
    """Rewrites a kdump file whose pages are uncompressed with each page compressed by METHOD.

    The headers, bitmaps and descriptor count stay; each descriptor gets its page's new offset,
    size and flag. Pages that share data (makedumpfile's one zero page) still share it."""
    flag = COMPRESSED[method]
    compressor = Compressor(method)
    tmp = f"{out}.tmp"
    try:
        with open(src, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as data, \
                open(tmp, "wb") as w:
            if data[:8] != vmcore_inspect.KDUMP_SIGNATURE:
                raise Failure(f"{src}: not a kdump file")
            status, block_size, sub_hdr_size, bitmap_blocks = struct.unpack_from("<IiiI", data, 424)
            if status & 0x3F & ~0x10:
                raise Failure(f"{src}: pages are compressed already (status {status:#x})")
            bitmap = (1 + sub_hdr_size) * block_size
            half = bitmap_blocks * block_size // 2
            count = int.from_bytes(data[bitmap + half : bitmap + 2 * half], "little").bit_count()
            descs = bitmap + 2 * half
            start = descs + count * PAGE_DESC.size
            head = bytearray(data[:descs])
            struct.pack_into("<I", head, 424, status | flag)
            w.write(head)
            table = bytearray(count * PAGE_DESC.size)
            pages = []
            placed = {}  # old data offset -> new (offset, size, flags)
            position = start
            for i in range(count):
                offset, size, flags, page_flags = PAGE_DESC.unpack_from(
                    data, descs + i * PAGE_DESC.size)
                if flags != 0:
                    raise Failure(f"{src}: page {i} is compressed already (flags {flags:#x})")
                new = placed.get(offset)
                if new is None:
                    page = data[offset : offset + size]
                    packed = None
                    # makedumpfile writes the zero page all shared ones point to first, raw.
                    if not (offset == start and page.count(0) == len(page)):
                        packed = compressor.compress(page)
                    if packed is None:
                        new = (position, len(page), 0)
                        pages.append(page)
                    else:
                        new = (position, len(packed), flag)
                        pages.append(packed)
                    position += new[1]
                    placed[offset] = new
                PAGE_DESC.pack_into(table, i * PAGE_DESC.size, new[0], new[1], new[2], page_flags)
            w.write(table)
            for page in pages:
                w.write(page)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        compressor.close()
        if os.path.exists(tmp):
            os.unlink(tmp)


def check(name, info, scenario):
    """Problems of a derived dump against scenario.json."""
    problems = []
    if info.get("osrelease") != scenario["abi"]:
        problems.append(f"{name}: OSRELEASE={info.get('osrelease')}, not {scenario['abi']}")
    offset = int(info.get("kerneloffset") or "0", 16)
    if (offset != 0) != bool(scenario["kaslr"]):
        problems.append(f"{name}: KERNELOFFSET={info.get('kerneloffset')} with kaslr "
                        f"{scenario['kaslr']}")
    if info.get("prstatus_notes") != scenario["cpus"]:
        problems.append(f"{name}: {info.get('prstatus_notes')} NT_PRSTATUS notes for "
                        f"{scenario['cpus']} CPUs")
    # makedumpfile writes VMCOREINFO's phys_base into the sub-header (QEMU does not, see README).
    if info.get("phys_base") != info.get("vmcoreinfo_phys_base"):
        problems.append(f"{name}: sub-header phys_base {info.get('phys_base')}, VMCOREINFO says "
                        f"{info.get('vmcoreinfo_phys_base')}")
    return problems


def inspect(path):
    info = vmcore_inspect.inspect(path)
    info.pop("vmcoreinfo", None)
    info["size"] = os.path.getsize(path)
    return info


def convert(directory, key, timeout):
    with open(os.path.join(directory, "scenario.json")) as f:
        scenario = json.load(f)
    elf = os.path.join(directory, SOURCE)
    fixed = os.path.join(directory, ".makedumpfile-input.elf")
    raw = os.path.join(directory, ".vmcore.kdump-raw")
    timings = {}
    warnings = {}
    try:
        start = time.monotonic()
        makedumpfile_input(elf, fixed)
        timings["input_copy_s"] = round(time.monotonic() - start, 2)
        for file, (_, options, method, _) in VARIANTS.items():
            start = time.monotonic()
            out = os.path.join(directory, file)
            if method is None:
                warnings[file] = makedumpfile(options, fixed, f"{out}.tmp", timeout)
                os.replace(f"{out}.tmp", out)
            else:
                if not os.path.exists(raw):
                    warnings["raw"] = makedumpfile(options, fixed, raw, timeout)
                    timings["uncompressed_s"] = round(time.monotonic() - start, 2)
                    start = time.monotonic()
                warnings[file] = warnings["raw"]
                recompress(raw, out, method)
            timings[f"{file}_s"] = round(time.monotonic() - start, 2)
    finally:
        for path in (fixed, raw):
            if os.path.exists(path):
                os.unlink(path)
        for file in VARIANTS:
            if os.path.exists(os.path.join(directory, f"{file}.tmp")):
                os.unlink(os.path.join(directory, f"{file}.tmp"))

    problems = []
    files = {k: v for k, v in scenario["files"].items()
             if v not in VARIANTS}  # earlier runs' entries go, then come back
    files.update({name: file for file, (name, _, _, _) in VARIANTS.items()})
    dumps = {}
    for file in [v for v in files.values() if v.startswith("vmcore.")]:
        dumps[file] = inspect(os.path.join(directory, file))
        if file in VARIANTS:
            problems += check(file, dumps[file], scenario)
    filtered = dumps["vmcore.kdump-d31"]
    if filtered.get("dump_level") != 31:
        problems.append(f"vmcore.kdump-d31: dump level {filtered.get('dump_level')}")
    if not filtered["pages_dumped"] < dumps["vmcore.kdump-lzo"]["pages_dumped"]:
        problems.append("vmcore.kdump-d31 leaves no page out")
    scenario["files"] = files
    scenario["dumps"] = dumps
    scenario["kdump_variants"] = {
        file: {"compression": method or ("lzo" if "-l" in options else "zlib"),
               "dump_level": 31 if "31" in options else 0,
               "made_by": description,
               "makedumpfile_options": options,
               "makedumpfile_messages": warnings.get(file, [])}
        for file, (_, options, method, description) in VARIANTS.items()}
    scenario["conversion_key"] = key
    scenario.setdefault("generation", {})["conversion_timings"] = timings
    scenario["problems"] = scenario.get("problems", []) + problems
    tmp = os.path.join(directory, "scenario.json.tmp")
    with open(tmp, "w") as f:
        json.dump(scenario, f, indent=2)
        f.write("\n")
    if problems:
        os.replace(tmp, os.path.join(directory, "scenario.failed.json"))
        for problem in problems:
            log(f"{scenario['scenario']}: {problem}")
        return 1
    os.replace(tmp, os.path.join(directory, "scenario.json"))
    log(f"{scenario['scenario']}: kdump variants in {round(sum(timings.values()), 2)} s")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--key", required=True, help="recorded as scenario.json's conversion_key")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per makedumpfile run")
    args = parser.parse_args()
    try:
        return convert(args.directory, args.key, args.timeout)
    except (Failure, subprocess.TimeoutExpired, OSError, ValueError, KeyError) as e:
        log(f"{args.directory}: error: {e}")
        return 1


if __name__ == "__main__":
    sys.exit(main())

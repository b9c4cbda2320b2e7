#!/usr/bin/env python3
"""Writes the corpus's initramfs: a gzip-compressed newc cpio archive, made without root.

The archive holds busybox-static as /bin/busybox (the init installs its applets), /init,
/dev/console (a character device node, so the kernel opens the console before /init runs),
empty mount points, and the given files. Every entry has mtime 0 and uid/gid 0, so the same
inputs give the same archive.

    make_initramfs.py OUT --busybox /bin/busybox --init init.sh [--file DEST=SRC]...
"""

import argparse
import gzip
import os
import stat
import sys

DIRECTORIES = ["bin", "dev", "proc", "sys", "tmp", "lib", "lib/modules", "root"]


def newc_entry(name, mode, data=b"", rdev=(0, 0), ino=0):
    """One newc header, the name and the data, each padded to 4 bytes."""
    name_bytes = name.encode() + b"\0"
    fields = [
        ino,  # c_ino
        mode,  # c_mode
        0,  # c_uid
        0,  # c_gid
        2 if stat.S_ISDIR(mode) else 1,  # c_nlink
        0,  # c_mtime
        len(data),  # c_filesize
        0,  # c_devmajor
        0,  # c_devminor
        rdev[0],  # c_rdevmajor
        rdev[1],  # c_rdevminor
        len(name_bytes),  # c_namesize
        0,  # c_check
    ]
    header = b"070701" + b"".join(b"%08X" % field for field in fields)
    out = header + name_bytes
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(out) % 4)
    return out


def build(busybox, init, files):
    entries = []
    ino = 1

    def add(name, mode, data=b"", rdev=(0, 0)):
        nonlocal ino
        entries.append(newc_entry(name, mode, data, rdev, ino))
        ino += 1

    made = set()

    def add_dirs(path):
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            directory = "/".join(parts[:i])
            if directory and directory not in made:
                made.add(directory)
                add(directory, stat.S_IFDIR | 0o755)

    for directory in DIRECTORIES:
        add_dirs(directory + "/")
    add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    add("dev/null", stat.S_IFCHR | 0o666, rdev=(1, 3))
    with open(busybox, "rb") as f:
        add("bin/busybox", stat.S_IFREG | 0o755, f.read())
    add("bin/sh", stat.S_IFLNK | 0o777, b"busybox")
    with open(init, "rb") as f:
        add("init", stat.S_IFREG | 0o755, f.read())
    for dest, src in files:
        dest = dest.lstrip("/")
        add_dirs(dest)
        with open(src, "rb") as f:
            add(dest, stat.S_IFREG | 0o644, f.read())
    entries.append(newc_entry("TRAILER!!!", 0))
    archive = b"".join(entries)
    archive += b"\0" * (-len(archive) % 512)
    return gzip.compress(archive, compresslevel=6, mtime=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--busybox", required=True)
    parser.add_argument("--init", required=True)
    parser.add_argument("--file", action="append", default=[], metavar="DEST=SRC")
    args = parser.parse_args()
    files = []
    for spec in args.file:
        dest, sep, src = spec.partition("=")
        if not sep or not dest or not src:
            parser.error(f"--file wants DEST=SRC, not {spec!r}")
        files.append((dest, src))
    data = build(args.busybox, args.init, files)
    tmp = f"{args.out}.tmp.{os.getpid()}"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, args.out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())

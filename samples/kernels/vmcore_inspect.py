#!/usr/bin/env python3
"""Reads what the corpus checks from a vmcore, with the standard library only.

Knows the three container formats the corpus makes:
  ELF       QEMU's dump-guest-memory ELF (PT_NOTE with VMCOREINFO, NT_PRSTATUS per CPU, PT_LOADs)
  kdump     makedumpfile's compressed format ("KDUMP   " signature), VMCOREINFO in the sub-header
  flattened makedumpfile's flattened stream ("makedumpfile" signature); VMCOREINFO is found by
            replaying the stream's (offset, size, data) records

    vmcore_inspect.py VMCORE...        # prints one JSON object per file
"""

import json
import struct
import sys

ELF_MAGIC = b"\x7fELF"
KDUMP_SIGNATURE = b"KDUMP   "
FLAT_SIGNATURE = b"makedumpfile"
PT_LOAD = 1
PT_NOTE = 4
NT_PRSTATUS = 1


def parse_vmcoreinfo(text):
    """VMCOREINFO's KEY=VALUE lines as a dict (the last value of a repeated key wins)."""
    info = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            info[key] = value
    return info


def _notes(data):
    """(name, type, desc) of each ELF note in a PT_NOTE segment's bytes."""
    pos = 0
    while pos + 12 <= len(data):
        namesz, descsz, ntype = struct.unpack_from("<III", data, pos)
        pos += 12
        name = data[pos : pos + namesz].rstrip(b"\0").decode("latin-1")
        pos += (namesz + 3) & ~3
        desc = data[pos : pos + descsz]
        pos += (descsz + 3) & ~3
        yield name, ntype, desc


def inspect_elf(f):
    header = f.read(64)
    if header[4] != 2 or header[5] != 1:
        raise ValueError("not a little-endian ELF64 file")
    e_type, e_machine = struct.unpack_from("<HH", header, 16)
    e_phoff = struct.unpack_from("<Q", header, 32)[0]
    e_phentsize, e_phnum = struct.unpack_from("<HH", header, 54)
    if e_phnum == 0xFFFF:  # PN_XNUM: the real count is in section 0's sh_info
        e_shoff = struct.unpack_from("<Q", header, 40)[0]
        f.seek(e_shoff + 44)
        e_phnum = struct.unpack("<I", f.read(4))[0]
    f.seek(e_phoff)
    table = f.read(e_phentsize * e_phnum)
    loads = []
    notes = []
    for i in range(e_phnum):
        p_type, _flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, _align = struct.unpack_from(
            "<IIQQQQQQ", table, i * e_phentsize
        )
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_paddr, p_filesz, p_memsz))
        elif p_type == PT_NOTE:
            f.seek(p_offset)
            notes.extend(_notes(f.read(p_filesz)))
    vmcoreinfo = None
    prstatus = 0
    prstatus_pids = []
    note_names = {}
    for name, ntype, desc in notes:
        note_names[f"{name}/{ntype}"] = note_names.get(f"{name}/{ntype}", 0) + 1
        if name == "VMCOREINFO":
            vmcoreinfo = desc.rstrip(b"\0").decode("latin-1")
        elif name == "CORE" and ntype == NT_PRSTATUS:
            prstatus += 1
            # QEMU puts the vCPU's index + 1 here, not a Linux PID.
            prstatus_pids.append(struct.unpack_from("<i", desc, 32)[0])
    # QEMU's paging=false dump sets p_vaddr = p_paddr; paging=true gives the guest's virtual
    # addresses (the direct map, the kernel's text, vmalloc, ...).
    virtual = [load for load in loads if load[0] != load[1]]
    return {
        "format": "elf",
        "e_type": e_type,
        "e_machine": e_machine,
        "pt_loads": len(loads),
        "pt_loads_virtual": len(virtual),
        "load_bytes": sum(load[2] for load in loads),
        "prstatus_notes": prstatus,
        "prstatus_pids": prstatus_pids,
        "notes": note_names,
        "vmcoreinfo": vmcoreinfo,
    }


def _compression(status):
    """What disk_dump_header.status says the pages are compressed with (diskdump_mod.h)."""
    for bit, name in ((0x20, "zstd"), (0x4, "snappy"), (0x2, "lzo"), (0x1, "zlib")):
        if status & bit:
            return name
    return "none"


def inspect_kdump(f):
    header = f.read(464 + 4)
    header_version = struct.unpack_from("<i", header, 8)[0]
    # QEMU leaves the utsname empty (libkdumpfile, and so drgn, then cannot tell the arch).
    release = header[12 + 65 * 2 : 12 + 65 * 3].rstrip(b"\0").decode("latin-1")
    machine = header[12 + 65 * 4 : 12 + 65 * 5].rstrip(b"\0").decode("latin-1")
    status, block_size, sub_hdr_size, bitmap_blocks, max_mapnr = struct.unpack_from(
        "<IiiII", header, 424
    )
    current_cpu, nr_cpus = struct.unpack_from("<Ii", header, 456)
    f.seek(block_size)
    sub = f.read(88)
    phys_base, dump_level = struct.unpack_from("<Qi", sub, 0)
    offset_vmcoreinfo, size_vmcoreinfo, offset_note, size_note = struct.unpack_from("<qQqQ", sub, 32)
    vmcoreinfo = None
    if header_version >= 3 and size_vmcoreinfo:
        f.seek(offset_vmcoreinfo)
        vmcoreinfo = f.read(size_vmcoreinfo).rstrip(b"\0").decode("latin-1")
    # The bitmaps: the first has a bit per page of RAM, the second per page in the dump.
    bitmap_size = bitmap_blocks * block_size // 2
    f.seek((1 + sub_hdr_size) * block_size)
    pages_in_memory = int.from_bytes(f.read(bitmap_size), "little").bit_count()
    pages_dumped = int.from_bytes(f.read(bitmap_size), "little").bit_count()
    prstatus = 0
    if header_version >= 4 and size_note:
        f.seek(offset_note)
        prstatus = sum(
            1 for name, ntype, _ in _notes(f.read(size_note)) if name == "CORE" and ntype == NT_PRSTATUS
        )
    return {
        "format": "kdump",
        "header_version": header_version,
        "utsname_release": release,
        "utsname_machine": machine,
        "status": status,
        "compression": _compression(status),
        "block_size": block_size,
        "nr_cpus": nr_cpus,
        "current_cpu": current_cpu,
        "phys_base": hex(phys_base),
        "dump_level": dump_level,
        "pages_in_memory": pages_in_memory,
        "pages_dumped": pages_dumped,
        "prstatus_notes": prstatus,
        "vmcoreinfo": vmcoreinfo,
    }


def inspect_flat(f):
    """Replays the flattened stream's records into a sparse image of the first blocks."""
    f.seek(4096)  # the flat header (signature, type, version) fills the first 4 KiB
    image = {}
    records = 0
    while True:
        head = f.read(16)
        if len(head) < 16:
            break
        offset, size = struct.unpack(">qq", head)
        if offset == -1 and size == -1:  # END_FLAG_FLAT_HEADER
            break
        records += 1
        data = f.read(size)
        if offset < 1 << 20:  # the headers, the sub-header and the notes sit near the start
            image[offset] = data

    def read(offset, size):
        out = bytearray(size)
        for start, data in image.items():
            lo, hi = max(start, offset), min(start + len(data), offset + size)
            if lo < hi:
                out[lo - offset : hi - offset] = data[lo - start : hi - start]
        return bytes(out)

    class Image:
        pos = 0

        def seek(self, pos):
            self.pos = pos

        def read(self, size):
            data = read(self.pos, size)
            self.pos += size
            return data

    result = inspect_kdump(Image())
    result["format"] = "flattened-kdump"
    result["records"] = records
    return result


def inspect(path):
    with open(path, "rb") as f:
        magic = f.read(16)
        f.seek(0)
        if magic.startswith(ELF_MAGIC):
            result = inspect_elf(f)
        elif magic.startswith(KDUMP_SIGNATURE):
            result = inspect_kdump(f)
        elif magic.startswith(FLAT_SIGNATURE):
            result = inspect_flat(f)
        else:
            raise ValueError(f"{path}: unknown vmcore format (starts with {magic[:8]!r})")
    info = parse_vmcoreinfo(result["vmcoreinfo"] or "")
    result["osrelease"] = info.get("OSRELEASE")
    result["kerneloffset"] = info.get("KERNELOFFSET")
    result["pgtable_l5_enabled"] = info.get("NUMBER(pgtable_l5_enabled)")
    result["crashtime"] = info.get("CRASHTIME")
    # The kernel writes NUMBER(phys_base) in signed decimal. QEMU 7.2 parses it as hex for the
    # kdump sub-header's phys_base, which is then wrong whenever phys_base is not 0.
    phys_base = info.get("NUMBER(phys_base)")
    result["vmcoreinfo_phys_base"] = (hex(int(phys_base) & (1 << 64) - 1)
                                      if phys_base is not None else None)
    return result


def main():
    for path in sys.argv[1:]:
        result = inspect(path)
        result["path"] = path
        if result.get("vmcoreinfo"):
            result["vmcoreinfo_lines"] = result["vmcoreinfo"].count("\n") + 1
        del result["vmcoreinfo"]
        print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

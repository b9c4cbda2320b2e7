# ctest-labels: corpus;rustdump;badinput
"""`seam bt` on damaged copies of real dumps and of the vmlinux (made in a temporary directory;
the originals are never touched). Each trace must stop at the damaged frame with an end reason
that says why, keep the frames before it, and exit without a crash or a hang:

  missing page   the physical ELF dump of smp-kthread-spin with its program headers rewritten so
                 that the task-stack page under CPU 1's IRQ-stack frames falls into a hole (the
                 crashed tasks' traces of the corpus all fit in one stack page: a hole there
                 stops them at frame 0, which proves less)
  frame loop     the Rust fixture's dump (frame pointers and CFI) with a saved rbp in the middle
                 of the chain pointing at itself
  corrupt ORC    a copy of Debian's vmlinux whose .orc_unwind entry for a pc of sysrq-nokaslr's
                 crashed trace is garbage (0xff bytes)
"""
import os
import shutil
import struct
import tempfile
import unittest

import seamtest as st

TIMEOUT = 30
ABI = "6.1.0-56-cloud-amd64"
RUST_VMLINUX = st.CACHE_DIR / "fixtures" / "vmlinux-rust-6.1"
RUST_DUMPS = st.CACHE_DIR / "fixtures" / "rust-kernel-6.1"
RUST_KO = st.SHARED_DIR / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko"
PAGE = 4096
CLEAN_ENDS = ("user space", "end of stack")


def program_headers(path):
    with open(path, "rb") as f:
        header = f.read(64)
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        if phnum == 0xFFFF:
            raise AssertionError(f"{path}: PN_XNUM program headers are not handled here")
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    return [struct.unpack_from("<IIQQQQQQ", table, i * phentsize) for i in range(phnum)]


def virtual_to_physical(paging_dump, address):
    for p_type, _, _, vaddr, paddr, filesz, _, _ in program_headers(paging_dump):
        if p_type == 1 and vaddr <= address < vaddr + filesz:
            return paddr + address - vaddr
    raise AssertionError(f"{paging_dump} maps no {address:#x}")


def file_offsets_of_physical(dump, physical):
    """Every file offset holding physical address `physical` (PT_LOADs may alias)."""
    return [offset + physical - paddr
            for p_type, _, offset, _, paddr, filesz, _, _ in program_headers(dump)
            if p_type == 1 and paddr <= physical < paddr + filesz]


def punch_hole(dump, out, physical_page):
    """Copies DUMP to OUT with the PT_LOAD holding `physical_page` split around it: the page
    is no longer in the dump. The new program header table goes at the end of the file."""
    shutil.copyfile(dump, out)
    headers = []
    found = False
    for h in program_headers(dump):
        p_type, flags, offset, vaddr, paddr, filesz, memsz, align = h
        if p_type == 1 and paddr <= physical_page < paddr + filesz:
            found = True
            cut = physical_page - paddr
            if cut:
                headers.append((1, flags, offset, vaddr, paddr, cut, cut, align))
            rest = filesz - cut - PAGE
            if rest > 0:
                headers.append((1, flags, offset + cut + PAGE, vaddr + cut + PAGE,
                                paddr + cut + PAGE, rest, rest, align))
        else:
            headers.append(h)
    assert found, f"{physical_page:#x} is not in {dump}"
    with open(out, "r+b") as f:
        f.seek(0, os.SEEK_END)
        end = (f.tell() + 7) & ~7
        f.seek(end)
        for h in headers:
            f.write(struct.pack("<IIQQQQQQ", *h))
        f.seek(0x20)
        f.write(struct.pack("<Q", end))
        f.seek(0x38)
        f.write(struct.pack("<H", len(headers)))


def sections(path):
    with open(path, "rb") as f:
        header = f.read(64)
        shoff, = struct.unpack_from("<Q", header, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", header, 0x3A)
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        rows = [struct.unpack_from("<IIQQQQIIQQ", table, i * shentsize) for i in range(shnum)]
        names = rows[shstrndx]
        f.seek(names[4])
        strings = f.read(names[5])
    return {strings[r[0]:strings.index(b"\0", r[0])].decode(): r for r in rows}


class BadBacktraceInputTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="seam-bt-bad.")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def bt(self, dump, *debug_files, where=()):
        files = [a for f in debug_files for a in ("-s", f)]
        proc = st.seam_vmcore(dump, *files, "bt", *where, "--json", timeout=TIMEOUT)
        self.assertGreaterEqual(proc.returncode, 0, f"seam died of a signal: {proc.stderr}")
        self.assertNotIn("Sanitizer", proc.stderr)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        result = st.json.loads(proc.stdout)
        text = st.seam_vmcore(dump, *files, "bt", *where, timeout=TIMEOUT)
        self.assertEqual(text.returncode, 0, text.stderr)
        return (result[0] if isinstance(result, list) else result), text.stdout

    def assert_stops_at(self, good, bad, text, index, reason):
        frames = [f for f in bad["frames"] if not f.get("inlined")]
        wanted = [f for f in good["frames"] if not f.get("inlined")]
        self.assertNotIn(bad["end_reason"], CLEAN_ENDS)
        self.assertRegex(bad["end_reason"], reason)
        self.assertIn(bad["end_reason"], text, "seam bt must print why it stopped")
        self.assertLess(len(frames), len(wanted))
        self.assertGreaterEqual(len(frames), index, "frames before the damage must stay")
        for ours, theirs in zip(frames, wanted):
            self.assertEqual(ours["pc"], theirs["pc"])

    def test_missing_stack_page(self):
        corpus = st.CACHE_DIR / "corpus" / ABI / "smp-kthread-spin"
        files = (st.debian_vmlinux_for(ABI), corpus / "seam_crash.ko")
        good, _ = self.bt(corpus / "vmcore.elf-phys", *files, where=("--cpu", "1"))
        frames = [f for f in good["frames"] if not f.get("inlined")]
        # The first frame whose return address (read at its CFA - 8) is on another page than
        # the first frame's: the IRQ stack's frames come before, the task stack's after.
        first_page = int(frames[0]["sp"], 16) & ~(PAGE - 1)
        index, slot = next((i, int(f["cfa"], 16) - 8) for i, f in enumerate(frames)
                           if f["cfa"] and (int(f["cfa"], 16) - 8) & ~(PAGE - 1) != first_page)
        self.assertGreater(index, 0)
        physical = virtual_to_physical(corpus / "vmcore.elf-paging", slot) & ~(PAGE - 1)
        damaged = os.path.join(self.tmp, "vmcore.hole")
        punch_hole(corpus / "vmcore.elf-phys", damaged, physical)
        bad, text = self.bt(damaged, *files, where=("--cpu", "1"))
        # Today VmcoreTarget reads a hole between an ELF dump's PT_LOADs as zeros (libkdumpfile
        # 0.5.1 does), so the unwinder sees return address 0 and stops there; an error from
        # the read ("not in the dump") is the better answer and is accepted too.
        self.assert_stops_at(good, bad, text, index + 1, r"(?i)not in the dump|cannot read|"
                             r"missing|excluded|no data|unreadable|hole|"
                             r"return address 0x0 .* is not kernel code")

    def test_frame_pointer_loop(self):
        dump = RUST_DUMPS / "vmcore.elf-paging"
        good, _ = self.bt(dump, RUST_VMLINUX, RUST_KO)
        frames = [f for f in good["frames"] if not f.get("inlined")]
        index = next(i for i, f in enumerate(frames) if f.get("function") == "sort_r")
        slot = int(frames[index]["cfa"], 16) - 16  # sort_r's caller's saved rbp
        damaged = os.path.join(self.tmp, "vmcore.loop")
        shutil.copyfile(dump, damaged)
        physical = virtual_to_physical(dump, slot)
        offsets = file_offsets_of_physical(dump, physical)
        self.assertTrue(offsets)
        with open(damaged, "r+b") as f:
            for offset in offsets:
                f.seek(offset)
                f.write(struct.pack("<Q", slot))  # points at itself
        bad, text = self.bt(damaged, RUST_VMLINUX, RUST_KO)
        self.assert_stops_at(good, bad, text, index + 1, r"loop")

    def test_corrupt_orc_entry(self):
        corpus = st.CACHE_DIR / "corpus" / ABI / "sysrq-nokaslr"  # link address == runtime
        vmlinux = st.debian_vmlinux_for(ABI)
        dump = corpus / "vmcore.elf-paging"
        good, _ = self.bt(dump, vmlinux)
        frames = [f for f in good["frames"] if not f.get("inlined")]
        index = len(frames) // 2
        pc = int(frames[index]["pc"], 16) - 1  # a return address: the call is before it
        table = sections(vmlinux)
        ips = table[".orc_unwind_ip"]
        with open(vmlinux, "rb") as f:
            f.seek(ips[4])
            raw = f.read(ips[5])
        count = len(raw) // 4
        entry = -1
        for i, offset in enumerate(struct.unpack(f"<{count}i", raw)):
            if ips[3] + 4 * i + offset <= pc:
                entry = max(entry, i) if ips[3] + 4 * i + offset <= pc else entry
        self.assertGreaterEqual(entry, 0)
        copy = os.path.join(self.tmp, "vmlinux")
        shutil.copyfile(vmlinux, copy)
        with open(copy, "r+b") as f:
            f.seek(table[".orc_unwind"][4] + 6 * entry)
            f.write(b"\xff" * 6)
        bad, text = self.bt(dump, copy)
        self.assert_stops_at(good, bad, text, index, r"corrupt ORC entry")


if __name__ == "__main__":
    unittest.main()

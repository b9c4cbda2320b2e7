# ctest-labels: corpus;rustdump;kernel
"""`seam dis` on real crash dumps, against gdb's `disassemble` of the same dump.

The corpus sysrq-kaslr dump (Debian 6.1, KASLR): gdb 13 given the vmlinux moved by the dump's
KERNELOFFSET (`symbol-file -o`) and the dump as its core reads the code from the dump, as seam
does, so both see what the kernel patched at boot (ftrace NOPs, LOCK prefixes turned to DS on one
CPU). For sysrq_handle_crash, __handle_sysrq and panic every instruction must match: address,
mnemonic, operands, and the branch target's or RIP-relative address's `<symbol+offset>`.

What is normalised, and why (LLVM's AT&T printer against GNU's; the instructions are the same):
  - size suffixes: LLVM always writes them (`movq`, `callq`), GNU only where no register operand
    gives the size: a mnemonic may equal gdb's plus one of b/w/l/q;
  - memory operands: LLVM leaves out a zero displacement and a scale of 1 (`(%rax,%rax)`), GNU
    writes `0x0(%rax,%rax,1)`;
  - segment prefixes: GNU writes a DS or CS prefix as a word before the mnemonic (`ds cmpxchg`),
    LLVM on the memory operand (`%ds:0x107ea8b(%rip)`);
  - `repz` is GNU's name for `rep` before ret/cmps;
  - whitespace.
And names: gdb names code by its DWARF function, seam (as crash) by the ELF symbol. A function
GCC split lists its hot part under the function's symbol and its cold part under
`FUNCTION.cold`; gdb's `disassemble FUNCTION` lists both address ranges and names cold code
`<FUNCTION+3456165>` from the function's entry. So gdb's first range is compared with
`seam dis FUNCTION`, its other ranges with `seam dis FUNCTION.cold`, and a target seam names
`X.cold+M` or `X.part.0` (a GCC clone: .cold, .part.N, .isra.N, .constprop.N) matches gdb's `X+N`
or `X` at the same address (the address itself is compared exactly).

Live: the same kernel booted under QEMU TCG until it has panicked, then halted (QMP stop):
`seam -g dis panic` equals gdb's `disassemble panic` over the same gdbstub (`target remote`,
`symbol-file -o` the KASLR offset seam finds), with the same normalisation.

The Rust fixture dump: rust_crashme::crash_here (a module function, named by its Rust path) is
listed whole with its demangled name on each line, its calls named `<core::panicking::panic_fmt>`,
and the same instruction lengths and mnemonics as llvm-objdump-19 on the .ko.
"""
import json
import re
import subprocess
import unittest

import seamtest as st
from qemu_guest import CorpusGuest, gdb_batch, run_qemu

SCENARIO = "sysrq-kaslr"
FUNCTIONS = ("sysrq_handle_crash", "__handle_sysrq", "panic")
RUST_DUMPS = st.CACHE_DIR / "fixtures" / "rust-kernel-6.1"
RUST_KO = st.SHARED_DIR / "fixtures" / "rust-kernel-6.1" / "rust_crashme.ko"

GDB_LINE = re.compile(r"^(?:=>)?\s+0x([0-9a-f]+) <\+(\d+)>:\t(.*)$")
SEAM_LINE = re.compile(r"^0x([0-9a-f]+) <([^>]*)>:\s+(.*)$")


def gdb_disassemble(scenario, functions, target=None, kernel_offset=None):
    """{function: [[(address, text)] per address range]} from one gdb run on the dump, or on
    `target` ("target remote 127.0.0.1:PORT") with the given KASLR offset."""
    offset = scenario.kernel_offset() if kernel_offset is None else kernel_offset
    commands = [target] if target else []
    commands += [f"symbol-file -o {offset:#x} {scenario.vmlinux}"]
    if not target:
        commands.append(f"core-file {scenario.dump('elf-paging')}")
    commands += [f"disassemble {f}" for f in functions]
    if target:
        commands.append("disconnect")
    proc = gdb_batch(["set pagination off", "set confirm off", *commands], timeout=300)
    listings, current = {}, None
    for line in proc.stdout.splitlines():
        m = re.match(r"^Dump of assembler code for function (\S+):$", line)
        if m:
            current = listings.setdefault(m.group(1), [[]])
            continue
        if line.startswith("Address range ") and current is not None and current[-1]:
            current.append([])
            continue
        m = GDB_LINE.match(line)
        if m and current is not None:
            current[-1].append((int(m.group(1), 16), m.group(3)))
    missing = [f for f in functions if not listings.get(f)]
    if missing:
        raise AssertionError(f"gdb did not disassemble {missing}: {proc.stdout[-1500:]}"
                             f"{proc.stderr[-1500:]}")
    return listings


def canonical(text):
    """One instruction's text with GNU's and LLVM's differences (module docstring) taken out:
    (mnemonic words, operands and annotation)."""
    text = " ".join(text.split())
    words = text.split(" ")
    mnemonic = []
    while words:
        word = words.pop(0)
        if word in ("ds", "cs"):  # GNU's segment-override prefix as a word
            continue
        mnemonic.append("rep" if word == "repz" else word)
        if word not in ("lock", "rep", "repz", "repnz", "repne", "notrack", "bnd", "data16"):
            break
    rest = " ".join(words)
    rest = re.sub(r"%[dc]s:", "", rest)
    rest = re.sub(r"(?<![$\w])0x0\(", "(", rest)
    rest = re.sub(r",1\)", ")", rest)
    rest = rest.replace(" #", "  #")
    return mnemonic, " ".join(rest.split())


CLONE_SUFFIX = re.compile(r"\.(cold|part\.\d+|isra\.\d+|constprop\.\d+)(?=$|\.)")
NAME = re.compile(r"<([^>]*)>")


def same_names(ours, theirs):
    """The operands equal but for the <names>, which match as the docstring says."""
    if NAME.sub("<>", ours) != NAME.sub("<>", theirs):
        return False
    for a, b in zip(NAME.findall(ours), NAME.findall(theirs)):
        if a == b:
            continue
        a_name, b_name = a.split("+")[0], b.split("+")[0]
        if CLONE_SUFFIX.sub("", a_name) != b_name or a_name == b_name:
            return False
    return len(NAME.findall(ours)) == len(NAME.findall(theirs))


def same_mnemonic(ours, theirs):
    if ours[:-1] != theirs[:-1] or not ours:
        return False
    a, b = ours[-1], theirs[-1]
    return a == b or (len(a) == len(b) + 1 and a.startswith(b) and a[-1] in "bwlq")


def seam_dis(dump, debug_files, *args):
    proc = st.seam_vmcore(dump, *debug_files, "dis", *args)
    if proc.returncode != 0:
        raise AssertionError(f"seam dis {' '.join(args)} failed: {proc.stderr}")
    return proc.stdout.splitlines()


class GdbComparison:
    """Checks seam's listing of a function (seam_lines(function)) against gdb's."""

    def check_range(self, function, theirs):
        with self.subTest(function=function):
            lines = self.seam_lines(function)
            self.assertEqual(len(lines), len(theirs),
                             f"{function}: seam lists {len(lines)} instructions, gdb "
                             f"{len(theirs)}")
            problems = []
            for line, (address, gdb_text) in zip(lines, theirs):
                m = SEAM_LINE.match(line)
                self.assertIsNotNone(m, f"not an instruction line: {line!r}")
                offset = address - theirs[0][0]
                expected_symbol = function + (f"+{offset}" if offset else "")
                ours_m, ours_rest = canonical(m.group(3))
                gdb_m, gdb_rest = canonical(gdb_text)
                if (int(m.group(1), 16) != address or m.group(2) != expected_symbol
                        or not same_mnemonic(ours_m, gdb_m)
                        or not same_names(ours_rest, gdb_rest)):
                    problems.append(f"seam {line!r}\n     gdb {address:#x} {gdb_text!r}")
            self.assertEqual(problems, [], f"{function}: {len(problems)} of {len(lines)} "
                             "instructions differ:\n" + "\n".join(problems[:20]))



class DisassembleCorpusTest(GdbComparison, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scenario = st.corpus_scenario(SCENARIO)
        cls.dump = cls.scenario.dump("elf-paging")
        cls.files = cls.scenario.debug_files()
        cls.gdb = gdb_disassemble(cls.scenario, FUNCTIONS)

    def seam_lines(self, function):
        return seam_dis(self.dump, self.files, function)

    def test_functions_equal_gdbs_disassemble(self):
        for function in FUNCTIONS:
            for part, theirs in enumerate(self.gdb[function]):
                self.check_range(function if part == 0 else function + ".cold", theirs)

    def test_calls_name_their_targets(self):
        lines = seam_dis(self.dump, self.files, "sysrq_handle_crash")
        self.assertTrue(any(re.search(r"call\w* 0x[0-9a-f]+ <panic>$", line) for line in lines),
                        "\n".join(lines))

    def test_count_and_reverse_window_on_the_crash_pc(self):
        bt = st.seam_vmcore_json(self.dump, self.files, "bt")
        pc = bt["frames"][0]["pc"] if isinstance(bt["frames"][0]["pc"], int) else int(
            bt["frames"][0]["pc"], 16)
        after = seam_dis(self.dump, self.files, hex(pc), "-n", "3")
        self.assertEqual(len(after), 3)
        self.assertTrue(after[0].startswith(f"{pc:#x} <"), after[0])
        before = seam_dis(self.dump, self.files, "-r", hex(pc))
        self.assertTrue(before[-1].startswith(f"{pc:#x} <"), before[-1])
        # Decoded from the function's start: the first line is the function itself.
        self.assertRegex(before[0], r"^0x[0-9a-f]+ <[^+>]+>:")

    def test_json_fields(self):
        out = st.seam_vmcore_json(self.dump, self.files, "dis", "sysrq_handle_crash")
        self.assertEqual(out["function"], "sysrq_handle_crash")
        self.assertEqual(out["module"], "vmlinux")
        self.assertEqual(int(out["function_address"], 16),
                         self.gdb["sysrq_handle_crash"][0][0][0])
        self.assertEqual(out["notes"], [])
        total = 0
        for i in out["instructions"]:
            for key in ("address", "bytes", "mnemonic", "operands", "text", "valid", "symbol",
                        "file", "line", "target", "target_kind", "target_symbol"):
                self.assertIn(key, i)
            self.assertTrue(i["valid"])
            self.assertEqual(int(i["address"], 16), int(out["function_address"], 16) + total)
            total += len(i["bytes"]) // 2
            self.assertTrue(i["file"].endswith((".c", ".h")), i)
            self.assertGreater(i["line"], 0)
        self.assertEqual(total, out["function_size"])
        calls = [i for i in out["instructions"] if i["target_symbol"] == "panic"]
        self.assertEqual(len(calls), 1)
        self.assertEqual(calls[0]["target_kind"], "branch")

    def test_bad_address_says_so(self):
        proc = st.seam_vmcore(self.dump, *self.files, "dis", "0x1234")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("cannot read code at 0x1234", proc.stderr)
        proc = st.seam_vmcore(self.dump, *self.files, "dis", "no_such_function_here")
        self.assertEqual(proc.returncode, 1)
        self.assertIn("no symbol 'no_such_function_here'", proc.stderr)
        proc = st.seam_vmcore(self.dump, *self.files, "dis", "panic", "-n", "0")
        self.assertEqual(proc.returncode, 2)
        self.assertIn("COUNT must be", proc.stderr)

    def test_at_the_prompt_and_in_help(self):
        proc = st.seam_vmcore(self.dump, *self.files, input="help\ndis sysrq_handle_crash -n 1\n")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertRegex(proc.stdout, r"(?m)^  dis .*disassemble")
        self.assertRegex(proc.stdout, r"(?m)^0x[0-9a-f]+ <sysrq_handle_crash>:")


class DisassembleLiveTest(GdbComparison, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        st.require_tool("gdb")
        st.require_tool(run_qemu.QEMU)
        cls.scenario = st.corpus_scenario(SCENARIO)
        cls.files = cls.scenario.debug_files()
        cls.guest = CorpusGuest(cls.scenario, "seam-dis-live.", [run_qemu.PANIC_END], stop=True)
        cls.qmp = cls.guest.qmp
        cls.live = ["-g", cls.guest.gdbstub]

    @classmethod
    def tearDownClass(cls):
        cls.guest.close()

    def seam_lines(self, function):
        proc = st.run(st.SEAM, *self.live, *self.files, "dis", function, check=False,
                      timeout=120)
        if proc.returncode != 0:
            raise AssertionError(f"seam -g dis {function} failed: {proc.stderr}")
        return proc.stdout.splitlines()

    def test_live_panic_equals_gdbs_disassemble_over_the_stub(self):
        info = json.loads(st.run(st.SEAM, *self.live, *self.files, "sys", "--json",
                                 timeout=120).stdout)
        offset = int(info["kaslr_offset"], 16)
        gdb = gdb_disassemble(self.scenario, ["panic"], f"target remote {self.guest.gdbstub}",
                              offset)
        self.check_range("panic", gdb["panic"][0])
        self.assertFalse(self.qmp.command("query-status")["running"])


def objdump_function(path, linkage_name):
    """[(offset, size, mnemonic)] of one function of a .ko, as llvm-objdump-19 decodes it."""
    proc = subprocess.run([st.require_tool("llvm-objdump-19"), "-d", "--no-show-raw-insn",
                           f"--disassemble-symbols={linkage_name}", str(path)],
                          capture_output=True, text=True, timeout=120, check=True)
    rows = []
    for line in proc.stdout.splitlines():
        m = re.match(r"^\s+([0-9a-f]+):\s+(\S+)", line)
        if m:
            rows.append((int(m.group(1), 16), m.group(2)))
    return rows


class DisassembleRustTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.vmlinux = st.rust_fixture_vmlinux()
        cls.dump = RUST_DUMPS / "vmcore.elf-paging"
        for path in (cls.dump, RUST_KO):
            if not path.exists():
                raise AssertionError(f"{path} is missing: run samples/kernels/make_rust_dump.py "
                                     "(ctest fixture rust_dump_generate)")
        cls.files = ["-s", cls.vmlinux, "-s", RUST_KO]

    def test_rust_function_by_its_path(self):
        out = st.seam_vmcore_json(self.dump, self.files, "dis", "rust_crashme::crash_here")
        self.assertEqual(out["function"], "rust_crashme::crash_here")
        self.assertEqual(out["module"], "rust_crashme")
        for i in out["instructions"]:
            self.assertTrue(i["symbol"].startswith("rust_crashme::crash_here"), i)
        targets = {i["target_symbol"] for i in out["instructions"] if i["target_kind"] == "branch"}
        self.assertIn("core::panicking::panic_fmt", targets)
        self.assertIn("kernel::print::call_printk", targets)
        # The lines in text: the demangled name in each header.
        lines = seam_dis(self.dump, self.files, "rust_crashme::crash_here")
        self.assertRegex(lines[0], r"^0x[0-9a-f]+ <rust_crashme::crash_here>:")
        self.assertTrue(any(line.endswith("<core::panicking::panic_fmt>") for line in lines))

    def test_same_instructions_as_llvm_objdump_on_the_ko(self):
        linkage = subprocess.run(["nm", str(RUST_KO)], capture_output=True, text=True,
                                 check=True).stdout
        name = next(line.split()[-1] for line in linkage.splitlines()
                    if line.endswith("12rust_crashme10crash_here"))
        theirs = objdump_function(RUST_KO, name)
        self.assertGreater(len(theirs), 20)
        out = st.seam_vmcore_json(self.dump, self.files, "dis", name)
        start = int(out["function_address"], 16)
        ours = [(int(i["address"], 16) - start, i["mnemonic"]) for i in out["instructions"]]
        # objdump writes a LOCK prefix on a line of its own: none in this function.
        self.assertEqual([o for o, _ in ours], [o for o, _ in theirs])
        self.assertEqual([m for _, m in ours], [m for _, m in theirs])


if __name__ == "__main__":
    unittest.main()

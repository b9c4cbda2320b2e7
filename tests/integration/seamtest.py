"""Shared helpers for Seam's integration tests (standard library only).

    from seamtest import seam, sample, run
    out = seam("symbolize", "-e", sample("mixed-gcc-legacy"), "--json", "0x1234")

Environment (set by ctest): SEAM (the seam binary), SEAM_BUILD_DIR, SEAM_SAMPLES_DIR,
SEAM_SOURCE_DIR.
"""
import bisect
import difflib
import functools
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("SEAM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD_DIR = Path(os.environ.get("SEAM_BUILD_DIR", SOURCE_DIR / "build"))
SEAM = os.environ.get("SEAM", str(BUILD_DIR / "cli" / "seam"))
SAMPLES_DIR = Path(os.environ.get("SEAM_SAMPLES_DIR", BUILD_DIR / "samples"))
# Prepared real-kernel fixtures live beside the repository, never inside it.
SHARED_DIR = Path(os.environ.get("SEAM_SHARED_DIR", SOURCE_DIR.parent / "shared"))
CACHE_DIR = Path(os.environ.get("SEAM_CACHE_DIR", Path.home() / ".cache" / "seam"))


def run(*args, input=None, check=True, timeout=300, env=None):
    """Runs a command; returns CompletedProcess with text stdout/stderr."""
    proc = subprocess.run([str(a) for a in args], input=input, capture_output=True,
                          text=True, timeout=timeout, env=env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc



RUST_FIXTURE_DIR = SHARED_DIR / "fixtures" / "rust-kernel-6.1"


@functools.lru_cache(maxsize=None)
def rust_fixture_vmlinux():
    """The Rust fixture kernel's vmlinux (../shared/fixtures/rust-kernel-6.1/vmlinux.xz),
    unpacked into CACHE_DIR/fixtures/vmlinux-rust-6.1 on first use."""
    target = CACHE_DIR / "fixtures" / "vmlinux-rust-6.1"
    if target.exists():
        return target
    packed = RUST_FIXTURE_DIR / "vmlinux.xz"
    if not packed.exists():
        raise AssertionError(f"{packed} is missing: the Rust kernel fixture is not installed "
                             f"beside the repository (see {RUST_FIXTURE_DIR}/README.md)")
    require_tool("xz")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, prefix=".vmlinux-", delete=False) as out:
        try:
            subprocess.run(["xz", "-dc", str(packed)], stdout=out, check=True, timeout=600)
        except BaseException:
            os.unlink(out.name)
            raise
    os.chmod(out.name, 0o644)
    os.replace(out.name, target)
    return target

def seam(*args, **kwargs):
    return run(SEAM, *args, **kwargs)


def sample(name):
    """Path of a built sample binary, e.g. sample('mixed-gcc-legacy')."""
    path = SAMPLES_DIR / name
    if not path.exists():
        raise AssertionError(f"sample {path} is missing: build the 'samples' target")
    return path


def require_tool(name):
    path = shutil.which(name)
    if not path:
        raise AssertionError(f"{name} is not installed: run ./setup.sh to install it")
    return path


# --- Symbolizing many addresses with Seam and its peers ---------------------
# The comparison tests (test_symbolize_samples, test_symbolize_kernel) feed the
# same addresses to `seam symbolize --json --inlines`, `llvm-symbolizer-19
# --inlines --output-style=JSON` and `eu-addr2line -a -i -f`, and compare the
# frames with compare_with_peer(). Addresses go through stdin, one per line,
# so a run costs one process per tool whatever the number of addresses.


LLVM_SYMBOLIZER = "llvm-symbolizer-19"
LLVM_DWARFDUMP = "llvm-dwarfdump-19"
LLVM_CXXFILT = "llvm-cxxfilt-19"


def seam_symbolize(binary, addresses, *options, inlines=True, timeout=300, env=None):
    """`seam symbolize --json` on `addresses` (ints, given on stdin): one dict per address,
    {"address": "0x...", "frames": [...]}, innermost frame first."""
    args = [SEAM, "symbolize", "--json", "-e", binary, *options]
    if inlines:
        args.append("--inlines")
    proc = run(*args, input="".join(f"{a:#x}\n" for a in addresses), timeout=timeout, env=env)
    results = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    if len(results) != len(addresses):
        raise AssertionError(f"seam symbolize gave {len(results)} results for "
                             f"{len(addresses)} addresses of {binary}")
    for address, result in zip(addresses, results):
        if int(result["address"], 16) != address:
            raise AssertionError(f"seam symbolize answered {result['address']} for {address:#x}")
    return results


def llvm_symbolize(binary, addresses, *options, inlines=True, timeout=600):
    """llvm-symbolizer-19 --inlines on `addresses`: per address a list of frames
    {"function", "file", "line", "column"}, innermost first; [] when it knows nothing."""
    require_tool(LLVM_SYMBOLIZER)
    proc = run(LLVM_SYMBOLIZER, "--inlines" if inlines else "--no-inlines", "--output-style=JSON",
               "-e", binary, *options, input="".join(f"{a:#x}\n" for a in addresses),
               timeout=timeout)
    results = []
    for line in proc.stdout.splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        frames = [{"function": s["FunctionName"], "file": s["FileName"], "line": s["Line"],
                   "column": s["Column"]} for s in record.get("Symbol", [])]
        if all(not f["function"] and not f["file"] for f in frames):
            frames = []
        results.append(frames)
    if len(results) != len(addresses):
        raise AssertionError(f"llvm-symbolizer gave {len(results)} results for "
                             f"{len(addresses)} addresses")
    return results


def eu_addr2line(binary, addresses, *options, timeout=600):
    """eu-addr2line -a -i -f on `addresses` (offsets in the section with `-j SECTION`):
    per address a list of frames {"function", "file", "line", "column"}, innermost
    first, names as eu-addr2line prints them (mangled linkage names or DWARF short
    names: demangle() them); [] when it knows nothing."""
    require_tool("eu-addr2line")
    # It exits 1 when some address is unknown: the output is checked instead.
    proc = run("eu-addr2line", "-a", "-i", "-f", "-e", binary, *options,
               input="".join(f"{a:#x}\n" for a in addresses), timeout=timeout, check=False)
    if proc.returncode not in (0, 1) or (proc.returncode and not proc.stdout):
        raise AssertionError(f"eu-addr2line failed ({proc.returncode}): {proc.stderr.strip()}")
    lines = proc.stdout.splitlines()
    # With -j SECTION it prints the address where libdwfl placed the section.
    section_relative = "-j" in options
    results, i = [], 0
    for address in addresses:
        if i >= len(lines) or not re.fullmatch(r"0x[0-9a-f]{16}", lines[i]) or \
                (int(lines[i], 16) != address and not section_relative):
            raise AssertionError(f"eu-addr2line output out of step at {address:#x}: "
                                 f"{lines[i] if i < len(lines) else 'EOF'!r}")
        i += 1
        frames = []
        while i + 1 < len(lines) and not re.fullmatch(r"0x[0-9a-f]{16}", lines[i]):
            name = re.sub(r" inlined at .* in \S+$", "", lines[i])
            match = re.fullmatch(r"(.*?):(\d+)(?::(\d+))?", lines[i + 1])
            if match:
                file, line, column = match.group(1), int(match.group(2)), int(match.group(3) or 0)
            else:
                file, line, column = lines[i + 1], 0, 0
            frames.append({"function": name, "file": file, "line": line, "column": column})
            i += 2
        if all(f["function"] == "??" and f["file"] == "??" for f in frames):
            frames = []
        results.append(frames)
    return results


def demangle(names):
    """{name: demangled} through llvm-cxxfilt-19 (Itanium C++, Rust legacy and v0), the
    demangler llvm-symbolizer uses; names it does not know map to themselves."""
    names = sorted({n for n in names if n and not any(c.isspace() for c in n)})
    if not names:
        return {}
    require_tool(LLVM_CXXFILT)
    out = run(LLVM_CXXFILT, input="".join(n + "\n" for n in names)).stdout.splitlines()
    if len(out) != len(names):
        raise AssertionError("llvm-cxxfilt-19 output does not match its input")
    return dict(zip(names, out))


_LEGACY_ESCAPES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">", "LP": "(",
                   "RP": ")", "C": ","}


def name_key(name):
    """A function name reduced to what every tool agrees on, for comparisons:

    - a legacy Rust name as an Itanium demangler leaves it (llvm-symbolizer,
      llvm-cxxfilt: `_$LT$a..B$u20$as$u20$c..D$GT$::f::h0123456789abcdef`) is
      decoded the way rustc-demangle does (`<a::B as c::D>::f`), and the
      `::h<16 hex>` hash is dropped, whichever of the two forms a tool prints;
    - white space is dropped (`A<B, C>` vs `A<B,C>`, `unsigned long`).
    """
    name = re.sub(r"::h[0-9a-f]{16}(?=$|[.\s>,])", "", name)
    if re.search(r"\$(?:SP|BP|RF|LT|GT|LP|RP|C|u[0-9a-f]{1,6})\$", name):
        name = re.sub(r"(^|::|<|\s)_\$", r"\1$", name)
        name = re.sub(r"\$(SP|BP|RF|LT|GT|LP|RP|C)\$", lambda m: _LEGACY_ESCAPES[m.group(1)], name)
        name = re.sub(r"\$u([0-9a-f]{1,6})\$", lambda m: chr(int(m.group(1), 16)), name)
        name = name.replace("..", "::")
    return re.sub(r"\s+", "", name)


def split_qualified(name):
    """Splits a demangled name on the `::` outside brackets, after dropping a
    C++ return type and parameter list: `void a::b<c::d>::f(int) const` ->
    ['a', 'b<c::d>', 'f']."""
    depth, parts, start, i, params_at = 0, [], 0, 0, None
    text = name.replace("(anonymous namespace)", "{anonymous}")
    while i < len(text):
        c = text[i]
        if c in "<[{":
            depth += 1
        elif c in ">]}" and depth > 0 and not text.startswith("->", i - 1):
            depth -= 1
        elif c == "(":
            if depth == 0 and i > 0:
                params_at = i
                break
            depth += 1
        elif c == ")" and depth > 0:
            depth -= 1
        elif c == " " and depth == 0:
            start = i + 1  # a return type before the name
            parts = []
        elif text.startswith("::", i) and depth == 0:
            parts.append(text[start:i])
            start = i + 2
            i += 2
            continue
        i += 1
    parts.append(text[start:params_at])
    return parts


def short_name(name):
    """The last path component of a demangled name without parameters, as
    DWARF's DW_AT_name has it: `a::B<T>::f(int) const` -> `f`."""
    last = split_qualified(name)[-1]
    return re.sub(r"\s+", "", last)


def strip_generics(name):
    """`f<T, U>` -> `f` (outermost angle brackets removed)."""
    out, depth = [], 0
    for c in name:
        if c == "<":
            depth += 1
        elif c == ">" and depth:
            depth -= 1
        elif depth == 0:
            out.append(c)
    return "".join(out)


class SymbolNames:
    """The ELF symbol table of a file, by name key: answers "is NAME a symbol
    covering ADDRESS", which is how llvm-symbolizer names an outermost frame."""

    def __init__(self, symbols, demangled):
        self.by_key, self.by_stripped_key = {}, {}
        for address, size, name in symbols:
            interval = (address, address + max(size, 1))
            for n in {name, demangled.get(name, name)}:
                self.by_key.setdefault(name_key(n), []).append(interval)
                self.by_stripped_key.setdefault(name_key(strip_clone_suffix(n)), []).append(
                    interval)

    def covers(self, name, address, start=None, any_clone=False):
        """True if a symbol named `name` (or, with any_clone, `name` plus a
        clone suffix such as .part.0) covers `address` or starts at `start`."""
        table = self.by_stripped_key if any_clone else self.by_key
        for low, high in table.get(name_key(name), ()):
            if low <= address < high or low == start:
                return True
        return False


def elf_function_symbols(path, kinds="tTwW"):
    """[(address, size, mangled name)] of the defined text symbols of `path` (from nm;
    section-relative addresses for an ET_REL file)."""
    out = run("nm", "-S", "--defined-only", path).stdout
    symbols = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 4 and fields[2] in kinds:
            symbols.append((int(fields[0], 16), int(fields[1], 16), fields[3]))
        elif len(fields) == 3 and fields[1] in kinds:
            symbols.append((int(fields[0], 16), 0, fields[2]))
    return symbols


def elf_sections(path):
    """Section headers of a 64-bit little-endian ELF file, parsed in Python:
    [{"index", "name", "type", "flags", "addr", "offset", "size"}]."""
    with open(path, "rb") as f:
        data = f.read(64)
        if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
            raise AssertionError(f"{path} is not a 64-bit little-endian ELF file")
        shoff, = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
        f.seek(shoff)
        table = f.read(shentsize * shnum)
        headers = []
        for i in range(shnum):
            name, typ, flags, addr, offset, size = struct.unpack_from(
                "<IIQQQQ", table, i * shentsize)
            headers.append([i, name, typ, flags, addr, offset, size])
        strtab = headers[shstrndx]
        f.seek(strtab[5])
        names = f.read(strtab[6])
    return [{"index": i, "name": names[n:names.index(b"\0", n)].decode(), "type": typ,
             "flags": flags, "addr": addr, "offset": offset, "size": size}
            for i, n, typ, flags, addr, offset, size in headers]


def call_instructions(path, *objdump_options):
    """Addresses of the call instructions in `path` (objdump -d)."""
    out = run("objdump", "-d", "--no-show-raw-insn", *objdump_options, path, timeout=600).stdout
    return [int(m.group(1), 16) for m in re.finditer(r"^\s*([0-9a-f]+):\s+call", out, re.M)]


def dwarf_code_addresses(path, *dwarfdump_options):
    """Addresses the DWARF of `path` singles out, from llvm-dwarfdump-19 --debug-info:
    {"units": [(name, low, high)], "inlined": [...], "call_sites": [...]} where
    "inlined" holds the start of every range of every DW_TAG_inlined_subroutine
    (plus its entry_pc) and "call_sites" every DW_AT_call_return_pc /
    DW_AT_low_pc of a DW_TAG_call_site / DW_TAG_GNU_call_site. Each address is
    paired with the name of its compilation unit: [(address, unit name)]."""
    require_tool(LLVM_DWARFDUMP)
    proc = subprocess.Popen([LLVM_DWARFDUMP, "--debug-info", *dwarfdump_options, str(path)],
                            stdout=subprocess.PIPE, text=True, errors="replace")
    units, inlined, call_sites = [], [], []
    tag = unit = None
    tag_re = re.compile(r"^0x[0-9a-f]+:\s+(DW_TAG_\w+|NULL)")
    attr_re = re.compile(r"^\s+(DW_AT_\w+)\s+\((.*)")
    range_re = re.compile(r"^\s+\[0x([0-9a-f]+), 0x([0-9a-f]+)\)")
    for line in proc.stdout:
        m = tag_re.match(line)
        if m:
            tag = m.group(1)
            if tag == "DW_TAG_compile_unit":
                unit = None
            continue
        if tag is None:
            continue
        m = attr_re.match(line)
        if m:
            attr, value = m.groups()
            if tag == "DW_TAG_compile_unit" and attr == "DW_AT_name" and unit is None:
                unit = value.strip('")')
            elif tag == "DW_TAG_compile_unit" and attr == "DW_AT_low_pc":
                low = int(value.split(")")[0], 16)
            elif tag == "DW_TAG_compile_unit" and attr == "DW_AT_high_pc":
                units.append((unit, low, int(value.split(")")[0], 16)))
            elif tag == "DW_TAG_inlined_subroutine" and attr in ("DW_AT_low_pc", "DW_AT_entry_pc"):
                inlined.append((int(value.split(")")[0], 16), unit))
            elif tag in ("DW_TAG_call_site", "DW_TAG_GNU_call_site") and \
                    attr in ("DW_AT_call_return_pc", "DW_AT_low_pc"):
                call_sites.append((int(value.split(")")[0], 16), unit))
            elif attr == "DW_AT_ranges":
                m2 = re.search(r"\[0x([0-9a-f]+), 0x([0-9a-f]+)\)", value)
                if m2:  # the first range is on the attribute's line
                    record_range(tag, unit, int(m2.group(1), 16), int(m2.group(2), 16),
                                 units, inlined)
            continue
        m = range_re.match(line)
        if m:
            record_range(tag, unit, int(m.group(1), 16), int(m.group(2), 16), units, inlined)
    proc.stdout.close()
    if proc.wait() != 0:
        raise AssertionError(f"{LLVM_DWARFDUMP} failed on {path}")
    return {"units": units, "inlined": [(a, u) for a, u in inlined if a],
            "call_sites": [(a, u) for a, u in call_sites if a]}


def dwarf_units(path):
    """[(DIE offset, DW_AT_name)] of the compilation units of `path`; pass
    `--debug-info=0x<offset>`, `-c` to dwarf_code_addresses() to read one."""
    require_tool(LLVM_DWARFDUMP)
    out = run(LLVM_DWARFDUMP, "--debug-info", "-r", "0", path, timeout=600).stdout
    units, offset = [], None
    for line in out.splitlines():
        m = re.match(r"^0x([0-9a-f]+): DW_TAG_(?:compile|partial)_unit", line)
        if m:
            offset = int(m.group(1), 16)
            continue
        m = re.match(r'^\s+DW_AT_name\s+\("(.*)"\)', line)
        if m and offset is not None:
            units.append((offset, m.group(1)))
            offset = None
    return units


def record_range(tag, unit, low, high, units, inlined):
    if low >= high:
        return
    if tag == "DW_TAG_compile_unit":
        units.append((unit, low, high))
    elif tag == "DW_TAG_inlined_subroutine":
        inlined.append((low, unit))


class Intervals:
    """Sorted, possibly overlapping [low, high) intervals with a payload:
    find(address) gives the payload of one interval containing it, or None."""

    def __init__(self, items):  # [(low, high, payload)]
        self.items = sorted(i for i in items if i[0] < i[1])
        self.lows = [i[0] for i in self.items]
        self.max_high, top = [], 0
        for low, high, _ in self.items:
            top = max(top, high)
            self.max_high.append(top)

    def find(self, address):
        i = bisect.bisect_right(self.lows, address) - 1
        while i >= 0 and self.max_high[i] > address:
            low, high, payload = self.items[i]
            if low <= address < high:
                return payload
            i -= 1
        return None


# --- Comparing Seam's frames with a peer's ----------------------------------
# Naming styles that differ between the tools and are NOT errors (see name_key()
# for the spelling differences):
#  1. llvm-symbolizer replaces the OUTERMOST function name with the ELF symbol
#     covering the address (crc32_be vs crc32_be_base, __x64_sys_X vs
#     __do_sys_X, `f.cold` vs f, identical functions folded into one): accepted
#     when the peer's name is a symbol covering the address (or starting at the
#     function's entry) and Seam's name is
#       - another symbol there, possibly with a clone suffix
#         (do_epoll_pwait.part.0 and do_compat_epoll_pwait.part.0 are one
#         function in Debian's kernel, whose DWARF says do_epoll_pwait), or
#       - the peer's name without its clone suffix, or
#       - the __do_sys_X behind a __x64_sys_X syscall stub.
#  2. Where DWARF has no DW_AT_linkage_name (C++ and Rust functions with
#     internal linkage, closures), llvm-symbolizer and eu-addr2line print the
#     bare DW_AT_name (`on_total`), Seam the qualified name
#     (`seam::geometry::CReporter::on_total`): accepted when the peer's name has
#     no `::` and equals the last component of Seam's name (with or without
#     generic arguments).
#  3. eu-addr2line prints linkage names mangled: they are demangled with
#     llvm-cxxfilt-19 before the comparison.
#  4. Frames the peer cannot name (`??`) are not compared by name; positions
#     the peer does not know (`??:0`) are not compared.
#  5. eu-addr2line 0.188 finds no inline chain in functions nested in
#     DW_TAG_namespace (all of Rust, C++ members): it then prints one frame,
#     the outermost function with the innermost position, which is compared
#     as such (like `--no-inlines`).
#  6. Line 0 (code the compiler attributes to no source line): Seam gives no
#     file, llvm-symbolizer the line table's file entry (often the unit's
#     name, `object.4f4cc23e276cbdd5-cgu.0`): files are not compared there.
#  7. eu-addr2line 0.188 sometimes drops or misorders inline frames (seen
#     with C++ allocator calls whose DW_AT_ranges has adjacent pieces, e.g.
#     mixed-gcc-v0 0x166f6: it skips _M_allocate and allocator_traits). Its
#     differences are waived where it disagrees with llvm-symbolizer too and
#     Seam agrees with llvm-symbolizer (compare_results() reports them apart).


def names_match(seam_frame, peer_name, symbols=None, address=None, outermost=False):
    peer = name_key(peer_name)
    ours = {name_key(seam_frame["function"]),
            name_key(seam_frame["function"] + seam_frame.get("suffix", ""))}
    if peer in ours:
        return True
    if "::" not in peer_name or not split_qualified(peer_name)[:-1]:
        short = short_name(seam_frame["function"])
        peer_short = short_name(peer_name)
        if peer_short in (short, strip_generics(short)) or \
                strip_generics(peer_short) == strip_generics(short):
            return True
    if outermost and symbols is not None:
        # Note 1: the peer names the symbol; Seam's name must be another symbol
        # of the same code (an alias, or a function folded into the same code)
        # or the same function without the symbol's clone suffix.
        start = address - seam_frame.get("function_offset", 0)
        if symbols.covers(peer_name, address, start):
            for name in (seam_frame["function"], seam_frame.get("linkage_name")):
                if name and symbols.covers(name, address, start, any_clone=True):
                    return True
            if name_key(strip_clone_suffix(peer_name)) in ours:
                return True
            # Linux syscalls: __x64_sys_X is an alias of the static __do_sys_X
            # (SYSCALL_DEFINE0), or a stub around the inlined __se_sys_X and
            # __do_sys_X, which has no symbol of its own.
            stub = re.fullmatch(r"__(?:x64|ia32|x32|arm64|se)_((?:compat_)?sys_\w+)", peer_name)
            body = re.fullmatch(r"__(?:do|se)_((?:compat_)?sys_\w+)", seam_frame["function"])
            if stub and body and stub.group(1) == body.group(1):
                return True
    return False


def strip_clone_suffix(name):
    """`f.cold` / `f.isra.0` / `f.constprop.0.isra.0` / `f.llvm.1234` -> `f`; also the
    demangled C++ form `f() (.cold)`."""
    name = re.sub(r"\s*\((?:\.\w+)+\)$", "", name)
    return re.sub(r"(\.(cold|part|isra|constprop|lto_priv|llvm|localalias|str)(\.\d+)?)+$",
                  "", name)


def same_file(ours, theirs):
    return os.path.normpath(ours) == os.path.normpath(theirs)


def compare_with_peer(address, result, peer_frames, peer, symbols=None, demangled=None,
                      check_columns=False):
    """Differences between Seam's result for `address` and a peer's frames, as a
    list of strings (empty when they agree up to naming style)."""
    ours = result["frames"]
    demangled = demangled or {}
    peer_frames = [dict(f, function=demangled.get(f["function"], f["function"]))
                   for f in peer_frames]
    where = f"{address:#x}"
    if not peer_frames:
        # The peer knows nothing: Seam may still know the symbol (a symtab frame).
        if ours and any(f["source"] == "dwarf" for f in ours):
            return [f"{where}: {peer} knows nothing, Seam says {describe(ours)}"]
        return []
    if not ours:
        if all(f["function"] in ("??", "") and f["line"] == 0 for f in peer_frames):
            return []
        return [f"{where}: Seam knows nothing, {peer} says {describe(peer_frames)}"]
    if peer == "eu-addr2line" and len(peer_frames) == 1 and len(ours) > 1:
        # eu-addr2line found no inline chain (limitation 5): outermost name,
        # innermost position.
        flat = dict(ours[-1], file=ours[0]["file"], line=ours[0]["line"],
                    column=ours[0]["column"])
        ours = [flat]
    if len(ours) != len(peer_frames):
        return [f"{where}: {len(ours)} frames, {peer} has {len(peer_frames)}: "
                f"Seam {describe(ours)} | {peer} {describe(peer_frames)}"]
    problems = []
    for i, (mine, theirs) in enumerate(zip(ours, peer_frames)):
        outermost = i == len(ours) - 1
        if theirs["function"] not in ("??", "") and not names_match(
                mine, theirs["function"], symbols, address, outermost):
            problems.append(f"{where} frame {i}: function {mine['function']!r}, "
                            f"{peer} {theirs['function']!r}")
        if theirs["line"] == 0 and mine["line"] == 0:
            continue  # no source line (note 6): the file is meaningless
        if theirs["file"] in ("??", "") and theirs["line"] == 0:
            continue
        if not same_file(mine["file"], theirs["file"]) or mine["line"] != theirs["line"]:
            problems.append(f"{where} frame {i} ({mine['function']}): "
                            f"{mine['file']}:{mine['line']}, {peer} "
                            f"{theirs['file']}:{theirs['line']}")
        elif check_columns and mine["column"] != theirs["column"]:
            problems.append(f"{where} frame {i} ({mine['function']}): column {mine['column']}, "
                            f"{peer} {theirs['column']}")
    return problems


def describe(frames):
    return " <- ".join(f"{f['function'] or '??'} {f['file'] or '??'}:{f['line']}"
                       for f in frames)


def as_seam_result(address, peer_frames):
    """A peer's frames in the shape of a Seam result, to compare two peers."""
    frames = [dict(f, suffix="", linkage_name="", source="dwarf", function_offset=0,
                   inlined=i < len(peer_frames) - 1) for i, f in enumerate(peer_frames)]
    return {"address": hex(address), "frames": frames}


def compare_results(addresses, results, llvm=None, eu=None, symbols=None, demangled=None,
                    check_columns=True):
    """Compares Seam's results with llvm-symbolizer's and eu-addr2line's frames
    (either may be None) for the same addresses. Returns (problems, waived):
    `waived` lists the eu-addr2line differences at addresses where eu-addr2line
    also disagrees with llvm-symbolizer while Seam agrees with llvm-symbolizer
    (eu-addr2line 0.188 loses or misorders inline frames when an inlined call's
    DW_AT_ranges has adjacent pieces: see note 7)."""
    problems, waived = [], []
    for i, address in enumerate(addresses):
        ours = results[i]
        llvm_problems = []
        if llvm is not None:
            llvm_problems = compare_with_peer(address, ours, llvm[i], "llvm-symbolizer", symbols,
                                              check_columns=check_columns)
            problems += llvm_problems
        if eu is not None:
            eu_problems = compare_with_peer(address, ours, eu[i], "eu-addr2line", symbols,
                                            demangled)
            if eu_problems and llvm is not None and not llvm_problems and compare_with_peer(
                    address, as_seam_result(address, llvm[i]), eu[i], "eu-addr2line", symbols,
                    demangled):
                waived += eu_problems
            else:
                problems += eu_problems
    return problems, waived


def format_problems(problems, limit=25):
    shown = "\n  ".join(p[:600] for p in problems[:limit])
    more = f"\n  ... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} differences:\n  {shown}{more}"


# --- The vmcore corpus and the peer debuggers' oracles ----------------------
# samples/kernels/make-corpus.sh generates real vmcores of Debian's kernel into
# CACHE_DIR/corpus/ABI/SCENARIO/ (ctest's corpus_generate fixture runs it);
# samples/kernels/peer_oracles.py records what drgn and crash read from each
# scenario's paging ELF dump into SCENARIO/oracles/{drgn,crash}.json.

KERNEL_ABI = os.environ.get("SEAM_KERNEL_ABI", "6.1.0-56-cloud-amd64")
CORPUS_DIR = CACHE_DIR / "corpus" / KERNEL_ABI
# The four files QEMU's dump-guest-memory (and makedumpfile -R) give per scenario.
DUMP_KINDS = ("elf-paging", "elf-phys", "kdump-flat", "kdump")
DEBIAN_PYTHON = "/usr/bin/python3"  # python3-drgn is installed for Debian's interpreter only
SANITIZER_REPORT = re.compile(r"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"
                              r"UndefinedBehaviorSanitizer|ThreadSanitizer")


class Scenario:
    """One generated scenario of the corpus: its scenario.json as `info`, and paths."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.name = self.dir.name
        with open(self.dir / "scenario.json") as f:
            self.info = json.load(f)
        self.vmlinux = CACHE_DIR / self.info["kernel"]["vmlinux"]
        module = self.info.get("module")
        self.module = self.dir / module["file"] if module else None
        self.module_name = module["name"] if module else None
        self.cpus = self.info["cpus"]
        self.serial_log = self.dir / "serial.log"

    def dump(self, kind):
        return self.dir / f"vmcore.{kind}"

    def kernel_offset(self, kind="elf-paging"):
        """KERNELOFFSET from VMCOREINFO, as vmcore_inspect.py read it from the dump."""
        value = self.info["dumps"][f"vmcore.{kind}"].get("kerneloffset")
        return int(value, 16) if value else 0

    def debug_files(self):
        """The -s arguments: the vmlinux, and the scenario's module if it has one."""
        args = ["-s", self.vmlinux]
        if self.module:
            args += ["-s", self.module]
        return args

    def init_oracles(self):
        """{"kallsyms _text": int, "module NAME .text": int, ...} from the init's
        `seam-init: kallsyms _text=0x...` and `seam-init: module NAME .text=0x...` lines."""
        found = {}
        for line in self.info.get("oracles", {}).get("init", []):
            m = re.fullmatch(r"kallsyms (\S+)=(0x[0-9a-f]+)", line.strip())
            if m:
                found[f"kallsyms {m.group(1)}"] = int(m.group(2), 16)
            m = re.fullmatch(r"module (\S+) (\S+)=(0x[0-9a-f]+)", line.strip())
            if m:
                found[f"module {m.group(1)} {m.group(2)}"] = int(m.group(3), 16)
        return found

    def __repr__(self):
        return self.name


@functools.lru_cache(maxsize=None)
def corpus_scenarios():
    """Every generated scenario of the corpus, by name order. Fails (never skips) when the
    corpus is missing: ctest's corpus_generate fixture, or samples/kernels/make-corpus.sh,
    generates it."""
    if not CORPUS_DIR.is_dir():
        raise AssertionError(f"no vmcore corpus at {CORPUS_DIR}: run "
                             f"samples/kernels/make-corpus.sh (ctest runs it as the "
                             f"corpus_generate fixture)")
    scenarios = [Scenario(d) for d in sorted(CORPUS_DIR.iterdir())
                 if (d / "scenario.json").is_file()]
    if not scenarios:
        raise AssertionError(f"{CORPUS_DIR} has no generated scenario: run "
                             f"samples/kernels/make-corpus.sh")
    for s in scenarios:
        for kind in DUMP_KINDS:
            if not s.dump(kind).is_file():
                raise AssertionError(f"{s.dump(kind)} is missing: run "
                                     f"samples/kernels/make-corpus.sh {s.name}")
    return tuple(scenarios)


def corpus_scenario(name):
    for s in corpus_scenarios():
        if s.name == name:
            return s
    raise AssertionError(f"the corpus at {CORPUS_DIR} has no scenario {name}: run "
                         f"samples/kernels/make-corpus.sh")


@functools.lru_cache(maxsize=None)
def _generate_peer_oracles():
    if not os.path.exists(DEBIAN_PYTHON):
        raise AssertionError(f"{DEBIAN_PYTHON} is missing: ./setup.sh installs python3 and "
                             f"python3-drgn")
    require_tool("crash")
    script = SOURCE_DIR / "samples" / "kernels" / "peer_oracles.py"
    env = dict(os.environ, SEAM_CACHE_DIR=str(CACHE_DIR), SEAM_KERNEL_ABI=KERNEL_ABI)
    proc = subprocess.run([DEBIAN_PYTHON, str(script)], capture_output=True, text=True,
                          env=env, timeout=900)
    if proc.returncode != 0:
        raise AssertionError(f"samples/kernels/peer_oracles.py failed ({proc.returncode}); "
                             f"./setup.sh installs crash and python3-drgn:\n"
                             f"{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return True


@functools.lru_cache(maxsize=None)
def peer_oracles(scenario):
    """{"drgn": ..., "crash": ...}: what drgn and crash read from the scenario's paging ELF
    dump (see samples/kernels/peer_oracles.py for the fields). Generated on first use for
    the whole corpus, cached in SCENARIO/oracles/."""
    _generate_peer_oracles()
    oracles = {}
    for peer in ("drgn", "crash"):
        path = scenario.dir / "oracles" / f"{peer}.json"
        with open(path) as f:
            oracles[peer] = json.load(f)
    return oracles


SERIAL_LINE = re.compile(r"^\[\s*(\d+)\.(\d{6})\] (.*)$")


def serial_console(path):
    """The kernel's console lines of a serial log: [(timestamp text "1.234567", text)].
    Lines that are not kernel log lines (firmware, QEMU) are left out."""
    lines = []
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f.read().split("\n"):
            m = SERIAL_LINE.match(line.rstrip("\r"))
            if m:
                lines.append((f"{m.group(1)}.{m.group(2)}", m.group(3)))
    return lines


def serial_facts(path):
    """What the serial console says about the crash:
    {"release", "version_line", "kernel_offset" (int; 0 when disabled or absent),
     "kernel_offset_line" (or None), "panic_message" (after "Kernel panic - not syncing: "),
     "panic_cpu", "panic_pid", "panic_comm" (from the "CPU: N PID: P Comm: C" line of the
     panic: panic() prints its message, then the stack with that line; after an oops, with
     oops=panic, it prints no stack, and the line is the oops's, the last one before)}."""
    texts = [text for _, text in serial_console(path)]
    facts = {"release": None, "version_line": None, "kernel_offset": 0,
             "kernel_offset_line": None, "panic_message": None, "panic_cpu": None,
             "panic_pid": None, "panic_comm": None}
    before = after = None  # the CPU lines last before and first after the panic message
    cpu_re = re.compile(r"CPU: (\d+) PID: (\d+) Comm: (.*?) +(?:Not tainted|Tainted:)")
    for text in texts:
        m = re.match(r"Linux version (\S+)", text)
        if m and facts["release"] is None:
            facts["release"], facts["version_line"] = m.group(1), text
        m = re.match(r"Kernel Offset: (0x[0-9a-f]+|disabled)", text)
        if m:
            facts["kernel_offset_line"] = text
            facts["kernel_offset"] = 0 if m.group(1) == "disabled" else int(m.group(1), 16)
        m = cpu_re.match(text)
        if m and facts["panic_message"] is None:
            before = m
        elif m and after is None:
            after = m
        m = re.match(r"Kernel panic - not syncing: (.*)$", text)
        if m and facts["panic_message"] is None:
            facts["panic_message"] = m.group(1).strip()
    line = after or before
    if facts["panic_message"] is not None and line:
        facts["panic_cpu"], facts["panic_pid"] = int(line.group(1)), int(line.group(2))
        facts["panic_comm"] = line.group(3)
    return facts


def seam_vmcore(dump, *args, input=None, timeout=120, env=None):
    """Runs `seam -c DUMP ARGS...` (ARGS: the -s files and the command); returns the
    CompletedProcess (never checks the exit status: the caller does)."""
    return run(SEAM, "-c", dump, *args, input=input, check=False, timeout=timeout, env=env)


def seam_vmcore_json(dump, debug_files, *command, timeout=120):
    """`seam -c DUMP -s ... COMMAND... --json`, parsed; AssertionError with stderr on failure."""
    proc = seam_vmcore(dump, *debug_files, *command, "--json", timeout=timeout)
    where = f"seam -c {dump} {' '.join(map(str, command))} --json"
    if proc.returncode != 0:
        raise AssertionError(f"{where} failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    try:
        return json.loads(proc.stdout)
    except ValueError as e:
        raise AssertionError(f"{where}: not JSON ({e}): {proc.stdout[:500]!r}") from None


def seam_session(dump, debug_files, commands, timeout=300):
    """Runs several `--json` commands in ONE seam process, through stdin (seam's non-terminal
    mode reads commands line by line): ["sys", "ps", "sym _text"] -> their results, in order.
    Each command's output is one JSON value; they are split with JSONDecoder.raw_decode. If the
    outputs do not add up (a command failed), every command is run again on its own, so that
    each failure names its command and the others still give their results.
    Returns (results, errors, stderr): results[i] is None where command i failed, and errors
    has one message per failure."""
    script = "".join(f"{c} --json\n" for c in commands) + "quit\n"
    proc = seam_vmcore(dump, *debug_files, input=script, timeout=timeout)
    results, decoder, text, i = [], json.JSONDecoder(), proc.stdout, 0
    try:
        while True:
            while i < len(text) and text[i].isspace():
                i += 1
            if i >= len(text):
                break
            value, i = decoder.raw_decode(text, i)
            results.append(value)
    except ValueError:
        results = None
    if proc.returncode == 0 and results is not None and len(results) == len(commands):
        return results, [], proc.stderr
    results, errors = [], []
    for command in commands:
        try:
            results.append(seam_vmcore_json(dump, debug_files, *command.split(),
                                            timeout=timeout))
        except AssertionError as e:
            results.append(None)
            errors.append(str(e))
    if not errors:
        errors.append(f"seam -c {dump} with {commands} on stdin: exit {proc.returncode}, "
                      f"{0 if results is None else len(results)} JSON values for "
                      f"{len(commands)} commands, although each works alone:\n"
                      f"stdout: {proc.stdout[:1000]!r}\nstderr: {proc.stderr[-1000:]}")
    return results, errors, proc.stderr


def unified_diff(expected, actual, expected_name, actual_name, context=3, limit=60):
    """The first `limit` lines of a unified diff of two texts, for failure messages."""
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), expected_name,
                                     actual_name, lineterm="", n=context))
    more = f"\n... ({len(diff) - limit} more diff lines)" if len(diff) > limit else ""
    return "\n".join(diff[:limit]) + more


def elf_symbol_addresses(path, names):
    """{name: link-time address} of the named symbols of an ELF file (nm)."""
    wanted, found = set(names), {}
    out = run("nm", "--defined-only", path, timeout=600).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[2] in wanted and fields[2] not in found:
            found[fields[2]] = int(fields[0], 16)
    missing = wanted - set(found)
    if missing:
        raise AssertionError(f"{path} has no symbol {', '.join(sorted(missing))}")
    return found


@functools.lru_cache(maxsize=None)
def debian_vmlinux_for(abi):
    """The vmlinux with DWARF of Debian's kernel ABI `abi`, fetched into the cache by
    scripts/fetch-debian-kernel.sh (apt-get download of linux-image-ABI-dbg)."""
    script = SOURCE_DIR / "scripts" / "fetch-debian-kernel.sh"
    env = dict(os.environ, SEAM_CACHE_DIR=str(CACHE_DIR), SEAM_KERNEL_ABI=abi)
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env,
                          timeout=3600)
    path = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if proc.returncode != 0 or not os.path.isfile(path):
        raise AssertionError(f"SEAM_KERNEL_ABI={abi} scripts/fetch-debian-kernel.sh failed "
                             f"({proc.returncode}); run it by hand:\n{proc.stderr[-2000:]}")
    return path

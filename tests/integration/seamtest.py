"""Shared helpers for Seam's integration tests (standard library only).

    from seamtest import seam, sample, run
    out = seam("symbolize", "-e", sample("mixed-gcc-legacy"), "--json", "0x1234")

Environment (set by ctest): SEAM (the seam binary), SEAM_BUILD_DIR, SEAM_SAMPLES_DIR,
SEAM_SOURCE_DIR.
"""
import bisect
import json
import os
import re
import shutil
import struct
import subprocess
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

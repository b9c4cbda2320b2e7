# ctest-labels: corpus
"""`seam demangle` on every symbol of real binaries, compared with the peers.

Rust: the v0 symbols of the rustup toolchain's librustc_driver (the dynamic
symbols, plus every symbol with a compiler suffix such as `.cold` or
`.llvm.<n>` from its symbol table) and the legacy symbols of Debian rustc
1.63's standard library rlibs must demangle exactly as `rustfilt` prints them.

C++: the dynamic symbols of libQt6Core and libLLVM-19 are compared with
`c++filt`; every mismatch must fall into one of the classes documented at the
top of symbolizer/demangle.cpp (CXX_CLASSES below), and the counts per class
are printed.

All symbols go through `seam demangle` used as a filter on stdin, one per
line, versions (`@@Qt_6`) included: the filter must leave them alone.
"""
import glob
import json
import os
import re
import subprocess
import sys
import unittest
from collections import Counter

from seamtest import SEAM, require_tool, run

RUSTLIB_163 = "/usr/lib/rustlib/x86_64-unknown-linux-gnu/lib"
QT_CORE = "/usr/lib/x86_64-linux-gnu/libQt6Core.so.6"
LLVM_19 = "/usr/lib/llvm-19/lib/libLLVM.so.1"
LEGACY_HASHED = re.compile(r"^_ZN.*17h[0-9a-f]{16}E")


def nm(path, dynamic):
    """The names of the defined symbols of an ELF file or archive, in order."""
    args = ["nm", "--defined-only"] + (["-D"] if dynamic else []) + [path]
    proc = subprocess.run(args, capture_output=True, text=True, errors="surrogateescape")
    # An archive member without symbols makes nm complain but succeed otherwise.
    if proc.returncode != 0 and not proc.stdout:
        raise AssertionError(f"nm {path} failed: {proc.stderr.strip()}")
    names = []
    for line in proc.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 2 and not line.endswith(":"):
            names.append(fields[-1])
    return names


def unique(names):
    return list(dict.fromkeys(names))


def rustc_driver():
    require_tool("rustc")
    sysroot = run("rustc", "--print", "sysroot").stdout.strip()
    libs = glob.glob(os.path.join(sysroot, "lib", "librustc_driver-*.so"))
    if not libs:
        raise AssertionError(f"no librustc_driver-*.so in {sysroot}/lib: "
                             "install a rustup toolchain")
    return libs[0]


def require_file(path, package):
    if not os.path.exists(path):
        raise AssertionError(f"{path} is missing: install {package} (./setup.sh does)")
    return path


def filter_lines(command, symbols):
    """Runs a filter on one symbol per line; returns its output lines."""
    text = "".join(s + "\n" for s in symbols)
    proc = subprocess.run(command, input=text, capture_output=True, text=True,
                          errors="surrogateescape", timeout=600)
    if proc.returncode != 0:
        raise AssertionError(f"{command[0]} failed ({proc.returncode}): {proc.stderr.strip()}")
    lines = proc.stdout.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if len(lines) != len(symbols):
        raise AssertionError(f"{command[0]}: {len(lines)} lines out for {len(symbols)} in")
    return lines


def seam_filter(symbols):
    return filter_lines([SEAM, "demangle"], symbols)


# ---------------------------------------------------------------------------
# The classes of C++ differences from c++filt (see symbolizer/demangle.cpp).
# Each normaliser rewrites one rendering into the other; a mismatch belongs to
# the classes whose normalisers make the two outputs equal.

def _balanced_end(s, start):
    """Index just past the ')' closing the '(' before `start`."""
    depth = 1
    i = start
    while i < len(s) and depth:
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
        i += 1
    return i


def _gnu_lambdas(s):
    """c++filt `{lambda(int)#2}` -> "'lambda#2'(int)"."""
    out, i = [], 0
    while True:
        j = s.find("{lambda(", i)
        if j < 0:
            out.append(s[i:])
            return "".join(out)
        out.append(s[i:j])
        args_start = j + len("{lambda(")
        end = _balanced_end(s, args_start)
        number = re.match(r"#(\d+)\}", s[end:])
        if not number:
            out.append(s[j:end])
            i = end
            continue
        out.append("'lambda#%s'(%s)" % (number.group(1), s[args_start:end - 1]))
        i = end + number.end()


def _llvm_lambdas(s):
    """LLVM `'lambda'(int)`, `'lambda0'(int)` -> "'lambda#1'(int)", "'lambda#2'(int)"."""
    return re.sub(r"'lambda(\d*)'\(",
                  lambda m: "'lambda#%d'(" % (int(m.group(1)) + 2 if m.group(1) else 1), s)


def _template_close(ours, gnu):
    while "> >" in gnu:
        gnu = gnu.replace("> >", ">>")
    return ours, gnu


def _lambda(ours, gnu):
    return _llvm_lambdas(ours), _gnu_lambdas(gnu)


def _nullptr(ours, gnu):
    return ours.replace("std::nullptr_t", "decltype(nullptr)"), gnu


STD_ABBREVIATIONS = {
    "std::string": "std::basic_string<char, std::char_traits<char>, std::allocator<char>>",
    "std::istream": "std::basic_istream<char, std::char_traits<char>>",
    "std::ostream": "std::basic_ostream<char, std::char_traits<char>>",
    "std::iostream": "std::basic_iostream<char, std::char_traits<char>>",
}


def _std_abbreviation(ours, gnu):
    for short, full in STD_ABBREVIATIONS.items():
        ours = re.sub(re.escape(short) + r"(?![\w<])", full, ours)
    return ours, gnu


def _operator_template(ours, gnu):
    return ours, re.sub(r"(operator\S*?) <", r"\1<", gnu)


def _member_pointer(ours, gnu):
    return ours.replace("::* (", "::*("), gnu


def _local_return_type(ours, gnu):
    """Drops each return type LLVM prints before a function-local entity."""
    while ours != gnu:
        i = 0
        while i < min(len(ours), len(gnu)) and ours[i] == gnu[i]:
            i += 1
        while i > 0 and ours[i - 1] not in " <,(":
            i -= 1
        name = re.match(r"[\w:~]+", gnu[i:])
        if not name or len(name.group(0)) < 3:
            break
        j = ours.find(" " + name.group(0), i)
        if j < 0:
            break
        dropped = ours[i:j + 1]
        if dropped.count("<") != dropped.count(">") or dropped.count("(") != dropped.count(")"):
            break
        ours = ours[:i] + ours[j + 1:]
    return ours, gnu


def _expression(ours, gnu):
    if "decltype" in gnu or "sizeof" in gnu:
        def strip(s):
            return re.sub(r"[\s()]", "", s)
        if strip(ours) == strip(gnu):
            return gnu, gnu
    return ours, gnu


CXX_CLASSES = {
    "template-close": "c++filt `> >`, LLVM `>>`",
    "lambda": "c++filt `{lambda(int)#1}`, LLVM `'lambda'(int)`",
    "nullptr": "c++filt `decltype(nullptr)`, LLVM `std::nullptr_t`",
    "std-abbreviation": "c++filt spells out std::string/istream/ostream/iostream",
    "operator-template": "c++filt `operator<< <T>`, LLVM `operator<<<T>`",
    "member-pointer": "LLVM `(C::* (args))`, c++filt `(C::*(args))`",
    "local-return-type": "LLVM prints the return type of a function template "
                         "enclosing a local entity",
    "expression": "spacing and parentheses of expressions in decltype",
    "template-param-scope": "LLVM resolves template parameters after a local-entity "
                            "template argument in the wrong scope",
    "cxxfilt-fails": "c++filt leaves the symbol mangled, Seam demangles it",
    "llvm-fails": "LLVM cannot demangle it, c++filt can; Seam leaves it mangled",
    "clone-suffix": "a suffix outside c++filt's clone grammar",
}

NORMALISERS = [
    ("std-abbreviation", _std_abbreviation),
    ("template-close", _template_close),
    ("lambda", _lambda),
    ("nullptr", _nullptr),
    ("operator-template", _operator_template),
    ("member-pointer", _member_pointer),
    ("local-return-type", _local_return_type),
    ("expression", _expression),
]

# A local entity (Z<encoding>E...) used as a template argument.
LOCAL_ENTITY_TEMPLATE_ARG = re.compile(r"[IE]Z[NL0-9]")


def classify_cxx(symbol, ours, gnu):
    """The documented classes explaining a mismatch, or [] if none does."""
    bare = symbol.split("@")[0]
    version = symbol[len(bare):]
    if gnu == symbol:
        if "." in bare and ours.endswith("]" + version):
            suffix = bare[bare.index("."):]
            if not re.fullmatch(r"(\.[a-z0-9_][a-z0-9_]*(\.[0-9]+)*)+", suffix):
                return ["clone-suffix"]
        return ["cxxfilt-fails"]
    if ours == symbol:
        return ["llvm-fails"]
    used = []
    for name, normalise in NORMALISERS:
        new_ours, new_gnu = normalise(ours, gnu)
        if (new_ours, new_gnu) != (ours, gnu):
            used.append(name)
            ours, gnu = new_ours, new_gnu
    if ours == gnu:
        return used
    if LOCAL_ENTITY_TEMPLATE_ARG.search(bare):
        return used + ["template-param-scope"]
    return []


class DemangleCorpusTest(unittest.TestCase):
    maxDiff = 2000

    @classmethod
    def setUpClass(cls):
        require_tool("nm")
        cls.rustfilt = require_tool("rustfilt")
        cls.cxxfilt = require_tool("c++filt")

    def assert_same_as_rustfilt(self, what, symbols):
        self.assertGreater(len(symbols), 1000, f"too few {what} symbols")
        ours = seam_filter(symbols)
        theirs = filter_lines([self.rustfilt], symbols)
        mismatches = [(s, o, t) for s, o, t in zip(symbols, ours, theirs) if o != t]
        print(f"\n{what}: {len(symbols)} symbols, {len(mismatches)} mismatches with rustfilt",
              file=sys.stderr)
        self.assertEqual(mismatches[:5], [], f"{len(mismatches)} {what} symbols differ")
        self.assertGreater(sum(o != s for s, o in zip(symbols, ours)), 0.99 * len(symbols),
                           f"{what}: most symbols should demangle")

    def test_rust_v0_matches_rustfilt(self):
        lib = rustc_driver()
        dynamic = [s for s in nm(lib, dynamic=True) if s.startswith("_R")]
        # The symbol table adds the `.cold`, `.warm`, `.llvm.<n>` variants.
        suffixed = [s for s in nm(lib, dynamic=False) if s.startswith("_R") and "." in s]
        self.assert_same_as_rustfilt("Rust v0", unique(dynamic + suffixed))

    def test_rust_legacy_matches_rustfilt(self):
        rlibs = glob.glob(os.path.join(RUSTLIB_163, "*.rlib"))
        if not rlibs:
            raise AssertionError(f"no rlibs in {RUSTLIB_163}: install Debian's rustc")
        symbols = []
        for rlib in sorted(rlibs):
            symbols += [s for s in nm(rlib, dynamic=False) if LEGACY_HASHED.match(s)]
        self.assert_same_as_rustfilt("Rust legacy", unique(symbols))

    def assert_cxx_differences_documented(self, what, lib):
        symbols = unique(s for s in nm(lib, dynamic=True) if s.startswith("_Z"))
        self.assertGreater(len(symbols), 1000, f"too few C++ symbols in {lib}")
        ours = seam_filter(symbols)
        theirs = filter_lines([self.cxxfilt], symbols)
        counts = Counter()
        undocumented = []
        for symbol, o, t in zip(symbols, ours, theirs):
            if o == t:
                continue
            classes = classify_cxx(symbol, o, t)
            if not classes:
                undocumented.append((symbol, o, t))
            counts.update(classes)
        mismatches = sum(o != t for o, t in zip(ours, theirs))
        report = [f"\n{what}: {len(symbols)} symbols, {mismatches} differ from c++filt"]
        report += [f"  {n:6d}  {name}: {CXX_CLASSES[name]}" for name, n in counts.most_common()]
        print("\n".join(report), file=sys.stderr)
        self.assertEqual(undocumented[:5], [],
                         f"{len(undocumented)} mismatches in no documented class")
        self.assertLess(counts["llvm-fails"], len(symbols) / 1000)

    def test_cxx_qt6core_matches_cxxfilt_up_to_documented_classes(self):
        self.assert_cxx_differences_documented("libQt6Core",
                                               require_file(QT_CORE, "libqt6core6"))

    def test_cxx_llvm19_matches_cxxfilt_up_to_documented_classes(self):
        self.assert_cxx_differences_documented("libLLVM-19", require_file(LLVM_19, "libllvm19"))

    def test_filter_replaces_symbols_inside_log_lines(self):
        # Rust symbols inside kernel-style backtrace lines: rustfilt replaces
        # them in place too, so the whole text must come out the same.
        symbols = [s for s in nm(rustc_driver(), dynamic=True) if s.startswith("_R")][:3000]
        lines = [f"[ {i:5d}.123456]  {s}+0x{i:x}/0x200 [rustc] ({s}, {s}.cold)"
                 for i, s in enumerate(symbols)]
        self.assertEqual(seam_filter(lines), filter_lines([self.rustfilt], lines))
        # C++ symbols in text demangle as they do alone.
        cxx = unique(s for s in nm(require_file(QT_CORE, "libqt6core6"), dynamic=True)
                     if s.startswith("_Z"))[:3000]
        alone = seam_filter(cxx)
        embedded = seam_filter([f"#{i} 0x{i:016x} in {s} from libQt6Core.so.6"
                                for i, s in enumerate(cxx)])
        self.assertEqual(embedded, [f"#{i} 0x{i:016x} in {d} from libQt6Core.so.6"
                                    for i, d in enumerate(alone)])

    def test_arguments_and_json(self):
        proc = run(SEAM, "demangle", "_ZN3foo3barEv", "_Z3foov.isra.0.cold",
                   "_RNvCs1234_7mycrate3foo.llvm.123", "main")
        self.assertEqual(proc.stdout.splitlines(), [
            "foo::bar()", "foo() [clone .isra.0] [clone .cold]", "mycrate::foo", "main"])
        proc = run(SEAM, "demangle", "--json", "_Z3foov.cold", "_RNvCs1234_7mycrate3foo", "main")
        objects = [json.loads(line) for line in proc.stdout.splitlines()]
        self.assertEqual(objects, [
            {"symbol": "_Z3foov.cold", "name": "foo()", "suffix": ".cold",
             "language": "c++", "demangled": True},
            {"symbol": "_RNvCs1234_7mycrate3foo", "name": "mycrate::foo", "suffix": "",
             "language": "rust", "demangled": True},
            {"symbol": "main", "name": "main", "suffix": "", "language": "unknown",
             "demangled": False},
        ])
        legacy = "_ZN3std2io5stdio6_print17h0123456789abcdefE"
        proc = run(SEAM, "demangle", "--json", input=legacy + "\n")
        self.assertEqual(json.loads(proc.stdout)["name"], "std::io::stdio::_print")
        bad = run(SEAM, "demangle", "--no-such-option", check=False)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("--no-such-option", bad.stderr)


if __name__ == "__main__":
    unittest.main()

"""The value formatter (engine/value_format) against gdb's `print` and `whatis`.

tests/tools/print_values (seam_print_values) prints every global of
samples/values through format_value/type_name; gdb prints the same
variables from the same file. Documented style differences, normalised here:
  - gdb prefixes a top-level pointer or reference with its type:
    `(int *) 0x4041ec <c_int>`; Seam prints the value only.
  - unreadable strings: gdb `<error: Cannot access memory at address 0x1234>`,
    Seam `<error: cannot read 0x1234>`.
  - Rust: gdb qualifies struct and variant names and uses its own spacing
    (`values_rs::Point {x: 1}`, `core::option::Option<u32>::Some(9)`,
    `values_rs::Shape::Rect{w: 3, h: 4}`, `values_rs::Wrapper (5)`,
    `&[u16] [1, 2, 3]`); Seam prints what Rust's `{:?}` would
    (`Point { x: 1 }`, `Some(9)`, `Rect { w: 3, h: 4 }`, `Wrapper(5)`,
    `&[1, 2, 3]`). NonNull, Box, String, Vec, dyn and char differ more and
    are checked by the unit test only. A Rust reference `&T` is followed by
    the value it points to (`0x402114 <RS_U32>: 7`); gdb prints the address:
    the pointee is dropped before comparing.
  - type names: arrays `int[4]` (gdb `int [4]`), C++ classes without
    `struct `, gdb's short integer names (`long` for DWARF's `long int`).
"""
import os
import re
import subprocess
import unittest

BUILD = os.environ.get("SEAM_BUILD_DIR", os.path.join(os.path.dirname(__file__), "../../build"))
SAMPLES = os.environ.get("SEAM_SAMPLES_DIR", os.path.join(BUILD, "samples"))
TOOL = os.path.join(BUILD, "tests", "seam_print_values")
VALUES = os.path.join(SAMPLES, "values")

# Not comparable by normalising: see the module docstring.
RUST_ONLY = {"RS_CHAR", "RS_DYN", "RS_SOME_NONNULL", "RS_STRING", "RS_VEC", "RS_REF", "RS_RAW"}


def seam_values():
    out = subprocess.run([TOOL, VALUES], capture_output=True, text=True, check=True, timeout=60)
    values = {}
    for line in out.stdout.splitlines():
        name, type_, value = line.split("\t", 2)
        values[name] = (type_, value)
    return values


def gdb(commands):
    args = ["gdb", "-batch", "-nx"]
    for c in commands:
        args += ["-ex", c]
    out = subprocess.run(args + [VALUES], capture_output=True, text=True, timeout=120).stdout
    return [line.split(" = ", 1)[1] if " = " in line else line for line in out.splitlines()]


def normalise_gdb_c(value):
    value = re.sub(r"^\([^()]*(\([^()]*\))?[^()]*\) (?=[@0])", "", value)  # (int *) 0x...
    value = re.sub(r"<error: Cannot access memory at address (0x[0-9a-f]+)>",
                   r"<error: cannot read \1>", value)
    return value


def normalise_gdb_rust(value):
    value = re.sub(r"\b(?:[a-z_][a-z0-9_]*::)+(?:[A-Za-z_][A-Za-z0-9_]*(?:<[^{}()]*>)?::)?"
                   r"(?=[A-Z])", "", value)                     # paths before a type or variant
    value = re.sub(r"(\w) \(", r"\1(", value)                   # Wrapper (5)
    value = re.sub(r"(\w) ?\{(?!\.)", r"\1 { ", value)          # Point {x: -> Point { x:
    value = re.sub(r"(?<=[^ {])\}", " }", value)
    value = re.sub(r"&\[\w+\] \[", "&[", value)                  # &[u16] [1, 2] -> &[1, 2]
    return value


def drop_rust_pointees(value):
    """`0x402114 <RS_U32>: 7` -> `0x402114 <RS_U32>` (a reference's pointee)."""
    return re.sub(r"(0x[0-9a-f]+(?: <[^<>]*>)?): [^,()\[\]{}]+", r"\1", value)


class ValueFormatVsGdb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.seam = seam_values()

    def test_c_and_cpp_values(self):
        names = sorted(n for n in self.seam if not n.startswith("RS_"))
        printed = gdb(["print %s" % n for n in names])
        self.assertEqual(len(printed), len(names))
        for name, value in zip(names, printed):
            with self.subTest(name=name):
                self.assertEqual(self.seam[name][1], normalise_gdb_c(value))

    def test_c_types(self):
        names = sorted(n for n in self.seam if n.startswith("c_"))
        types = gdb(["whatis %s" % n for n in names])
        short = {"long int": "long", "short int": "short", "long long unsigned int": "unsigned long long"}
        for name, type_ in zip(names, types):
            with self.subTest(name=name):
                ours = short.get(self.seam[name][0], self.seam[name][0]).replace("[", " [", 1)
                self.assertEqual(ours, type_)

    def test_rust_values(self):
        names = sorted(n for n in self.seam if n.startswith("RS_") and n not in RUST_ONLY)
        printed = gdb(["set language rust"] + ["print values_rs::%s" % n for n in names])
        self.assertEqual(len(printed), len(names))
        for name, value in zip(names, printed):
            with self.subTest(name=name):
                self.assertEqual(drop_rust_pointees(self.seam[name][1]), normalise_gdb_rust(value))

    def test_rust_types(self):
        names = sorted(n for n in self.seam if n.startswith("RS_") and n not in RUST_ONLY)
        types = gdb(["set language rust"] + ["whatis values_rs::%s" % n for n in names])
        for name, type_ in zip(names, types):
            with self.subTest(name=name):
                self.assertEqual(self.seam[name][0], type_)


if __name__ == "__main__":
    unittest.main()

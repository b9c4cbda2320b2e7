# ctest-labels: corpus;rustdump
"""The parts of frame variables (`seam bt -f --json`: each variable's "children", as seam-gui's
Locals tree shows them) against gdb's `print *POINTER` on the same dump (the corpus's
sysrq-nokaslr paging ELF: gdb needs no KASLR offset there).

Pointer arguments and locals of the sysrq crash expand to their target's members: every member
Seam shows must print as gdb prints it, part by part, down to where Seam's own text abbreviates
({...}): there its parts are compared with gdb's nested members, and where the tree stops (4
levels) the text up to each {...} must be gdb's. Normalised style differences:
  - gdb names the null pointer after the symbol at 0 (`0x0 <fixed_percpu_data>`); Seam `0x0`.
  - gdb omits the names of anonymous unions and structs; Seam calls those parts
    `<anonymous union>` and `<anonymous struct>`, in the same order.
  - a flexible array member (`char inline_name[]`) has no bytes of its own in the struct:
    gdb prints the address after the struct and the string there, Seam the empty array.

On the Rust fixture kernel's crash (samples/kernels/make_rust_dump.py), `frame N --json` of
rust_crashme::crash_here: its `&Item` arguments expand to the fields the module printed on the
serial console before it panicked (a.key, a.tag, b.key), named and typed the Rust way.
"""
import json
import re
import unittest

import seamtest as st

SCENARIO = "sysrq-nokaslr"
# (gdb frame number, Seam function, variable): pointers to structs gdb reads in that frame.
POINTERS = [
    (4, "__handle_sysrq.cold", "op_p"),
    (6, "pde_write", "pde"),
    (8, "vfs_write", "file"),
    (11, "do_syscall_64", "regs"),
]


def unquoted(text, start=0):
    """(index, character, brace depth after it) of each character of `text` from `start`
    that is not inside a C string or character literal (nor one's quotes)."""
    depth, quote, i = 0, None, start
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
            yield i, c, depth
        i += 1


def split_items(text):
    """`{a = 1, {b = 2}, c = "x, y"}` -> [("a", "1"), (None, "{b = 2}"), ("c", '"x, y"')]."""
    assert text.startswith("{") and text.endswith("}"), text
    body, items, start = text[1:-1], [], 0
    for i, c, depth in unquoted(body):
        if c == "," and depth == 0 and body[i + 1:i + 2] == " ":
            items.append(body[start:i])
            start = i + 2
    if body[start:]:
        items.append(body[start:])
    out = []
    for item in items:
        match = re.match(r"^(<[^>]+>|[A-Za-z_][A-Za-z_0-9]*) = (.*)$", item, re.S)
        if match:
            out.append((match.group(1).strip("<>"), match.group(2)))
        else:
            out.append((None, item))
    return out


def normalise(value):
    return re.sub(r"\b0x0 <fixed_percpu_data>", "0x0", value)


def matches_abbreviated(ours, theirs):
    """Whether `ours` is `theirs` with some brace groups abbreviated to {...} (Seam's text
    below its print depth, for a part the tree has no room to expand)."""
    i = j = 0
    while i < len(ours):
        if ours.startswith("{...}", i) and j < len(theirs) and theirs[j] == "{":
            # j: the brace that closes the group gdb printed in full.
            j = next((k for k, c, depth in unquoted(theirs, j) if c == "}" and depth == 0),
                     len(theirs))
            i += 5
            j += 1
            continue
        if j >= len(theirs) or ours[i] != theirs[j]:
            return False
        i += 1
        j += 1
    return j == len(theirs)


def compare(parts, gdb_text, path, problems):
    """Each of Seam's parts against gdb's member of the same name (anonymous ones in order)."""
    gdb_items = split_items(gdb_text)
    named = {name: value for name, value in gdb_items if name}
    anonymous = [value for name, value in gdb_items if not name]
    for part in parts:
        name = part["name"]
        if name.startswith("<anonymous"):
            if not anonymous:
                problems.append(f"{path}.{name}: gdb has no more anonymous members")
                continue
            theirs = anonymous.pop(0)
        elif name in named:
            theirs = named[name]
        else:
            problems.append(f"{path}.{name}: not a member gdb prints")
            continue
        if part["type"].endswith("[]"):
            continue  # a flexible array member: see the module docstring
        ours = normalise(part["value"])
        theirs = normalise(theirs)
        if ours == theirs:
            continue
        if part.get("children") and theirs.startswith("{"):
            compare(part["children"], theirs, f"{path}.{name}", problems)  # ours abbreviated
        elif not part.get("children") and matches_abbreviated(ours, theirs):
            continue  # as deep as the tree goes: the rest of the text agrees
        else:
            problems.append(f"{path}.{name}: seam {ours!r}, gdb {theirs!r}")


class ValueChildrenAgainstGdb(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        st.require_tool("gdb")
        scenario = st.corpus_scenario(SCENARIO)
        cls.dump = scenario.dump("elf-paging")
        cls.vmlinux = scenario.vmlinux
        out = st.run(st.SEAM, "-c", cls.dump, *scenario.debug_files(), "bt", "-f",
                     "--json").stdout
        cls.frames = json.loads(out)["frames"]
        commands = []
        for number, _, name in POINTERS:
            commands += ["-ex", f"frame {number}", "-ex", f"print *{name}"]
        gdb = st.run("gdb", "-batch", "-nx", "-ex", "set print pretty off", "-ex",
                     "set print elements 200", cls.vmlinux, cls.dump, *commands, timeout=600)
        cls.gdb_values = re.findall(r"^\$\d+ = (.*)$", gdb.stdout, re.M)

    def variable(self, function, name):
        for frame in self.frames:
            if frame["function"] == function:
                for v in frame.get("args", []) + frame.get("locals", []):
                    if v["name"] == name:
                        return v
        self.fail(f"no {name} in a frame of {function} (seam bt -f --json)")

    def test_pointer_targets_match_gdb(self):
        self.assertEqual(len(self.gdb_values), len(POINTERS), "gdb printed fewer values")
        for (number, function, name), gdb_text in zip(POINTERS, self.gdb_values):
            with self.subTest(variable=f"{function}:{name}"):
                v = self.variable(function, name)
                self.assertTrue(v.get("children"), f"{name} = {v['value']} has no parts")
                gdb_names = [n for n, _ in split_items(gdb_text)]
                # The whole struct: one part for each member gdb prints, in its order.
                self.assertEqual(len(v["children"]), len(gdb_names))
                problems = []
                compare(v["children"], gdb_text, name, problems)
                self.assertEqual(problems, [], st.format_problems(problems))

    def test_parts_are_bounded(self):
        def count(parts):
            return sum(1 + count(p.get("children", [])) for p in parts)

        def depth(parts):
            return max((1 + depth(p.get("children", [])) for p in parts), default=0)

        file = self.variable("vfs_write", "file")
        self.assertLessEqual(count(file["children"]), 500)
        self.assertLessEqual(depth(file["children"]), 4)
        # Plain values have none: the JSON leaves the key out.
        self.assertNotIn("children", self.variable("vfs_write", "count"))


class RustPartsFromTheModulesOwnLog(unittest.TestCase):
    def test_item_references_expand_to_the_printed_fields(self):
        vmlinux = st.rust_fixture_vmlinux()
        dumps = st.CACHE_DIR / "fixtures" / "rust-kernel-6.1"
        ko = st.RUST_FIXTURE_DIR / "rust_crashme.ko"
        for path in (ko, dumps / "vmcore.elf-paging", dumps / "serial.log"):
            if not path.exists():
                raise AssertionError(f"{path} is missing: run samples/kernels/make_rust_dump.py "
                                     "(ctest fixture rust_dump_generate)")
        log = (dumps / "serial.log").read_text(errors="replace")
        printed = re.search(r"crashing in Rust \(a\.key=(\d+) a\.tag=(0x[0-9a-f]+) "
                            r"b\.key=(\d+) marker=(0x[0-9a-f]+)\)", log)
        self.assertIsNotNone(printed, "the module's pr_emerg line is not in the serial log")
        a_key, a_tag, b_key, _ = (int(v, 0) for v in printed.groups())
        files = ["-s", vmlinux, "-s", ko]
        bt = st.seam_vmcore_json(dumps / "vmcore.elf-paging", files, "bt", "-f")
        index = [f["index"] for f in bt["frames"] if f["function"] == "rust_crashme::crash_here"]
        self.assertEqual(len(index), 1)
        frame = st.seam_vmcore_json(dumps / "vmcore.elf-paging", files, "frame",
                                    str(index[0]))["frame"]
        args = {a["name"]: a for a in frame["args"]}
        self.assertEqual([(c["name"], c["type"], c["value"]) for c in args["a"]["children"]],
                         [("key", "u64", str(a_key)), ("tag", "u64", str(a_tag))])
        self.assertEqual(args["b"]["children"][0]["value"], str(b_key))
        # The same parts as bt -f gives; a u64 has none.
        bt_frame = [f for f in bt["frames"] if f["index"] == index[0]][0]
        self.assertEqual(frame["args"], bt_frame["args"])
        self.assertNotIn("children", frame["locals"][0])


if __name__ == "__main__":
    unittest.main()

# ctest-labels: corpus;kernel
"""`seam bt` on every scenario of the real vmcore corpus (samples/kernels), checked against the
kernel's own "Call Trace:" in the serial log and against the peers' backtraces of the same crash
(samples/kernels/peer_oracles.py: drgn's crashed thread with its inline frames, gdb's `bt` with
argument values, crash's `bt`).

Every dump of every scenario (paging ELF, physical ELF, kdump, flattened kdump, and the lzo,
snappy, zstd and -d 31 kdump files where the corpus has them) is opened once, all in parallel
before any check, with "bt", "bt -a", "bt 1" and "bt 2" (all --json) on stdin. The paging ELF
dump of each scenario is also asked for `bt -f --json` (arguments and locals) on its own, so
that the other checks do not depend on it.

Differences between the tools that are real, not bugs, and how they are normalised:
- compiler clone suffixes: the serial log, crash and Seam name a frame by its ELF symbol
  (`__handle_sysrq.cold`, `oops_end.cold`), drgn and gdb by its DWARF subprogram
  (`__handle_sysrq`): names are compared without `.cold`, `.part.N`, `.isra.N`,
  `.constprop.N`;
- entry_SYSCALL_64_after_hwframe is a label inside entry_SYSCALL_64: the serial log, crash and
  Seam name the nearest symbol, drgn (which has no DWARF for entry_64.S) the sized ELF symbol
  that covers it, gdb the DWARF of entry_64.S: both map to entry_SYSCALL_64;
- drgn's last frame is the user-space pc (no name, no symbol); Seam ends with a boundary frame
  "user space" without a function: both are left out of the name lists;
- the serial log's trace of a panic starts in dump_stack_lvl, which panic() called and which
  had returned when the dump was taken (panic then waits in its delay loop): left out;
- gdb does not unwind through an exception frame (pt_regs): its trace stops after
  asm_exc_* and what it prints beyond is junk (`??` frames); only gdb's frames before the
  first `??` are used;
- on SMP dumps, drgn finds the registers of a running task by matching the PRSTATUS notes'
  pr_pid to the task's pid; QEMU writes pr_pid = CPU + 1, which is the crashed task's pid
  (init, 1) only by chance on CPU 0: drgn's stack of the task on CPU 1 is junk (it unwinds
  from stale saved registers). The CPU 1 stacks are checked against gdb's thread of LWP 2
  (QEMU's numbering: CPU + 1) instead.
"""
import concurrent.futures
import functools
import json
import re
import unittest

import seamtest as st

BT_COMMANDS = ("bt", "bt -a", "bt 1", "bt 2")
FRAME_FIELDS = ("index", "pc", "sp", "cfa", "language", "function", "linkage_name", "module",
                "file", "line", "column", "inlined", "unwound_by", "boundary")
CLONE_SUFFIX = re.compile(r"(\.(cold|part|isra|constprop|lto_priv)(\.\d+)?)+$")
ALIASES = {"entry_SYSCALL_64_after_hwframe": "entry_SYSCALL_64"}
KERNEL_SPACE = 1 << 63


def normal_name(name):
    name = CLONE_SUFFIX.sub("", name)
    return ALIASES.get(name, name)


def dump_kinds(scenario):
    """Every dump file the scenario has: vmcore.elf-paging, ..., vmcore.kdump-zstd."""
    return [name[len("vmcore."):] for name in scenario.info["dumps"]
            if scenario.dump(name[len("vmcore."):]).is_file()]


@functools.lru_cache(maxsize=None)
def all_results():
    """{(scenario name, dump kind): (results, errors)} for BT_COMMANDS, all dumps at once."""
    jobs = [(s, kind) for s in st.corpus_scenarios() for kind in dump_kinds(s)]

    def run(job):
        scenario, kind = job
        results, errors, _ = st.seam_session(scenario.dump(kind), scenario.debug_files(),
                                             BT_COMMANDS)
        return results, errors

    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        outputs = list(pool.map(run, jobs))
    return {(s.name, kind): out for (s, kind), out in zip(jobs, outputs)}


def results(test, scenario, kind="elf-paging"):
    """{command: parsed JSON} of BT_COMMANDS on one dump; fails the test on any error."""
    out, errors = all_results()[(scenario.name, kind)]
    test.assertEqual(errors, [], f"{scenario}/{kind}")
    return dict(zip(BT_COMMANDS, out))


@functools.lru_cache(maxsize=None)
def bt_full(scenario):
    """`bt -f --json` of the crashed task on the paging ELF dump (proc, parsed or None)."""
    proc = st.seam_vmcore(scenario.dump("elf-paging"), *scenario.debug_files(), "bt", "-f",
                          "--json")
    try:
        return proc, json.loads(proc.stdout) if proc.returncode == 0 else None
    except ValueError:
        return proc, None


def gdb_oracle(scenario):
    st.peer_oracles(scenario)  # generates every oracle, gdb.json included, when missing
    with open(scenario.dir / "oracles" / "gdb.json") as f:
        return json.load(f)


def gdb_frames(backtrace):
    """gdb's frames before the first `??` (past an exception frame gdb prints junk)."""
    frames = []
    for frame in backtrace["frames"]:
        if frame["function"] is None:
            break
        frames.append(frame)
    return frames


def seam_names(bt, inlined=True):
    """The normalised function names of Seam's frames, innermost first, without the user
    space boundary frame."""
    return [normal_name(f["function"]) for f in bt["frames"]
            if f["function"] and (inlined or not f["inlined"])]


def drgn_names(frames):
    names = []
    for f in frames:
        name = f["name"] or f["symbol"]
        if name is None and int(f["pc"], 16) < KERNEL_SPACE:
            continue  # the user-space pc
        names.append(normal_name(name) if name else "??")
    return names


def serial_call_trace(scenario):
    """The function names of the serial log's last "Call Trace:" (the panic's when there are
    several: that is the stack the dump holds), without '?' entries, user space RIP lines and
    the dump_stack_lvl that printed it; an exception RIP line inside the trace counts as the
    frame it names."""
    traces = scenario.info["oracles"]["call_traces"]
    if not traces:
        raise AssertionError(f"{scenario}: scenario.json has no Call Trace from the serial log")
    names = []
    for entry in traces[-1]["frames"]:
        entry = entry.strip()
        if entry.startswith(("?", "<", "RIP: 0033:")):
            continue
        entry = re.sub(r"^RIP: 0010:", "", entry)
        m = re.match(r"([A-Za-z0-9_.]+)\+0x[0-9a-f]+/0x[0-9a-f]+", entry)
        if m:
            names.append(normal_name(m.group(1)))
    if names and names[0] == "dump_stack_lvl":
        names.pop(0)
    return names


def missing_in_order(names, expected):
    """The first of `expected` not found in `names` after the previous one, or None."""
    at = 0
    for want in expected:
        while at < len(names) and names[at] != want:
            at += 1
        if at == len(names):
            return want
        at += 1
    return None


def describe(bt):
    lines = [f"PID {bt.get('pid')} CPU {bt.get('cpu')} {bt.get('command')!r}:"]
    for f in bt["frames"]:
        lines.append(f"  #{f['index']} {f['pc']} {f['function'] or '-'}"
                     f"{' [inlined]' if f['inlined'] else ''} ({f['unwound_by']})"
                     f"{' [' + f['boundary'] + ']' if f['boundary'] else ''}")
    lines.append(f"  end: {bt.get('end_reason')}")
    return "\n".join(lines)


def gdb_comparable(value):
    """Whether gdb printed a plain integer, a bare pointer or a pointer to a string, the values
    `seam bt -f` must print the same way (not <optimized out>, structs, <error: ...>, or
    `0x... <symbol>`)."""
    return bool(re.fullmatch(r'-?\d+|0x[0-9a-f]+|0x[0-9a-f]+ "(?:[^"\\]|\\.)*"(?:\.\.\.)?',
                             value))


class Backtrace(unittest.TestCase):

    def test_crashed_task_holds_the_serial_call_trace_in_order(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                bt = results(self, scenario)["bt"]
                expected = serial_call_trace(scenario)
                self.assertGreaterEqual(len(expected), 4, f"{scenario}: {expected}")
                names = seam_names(bt, inlined=False)
                missing = missing_in_order(names, expected)
                self.assertIsNone(missing, f"{scenario}: {missing} of the serial Call Trace "
                                  f"{expected} is missing or out of order\n{describe(bt)}")
                expected_frames = [normal_name(n) for n in scenario.info["expected_frames"]]
                missing = missing_in_order(names, expected_frames)
                self.assertIsNone(missing, f"{scenario}: {missing} of scenario.json's "
                                  f"expected_frames\n{describe(bt)}")
                self.assertEqual(bt["end_reason"], "user space", describe(bt))
                self.assertEqual(bt["pid"], st.serial_facts(scenario.serial_log)["panic_pid"])

    def test_crashed_task_equals_drgns_with_inline_frames(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                drgn = st.peer_oracles(scenario)["drgn"]["crashed_thread"]
                self.assertIsNotNone(drgn, f"{scenario}: drgn could not unwind: "
                                     f"{st.peer_oracles(scenario)['drgn']['errors']}")
                bt = results(self, scenario)["bt"]
                self.assertEqual(seam_names(bt), drgn_names(drgn["frames"]), describe(bt))
                # The same pcs, frame for frame (inline frames share their caller's pc).
                seam_pcs = [int(f["pc"], 16) for f in bt["frames"] if f["function"]]
                drgn_pcs = [int(f["pc"], 16) for f in drgn["frames"]
                            if int(f["pc"], 16) >= KERNEL_SPACE]
                self.assertEqual([hex(p) for p in seam_pcs], [hex(p) for p in drgn_pcs])

    def test_crashed_thread_agrees_with_gdb_up_to_its_first_exception_frame(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                gdb = gdb_frames(gdb_oracle(scenario)["crashed_thread"])
                bt = results(self, scenario)["bt"]
                # gdb's DWARF CFI finds `die` between oops_end and its caller, which calls
                # oops_end last (a tail call); the ORC unwinders (Seam, drgn, the kernel's
                # own) do not: compared as a subsequence.
                expected = [normal_name(f["function"]) for f in gdb]
                missing = missing_in_order(seam_names(bt), [n for n in expected if n != "die"])
                self.assertIsNone(missing, f"{scenario}: gdb's {missing} ({expected})\n"
                                  f"{describe(bt)}")

    def test_every_dump_kind_gives_the_same_frames(self):
        def key(bt):
            return [(f["pc"], f["function"], f["inlined"], f["file"], f["line"], f["boundary"])
                    for f in bt["frames"]], bt["end_reason"]

        for scenario in st.corpus_scenarios():
            reference = results(self, scenario)
            for kind in dump_kinds(scenario):
                with self.subTest(scenario=scenario.name, dump=kind):
                    other = results(self, scenario, kind)
                    for command in BT_COMMANDS:
                        a, b = reference[command], other[command]
                        if command == "bt -a":
                            self.assertEqual(len(a), len(b), command)
                            pairs = list(zip(a, b))
                        else:
                            pairs = [(a, b)]
                        for x, y in pairs:
                            self.assertEqual(key(x), key(y), f"{command} on {kind}:\n"
                                             f"{describe(x)}\n{describe(y)}")

    def test_kaslr_moves_the_addresses_not_the_frames(self):
        kaslr, plain = st.corpus_scenario("sysrq-kaslr"), st.corpus_scenario("sysrq-nokaslr")
        a, b = results(self, kaslr)["bt"], results(self, plain)["bt"]
        self.assertEqual(seam_names(a), seam_names(b), f"{describe(a)}\n{describe(b)}")

        def text_offsets(bt, offset):
            return [(f["function"], int(f["pc"], 16) - offset) for f in bt["frames"]
                    if f["module"] == "vmlinux"]
        self.assertNotEqual(kaslr.kernel_offset(), 0)
        self.assertEqual(text_offsets(a, kaslr.kernel_offset()),
                         text_offsets(b, plain.kernel_offset()))

    def test_module_frames_have_source_lines(self):
        for scenario in st.corpus_scenarios():
            if not scenario.module:
                continue
            with self.subTest(scenario=scenario.name):
                bt = results(self, scenario)["bt"]
                module_frames = [f for f in bt["frames"] if f["module"] == scenario.module_name]
                names = [normal_name(f["function"]) for f in module_frames]
                for want in map(normal_name, scenario.info["expected_frames"]):
                    self.assertIn(want, names, describe(bt))
                for f in module_frames:
                    self.assertTrue(f["file"] and f["file"].endswith("seam_crash.c"), f)
                    self.assertGreater(f["line"] or 0, 0, f)
                    self.assertEqual(f["language"], "c", f)

    def test_bt_all_gives_every_cpus_stack(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                out = results(self, scenario)
                stacks = out["bt -a"]
                self.assertEqual([s["cpu"] for s in stacks], list(range(scenario.cpus)),
                                 "\n".join(describe(s) for s in stacks))
                crashed = out["bt"]
                self.assertEqual(stacks[crashed["cpu"]]["frames"], crashed["frames"])
                if scenario.cpus < 2:
                    continue
                cpu1 = stacks[1]
                expected = [normal_name(n) for n in scenario.info["expected_frames_cpu1"]]
                missing = missing_in_order(seam_names(cpu1), expected)
                self.assertIsNone(missing, f"{scenario}: CPU 1 lacks {missing}\n"
                                  f"{describe(cpu1)}")
                # The spinning kthread ends at ret_from_fork, the user spin in user space.
                self.assertEqual(cpu1["end_reason"],
                                 "user space" if scenario.info["busy"] == "user" else
                                 "end of stack", describe(cpu1))
                # gdb's thread of CPU 1 (LWP 2), up to where gdb stops, is where Seam starts.
                threads = {t["lwp"]: t for t in gdb_oracle(scenario)["threads"]}
                gdb = [normal_name(f["function"]) for f in gdb_frames(threads[2])]
                self.assertGreaterEqual(len(gdb), 3, threads[2])
                self.assertEqual(seam_names(cpu1)[:len(gdb)], gdb, describe(cpu1))

    def test_init_and_kthreadd_end_cleanly(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                out = results(self, scenario)
                for command, ends in (("bt 1", ("user space", "end of stack")),
                                      ("bt 2", ("end of stack",))):
                    bt = out[command]
                    self.assertIn(bt["end_reason"], ends, f"{command}\n{describe(bt)}")
                    self.assertEqual(bt["pid"], int(command.split()[1]))
                    for f in bt["frames"]:
                        if f["boundary"] and f["module"] == "user":
                            continue
                        # No junk: every kernel frame is in a known function of kernel text.
                        self.assertTrue(f["function"], f"{command}: {f}\n{describe(bt)}")
                        self.assertGreaterEqual(int(f["pc"], 16), KERNEL_SPACE, f)
                        self.assertIn(f["module"], ("vmlinux", scenario.module_name), f)
                kthreadd = seam_names(out["bt 2"], inlined=False)
                self.assertIsNone(missing_in_order(kthreadd, ["kthreadd", "ret_from_fork"]),
                                  describe(out["bt 2"]))
                self.assertTrue({"__schedule", "schedule"} & set(kthreadd[:3]),
                                describe(out["bt 2"]))

    def test_json_fields(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                out = results(self, scenario)
                for bt in [out["bt"], out["bt 1"], out["bt 2"], *out["bt -a"]]:
                    for name in ("pid", "task", "command", "cpu", "frames", "end_reason"):
                        self.assertIn(name, bt)
                    self.assertEqual([f["index"] for f in bt["frames"]],
                                     list(range(len(bt["frames"]))))
                    for f in bt["frames"]:
                        for name in FRAME_FIELDS:
                            self.assertIn(name, f, f"{scenario}: frame without {name}: {f}")
                        self.assertRegex(f["pc"], r"^0x[0-9a-f]+$")
                        self.assertIsInstance(f["inlined"], bool)

    def test_arguments_equal_gdbs(self):
        """Needs `bt -f`: each argument gdb prints as a plain integer, pointer or string has
        the same value in `seam bt -f --json` (frames matched by name, in order)."""
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                proc, bt = bt_full(scenario)
                self.assertIsNotNone(bt, f"seam bt -f --json failed ({proc.returncode}): "
                                     f"{proc.stderr.strip()[-1000:]}")
                frames = [f for f in bt["frames"] if f["function"]]
                checked, at = 0, 0
                for g in gdb_frames(gdb_oracle(scenario)["crashed_thread"]):
                    name = normal_name(g["function"])
                    i = at
                    while i < len(frames) and normal_name(frames[i]["function"]) != name:
                        i += 1
                    if i == len(frames):
                        continue  # a frame only gdb sees (die), checked elsewhere
                    at = i + 1
                    args = {a["name"]: a for a in frames[i].get("args") or []}
                    for arg in g["args"]:
                        if not gdb_comparable(arg["value"]):
                            continue
                        checked += 1
                        self.assertIn(arg["name"], args, f"{name}: seam has no argument "
                                      f"{arg['name']} ({frames[i].get('args')})")
                        self.assertEqual(args[arg["name"]]["value"], arg["value"],
                                         f"{scenario}: {name}({arg['name']})")
                        self.assertTrue(args[arg["name"]].get("type"), args[arg["name"]])
                self.assertGreater(checked, 3, f"{scenario}: too few arguments compared")

    def test_user_buffer_of_the_write_is_read_from_the_tasks_memory(self):
        """bt -f reads user pointers through the task's own page tables (mm->pgd): the
        write(2) that triggered a module crash shows its buffer, the word init.sh echoed
        into seam_crash's debugfs trigger (gdb cannot read it: it only has the kernel's
        mappings)."""
        for scenario in st.corpus_scenarios():
            if not scenario.info.get("module") or scenario.info.get("busy"):
                continue
            with self.subTest(scenario=scenario.name):
                proc, bt = bt_full(scenario)
                self.assertIsNotNone(bt, proc.stderr[-1000:])
                write = [f for f in bt["frames"] if f["function"] == "vfs_write"]
                self.assertEqual(len(write), 1)
                buf = {a["name"]: a["value"] for a in write[0]["args"]}["buf"]
                word = scenario.info["crash"]
                self.assertRegex(buf, rf'^0x[0-9a-f]+ "{word}\\n')

    def test_panic_message_and_write_count_arguments(self):
        """Needs `bt -f`: the arguments the brief singles out, on the sysrq crash: panic's fmt
        is the message, and the write(2) of "c\\n" has count 2."""
        scenario = st.corpus_scenario("sysrq-kaslr")
        proc, bt = bt_full(scenario)
        self.assertIsNotNone(bt, f"seam bt -f --json failed ({proc.returncode}): "
                             f"{proc.stderr.strip()[-1000:]}")
        by_name = {}
        for f in bt["frames"]:
            by_name.setdefault(f["function"], {a["name"]: a["value"] for a in f.get("args") or []})
        self.assertRegex(by_name["panic"].get("fmt", ""), r'^0x[0-9a-f]+ "sysrq triggered crash\\n"$')
        self.assertEqual(by_name["vfs_write"].get("count"), "2")
        self.assertEqual(by_name["ksys_write"].get("count"), "2")


if __name__ == "__main__":
    unittest.main()

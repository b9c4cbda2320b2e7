# ctest-labels: corpus;kernel
"""Seam's session commands (sys, ps, log, mod, sym, rd) on every dump of the real vmcore corpus
(samples/kernels: Debian's 6.1.0-56-cloud-amd64 crashed under QEMU, each scenario in four dump
formats), checked against the serial console, scenario.json, the init's `seam-init:` oracle
lines, and what drgn and crash read from the same crash (samples/kernels/peer_oracles.py).

Every dump is opened three times, all dumps in parallel, before any check:
  seam -c DUMP -s VMLINUX [-s seam_crash.ko]  with "sys --json", "ps --json", ... on stdin
  seam -c DUMP -s VMLINUX [-s seam_crash.ko] log        (the text form, on the command line)
  printf 'sys\\nps\\nquit\\n' | seam -c DUMP -s VMLINUX  (the plain interactive form)
"""
import concurrent.futures
import functools
import os
import re
import unittest

import seamtest as st

ABI = "6.1.0-56-cloud-amd64"
START_KERNEL_MAP = 0xFFFFFFFF80000000  # __START_KERNEL_map: the kernel image's mapping
MIB = 1 << 20


@functools.lru_cache(maxsize=None)
def link_symbols():
    vmlinux = st.corpus_scenarios()[0].vmlinux
    return st.elf_symbol_addresses(vmlinux, ["_text", "sysrq_handle_crash", "linux_banner"])


def banner_physical(scenario):
    """linux_banner's physical address and its direct-map alias, from drgn's reading of the
    dump (page_offset_base and phys_base): independent of Seam's own page walk."""
    layout = st.peer_oracles(scenario)["drgn"]["layout"]
    if not layout:
        raise AssertionError(f"{scenario}: drgn could not read the kernel layout: "
                             f"{st.peer_oracles(scenario)['drgn']['errors']}")
    banner = link_symbols()["linux_banner"] + scenario.kernel_offset()
    phys = (banner - START_KERNEL_MAP + int(layout["phys_base"], 16)) & (2**64 - 1)
    return phys, int(layout["page_offset_base"], 16) + phys


def session_commands(scenario, kind):
    """The --json commands run in one seam process per dump, in this order."""
    symbols = link_symbols()
    crash_address = symbols["sysrq_handle_crash"] + scenario.kernel_offset(kind)
    phys, alias = banner_physical(scenario)
    commands = {
        "sys": "sys", "ps": "ps", "log": "log", "mod": "mod",
        "sym _text": "sym _text",
        "sym sysrq_handle_crash": "sym sysrq_handle_crash",
        "sym ADDR": f"sym {crash_address:#x}",
        "rd linux_banner": "rd linux_banner 16",
        "rd -p PHYS": f"rd -p {phys:#x} 4",
        "rd ALIAS": f"rd {alias:#x} 4",
    }
    if scenario.module:
        commands["sym seam_crash_do_bug"] = "sym seam_crash_do_bug"
    return commands


def collect_one(scenario, kind):
    dump, files = scenario.dump(kind), scenario.debug_files()
    out = {"errors": []}
    commands = session_commands(scenario, kind)
    results, errors, out["session stderr"] = st.seam_session(dump, files,
                                                            list(commands.values()))
    out.update((key, value) for key, value in zip(commands, results) if value is not None)
    out["errors"] += errors
    proc = st.seam_vmcore(dump, *files, "log")
    if proc.returncode == 0:
        out["log text"] = proc.stdout
    else:
        out["errors"].append(f"seam -c {dump} log failed ({proc.returncode}): "
                             f"{proc.stderr.strip()[-1500:]}")
    out["pipe"] = st.seam_vmcore(dump, "-s", scenario.vmlinux, input="sys\nps\nquit\n")
    return out


@functools.lru_cache(maxsize=None)
def collected():
    """{(scenario name, kind): {command key: JSON result, "log text": str, "pipe":
    CompletedProcess, "errors": [...]}} for every dump of the corpus."""
    scenarios = st.corpus_scenarios()
    for scenario in scenarios:
        st.peer_oracles(scenario)  # generated once, before the parallel part
    link_symbols()
    jobs = [(s, kind) for s in scenarios for kind in st.DUMP_KINDS]
    with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(lambda job: collect_one(*job), jobs)
        return {(s.name, kind): r for (s, kind), r in zip(jobs, results)}


def result(scenario, kind, key):
    out = collected()[(scenario.name, kind)]
    if key not in out:
        raise AssertionError(f"{scenario.dump(kind)}: no result for {key!r}:\n" +
                             "\n".join(out["errors"]))
    return out[key]


def hexint(value):
    if not isinstance(value, str) or not re.fullmatch(r"0x[0-9a-f]+", value):
        raise AssertionError(f"not a lower-case 0x... address string: {value!r}")
    return int(value, 16)


def module_symbol(path, name):
    """(section name, offset in it, size) of a symbol of a relocatable .ko (readelf -sW)."""
    sections = {str(s["index"]): s["name"] for s in st.elf_sections(path)}
    for line in st.run("readelf", "-sW", path).stdout.splitlines():
        fields = line.split()
        if len(fields) == 8 and fields[7] == name and fields[6] in sections:
            return sections[fields[6]], int(fields[1], 16), int(fields[2])
    raise AssertionError(f"{path} has no symbol {name}")


def log_lines(text):
    """The lines of `log`'s text output without their "[%5llu.%06llu] " prefix (a record's
    continuation lines have none, as in drgn's get_dmesg())."""
    if text and not st.SERIAL_LINE.match(text.split("\n", 1)[0]):
        raise AssertionError(f"log does not start with a dmesg line: {text[:200]!r}")
    return [m.group(3) if m else line for line in text.splitlines()
            for m in [st.SERIAL_LINE.match(line)]]


def normalized(text):
    """A log text with its numbers and addresses reduced, to compare two boots."""
    return re.sub(r"\d+", "N", re.sub(r"0x[0-9a-f]+|\b[0-9a-f]{8,16}\b", "X", text))


class VmcoreCommandsTest(unittest.TestCase):
    maxDiff = 4000

    def check_each_dump(self, check):
        """check(scenario, kind) on every dump of the corpus, each in its own subTest."""
        for scenario in st.corpus_scenarios():
            for kind in st.DUMP_KINDS:
                with self.subTest(scenario=scenario.name, kind=kind):
                    check(scenario, kind)

    def test_same_results_across_dump_kinds(self):
        for scenario in st.corpus_scenarios():
            with self.subTest(scenario=scenario.name):
                reference_kind = st.DUMP_KINDS[0]
                for key in ("sys", "ps", "log", "log text", "mod"):
                    ref = result(scenario, reference_kind, key)
                    if key == "sys":
                        ref = {k: v for k, v in ref.items() if k not in ("dump_path", "dump_format")}
                    for kind in st.DUMP_KINDS[1:]:
                        other = result(scenario, kind, key)
                        if key == "sys":
                            other = {k: v for k, v in other.items()
                                     if k not in ("dump_path", "dump_format")}
                        if key == "log text":
                            self.assertEqual(other, ref, f"{scenario} `log`: vmcore.{kind} vs "
                                             f"vmcore.{reference_kind}:\n" + st.unified_diff(
                                                 ref, other, reference_kind, kind))
                        else:
                            self.assertEqual(other, ref, f"{scenario} `{key} --json`: vmcore."
                                             f"{kind} (first) vs vmcore.{reference_kind}")

    def test_log_equals_drgn_get_dmesg(self):
        def check(scenario, kind):
            drgn = st.peer_oracles(scenario)["drgn"]
            self.assertIsNotNone(drgn["dmesg"], drgn["errors"])
            # drgn prefixes a record's first line only: the continuation lines of a record
            # with several lines (two in each SMP scenario) have no "[time]" prefix.
            text = result(scenario, kind, "log text")
            self.assertTrue(text == drgn["dmesg"],
                            f"{scenario.dump(kind)}: `seam log` differs from drgn's get_dmesg() "
                            f"on the paging ELF dump:\n" +
                            st.unified_diff(drgn["dmesg"], text, "drgn get_dmesg()", "seam log"))
        self.check_each_dump(check)

    def test_log_json_equals_drgn_printk_records(self):
        def check(scenario, kind):
            drgn = st.peer_oracles(scenario)["drgn"]["printk_records"]
            ours = result(scenario, kind, "log")
            self.assertEqual(len(ours), len(drgn), f"{scenario.dump(kind)}: record count, "
                             f"seam vs drgn get_printk_records()")
            keys = ("sequence", "timestamp_ns", "level", "facility", "text")
            for i, (mine, theirs) in enumerate(zip(ours, drgn)):
                self.assertEqual({k: mine.get(k) for k in keys}, {k: theirs[k] for k in keys},
                                 f"{scenario.dump(kind)}: record {i}, seam (first) vs drgn")
        self.check_each_dump(check)

    def test_log_has_every_serial_console_line(self):
        def check(scenario, kind):
            serial = st.serial_console(scenario.serial_log)
            self.assertGreater(len(serial), 100, f"{scenario.serial_log}: too few kernel lines")
            logged = set(log_lines(result(scenario, kind, "log text")))
            missing = [text for _, text in serial if text not in logged]
            self.assertEqual(missing, [], f"{scenario.dump(kind)}: {len(missing)} lines of "
                             f"serial.log missing from `seam log`")
            init = [text for _, text in serial if text.startswith("seam-init:")]
            self.assertGreaterEqual(len(init), 4, f"{scenario.serial_log}: seam-init lines")
        self.check_each_dump(check)

    def test_ps_matches_drgn_tasks(self):
        def check(scenario, kind):
            drgn = st.peer_oracles(scenario)["drgn"]["tasks"]
            ours = result(scenario, kind, "ps")
            mine = {(t["pid"], t["comm"]) for t in ours if t["pid"] != 0}
            theirs = {(t["pid"], t["comm"]) for t in drgn}
            self.assertEqual(mine, theirs, f"{scenario.dump(kind)}: (pid, comm) of `ps` vs "
                             f"drgn for_each_task; only seam: {sorted(mine - theirs)}, only "
                             f"drgn: {sorted(theirs - mine)}")
            ppid = {t["pid"]: t["ppid"] for t in drgn}
            wrong = [(t["pid"], t["comm"], t["ppid"], ppid.get(t["pid"])) for t in ours
                     if t["pid"] != 0 and t["ppid"] != ppid.get(t["pid"])]
            self.assertEqual(wrong, [], f"{scenario.dump(kind)}: (pid, comm, seam ppid, drgn "
                             f"ppid) where the ppids differ")
            idle = [t for t in ours if t["pid"] == 0]
            self.assertEqual(sorted(t["cpu"] for t in idle), list(range(scenario.cpus)),
                             f"{scenario.dump(kind)}: one pid-0 idle task per CPU "
                             f"(scenario.json cpus={scenario.cpus}): {idle}")
        self.check_each_dump(check)

    def test_ps_active_and_idle_tasks_match_runqueues(self):
        def check(scenario, kind):
            cpus = st.peer_oracles(scenario)["drgn"]["cpus"]
            ours = result(scenario, kind, "ps")
            active = sorted((t["active_cpu"], t["task"], t["comm"]) for t in ours
                            if t["active_cpu"] is not None)
            expected = sorted((c["cpu"], c["curr"]["task"], c["curr"]["comm"]) for c in cpus)
            self.assertEqual(active, expected, f"{scenario.dump(kind)}: (active_cpu, task, comm) "
                             f"of the active tasks, seam (first) vs drgn's runqueues' curr: "
                             f"exactly one per CPU")
            idle = sorted((t["cpu"], t["task"], t["comm"]) for t in ours if t["pid"] == 0)
            expected = sorted((c["cpu"], c["idle"]["task"], c["idle"]["comm"]) for c in cpus)
            self.assertEqual(idle, expected, f"{scenario.dump(kind)}: idle tasks, seam (first) "
                             f"vs drgn's runqueues' idle")
            crash_idle = sorted((t["cpu"], t["task"]) for t in
                                st.peer_oracles(scenario)["crash"]["ps"] if t["pid"] == 0)
            self.assertEqual([(c, t) for c, t, _ in idle], crash_idle,
                             f"{scenario.dump(kind)}: idle tasks, seam (first) vs crash ps")
        self.check_each_dump(check)

    def test_ps_details_match_drgn(self):
        keys = ("tgid", "ppid", "cpu", "state", "comm", "task", "kernel_thread")

        def check(scenario, kind):
            drgn = {t["pid"]: t for t in st.peer_oracles(scenario)["drgn"]["tasks"]}
            wrong = []
            for task in result(scenario, kind, "ps"):
                if task["pid"] == 0 or task["pid"] not in drgn:
                    continue
                mine = {k: task.get(k) for k in keys}
                theirs = {k: drgn[task["pid"]][k] for k in keys}
                if mine != theirs:
                    wrong.append(f"pid {task['pid']}: seam {mine}, drgn {theirs}")
            self.assertEqual(wrong, [], f"{scenario.dump(kind)}: `ps --json` vs drgn "
                             f"(state: task_state_to_char; cpu: task_cpu)")
        self.check_each_dump(check)

    def test_ps_text_and_pipe_mode(self):
        # `printf 'sys\nps\nquit\n' | seam -c DUMP -s VMLINUX`: both commands run, no prompt.

        def check(scenario, kind):
            proc = result(scenario, kind, "pipe")
            where = f"printf 'sys\\nps\\nquit\\n' | seam -c {scenario.dump(kind)} -s VMLINUX"
            self.assertEqual(proc.returncode, 0, f"{where}: {proc.stderr[-1500:]}")
            self.assertNotIn("seam: error:", proc.stderr, where)
            self.assertIn(ABI, proc.stdout, f"{where}: no release in the output of `sys`")
            active = [line for line in proc.stdout.splitlines() if line.startswith(">")]
            self.assertEqual(len(active), scenario.cpus, f"{where}: `ps` text should mark one "
                             f"active task per CPU with '>' in column 0:\n{proc.stdout[-3000:]}")
            for cpu in st.peer_oracles(scenario)["drgn"]["cpus"]:
                self.assertTrue(any(cpu["curr"]["comm"] in line for line in active),
                                f"{where}: CPU {cpu['cpu']}'s {cpu['curr']['comm']} is not "
                                f"marked active: {active}")
        self.check_each_dump(check)

    def test_sys_matches_serial_console_and_scenario(self):
        def check(scenario, kind):
            sys = result(scenario, kind, "sys")
            facts = st.serial_facts(scenario.serial_log)
            where = f"{scenario.dump(kind)}: sys"
            self.assertEqual(facts["release"], ABI, f"{scenario.serial_log}: Linux version line")
            self.assertEqual(sys["release"], facts["release"], f"{where}: release vs serial.log")
            self.assertTrue(facts["version_line"].endswith(" " + sys["version"]),
                            f"{where}: version {sys['version']!r} vs serial.log "
                            f"{facts['version_line']!r}")
            self.assertEqual(sys["machine"], "x86_64", where)
            self.assertEqual(hexint(sys["kaslr_offset"]), facts["kernel_offset"],
                             f"{where}: kaslr_offset vs serial.log {facts['kernel_offset_line']!r}")
            self.assertEqual(hexint(sys["kaslr_offset"]), scenario.kernel_offset(kind),
                             f"{where}: kaslr_offset vs VMCOREINFO KERNELOFFSET")
            self.assertEqual(sys["paging_levels"], 4 if scenario.name == "sysrq-4level" else 5,
                             where)
            self.assertEqual(sys["paging_levels"], scenario.info["paging_levels"], where)
            self.assertEqual(sys["cpus"], scenario.cpus, f"{where}: cpus vs scenario.json")
            self.assertEqual(sys["dump_cpus"], scenario.info["dumps"][f"vmcore.{kind}"]
                             ["prstatus_notes"], f"{where}: dump_cpus vs the dump's notes")
            self.assertEqual(sys["crashed_cpu"], scenario.info["crash_cpu"],
                             f"{where}: crashed_cpu vs scenario.json crash_cpu")
            self.assertIsNotNone(facts["panic_message"], scenario.serial_log)
            self.assertIn(facts["panic_message"], sys["panic_message"],
                          f"{where}: panic_message vs serial.log's 'Kernel panic - not syncing'")
            task = sys["crashed_task"]
            self.assertIsNotNone(task, f"{where}: no crashed_task")
            self.assertEqual((task["pid"], task["comm"]), (facts["panic_pid"],
                                                          facts["panic_comm"]),
                             f"{where}: crashed_task vs serial.log's 'CPU: {facts['panic_cpu']} "
                             f"PID: {facts['panic_pid']} Comm: {facts['panic_comm']}'")
            drgn_tasks = {t["pid"]: t for t in st.peer_oracles(scenario)["drgn"]["tasks"]}
            self.assertEqual(hexint(task["address"]),
                             hexint(drgn_tasks[task["pid"]]["task"]),
                             f"{where}: crashed_task address vs drgn")
            self.assertTrue(MIB * 64 <= sys["memory_bytes"] <= MIB * 128,
                            f"{where}: memory_bytes {sys['memory_bytes']} for a 128M guest")
            self.assertTrue(str(sys["dump_path"]).endswith(f"vmcore.{kind}"), where)
            self.assertTrue(sys["dump_format"], where)
            self.assertTrue(os.path.samefile(sys["vmlinux_path"], scenario.vmlinux), where)
        self.check_each_dump(check)

    def test_sys_matches_crash(self):
        def check(scenario, kind):
            sys = result(scenario, kind, "sys")
            crash = st.peer_oracles(scenario)["crash"]
            where = f"{scenario.dump(kind)}: sys vs crash's sys on the paging ELF"
            self.assertEqual(sys["release"], crash["sys"]["RELEASE"], where)
            self.assertEqual(sys["version"], crash["sys"]["VERSION"], where)
            self.assertEqual(sys["nodename"], crash["sys"]["NODENAME"], where)
            self.assertEqual(sys["cpus"], int(crash["sys"]["CPUS"].split()[0]), where)
            if crash["uptime_seconds"] is not None:
                # crash prints whole seconds, rounded down (jiffies-based).
                self.assertIsNotNone(sys["uptime_seconds"], f"{where}: crash has UPTIME "
                                     f"{crash['sys']['UPTIME']}")
                self.assertTrue(crash["uptime_seconds"] - 1 <= sys["uptime_seconds"] <
                                crash["uptime_seconds"] + 2,
                                f"{where}: uptime_seconds {sys['uptime_seconds']} vs crash "
                                f"UPTIME {crash['sys']['UPTIME']}")
        self.check_each_dump(check)

    def test_kaslr_and_nokaslr_agree(self):
        kaslr, nokaslr = st.corpus_scenario("sysrq-kaslr"), st.corpus_scenario("sysrq-nokaslr")
        for kind in st.DUMP_KINDS:
            with self.subTest(kind=kind):
                a = {(t["pid"], t["comm"]) for t in result(kaslr, kind, "ps")}
                b = {(t["pid"], t["comm"]) for t in result(nokaslr, kind, "ps")}
                self.assertEqual(a, b, f"vmcore.{kind}: (pid, comm) of `ps`, KASLR vs nokaslr")
                # The two boots log different records (TSC calibration, the nokaslr parameter,
                # stack garbage in the trace): each dump's count must be drgn's for it, and the
                # init's lines must be the same apart from addresses.
                for scenario in (kaslr, nokaslr):
                    self.assertEqual(len(result(scenario, kind, "log")),
                                     len(st.peer_oracles(scenario)["drgn"]["printk_records"]),
                                     f"{scenario.dump(kind)}: record count vs drgn")
                init = [[normalized(r["text"]) for r in result(s, kind, "log")
                         if r["text"].startswith("seam-init:")] for s in (kaslr, nokaslr)]
                self.assertEqual(init[0], init[1], f"vmcore.{kind}: seam-init records")
                self.assertGreaterEqual(len(init[0]), 5)
                sys = [result(s, kind, "sys") for s in (kaslr, nokaslr)]
                self.assertNotEqual(hexint(sys[0]["kaslr_offset"]), 0)
                self.assertEqual(hexint(sys[1]["kaslr_offset"]), 0)

    def test_mod_matches_init_oracles_and_drgn(self):
        def check(scenario, kind):
            mods = {m["name"]: m for m in result(scenario, kind, "mod")}
            oracles = scenario.init_oracles()
            drgn = {m["name"]: m for m in st.peer_oracles(scenario)["drgn"]["modules"]}
            crash = {m["name"]: m for m in st.peer_oracles(scenario)["crash"]["mod"]}
            expected = {"qemu_fw_cfg"} | ({scenario.module_name} if scenario.module else set())
            self.assertEqual(set(mods), expected, f"{scenario.dump(kind)}: modules")
            self.assertEqual(set(mods), set(drgn), f"{scenario.dump(kind)}: modules vs drgn")
            for name, module in mods.items():
                where = f"{scenario.dump(kind)}: mod {name}"
                self.assertIn(".text", module["sections"], where)
                self.assertEqual(hexint(module["sections"][".text"]),
                                 oracles[f"module {name} .text"],
                                 f"{where}: .text vs the init's 'seam-init: module {name} "
                                 f".text=' line")
                self.assertEqual(hexint(module["base"]), hexint(drgn[name]["base"]),
                                 f"{where}: base vs drgn core_layout.base")
                self.assertEqual(module["size"], drgn[name]["size"], f"{where}: size vs drgn")
                self.assertEqual(hexint(module["base"]), hexint(crash[name]["base"]),
                                 f"{where}: base vs crash mod")
                self.assertEqual(module["state"].lower(), drgn[name]["state"], where)
                wrong = {s: (a, drgn[name]["sections"].get(s))
                         for s, a in module["sections"].items()
                         if drgn[name]["sections"].get(s) != a}
                self.assertEqual(wrong, {}, f"{where}: sections (seam, drgn) that differ")
            if scenario.module:
                debug_file = mods[scenario.module_name]["debug_file"]
                self.assertIsNotNone(debug_file, f"{scenario.dump(kind)}: -s {scenario.module} "
                                     f"given, but debug_file is null")
                self.assertTrue(os.path.samefile(debug_file, scenario.module),
                                f"{scenario.dump(kind)}: debug_file {debug_file}")
        self.check_each_dump(check)

    def test_sym_by_name_and_address(self):
        symbols = link_symbols()

        def check(scenario, kind):
            offset = scenario.kernel_offset(kind)
            where = scenario.dump(kind)
            found = result(scenario, kind, "sym sysrq_handle_crash")
            self.assertTrue(found, f"{where}: sym sysrq_handle_crash found nothing")
            self.assertEqual(hexint(found[0]["address"]), symbols["sysrq_handle_crash"] + offset,
                             f"{where}: sym sysrq_handle_crash: link-time address "
                             f"{symbols['sysrq_handle_crash']:#x} + KASLR offset {offset:#x}")
            self.assertEqual(found[0]["name"], "sysrq_handle_crash", where)
            back = result(scenario, kind, "sym ADDR")
            self.assertTrue(back, f"{where}: sym {found[0]['address']} found nothing")
            self.assertEqual((back[0]["name"], back[0]["offset"]), ("sysrq_handle_crash", 0),
                             f"{where}: sym {found[0]['address']}")
            self.assertTrue(str(back[0]["file"]).endswith("drivers/tty/sysrq.c"),
                            f"{where}: sym {found[0]['address']}: file {back[0]['file']!r}")
            text = result(scenario, kind, "sym _text")
            self.assertTrue(text, f"{where}: sym _text found nothing")
            self.assertEqual(hexint(text[0]["address"]), scenario.init_oracles()["kallsyms _text"],
                             f"{where}: sym _text vs the init's 'seam-init: kallsyms _text=' line")
            if scenario.module:
                # seam_crash_do_bug is cold (BUG() does not return): GCC put it in
                # .text.unlikely, which the kernel placed right after .text.
                section, value, size = module_symbol(scenario.module, "seam_crash_do_bug")
                sizes = {s["name"]: s["size"] for s in st.elf_sections(scenario.module)}
                drgn = {m["name"]: m for m in st.peer_oracles(scenario)["drgn"]["modules"]}
                start = hexint(drgn[scenario.module_name]["sections"][section])
                text = scenario.init_oracles()[f"module {scenario.module_name} .text"]
                bug = result(scenario, kind, "sym seam_crash_do_bug")
                self.assertTrue(bug, f"{where}: sym seam_crash_do_bug found nothing")
                self.assertEqual(hexint(bug[0]["address"]), start + value,
                                 f"{where}: sym seam_crash_do_bug: {section} at {start:#x} "
                                 f"(drgn) + {value:#x} (the .ko's symbol)")
                self.assertTrue(text <= hexint(bug[0]["address"]) < text + drgn[
                    scenario.module_name]["size"], f"{where}: seam_crash_do_bug outside the "
                                f"module's code from its .text at {text:#x}")
                self.assertTrue(start <= hexint(bug[0]["address"]) < start + sizes[section],
                                where)
                self.assertEqual(bug[0]["module"], scenario.module_name, where)
        self.check_each_dump(check)

    def test_rd_physical_and_direct_map_agree(self):
        banner = link_symbols()["linux_banner"]

        def check(scenario, kind):
            where = scenario.dump(kind)
            rd = result(scenario, kind, "rd linux_banner")
            self.assertEqual(hexint(rd["address"]), banner + scenario.kernel_offset(kind), where)
            data = bytes.fromhex(rd["bytes"])
            self.assertEqual(len(data), 16 * 8, f"{where}: rd linux_banner 16 gives 16 words")
            self.assertIn(f"Linux version {ABI}".encode(), data, f"{where}: rd linux_banner")
            phys, alias = banner_physical(scenario)
            physical, direct = result(scenario, kind, "rd -p PHYS"), result(scenario, kind,
                                                                              "rd ALIAS")
            self.assertEqual(hexint(physical["address"]), phys, where)
            self.assertNotEqual(physical["space"], direct["space"], where)
            self.assertEqual(physical["bytes"], direct["bytes"],
                             f"{where}: rd -p {phys:#x} 4 vs rd {alias:#x} 4 (the direct map)")
            self.assertEqual(bytes.fromhex(physical["bytes"]), data[:32],
                             f"{where}: rd -p {phys:#x} 4 (linux_banner's physical address)")
        self.check_each_dump(check)


if __name__ == "__main__":
    unittest.main()

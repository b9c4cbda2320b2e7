# ctest-labels: corpus;kernel
"""Module symbols from the dump's own kallsyms (engine/module_kallsyms.*): on the corpus's
module scenarios, `seam -c DUMP -s VMLINUX` WITHOUT seam_crash.ko must name the module's code
and data as it does with the .ko, as the kernel itself did in the serial console's Call Trace
(`seam_crash_level3+0x7d/0xa0 [seam_crash]`), and as drgn did (oracles/drgn.json, the crashed
thread's frames).

Each scenario's paging ELF dump is opened twice, each time one seam process for every command:
  seam -c DUMP -s VMLINUX                    (module symbols from kallsyms)
  seam -c DUMP -s VMLINUX -s seam_crash.ko   (module symbols from the .ko)
The addresses asked: every function and data symbol of the .ko placed where the kernel loaded
its section (start and middle), and the module frames drgn unwound.
"""
import functools
import re
import unittest

import seamtest as st

SCENARIOS = ("module-bug", "module-null", "smp-kthread-spin")
KIND = "elf-paging"
MODULE = "seam_crash"
# The kernel's %pB in a Call Trace or RIP line: "name+0xoff/0xsize [module]".
TRACE_SYMBOL = re.compile(r"([A-Za-z_][\w.]*)\+(0x[0-9a-f]+)/(0x[0-9a-f]+) \[" + MODULE + r"\]")


def ko_symbols(path):
    """[(name, section name, section offset, size)] of the .ko's defined FUNC and OBJECT
    symbols (readelf: ET_REL values are section-relative)."""
    sections = {s["index"]: s["name"] for s in st.elf_sections(path)}
    out = st.run("readelf", "-sW", path).stdout
    symbols = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) != 8 or fields[3] not in ("FUNC", "OBJECT") or not fields[6].isdigit():
            continue
        symbols.append((fields[7], sections[int(fields[6])], int(fields[1], 16),
                        int(fields[2], 0)))
    return symbols


def hexint(value):
    return int(value, 16) if isinstance(value, str) else value


@functools.lru_cache(maxsize=None)
def collected(name):
    scenario = st.corpus_scenario(name)
    dump = scenario.dump(KIND)
    modules = st.seam_vmcore_json(dump, scenario.debug_files(), "mod")
    module = next((m for m in modules if m["name"] == MODULE), None)
    if module is None:
        raise AssertionError(f"{dump}: seam mod lists no {MODULE}: {modules}")
    loaded = {section: hexint(address) for section, address in module["sections"].items()}
    # Addresses of the .ko's symbols in the sections the kernel kept (not .init.*: freed).
    addresses = {}
    for symbol, section, value, size in ko_symbols(scenario.module):
        if section not in loaded or section.startswith(".init") or section == ".modinfo":
            continue
        start = loaded[section] + value
        addresses.setdefault(start, symbol)
        if size > 1:
            addresses.setdefault(start + size // 2, symbol)
    frames = [f for f in st.peer_oracles(scenario)["drgn"]["crashed_thread"]["frames"]
              if (f.get("symbol") or "").startswith("seam_")]
    for f in frames:
        addresses.setdefault(int(f["pc"], 16), f["symbol"])
    commands = [f"sym {a:#x}" for a in sorted(addresses)]
    commands += ["sym seam_crash_level3", "sym seam_crash_do_bug",
                 "rd seam_crash_level3+0x10 8"]
    without, errors_without, _ = st.seam_session(dump, ["-s", scenario.vmlinux], commands)
    with_ko, errors_with, _ = st.seam_session(dump, scenario.debug_files(), commands)
    return {"scenario": scenario, "commands": commands, "addresses": sorted(addresses),
            "frames": frames, "without": without, "with": with_ko,
            "errors": errors_without + errors_with}


def first(result):
    """`sym` answers with a list (by name) or an object (by address)."""
    return result[0] if isinstance(result, list) else result


class ModuleKallsymsTest(unittest.TestCase):
    def scenarios(self):
        for name in SCENARIOS:
            with self.subTest(scenario=name):
                data = collected(name)
                self.assertEqual(data["errors"], [], "\n".join(data["errors"])[:3000])
                yield data

    def test_sym_address_names_as_with_ko(self):
        for data in self.scenarios():
            problems = []
            for command, ours, reference in zip(data["commands"], data["without"], data["with"]):
                if not command.startswith("sym 0x"):
                    continue
                ours, reference = first(ours), first(reference)
                for key in ("name", "address", "offset", "module", "type"):
                    if ours.get(key) != reference.get(key):
                        problems.append(f"{command}: {key} {ours.get(key)!r} without the .ko, "
                                        f"{reference.get(key)!r} with it")
                if ours.get("module") != MODULE:
                    problems.append(f"{command}: module {ours.get('module')!r}")
            self.assertEqual(problems, [], "\n".join(problems[:30]))
            # Not a vacuous pass: the module's functions were all asked.
            self.assertGreater(len(data["addresses"]), 20)

    def test_call_trace_as_kernel_and_drgn_printed_it(self):
        for data in self.scenarios():
            serial = set(TRACE_SYMBOL.findall(data["scenario"].serial_log.read_text(
                errors="replace")))
            self.assertTrue(serial, f"{data['scenario'].serial_log}: no [{MODULE}] trace lines")
            by_command = dict(zip(data["commands"], data["without"]))
            self.assertTrue(data["frames"], "drgn unwound no frame of the module")
            for frame in data["frames"]:
                pc = int(frame["pc"], 16)
                ours = first(by_command[f"sym {pc:#x}"])
                self.assertEqual(ours["name"], frame["symbol"], f"pc {pc:#x} (drgn)")
                printed = (ours["name"], hex(hexint(ours["offset"])), hex(ours["size"]))
                self.assertIn(printed, serial, f"pc {pc:#x}: seam says {printed}, the kernel "
                              f"printed {sorted(serial)}")

    def test_sym_name_and_expression(self):
        for data in self.scenarios():
            by_command = {c: (o, r) for c, o, r in zip(data["commands"], data["without"],
                                                        data["with"])}
            for name in ("seam_crash_level3", "seam_crash_do_bug"):
                ours, reference = by_command[f"sym {name}"]
                self.assertEqual([(s["name"], s["address"], s["module"]) for s in ours],
                                 [(s["name"], s["address"], s["module"]) for s in reference])
                self.assertEqual(ours[0]["demangled"], name)
                self.assertEqual(ours[0]["type"], "t")
            level3 = hexint(by_command["sym seam_crash_level3"][0][0]["address"])
            ours, reference = by_command["rd seam_crash_level3+0x10 8"]
            self.assertEqual(hexint(ours["address"]), level3 + 0x10)
            self.assertEqual(ours, reference)

    def test_unnamed_module_address_is_a_clear_error(self):
        # The freed .init.text of the module: no symbol, an error naming the address.
        data = collected(SCENARIOS[0])
        scenario = data["scenario"]
        modules = st.seam_vmcore_json(scenario.dump(KIND), ["-s", scenario.vmlinux], "mod")
        init = hexint(next(m for m in modules if m["name"] == MODULE)["sections"][".init.text"])
        proc = st.seam_vmcore(scenario.dump(KIND), "-s", scenario.vmlinux, "sym", hex(init))
        self.assertNotEqual(proc.returncode, 0)
        self.assertGreater(proc.returncode, 0, "killed by a signal")
        self.assertIn(f"{init:x}", proc.stderr)


if __name__ == "__main__":
    unittest.main()

# ctest-labels: samples
"""Separate debug info fetched from a real debuginfod server on 127.0.0.1.

The server (elfutils' debuginfod, a Debian package the setup installs) scans
a folder holding the sample's .debug file; Seam, given only the stripped
binary and DEBUGINFOD_URLS, must find the DWARF through it. Without the
variable, the same binary has no debug info and no symbols at all.
"""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request

from seamtest import SAMPLES_DIR, require_tool, run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DebuginfodTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_tool("debuginfod")
        cls.tmp = tempfile.mkdtemp(prefix="seam-debuginfod-")
        scan_dir = os.path.join(cls.tmp, "scan")
        os.makedirs(scan_dir)
        for debug_file in (SAMPLES_DIR / "debugroot" / ".build-id").glob("*/*.debug"):
            shutil.copy(debug_file, scan_dir)
        cls.port = free_port()
        cls.server = subprocess.Popen(
            ["debuginfod", "-p", str(cls.port), "-F", "-t", "1",
             "-d", os.path.join(cls.tmp, "db.sqlite"), scan_dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cls.url = f"http://127.0.0.1:{cls.port}"
        cls.build_id = build_id_of(SAMPLES_DIR / "buildid" / "mixed-gcc-legacy")
        # Ready when the scan has indexed the file (bounded wait, no hang).
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"{cls.url}/buildid/{cls.build_id}/debuginfo", timeout=5)
                return
            except Exception:
                time.sleep(0.5)
        cls.tearDownClass()
        raise AssertionError("debuginfod did not serve the sample's debug info within 60 s")

    @classmethod
    def tearDownClass(cls):
        cls.server.terminate()
        cls.server.wait(timeout=10)
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def symbolize(self, env_extra):
        address = symbol_address(SAMPLES_DIR / "mixed-gcc-legacy", "main")
        env = dict(os.environ, DEBUGINFOD_CACHE_PATH=os.path.join(self.tmp, "cache"))
        env.pop("DEBUGINFOD_URLS", None)
        env.update(env_extra)
        proc = subprocess.run(
            [os.environ.get("SEAM", "seam"), "symbolize", "-v", "--json",
             "-e", str(SAMPLES_DIR / "buildid" / "mixed-gcc-legacy"), hex(address)],
            capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return json.loads(proc.stdout), proc.stderr

    def test_finds_debug_info_through_debuginfod(self):
        result, stderr = self.symbolize({"DEBUGINFOD_URLS": self.url})
        frame = result["frames"][-1]
        self.assertEqual(frame["function"], "main")
        self.assertEqual(frame["language"], "c")
        self.assertTrue(frame["file"].endswith("samples/mixed/main.c"), frame)
        self.assertGreater(frame["line"], 0)
        self.assertEqual(frame["source"], "dwarf")
        self.assertIn(self.build_id, stderr)  # The cached debuginfo path names the build-id.

    def test_without_debuginfod_there_is_no_debug_info(self):
        result, stderr = self.symbolize({})
        self.assertEqual(result["frames"], [])
        self.assertIn("symbol table only", stderr)


def build_id_of(path):
    out = run("readelf", "-n", path).stdout
    for line in out.splitlines():
        if "Build ID:" in line:
            return line.split("Build ID:")[1].strip()
    raise AssertionError(f"{path} has no build-id")


def symbol_address(path, name):
    for line in run("nm", "--defined-only", path).stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == name:
            return int(parts[0], 16)
    raise AssertionError(f"no symbol {name} in {path}")


if __name__ == "__main__":
    unittest.main()

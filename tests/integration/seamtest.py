"""Shared helpers for Seam's integration tests (standard library only).

    from seamtest import seam, sample, run
    out = seam("symbolize", "-e", sample("mixed-gcc-legacy"), "--json", "0x1234")

Environment (set by ctest): SEAM (the seam binary), SEAM_BUILD_DIR, SEAM_SAMPLES_DIR,
SEAM_SOURCE_DIR.
"""
import os
import shutil
import subprocess
from pathlib import Path

SOURCE_DIR = Path(os.environ.get("SEAM_SOURCE_DIR", Path(__file__).resolve().parents[2]))
BUILD_DIR = Path(os.environ.get("SEAM_BUILD_DIR", SOURCE_DIR / "build"))
SEAM = os.environ.get("SEAM", str(BUILD_DIR / "cli" / "seam"))
SAMPLES_DIR = Path(os.environ.get("SEAM_SAMPLES_DIR", BUILD_DIR / "samples"))
# Prepared real-kernel fixtures live beside the repository, never inside it.
SHARED_DIR = Path(os.environ.get("SEAM_SHARED_DIR", SOURCE_DIR.parent / "shared"))
CACHE_DIR = Path(os.environ.get("SEAM_CACHE_DIR", Path.home() / ".cache" / "seam"))


def run(*args, input=None, check=True, timeout=300):
    """Runs a command; returns CompletedProcess with text stdout/stderr."""
    proc = subprocess.run([str(a) for a in args], input=input, capture_output=True,
                          text=True, timeout=timeout)
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

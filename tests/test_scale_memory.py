"""How a worker's memory is measured: its own peak, not one inherited from the process that
started it (Dask's nanny spawns workers by fork + exec, which carries ``ru_maxrss`` over)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rasd.partitions import current_rss, parse_status_kb, peak_rss

ROOT = Path(__file__).resolve().parent.parent

STATUS = "Name:\tpython\nVmPeak:\t  900000 kB\nVmHWM:\t  412345 kB\nVmRSS:\t  301234 kB\n"


@pytest.mark.parametrize(
    ("status", "name", "expected"),
    [
        (STATUS, "VmHWM", 412345),
        (STATUS, "VmRSS", 301234),
        (STATUS, "VmSwap", None),  # absent
        ("VmHWM:\n", "VmHWM", None),  # no figure
        ("VmHWM:\t  n/a kB\n", "VmHWM", None),
        ("XVmHWM:\t 5 kB\n", "VmHWM", None),  # whole key only
    ],
)
def test_parse_status_kb(status, name, expected):
    assert parse_status_kb(status, name) == expected


def test_peak_is_at_least_the_current_resident_memory():
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here: peak_rss falls back to ru_maxrss")
    assert peak_rss() >= current_rss() > 0


# The parent touches 300 MB, frees it, then spawns a child (as Dask's nanny does) that reports
# its getrusage peak and what `peak_rss` measures.
_SPAWN = """
import multiprocessing, resource, sys

def measure(queue):
    from rasd.partitions import peak_rss
    queue.put((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, peak_rss()))

if __name__ == "__main__":
    block = bytearray(300 * 2**20)
    block[:: 4096] = b"x" * len(block[:: 4096])
    del block
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=measure, args=(queue,))
    child.start()
    print(*queue.get(timeout=60))
    child.join()
"""


def test_spawned_worker_reports_its_own_peak_not_its_parents(tmp_path):
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc here")
    script = tmp_path / "spawn_peak.py"  # a file: "spawn" re-imports the parent's main module
    script.write_text(_SPAWN, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, check=True,
        timeout=120,
    )  # fmt: skip
    inherited, own = (int(v) for v in out.stdout.split())
    if inherited < 300 * 2**20:
        pytest.skip("this kernel does not carry ru_maxrss over fork + exec")
    # The child never held the parent's 300 MB block: its own peak is far below.
    assert own < inherited - 200 * 2**20

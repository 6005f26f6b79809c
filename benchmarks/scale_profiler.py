"""What Dask's worker profiler costs in memory: SaudiNewsNet items on a 1-worker local cluster,
with the statistical profiler on or off.

    python benchmarks/scale_profiler.py [--limit 1500] [--profile on|off]

Prints the worker's RSS after the run and how much the profiler keeps (its one-second profiles,
pickled). `rasd.scale` starts its own local workers with the profiler off; this script builds the
cluster itself to compare. Not a test.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import dask
import distributed
from scale import read

from rasd.partitions import current_rss
from rasd.scale import ScaleOptions, analyse_to_parquet


def kept_by_profiler(dask_worker: Any) -> dict[str, float]:
    history = list(dask_worker.profile_history)
    by_key = list(dask_worker.profile_keys_history)
    return {
        "rss_mb": current_rss() / 2**20,
        "profiles": len(history),
        "profiles_pickled_mb": len(pickle.dumps(history)) / 2**20,
        "key_profiles_pickled_mb": len(pickle.dumps(by_key)) / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1500, help="items to read")
    parser.add_argument("--profile", choices=("on", "off"), default="on")
    args = parser.parse_args()
    items, _ = read(args.limit)
    settings = {"distributed.worker.profile.enabled": args.profile == "on"}
    with (
        dask.config.set(settings),
        tempfile.TemporaryDirectory(prefix="rasd-profiler-") as work,
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        started = time.perf_counter()
        options = ScaleOptions(work_dir=work, scheduler=cluster.scheduler_address)
        report = analyse_to_parquet(items, options=options)
        wall = time.perf_counter() - started
        (kept,) = client.run(kept_by_profiler).values()
    print(f"profiler {args.profile}: {report.documents:,} documents in {wall:.0f} s wall; worker "
          f"RSS at the end {kept['rss_mb']:.0f} MB; {kept['profiles']} profiles kept "
          f"({kept['profiles_pickled_mb']:.2f} + {kept['key_profiles_pickled_mb']:.2f} MB "
          "pickled)")  # fmt: skip


if __name__ == "__main__":
    main()

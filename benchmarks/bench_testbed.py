"""Benchmark: generating the testbed (time, peak memory), against an I/O floor.

    .venv/bin/python benchmarks/bench_testbed.py [--quick] [--scale small|medium|large]

The baseline, measured in the same run, writes a table of the register's size (same row
count, random digits) as UTF-8 CSV with pyarrow: the cost of the bytes alone. The ratio says
how much the county, the detention process, names, faults and truth cost on top.
Peak memory is the process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from karez.testbed import SCALES, generate


def baseline_seconds(rows: int) -> float:
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    digits = rng.integers(10**17, 10**18 - 1, size=rows).astype(str)
    table = pa.table({f"c{i}": pa.array(digits) for i in range(6)})
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small scale only")
    parser.add_argument("--scale", default=None, choices=list(SCALES))
    args = parser.parse_args()
    scale = "small" if args.quick else (args.scale or "medium")
    rows = SCALES[scale].register_rows
    base = baseline_seconds(rows)
    with tempfile.TemporaryDirectory(prefix="karez-bench-testbed-") as folder:
        start = time.perf_counter()
        summary = generate(Path(folder) / "tb", seed=1, scale=scale)
        took = time.perf_counter() - start
        size = sum(p.stat().st_size for p in (Path(folder) / "tb").rglob("*") if p.is_file())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"testbed generate --scale {scale} (seed 1), measured on a shared 2-core machine under load")
    print(f"  persons {summary['counts']['persons']:,}, register rows {rows:,}, "
          f"mentions {summary['counts']['mentions']:,}, output {size / 1e6:.1f} MB")
    print(f"  generate: {took:.1f} s; peak RSS {peak_mb:.0f} MB")
    print(f"  baseline (pyarrow CSV of {rows:,} rows x 6 columns): {base:.2f} s; ratio {took / base:.1f}x")
    sys.stdout.flush()


if __name__ == "__main__":
    main()

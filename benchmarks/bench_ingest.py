"""Benchmark: ingest of a 1,000,000-row register CSV into a case, with full provenance.

Baseline, measured in the same run: DuckDB's own `read_csv` of the same file into a bare
table (the practical ceiling). Prints rows/s, peak memory (of a child process each, so the two
measurements do not share a heap) and the ratio.

    .venv/bin/python benchmarks/bench_ingest.py [--rows N] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAPPING = """karez_mapping: 1
name: benchmark register
persons:
  - role: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      birth_date: {column: 出生日期}
      sex: {column: 性别}
      ethnicity: {column: 民族}
      address: {column: 住址}
      employer: {column: 工作单位}
      phone: {column: 电话}
"""

GIVEN = ["买买提", "阿卜杜拉", "艾力", "吐尔逊", "古丽", "阿依古丽", "热依拉", "努尔", "艾买提", "麦麦提"]


def write_csv(path: Path, rows: int) -> None:
    rng = random.Random(7)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("姓名,身份证号,出生日期,性别,民族,住址,工作单位,电话\n")
        for i in range(rows):
            y, m, d = rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)
            out.write(
                f"{rng.choice(GIVEN)}·{rng.choice(GIVEN)},65322{y % 10}{y}{m:02d}{d:02d}{i % 1000:03d}X,"
                f"{y}-{m:02d}-{d:02d},{'男' if i % 2 else '女'},维吾尔族,墨玉县{rng.randint(1, 16)}乡{rng.randint(1, 30)}村,"
                f"合作社{rng.randint(1, 99)},13{rng.randint(100000000, 999999999)}\n"
            )


def child(kind: str, csv_path: str, workdir: str) -> None:
    """Runs in a child process; prints seconds and peak RSS as JSON."""
    start = time.perf_counter()
    if kind == "karez":
        os.environ.setdefault("KAREZ_HOME", str(Path(workdir) / "home"))
        import karez

        mapping = Path(workdir) / "register.mapping.yaml"
        mapping.write_text(MAPPING, encoding="utf-8")
        case = karez.Case.init(Path(workdir) / "case")
        source = case.add(csv_path)
        start = time.perf_counter()  # the ingest only; adding is hashing, measured apart
        result = case.ingest(source.source_id, mapping)
        rows = result.counts["records"]
        case.close()
    else:
        import duckdb

        con = duckdb.connect(str(Path(workdir) / "bare.duckdb"))
        con.execute(f"CREATE TABLE bare AS SELECT * FROM read_csv('{csv_path}', all_varchar = true)")
        rows = con.execute("SELECT count(*) FROM bare").fetchone()[0]
        con.close()
    seconds = time.perf_counter() - start
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mib": peak_kib / 1024}))


def measure(kind: str, csv_path: Path) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        out = subprocess.run(
            [sys.executable, __file__, "--child", kind, str(csv_path), workdir],
            check=True, capture_output=True, text=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    rows = 100_000 if args.quick else args.rows
    with tempfile.TemporaryDirectory() as folder:
        csv_path = Path(folder) / "register.csv"
        write_csv(csv_path, rows)
        size_mb = csv_path.stat().st_size / 1e6
        baseline = measure("duckdb", csv_path)
        karez_run = measure("karez", csv_path)
    k_rate = karez_run["rows"] / karez_run["seconds"]
    b_rate = baseline["rows"] / baseline["seconds"]
    print(f"ingest benchmark: {rows:,}-row CSV ({size_mb:,.0f} MB), {os.cpu_count()} cores")
    print(f"  duckdb read_csv (baseline): {baseline['seconds']:.2f} s  {b_rate:,.0f} rows/s  peak {baseline['peak_mib']:,.0f} MiB")
    print(f"  karez ingest (provenance):  {karez_run['seconds']:.2f} s  {k_rate:,.0f} rows/s  peak {karez_run['peak_mib']:,.0f} MiB")
    print(f"  ratio karez/baseline speed: {k_rate / b_rate:.2f}  (goal >= 0.30; goal >= 250,000 rows/s)")
    if not args.quick:
        # The memory goal: a 200 MB CSV streams through with peak memory under 2 GB.
        with tempfile.TemporaryDirectory() as folder:
            big = Path(folder) / "register-200mb.csv"
            write_csv(big, 1_850_000)
            size_mb = big.stat().st_size / 1e6
            run = measure("karez", big)
        print(f"  {size_mb:,.0f} MB CSV: karez ingest {run['seconds']:.1f} s, peak {run['peak_mib']:,.0f} MiB (goal < 2,048 MiB)")


if __name__ == "__main__":
    main()

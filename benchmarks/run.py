"""Run every benchmark (`make bench`): each `benchmarks/bench_*.py` in turn, in its own process.

    .venv/bin/python benchmarks/run.py [--quick] [NAME ...]

Each benchmark prints its figures and its ratio to a baseline measured in the same run. The
output is also written to `bench-out/latest.txt` with the machine it ran on, so the figures can
be copied into docs/benchmarks.md.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ORDER = ["ingest", "testbed", "names", "verify", "link", "estimate", "analyse"]


def machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as handle:
            kib = int(handle.readline().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores{memory}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    quick = "--quick" in sys.argv
    scripts = sorted(HERE.glob("bench_*.py"), key=lambda p: (ORDER.index(p.stem[6:]) if p.stem[6:] in ORDER else 99, p.name))
    if args:
        scripts = [s for s in scripts if s.stem[6:] in args]
    out_dir = HERE.parent / "bench-out"
    out_dir.mkdir(exist_ok=True)
    lines = [f"# karez benchmarks, {time.strftime('%Y-%m-%d %H:%M')}", f"machine: {machine()}", ""]
    print("\n".join(lines), flush=True)
    failed = []
    for script in scripts:
        started = time.perf_counter()
        command = [sys.executable, str(script)] + (["--quick"] if quick else [])
        result = subprocess.run(command, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        block = f"## {script.stem} ({elapsed:.0f} s)\n{result.stdout.strip()}\n"
        if result.returncode != 0:
            failed.append(script.stem)
            block += f"FAILED (exit {result.returncode}):\n{result.stderr.strip()[-3000:]}\n"
        print(block, flush=True)
        lines.append(block)
    (out_dir / "latest.txt").write_text("\n".join(lines), encoding="utf-8")
    if failed:
        sys.exit(f"benchmarks failed: {', '.join(failed)}")


if __name__ == "__main__":
    main()

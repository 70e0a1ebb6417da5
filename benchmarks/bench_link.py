"""Benchmark `karez link` on a testbed, against plain Splink measured in the same run.

karez: the karez model (names across scripts through `karez.names`, ID number with typo
levels, birth date from the date, the ID number or an age, sex, place across scripts,
relatives) with its blocking rules, and the one-to-one assignment of mentions left alone
(`karez.link.assign`). Baseline: plain Splink, its standard `NameComparison`
on the raw name strings as written, exact ID number, Splink's `DateOfBirthComparison`,
exact sex, blocking on raw name, ID number or birth date. Both are trained the same way
(λ from deterministic rules, u by seeded random sampling, m by EM) and clustered by the
same constrained clustering at the same threshold (the baseline without the assignment),
so the difference is the comparisons, the blocking and the assignment. Figures: time end to end (frame, train, predict, cluster, store), peak
memory of this process, pairwise precision/recall/F1 overall and per source pair
(testimony <> list especially), B-cubed, blocking recall.

    .venv/bin/python benchmarks/bench_link.py            # medium testbed (generated here)
    .venv/bin/python benchmarks/bench_link.py --quick    # small testbed
    .venv/bin/python benchmarks/bench_link.py --testbed OUT [--case CASE]   # reuse one

Generating and ingesting the medium testbed takes minutes and is not part of the timing.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from karez.custody import Case
from karez.link import baseline_model, link
from karez.link.evaluate import evaluate
from karez.testbed import Truth, build_case, generate

TESTIMONY = "testimonies.jsonl"
LISTS = ("karakax_list.xlsx", "karakax_list.pdf", "police_status.xlsx")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _run(case_path: Path, truth: Truth, spec: Any | None) -> dict[str, Any]:
    started = time.perf_counter()
    with Case.open(case_path) as case:
        # the baseline is plain Splink: no one-to-one assignment on top of it
        result = link(case, spec=spec, assign=False) if spec is not None else link(case)
        seconds = time.perf_counter() - started
        report = evaluate(case, truth, spec=spec)
    def pooled(keep: Any) -> dict[str, Any]:
        """Precision, recall and F1 over the source pairs `keep` accepts, pooled."""
        chosen = [value for key, value in report["per_source_pair"].items() if keep(key)]
        tp = sum(v["correct_pairs"] for v in chosen)
        predicted = sum(v["predicted_pairs"] for v in chosen)
        true = sum(v["true_pairs"] for v in chosen)
        precision = tp / predicted if predicted else 1.0
        recall = tp / true if true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4), "true_pairs": true}

    return {
        "seconds": round(seconds, 1),
        "stage_seconds": result.timings,
        "mentions": result.n_mentions,
        "pairs_kept": result.n_pairs,
        "persons": result.n_persons,
        "assigned": result.n_assigned,
        "pairwise": report["pairwise"],
        "testimony_vs_lists": pooled(lambda key: TESTIMONY in key and any(name in key for name in LISTS)),
        # the same witness (or missing person) in two testimonies
        "testimony_vs_testimony": pooled(lambda key: key == f"{TESTIMONY} <> {TESTIMONY}"),
        "bcubed": report["bcubed"],
        "blocking_recall": report["blocking"]["recall"],
        "per_source_pair": {k: v["f1"] for k, v in report["per_source_pair"].items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small testbed instead of medium")
    parser.add_argument("--testbed", type=Path, help="an already generated testbed folder (OUT)")
    parser.add_argument("--case", type=Path, help="a case already built from --testbed (not modified)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    scale = "small" if args.quick else "medium"

    with tempfile.TemporaryDirectory(prefix="karez-bench-link-") as tmp:
        work = Path(tmp)
        testbed = args.testbed
        if testbed is None:
            testbed = work / "testbed"
            mark = time.perf_counter()
            generate(testbed, seed=args.seed, scale=scale)
            print(f"generated the {scale} testbed in {time.perf_counter() - mark:.0f} s", file=sys.stderr, flush=True)
        source_case = args.case
        if source_case is None:
            source_case = work / "case"
            mark = time.perf_counter()
            build_case(testbed, source_case)
            print(f"built and ingested the case in {time.perf_counter() - mark:.0f} s", file=sys.stderr, flush=True)
        truth = Truth(testbed / "truth")
        figures: dict[str, Any] = {"scale": Truth(testbed).summary.get("scale", scale)}
        for name, spec in (("karez", None), ("baseline", baseline_model())):
            if name == "baseline" and args.skip_baseline:
                continue
            copy = work / f"case-{name}"
            shutil.copytree(source_case, copy)
            figures[name] = _run(copy, truth, spec)
            print(f"{name}: {figures[name]['seconds']} s, pairwise F1 {figures[name]['pairwise']['f1']}, "
                  f"testimony<>lists F1 {figures[name]['testimony_vs_lists']['f1']}", file=sys.stderr, flush=True)
            shutil.rmtree(copy)
        figures["peak_memory_mb"] = round(_peak_mb())
        if "baseline" in figures:
            k, b = figures["karez"], figures["baseline"]
            def ratio(ours: float, theirs: float) -> float | None:
                return round(ours / theirs, 3) if theirs else None  # None: the baseline found nothing

            figures["ratios"] = {
                "pairwise_f1": ratio(k["pairwise"]["f1"], b["pairwise"]["f1"]),
                "testimony_vs_lists_f1": ratio(k["testimony_vs_lists"]["f1"], b["testimony_vs_lists"]["f1"]),
                "seconds": ratio(k["seconds"], b["seconds"]),
            }
    figures["note"] = "measured on 2 cores shared with other work (under load)"
    if args.json:
        print(json.dumps(figures, indent=2, ensure_ascii=False))
        return
    print(f"\nkarez link benchmark, {figures['scale']} testbed ({figures['note']})")
    header = f"{'':28}{'karez':>12}{'baseline':>12}"
    print(header)
    rows = (
        ("mentions", lambda f: f["mentions"]),
        ("seconds end to end", lambda f: f["seconds"]),
        ("pairwise precision", lambda f: f["pairwise"]["precision"]),
        ("pairwise recall", lambda f: f["pairwise"]["recall"]),
        ("pairwise F1", lambda f: f["pairwise"]["f1"]),
        ("testimony<>lists precision", lambda f: f["testimony_vs_lists"]["precision"]),
        ("testimony<>lists recall", lambda f: f["testimony_vs_lists"]["recall"]),
        ("testimony<>lists F1", lambda f: f["testimony_vs_lists"]["f1"]),
        ("testimony<>testimony P", lambda f: f["testimony_vs_testimony"]["precision"]),
        ("testimony<>testimony R", lambda f: f["testimony_vs_testimony"]["recall"]),
        ("testimony<>testimony F1", lambda f: f["testimony_vs_testimony"]["f1"]),
        ("alone mentions assigned", lambda f: f["assigned"]),
        ("B-cubed F1", lambda f: f["bcubed"]["f1"]),
        ("blocking recall", lambda f: f["blocking_recall"]),
    )
    for label, get in rows:
        values = [get(figures[n]) if n in figures else "-" for n in ("karez", "baseline")]
        print(f"{label:28}{values[0]!s:>12}{values[1]!s:>12}")
    print(f"peak memory: {figures['peak_memory_mb']} MB")
    if "ratios" in figures:
        print("ratios karez/baseline: " + ", ".join(
            f"{k} {'n/a (baseline 0)' if v is None else v}" for k, v in figures["ratios"].items()))


if __name__ == "__main__":
    main()

"""Benchmark of the analysis stage: reason coding throughput and report build time.

    .venv/bin/python benchmarks/bench_analyse.py [--quick] [--scale small|medium] [--out DIR]

1. Coding: every reason text of a generated testbed (repeated to N texts) coded with the full
   taxonomy (regex patterns on folded text, evidence spans, overrides), against a baseline
   measured in the same run: a literal keyword lookup (`keyword in text`) over the taxonomy's
   plain Chinese patterns, which finds categories but no spans, no other scripts, no overrides.
2. Report (not with --quick): `write_report` on the testbed case, against the baseline of
   reading the canonical tables it uses from DuckDB into pandas.

Figures depend on the machine; the ratios are the point.
"""

from __future__ import annotations

import argparse
import re
import shutil
import tempfile
import time
from pathlib import Path


def _literal_baseline(taxonomy) -> list[tuple[str, str]]:
    plain = re.compile(r"^[^\\.\[\]\(\)\{\}\*\+\?\|\^\$]+$")
    return [(p.category, p.source) for p in taxonomy.patterns if p.lang == "zh" and plain.match(p.source)]


def bench_coding(texts: list[str]) -> dict[str, float]:
    from karez.analyse import code_text, load_taxonomy

    taxonomy = load_taxonomy()
    literals = _literal_baseline(taxonomy)
    start = time.perf_counter()
    found_baseline = 0
    for text in texts:
        found_baseline += len({category for category, literal in literals if literal in text})
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    found = 0
    for text in texts:
        found += len(code_text(taxonomy, text))
    karez = time.perf_counter() - start
    return {"texts": len(texts), "karez_s": karez, "baseline_s": baseline,
            "karez_texts_per_s": len(texts) / karez, "baseline_texts_per_s": len(texts) / baseline,
            "codings": found, "baseline_codings": found_baseline, "patterns": len(taxonomy.patterns),
            "baseline_literals": len(literals)}


def bench_report(case_path: Path, out: Path) -> dict[str, float]:
    from karez.analyse.report import write_report
    from karez.custody import Case

    with Case.open(case_path) as case:
        start = time.perf_counter()
        for table in ("mentions", "reasons", "events", "relations", "classifications", "notes", "records"):
            case.store.df(f"SELECT * FROM {table}")
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        result = write_report(case, out)
        karez = time.perf_counter() - start
        reasons = case.store.count("reasons")
        mentions = case.store.count("mentions")
    return {"report_s": karez, "load_tables_s": baseline, "reasons": reasons, "mentions": mentions,
            "report_bytes": result.path.stat().st_size, "tables": result.tables, "charts": result.charts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="coding only, fewer texts")
    parser.add_argument("--scale", default="small", help="testbed scale for the report run")
    parser.add_argument("--out", type=Path, default=None, help="keep the testbed and report here")
    args = parser.parse_args()

    from karez.testbed import Truth, build_case, generate

    work = args.out or Path(tempfile.mkdtemp(prefix="karez-bench-analyse-"))
    if work.exists() and args.out is not None:
        shutil.rmtree(work)
    generate(work / "testbed", seed=2020, scale="small" if args.quick else args.scale)
    texts = list(Truth(work / "testbed" / "truth").reasons["text"])
    target = 5_000 if args.quick else 50_000
    texts = (texts * (target // max(1, len(texts)) + 1))[:target]
    coding = bench_coding(texts)
    print(f"coding: {coding['texts']:,} reason texts, {coding['patterns']} patterns")
    print(f"  karez taxonomy coder : {coding['karez_s']:.2f} s  ({coding['karez_texts_per_s']:,.0f} texts/s, "
          f"{coding['codings']:,} codings with evidence spans)")
    print(f"  baseline keyword `in`: {coding['baseline_s']:.2f} s  ({coding['baseline_texts_per_s']:,.0f} texts/s, "
          f"{coding['baseline_literals']} literals, {coding['baseline_codings']:,} categories found)")
    print(f"  ratio karez / baseline time: {coding['karez_s'] / coding['baseline_s']:.1f}x")
    if not args.quick:
        build_case(work / "testbed", work / "case")
        report = bench_report(work / "case", work / "report")
        print(f"report: {report['mentions']:,} mentions, {report['reasons']:,} reasons -> "
              f"{report['tables']} tables, {report['charts']} charts, {report['report_bytes'] / 1e6:.1f} MB")
        print(f"  write_report         : {report['report_s']:.2f} s")
        print(f"  baseline load tables : {report['load_tables_s']:.2f} s")
        print(f"  ratio report / load  : {report['report_s'] / report['load_tables_s']:.1f}x")
    print("(measured on a shared 2-core machine under load from other work)")
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

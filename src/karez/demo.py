"""The end-to-end demo behind `make run`: a synthetic county, its leaks, and every stage on them.

    python -m karez.demo [--out demo] [--seed 2020] [--scale small]

Everything here is synthetic, made by the testbed. The demo goes through the same public API
a user's commands call.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

console = Console()


def _step(title: str) -> float:
    console.rule(f"[bold]{title}")
    return time.perf_counter()


def run(out: Path, *, seed: int = 2020, scale: str = "small") -> dict:
    """Run the demo into `out` (replacing an earlier demo there); returns what it made."""
    from karez import Case, testbed

    if out.exists():
        shutil.rmtree(out)
    testbed_dir, case_dir = out / "testbed", out / "case"
    made: dict = {}

    t = _step("1. Generate a synthetic county and its leaks (testbed)")
    summary = testbed.generate(testbed_dir, seed=seed, scale=scale)
    console.print(f"{summary['counts']['county_population']:,} fictional people in the county; true number detained: "
                  f"{summary['true_detained']}  ({time.perf_counter() - t:.1f} s)")

    t = _step("2. Build a case: add every leak to the vault and ingest it with its mapping")
    counts = testbed.build_case(testbed_dir, case_dir)
    for leak, per_table in counts.items():
        console.print(f"  {leak}: " + ", ".join(f"{k} {v:,}" for k, v in per_table.items() if v))
    console.print(f"({time.perf_counter() - t:.1f} s)")

    with Case.open(case_dir) as case:
        t = _step("3. Custody: integrity and a seal")
        report = case.integrity()
        console.print(f"integrity: {'INTACT' if report.ok else 'NOT INTACT'}; {report.checked}")
        seal = case.seal()
        console.print(f"seal fingerprint {seal.fingerprint} (key {seal.key_fingerprint}) — send it to your editor")
        made["seal"] = seal.fingerprint

        t = _step("4. Link the same people across sources (karez link)")
        from karez.link import link

        linked = link(case)
        multi = linked.multi_source_persons()
        table = Table("person", "sources", "names as written")
        for person in multi[:15]:
            table.add_row(person["person_id"], ", ".join(person["sources"]), " | ".join(person["names"][:4]))
        console.print(f"{len(multi):,} people found in more than one source; the first {min(15, len(multi))}:")
        console.print(table)
        console.print(f"({time.perf_counter() - t:.1f} s)")

        t = _step("5. Authenticate, with corroboration across the linked sources (karez verify)")
        from karez.verify import verify

        verified = verify(case)
        console.print(verified.summary)
        html = out / "verify.html"
        verified.to_html(html)
        console.print(f"verification report: {html}  ({time.perf_counter() - t:.1f} s)")

        t = _step("6. Estimate how many were detained (karez estimate)")
        from karez.estimate import capture_histories, compare
        from karez.estimate.methods import THREE_LISTS_WARNING

        # The PDF is a rendering of the same list as the XLSX, and the register names residents,
        # not detainees: the lists for estimation are the independent lists of detainees.
        lists = ["karakax_list.xlsx", "police_status.xlsx", "testimonies.jsonl"]
        histories = capture_histories(case, lists)
        results = compare(histories, ("independence", "stepwise", "lcmcr"), seed=seed)
        for result in results:
            low, high = result.interval if result.interval else (float("nan"), float("nan"))
            console.print(f"  {result.method:<12} {result.estimate:>8,.0f}  95% interval {low:,.0f}–{high:,.0f}  ({result.model})")
            for warning in [w for w in result.warnings if w != THREE_LISTS_WARNING][:1]:
                console.print(f"    [yellow]{warning}[/]")
        if any(THREE_LISTS_WARNING in r.warnings for r in results):
            console.print(f"  [yellow]{THREE_LISTS_WARNING}[/]")
        truth = summary["true_detained"]
        console.print(f"true number detained in this synthetic county: {truth} "
                      f"(observed on these lists: {histories.n_observed})  ({time.perf_counter() - t:.1f} s)")
        if not any(r.interval and r.interval[0] <= truth <= r.interval[1] for r in results):
            console.print("  no interval covers the truth: the testbed gives each person one visibility "
                          "shared by every list, the failure the warning above describes "
                          "(docs/estimate.md, 'Testbed evaluation')")

        t = _step("7. Analyse and report (karez report)")
        from karez.analyse import write_report

        written = write_report(case, out / "report")
        made["report"] = str(written.path)
        integrity_after = case.integrity().ok
    console.rule()
    console.print(f"case: {case_dir}   integrity after all stages: {'INTACT' if integrity_after else 'NOT INTACT'}")
    console.print(f"[bold green]report: {made['report']}")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("demo"))
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--scale", default="small")
    args = parser.parse_args()
    run(args.out, seed=args.seed, scale=args.scale)


if __name__ == "__main__":
    main()

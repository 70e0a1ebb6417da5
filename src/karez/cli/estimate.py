"""`karez estimate`: how many people were detained, including those on no list."""

from __future__ import annotations

from pathlib import Path

import typer

from karez.cli.common import console, print_json


def register(app: typer.Typer) -> None:
    """Add the top-level `estimate` command to the karez CLI."""

    @app.command("estimate")
    def estimate_command(
        case_path: Path | None = typer.Argument(
            None, help="A linked case folder (or give --counts instead)."),
        counts: Path | None = typer.Option(
            None, "--counts", help="A JSON file of counts per capture pattern "
            '({"lists": [...], "counts": {"10100": 19, ...}}, or several such entries by name).'),
        dataset: str | None = typer.Option(None, "--dataset", help="Which entry of a --counts file holding several."),
        lists: list[str] | None = typer.Option(
            None, "--lists", help="A source of the case to use as a list (source id or file name); repeat it. "
            "Default: every source naming subjects."),
        strata: str | None = typer.Option(
            None, "--strata", help="Estimate separately per sex, township, village, ethnicity or birth_decade."),
        method: str = typer.Option(
            "stepwise", "--method", help="independence | stepwise | bic | aic | lcmcr | bma"),
        compare_all: bool = typer.Option(False, "--compare", help="Run every method side by side."),
        max_order: int = typer.Option(2, "--max-order", help="bic/aic: highest order of interaction considered."),
        pthresh: float = typer.Option(0.02, "--pthresh", help="stepwise: p-value below which a pair is added."),
        bootstrap: int | None = typer.Option(
            None, "--bootstrap", help="Bootstrap replicates for log-linear intervals (default 1000 for "
            "independence/stepwise, 0 for bic/aic, whose bootstrap takes about a second per replicate)."),
        top_models: int | None = typer.Option(
            None, "--top-models", help="bic/aic with --bootstrap: each replicate chooses among the K models "
            "best on the data instead of all of them (much faster; Silverman, Chan & Vincent 2024, section 2.5). "
            "The estimate itself still comes from the full search."),
        seed: int | None = typer.Option(None, "--seed", help="Random seed (bootstrap, sampler)."),
        level: float = typer.Option(0.95, "--level", help="Interval level."),
        chains: int = typer.Option(4, "--chains", help="lcmcr: number of chains."),
        iterations: int = typer.Option(10_000, "--iterations", help="lcmcr: kept iterations per chain."),
        burn_in: int = typer.Option(2_000, "--burn-in", help="lcmcr: iterations discarded per chain."),
        consistency: bool = typer.Option(
            False, "--consistency", help="Also estimate each list from the others, where the truth is known."),
        sensitivity: bool = typer.Option(
            False, "--sensitivity", help="Case only: re-estimate from clusters at several match thresholds."),
        json_output: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    ) -> None:
        """Estimate the total number of people, listed or not, from overlapping lists
        (multiple systems estimation). The unlisted are estimated, never identified."""
        from karez.estimate import (
            EstimateError,
            capture_histories,
            compare,
            estimate,
            internal_consistency,
            load_counts,
            sensitivity_to_linkage,
            stratified_capture_histories,
        )

        if (case_path is None) == (counts is None):
            raise EstimateError("give either a case folder or --counts FILE (not both)")
        options = {
            "max_order": max_order, "pthresh": pthresh, "bootstrap": bootstrap, "level": level,
            "chains": chains, "iterations": iterations, "burn_in": burn_in, "top_models": top_models,
        }
        sensitivity_rows = None
        case = None
        if counts is not None:
            if strata or lists or sensitivity:
                raise EstimateError("--lists, --strata and --sensitivity need a case, not --counts")
            groups = {None: load_counts(counts, dataset)}
        else:
            from karez.custody import Case

            case = Case.open(case_path)
            if strata:
                groups = dict(stratified_capture_histories(case, strata, lists or None))
            else:
                groups = {None: capture_histories(case, lists or None)}
            if sensitivity:
                sensitivity_rows = sensitivity_to_linkage(case, lists=lists or None, method="stepwise" if method in ("lcmcr", "bma") else method, bootstrap=0, seed=seed)

        try:
            payload: list | dict = []
            results = []
            for histories in groups.values():
                if compare_all:
                    found = compare(histories, seed=seed, **options)
                else:
                    if method == "lcmcr":
                        wanted: tuple[str, ...] = ("level", "chains", "iterations", "burn_in")
                    elif method == "bma":
                        wanted = ("level",)
                    else:
                        # top_models reaches every log-linear method so that estimate() refuses
                        # it, with a reason, where it does not apply (rather than ignoring it).
                        wanted = ("level", "max_order", "pthresh", "bootstrap", "top_models")
                    chosen = {k: v for k, v in options.items() if k in wanted}
                    found = [estimate(histories, method, seed=seed, **chosen)]
                results.extend(found)
            consistency_rows = None
            if consistency:
                consistency_rows = {
                    str(key): internal_consistency(h, "stepwise" if method in ("lcmcr", "bma") else method, pthresh=pthresh, max_order=max_order)
                    for key, h in groups.items()
                }
            if case is not None:
                case.record(
                    "estimate",
                    inputs={"lists": list(next(iter(groups.values())).lists), "strata": strata},
                    outputs={"estimates": [r.to_dict() for r in results]},
                    details={"method": "compare" if compare_all else method, "seed": seed},
                )
        finally:
            if case is not None:
                case.close()

        if json_output:
            dicts = [r.to_dict() for r in results]
            if compare_all or len(dicts) > 1:
                payload = dicts
            else:
                payload = dicts[0]
            if consistency_rows is not None or sensitivity_rows is not None:
                payload = {"estimates": payload}
                if consistency_rows is not None:
                    payload["internal_consistency"] = consistency_rows
                if sensitivity_rows is not None:
                    payload["sensitivity_to_linkage"] = sensitivity_rows
            print_json(payload)
            return
        _print_table(results)
        if consistency_rows is not None:
            for key, rows in consistency_rows.items():
                console.print(f"internal consistency{'' if key == 'None' else ' ' + key}:", markup=False)
                for row in rows:
                    if "error" in row:
                        console.print(f"  {row['list']}: cannot check ({row['error']})", markup=False)
                    else:
                        console.print(
                            f"  {row['list']}: {row['missed_by_others']:,} of its {row['known']:,} people are on "
                            f"no other list; the others estimate {row['estimated_missed']:,.0f}", markup=False)
        if sensitivity_rows is not None:
            console.print("sensitivity to linkage:", markup=False)
            for row in sensitivity_rows:
                console.print(f"  threshold {row['threshold']}: {row['people_listed']:,} people, "
                              f"estimate {row['estimate']:,.0f}", markup=False)


def _print_table(results) -> None:
    from rich.table import Table

    table = Table(title="karez estimate")
    for column in ("stratum", "method", "estimate", "interval", "kind", "listed", "model"):
        table.add_column(column)
    for r in results:
        interval = "-" if not r.interval else f"{r.interval[0]:,.0f} – {r.interval[1]:,.0f}"
        estimate_text = "refused" if r.estimate != r.estimate else f"{r.estimate:,.0f}"
        table.add_row(r.stratum or "", r.method, estimate_text, interval, r.interval_kind,
                      f"{r.n_observed:,}", r.model)
    console.print(table)
    seen = set()
    for r in results:
        for warning in r.warnings:
            if warning not in seen:
                seen.add(warning)
                console.print(f"warning: {warning}", markup=False, style="yellow")

"""A case from a generated testbed in one step, and the ingest evaluation."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from karez.errors import KarezError
from karez.testbed.truth import Truth, _join_locators


def build_case(out: str | Path, case_path: str | Path, *, progress: bool = False) -> dict[str, Any]:
    """Add every leak of the testbed in `out` to a new case at `case_path` and ingest each with
    its mapping, through the same Case API a user's `karez add` / `karez ingest` use.
    Returns {leak file: ingest counts}."""
    from karez import Case
    from karez.testbed.generate import LEAK_MAPPINGS, TestbedError

    out = Path(out)
    truth = Truth(out / "truth")
    results: dict[str, Any] = {}
    with Case.init(case_path) as case:
        for file in truth.summary["leaks"]:
            leak, mapping = out / "leaks" / file, out / "leaks" / LEAK_MAPPINGS[file]
            if not leak.is_file() or not mapping.is_file():
                raise TestbedError(f"{leak}: the leak or its mapping {mapping.name} is missing; "
                                   "generate the testbed again")
            source = case.add(leak, note="synthetic karez testbed leak", acquired_from="karez testbed")
            result = case.ingest(source.source_id, mapping, progress=progress)
            results[file] = dict(result.counts)
    return results


def evaluate_ingest(case: Any, truth: Truth) -> dict[str, Any]:
    """Every truth mention found among the case's mentions and vice versa, per leak file."""
    found = truth.case_mentions(case)
    joined = _join_locators(found, truth.mentions)
    from karez.testbed.truth import _key

    truth_keys = _key(truth.mentions)
    found_keys = set(_key(found)) if len(found) else set()
    per_leak: dict[str, dict[str, int]] = {}
    for file in truth.summary["leaks"]:
        expected = truth.mentions["file"] == file
        in_case = joined["file"].map(lambda f: Path(str(f)).name) == file
        missing = int((~truth_keys[expected].isin(found_keys)).sum())
        per_leak[file] = {
            "truth_mentions": int(expected.sum()),
            "ingested_mentions": int(in_case.sum()),
            "matched": int(joined.loc[in_case, "person_id"].notna().sum()),
            "missing": missing,
            "unexpected": int(joined.loc[in_case, "person_id"].isna().sum()),
        }
    total = {k: sum(v[k] for v in per_leak.values()) for k in next(iter(per_leak.values()), {})}
    return {"stage": "ingest", "ok": total.get("missing", 0) == 0 and total.get("unexpected", 0) == 0,
            "total": total, "per_leak": per_leak}


def evaluate_stage(stage: str, case_path: str | Path, truth_dir: str | Path) -> dict[str, Any]:
    """Run `karez.<stage>.evaluate:evaluate(case, truth)` (ingest: `evaluate_ingest`)."""
    from karez import Case

    truth = Truth(truth_dir)
    if stage == "ingest":
        function = evaluate_ingest
    else:
        try:
            module = importlib.import_module(f"karez.{stage}.evaluate")
        except ModuleNotFoundError as error:
            raise KarezError(f"stage {stage!r} has no evaluation (no module karez.{stage}.evaluate); "
                             "use ingest or a stage that provides one") from error
        function = module.evaluate
    with Case.open(case_path) as case:
        return function(case, truth)

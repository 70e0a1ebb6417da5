"""`generate(out, seed=..., scale=...)`: the synthetic county, its leaks and their truth."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from karez.errors import KarezError
from karez.testbed import karakax, leaks, register
from karez.testbed.detention import LIST_DATE, simulate_detention
from karez.testbed.faults import DEFAULT_RATES, FaultRates, concat_logs
from karez.testbed.files import synthetic_note
from karez.testbed.leakbase import LOCATOR, Context
from karez.testbed.lexicon import load_lexicon
from karez.testbed.population import build_population, outside_people
from karez.testbed.truth import build_relations, write_table


class TestbedError(KarezError):
    """The testbed cannot be generated as asked."""


@dataclass(frozen=True)
class Scale:
    """Sizes of one scale: county population, Karakax-style list rows, register rows."""

    people: int
    list_rows: int
    register_rows: int


SCALES = {
    "small": Scale(people=2_000, list_rows=300, register_rows=3_000),
    "medium": Scale(people=50_000, list_rows=2_500, register_rows=100_000),
    "large": Scale(people=650_000, list_rows=5_000, register_rows=2_500_000),
}
# Leaks in the order build_case adds them, each with its mapping file.
LEAK_MAPPINGS = {
    "karakax_list.xlsx": "karakax_list.mapping.yaml",
    "karakax_list.pdf": "karakax_list_pdf.mapping.yaml",
    "police_status.xlsx": "police_status.mapping.yaml",
    "testimonies.jsonl": "testimonies.mapping.yaml",
    "register.csv": "register.mapping.yaml",
}


def generate(out: str | Path, *, seed: int = 0, scale: str = "small",
             rates: FaultRates = DEFAULT_RATES) -> dict[str, Any]:
    """Generate the testbed into `out` (leaks in `out/leaks`, truth in `out/truth`).

    Deterministic: the same seed and scale give byte-identical files. Returns the summary
    that is also written to `out/truth/summary.json`.
    """
    from karez import __version__

    if scale not in SCALES:
        raise TestbedError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    size = SCALES[scale]
    out = Path(out)
    if out.exists() and any(p.name not in ("leaks", "truth") for p in out.iterdir()):
        raise TestbedError(f"{out} holds other files: give an empty or new folder for the testbed")
    leak_dir, truth_dir = out / "leaks", out / "truth"
    leak_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)

    rng = np.random.default_rng(seed)
    lexicon = load_lexicon()
    population = build_population(rng, size.people, lexicon)
    detention = simulate_detention(rng, population)
    note = synthetic_note(seed, __version__)
    ctx = Context(rng=rng, lexicon=lexicon, population=population, detention=detention, rates=rates,
                  seed=seed, version=__version__, note=note, scale=scale)

    kk, internees = karakax.render(ctx, leak_dir, size.list_rows)
    on_karakax = set(internees["person_id"])
    police, on_police = leaks.render_police(ctx, leak_dir, on_karakax)
    testimonies, on_testimonies = leaks.render_testimonies(ctx, leak_dir)
    persons = population.persons
    local_rows = int(((2017 - persons["birth_date"].dt.year >= 16) & persons["alive"] & ~persons["abroad"]).sum() * 0.95)
    n_outside = max(0, size.register_rows - local_rows)
    outside = outside_people(rng, n_outside, lexicon, first_index=len(persons))
    register_leak = register.render_register(ctx, leak_dir, size.register_rows, outside)

    outputs = [kk, police, testimonies, register_leak]
    detained = set(detention.detainees["person_id"])
    everyone = pd.concat([persons, outside], ignore_index=True)
    households = population.households
    villages = population.villages
    village = everyone["village"].to_numpy()
    everyone["township_zh"] = np.where(village >= 0, villages["township_zh"].to_numpy()[np.maximum(village, 0)], "")
    everyone["village_zh"] = np.where(village >= 0, villages["village_zh"].to_numpy()[np.maximum(village, 0)], "")
    everyone["village_uly"] = np.where(village >= 0, villages["village_uly"].to_numpy()[np.maximum(village, 0)], "")
    pid = everyone["person_id"]
    everyone["detained"] = pid.isin(detained)
    everyone["on_karakax_list"] = pid.isin(on_karakax)
    everyone["on_police_status"] = pid.isin(on_police)
    everyone["on_testimonies"] = pid.isin(on_testimonies)
    everyone["name_zh"] = _official_names(lexicon, everyone)
    keep = ["person_id", "sex", "birth_date", "generation", "given_uly", "father_name_uly", "name_zh",
            "id_number", "region_code", "household_id", "township_zh", "village_zh", "village_uly",
            "in_county", "alive", "abroad", "abroad_country", "detained", "on_karakax_list",
            "on_police_status", "on_testimonies"]
    persons_out = everyone[keep].copy()
    persons_out["birth_date"] = persons_out["birth_date"].dt.date

    mentions = pd.concat([m for o in outputs for m in o.mentions], ignore_index=True)
    mentions = _typed(mentions)[LOCATOR + ["person_id"]]
    faults = concat_logs([f for o in outputs for f in o.faults])
    faults = _typed(faults)[LOCATOR + ["fault_type", "field", "true_value", "written_value"]]
    faults[["true_value", "written_value"]] = faults[["true_value", "written_value"]].astype(str)
    reasons = _typed(pd.concat([r for o in outputs for r in o.reasons], ignore_index=True))
    relations = build_relations(persons, households)
    events = detention.events.copy()
    events["date"] = events["date"].dt.date

    for name, frame in (("persons", persons_out), ("mentions", mentions), ("faults", faults),
                        ("reasons", reasons), ("relations", relations), ("events", events)):
        write_table(frame, truth_dir / f"{name}.parquet", note)
    leak_rows = {file: rows for o in outputs for file, rows in o.rows.items()}
    summary = {
        "synthetic": note,
        "seed": seed,
        "scale": scale,
        "karez_version": __version__,
        "counts": {
            "persons": len(everyone), "county_population": len(persons), "households": len(households),
            "villages": len(villages), "detained": len(detained), "mentions": len(mentions),
            "faults": len(faults), "reasons": len(reasons), "relations": len(relations),
        },
        "true_detained": len(detained),
        "list_date": LIST_DATE,
        "lists": {"karakax_list": len(on_karakax), "police_status": len(on_police),
                  "testimonies": len(on_testimonies),
                  "on_any_list": len(on_karakax | on_police | on_testimonies)},
        "leaks": {file: {"rows": leak_rows[file], "mapping": mapping} for file, mapping in LEAK_MAPPINGS.items()},
        "fault_rates": rates.as_dict(),
    }
    (truth_dir / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return summary


def _official_names(lexicon, frame: pd.DataFrame) -> np.ndarray:
    from karez.testbed.faults import official_chinese_names

    return official_chinese_names(lexicon, frame["given_name_id"].to_numpy(), frame["father_name_id"].to_numpy(),
                                  frame["given_variant"].to_numpy(), frame["father_variant"].to_numpy())


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    frame["file"] = frame["file"].astype(str)
    frame["sheet"] = frame["sheet"].astype(object).where(frame["sheet"].notna(), None)
    frame["page"] = pd.array(frame["page"].where(frame["page"].notna(), None), dtype="Int64")
    frame["row_number"] = frame["row_number"].astype("int64")
    frame["person_key"] = frame["person_key"].astype(str)
    frame["ordinal"] = frame["ordinal"].astype("int64")
    return frame.sort_values(LOCATOR, kind="stable", na_position="first").reset_index(drop=True)

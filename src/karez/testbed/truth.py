"""Ground truth of a generated testbed (`OUT/truth/`) and the `Truth` reader.

Files (docs/testbed.md describes every column): summary.json, persons.parquet,
mentions.parquet, faults.parquet, reasons.parquet, relations.parquet, events.parquet.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from karez.errors import KarezError

TRUTH_FILES = ("persons", "mentions", "faults", "reasons", "relations", "events")


class TruthError(KarezError):
    """A ground-truth folder is missing or incomplete."""


def write_table(frame: pd.DataFrame, path: Path, note: str) -> None:
    """Write a parquet file carrying the synthetic marking in its metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    metadata = dict(table.schema.metadata or {})
    metadata[b"karez_synthetic"] = note.encode("utf-8")
    metadata.pop(b"pandas", None)  # keeps files byte-identical across pandas versions
    pq.write_table(table.replace_schema_metadata(metadata), path, compression="zstd")


def build_relations(persons: pd.DataFrame, households: pd.DataFrame) -> pd.DataFrame:
    """The kinship and neighbour graph: relative_id is the `relationship` of person_id."""
    ids = persons["person_id"].to_numpy()
    frames = []
    for column, word in (("father_index", "father"), ("mother_index", "mother"), ("spouse_index", "spouse")):
        link = persons[column].to_numpy()
        has = link >= 0
        frames.append(pd.DataFrame({"person_id": ids[has], "relative_id": ids[link[has]], "relationship": word}))
    for column in ("father_index", "mother_index"):
        link = persons[column].to_numpy()
        has = link >= 0
        male = persons["sex"].to_numpy()[has] == "M"
        frames.append(pd.DataFrame({"person_id": ids[link[has]], "relative_id": ids[has],
                                    "relationship": np.where(male, "son", "daughter")}))
    # Neighbours: heads of households with adjacent door numbers in one village.
    head = persons[(persons["generation"] >= 1) & (persons["sex"] == "M") & (persons["spouse_index"] >= 0)]
    head = head.drop_duplicates("household_id")
    doors = households[["household_id", "village", "door"]].merge(head[["household_id", "person_id"]], on="household_id")
    doors = doors.sort_values(["village", "door"], kind="stable")
    same = doors["village"].to_numpy()[1:] == doors["village"].to_numpy()[:-1]
    left = doors["person_id"].to_numpy()[:-1][same]
    right = doors["person_id"].to_numpy()[1:][same]
    frames.append(pd.DataFrame({"person_id": left, "relative_id": right, "relationship": "neighbour"}))
    frames.append(pd.DataFrame({"person_id": right, "relative_id": left, "relationship": "neighbour"}))
    return pd.concat(frames, ignore_index=True)


class Truth:
    """The ground truth of one generated testbed, read lazily from `OUT/truth/`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if self.directory.name != "truth" and (self.directory / "truth").is_dir():
            self.directory = self.directory / "truth"
        if not (self.directory / "summary.json").is_file():
            raise TruthError(f"{self.directory}: no summary.json here; pass the OUT/truth folder "
                             "that `karez testbed generate OUT` wrote")

    @cached_property
    def summary(self) -> dict[str, Any]:
        return json.loads((self.directory / "summary.json").read_text("utf-8"))

    def table(self, name: str) -> pd.DataFrame:
        """One truth table as a DataFrame (persons, mentions, faults, reasons, relations, events)."""
        path = self.directory / f"{name}.parquet"
        if name not in TRUTH_FILES or not path.is_file():
            raise TruthError(f"{path}: no such truth table; expected one of {', '.join(TRUTH_FILES)}")
        return pd.read_parquet(path)

    @cached_property
    def persons(self) -> pd.DataFrame:
        return self.table("persons")

    @cached_property
    def mentions(self) -> pd.DataFrame:
        return self.table("mentions")

    @cached_property
    def faults(self) -> pd.DataFrame:
        return self.table("faults")

    @cached_property
    def reasons(self) -> pd.DataFrame:
        return self.table("reasons")

    @cached_property
    def relations(self) -> pd.DataFrame:
        return self.table("relations")

    @cached_property
    def events(self) -> pd.DataFrame:
        return self.table("events")

    @property
    def true_detained(self) -> int:
        return int(self.summary["true_detained"])

    def case_mentions(self, case: Any) -> pd.DataFrame:
        """The case's mentions with their locators and the leak file each came from."""
        return case.store.con.execute(
            """
            SELECT m.mention_id, s.original_name AS file, r.sheet, r.page, r.row_number,
                   m.person_key, m.ordinal
            FROM mentions m JOIN records r USING (record_id) JOIN sources s ON s.source_id = m.source_id
            """
        ).df()

    def mention_map(self, case: Any) -> pd.DataFrame:
        """mention_id -> person_id for every mention of `case` that the truth knows."""
        found = self.case_mentions(case)
        joined = _join_locators(found, self.mentions)
        return joined.loc[joined["person_id"].notna(), ["mention_id", "person_id"]].reset_index(drop=True)


def _key(frame: pd.DataFrame) -> pd.Series:
    sheet = frame["sheet"].astype(object).where(frame["sheet"].notna(), "")
    page = frame["page"].astype("Int64").astype(str).where(frame["page"].notna(), "")
    return (frame["file"].astype(str).map(lambda f: Path(f).name) + "|" + sheet.astype(str) + "|" + page
            + "|" + frame["row_number"].astype("int64").astype(str) + "|" + frame["person_key"].astype(str)
            + "|" + frame["ordinal"].astype("int64").astype(str))


def _join_locators(found: pd.DataFrame, truth: pd.DataFrame) -> pd.DataFrame:
    left = found.assign(_key=_key(found).to_numpy())
    right = truth.assign(_key=_key(truth).to_numpy())[["_key", "person_id"]]
    return left.merge(right, on="_key", how="left")


__all__ = ["Truth", "TruthError", "build_relations", "write_table"]

"""The boundary between the linkage stage and the engine that runs the SQL.

The stage needs four things from an engine, and only these: train a model, score the
candidate pairs, count the pairs each blocking rule makes, and tell which given pairs
blocking finds (for blocking recall). `DuckDBEngine` runs Splink on DuckDB in memory; a
Spark engine would implement the same four methods with Splink's `SparkAPI`, and the
tests in `tests/link` are parametrised by engine so it would run the same suite.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import numpy as np
import pandas as pd

from karez.errors import KarezError
from karez.link.model import BlockingRule, ModelSpec

log = logging.getLogger(__name__)


class LinkEngineError(KarezError):
    """The engine failed; the message says which step and what to do."""


class LinkEngine(Protocol):
    """What the linkage stage asks of an engine."""

    name: str

    def train(self, frame: pd.DataFrame, spec: ModelSpec, labels: pd.DataFrame | None = None) -> dict[str, Any]:
        """Estimate λ, u (random sampling, seeded), m (EM; and from `labels`, pairs of
        `mention_id_l`, `mention_id_r` known to match, when given). Returns the model as
        Splink's JSON settings dictionary."""
        ...

    def predict(
        self, frame: pd.DataFrame, model: dict[str, Any], threshold: float, floor_weight: float | None = None
    ) -> pd.DataFrame:
        """Score candidate pairs; returns `mention_id_l` < `mention_id_r`,
        `match_probability`, `match_weight` and `explanation` (JSON text: for each
        comparison, the level that applied and its weight), for pairs at or above
        `threshold`; with `floor_weight`, also the pairs whose match weight reaches it,
        their explanation None (the one-to-one assignment needs their weights only)."""
        ...

    def blocking_counts(self, frame: pd.DataFrame, rules: tuple[BlockingRule, ...]) -> list[int]:
        """How many new candidate pairs each rule adds after the ones before it."""
        ...

    def pairs_blocked(self, frame: pd.DataFrame, rules: tuple[BlockingRule, ...], pairs: pd.DataFrame) -> np.ndarray:
        """For each row (`mention_id_l`, `mention_id_r`) of `pairs`: does any rule make it a candidate?"""
        ...


@contextmanager
def _quiet_splink() -> Iterator[None]:
    """Splink logs progress and advice at INFO/WARNING; karez reports its own figures."""
    logger = logging.getLogger("splink")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _settings(spec: ModelSpec) -> Any:
    from splink import SettingsCreator

    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="mention_id",
        comparisons=list(spec.comparisons),
        blocking_rules_to_generate_predictions=[rule.as_splink() for rule in spec.blocking],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[],
        em_convergence=0.001,
        max_iterations=20,
    )


M_FLOOR = 1e-3


def floor_m_probabilities(model: dict[str, Any], floor: float = M_FLOOR) -> dict[str, Any]:
    """Raise every level's m probability to at least `floor` (then renormalise).

    EM on blocked pairs that all agree on sex learns that true matches *never* disagree
    on sex, a weight of -100 bits: one clerk's typo would then veto any evidence. Sources
    do make such errors, so no level may be impossible for a true match.
    """
    for comparison in model.get("comparisons", []):
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        # a level no training pair reached has no m (Splink then counts it as no
        # evidence); the others are still floored, or one level EM never saw a match in
        # (two mentions of one township, different villages) would be a -58-bit veto
        levels = [level for level in levels if level.get("m_probability") is not None]
        if not levels:
            continue
        raised = [max(float(level["m_probability"]), floor) for level in levels]
        total = sum(raised)
        for level, value in zip(levels, raised, strict=True):
            level["m_probability"] = value / total
    return model


def _sql_condition(rule: BlockingRule, dialect: str = "duckdb") -> str:
    parts = []
    for column in rule.columns:
        if column in rule.arrays:
            overlap = "list_has_any" if dialect == "duckdb" else "arrays_overlap"
            parts.append(f"{overlap}(l.{column}, r.{column})")
        else:
            parts.append(f"l.{column} = r.{column}")
    return " AND ".join(parts)


class DuckDBEngine:
    """Splink on an in-memory DuckDB (the default engine)."""

    name = "duckdb"

    def __init__(self, threads: int | None = None, memory_limit: str | None = None) -> None:
        self.threads = threads
        self.memory_limit = memory_limit

    def _connection(self) -> Any:
        import duckdb

        con = duckdb.connect(":memory:")
        if self.threads:
            con.execute(f"SET threads = {int(self.threads)}")
        if self.memory_limit:
            con.execute(f"SET memory_limit = '{self.memory_limit}'")
        con.execute("SET preserve_insertion_order = false")
        return con

    def _linker(self, frame: pd.DataFrame, settings: Any) -> Any:
        from splink import DuckDBAPI, Linker

        db_api = DuckDBAPI(connection=self._connection())
        table = db_api.register(frame, dataset_display_name="mentions")
        return Linker(table, settings, log_level=None)

    def train(self, frame: pd.DataFrame, spec: ModelSpec, labels: pd.DataFrame | None = None) -> dict[str, Any]:
        with _quiet_splink():
            try:
                linker = self._linker(frame, _settings(spec))
                linker.training.estimate_probability_two_random_records_match(
                    list(spec.deterministic_rules), recall=spec.deterministic_recall
                )
                pairs = len(frame) * (len(frame) - 1) / 2
                linker.training.estimate_u_using_random_sampling(
                    max_pairs=min(spec.u_max_pairs, max(pairs, 1.0)) + 1, seed=spec.seed
                )
                for rule in spec.em_rules:
                    try:
                        linker.training.estimate_parameters_using_expectation_maximisation(
                            rule.as_splink(), estimate_without_term_frequencies=True
                        )
                    except Exception as error:  # noqa: BLE001 - a pass with no pairs is skipped, not fatal
                        # EM fails when a rule blocks no pairs (e.g. no birth dates at all);
                        # the other passes still train those comparisons.
                        log.info("EM pass %r skipped: %s", rule.name, error)
                if labels is not None and len(labels):
                    table = linker.table_management.register_table(
                        labels[["mention_id_l", "mention_id_r"]], "__karez_review_labels", overwrite=True
                    )
                    linker.training.estimate_m_from_pairwise_labels(table)
                model = floor_m_probabilities(linker.misc.save_model_to_json())
            except KarezError:
                raise
            except Exception as error:
                raise LinkEngineError(
                    f"training the {spec.name!r} model on {len(frame)} mentions failed: {error}. "
                    "Run with KAREZ_DEBUG=1 to see the SQL; if the case is small, link needs at "
                    "least two mentions with names"
                ) from error
        model["karez_model"] = spec.name
        return model

    def predict(
        self, frame: pd.DataFrame, model: dict[str, Any], threshold: float, floor_weight: float | None = None
    ) -> pd.DataFrame:
        settings = {k: v for k, v in model.items() if k != "karez_model"}
        with _quiet_splink():
            try:
                linker = self._linker(frame, settings)
                if floor_weight is None:
                    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
                else:
                    weight = float(np.log2(threshold / (1.0 - threshold)))
                    result = linker.inference.predict(
                        threshold_match_weight=min(weight, floor_weight), warning_mode="never"
                    )
                pairs = result.as_pandas_dataframe()
                levels = _level_weights(linker)
            except Exception as error:
                raise LinkEngineError(
                    f"scoring candidate pairs of {len(frame)} mentions failed: {error}. "
                    "Run with KAREZ_DEBUG=1 to see the SQL"
                ) from error
        return _with_explanations(pairs, levels, threshold)

    def blocking_counts(self, frame: pd.DataFrame, rules: tuple[BlockingRule, ...]) -> list[int]:
        from splink import DuckDBAPI
        from splink.blocking_analysis import count_comparisons_from_blocking_rules

        with _quiet_splink():
            db_api = DuckDBAPI(connection=self._connection())
            table = db_api.register(frame, dataset_display_name="mentions")
            records = count_comparisons_from_blocking_rules(
                table,
                blocking_rules=[rule.as_splink() for rule in rules],
                link_type="dedupe_only",
                unique_id_column_name="mention_id",
                record_sample_proportion=1.0 if len(frame) < 200_000 else 0.05,
            )
        return [int(record["marginal_comparison_count"]) for record in records]

    def pairs_blocked(self, frame: pd.DataFrame, rules: tuple[BlockingRule, ...], pairs: pd.DataFrame) -> np.ndarray:
        con = self._connection()
        columns = sorted({"mention_id", *(c for rule in rules for c in rule.columns)})
        con.register("frame_view", frame[columns])
        con.register("pairs_view", pairs[["mention_id_l", "mention_id_r"]].reset_index(drop=True))
        condition = " OR ".join(f"({_sql_condition(rule)})" for rule in rules) or "false"
        found = con.execute(
            f"""SELECT coalesce({condition}, false) AS blocked
                FROM (SELECT row_number() OVER () AS position, * FROM pairs_view) p
                JOIN frame_view l ON l.mention_id = p.mention_id_l
                JOIN frame_view r ON r.mention_id = p.mention_id_r
                ORDER BY p.position"""
        ).fetchnumpy()["blocked"]
        con.close()
        if len(found) != len(pairs):
            raise LinkEngineError("some pairs name mentions that are not in the linkage frame")
        return np.asarray(found, dtype=bool)


def _level_weights(linker: Any) -> dict[str, list[tuple[float, str]]]:
    """For each comparison, (match weight, label) of its levels: Splink's output keeps each
    comparison's weight (`mw_<name>`), and the weight names the level that applied."""
    levels: dict[str, list[tuple[float, str]]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels[comparison.output_column_name] = [
            (float(level._match_weight), level.label_for_charts) for level in comparison.comparison_levels
        ]
    return levels


def _label_for(weight: float, levels: list[tuple[float, str]]) -> str:
    best = min(levels, key=lambda level: abs(level[0] - weight))
    return best[1]


def _with_explanations(
    pairs: pd.DataFrame, levels: dict[str, list[tuple[float, str]]], threshold: float = 0.0
) -> pd.DataFrame:
    """Keep ids, probability and weight; fold the mw_ columns into one JSON explanation
    ({comparison: {level, weight}}) for the pairs at or above `threshold` (None below:
    building millions of JSON texts nobody reads took longer than scoring)."""
    out = pd.DataFrame(
        {
            "mention_id_l": pairs["mention_id_l"].astype(str),
            "mention_id_r": pairs["mention_id_r"].astype(str),
            "match_probability": pairs["match_probability"].astype(float),
            "match_weight": pairs["match_weight"].astype(float),
        }
    )
    explained = np.flatnonzero(out["match_probability"].to_numpy() >= threshold)
    parts: list[tuple[str, list[str], np.ndarray]] = []
    for name, comparison_levels in levels.items():
        weights = np.round(pairs[f"mw_{name}"].to_numpy(dtype=float)[explained], 2)
        cache: dict[float, str] = {}
        text = []
        for weight in weights:
            if weight not in cache:
                cache[weight] = _label_for(float(weight), comparison_levels)
            text.append(cache[weight])
        parts.append((name, text, weights))
    explanation: list[str | None] = [None] * len(out)
    for index, row in enumerate(explained):
        explanation[row] = json.dumps(
            {name: {"level": text[index], "weight": float(w[index])} for name, text, w in parts},
            ensure_ascii=False,
        )
    out["explanation"] = explanation
    # Splink puts the lower id on the left already; make it a promise, not an accident
    swap = out["mention_id_l"] > out["mention_id_r"]
    out.loc[swap, ["mention_id_l", "mention_id_r"]] = out.loc[swap, ["mention_id_r", "mention_id_l"]].to_numpy()
    return out


ENGINES: dict[str, type] = {"duckdb": DuckDBEngine}


def get_engine(name: str = "duckdb") -> LinkEngine:
    """The engine called `name` (only 'duckdb' for now)."""
    if name not in ENGINES:
        raise LinkEngineError(f"no linkage engine {name!r}; available: {', '.join(ENGINES)}")
    engine: LinkEngine = ENGINES[name]()
    return engine

"""The boundary between the linkage stage and the engine that runs the SQL.

The stage needs four things from an engine, and only these: train a model, score the
candidate pairs, count the pairs each blocking rule makes, and tell which given pairs
blocking finds (for blocking recall). `DuckDBEngine` runs Splink on DuckDB (a database
of its own per call, in memory under a limit, spilling to a temporary folder); a Spark
engine would implement the same four methods with Splink's `SparkAPI`, and the tests in
`tests/link` are parametrised by engine so it would run the same suite.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from karez.errors import KarezError
from karez.link.model import M_FLOORS, RECORD_CONTEXT, BlockingRule, ModelSpec

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
        self, frame: pd.DataFrame, model: dict[str, Any], threshold: float, floor_weight: float | None = None,
        blocking: tuple[BlockingRule, ...] | None = None,
    ) -> pd.DataFrame:
        """Score candidate pairs; returns `mention_id_l` < `mention_id_r`,
        `match_probability`, `match_weight`, `personal_weight` (the weights of the
        comparisons of the person themself, without `RECORD_CONTEXT` and without the
        prior) and `explanation` (JSON text: for each
        comparison, the level that applied and its weight), for pairs at or above
        `threshold`; with `floor_weight`, also the pairs whose match weight reaches it,
        their explanation None (the one-to-one assignment needs their weights only).
        `blocking`, when given, makes the candidate pairs instead of the model's rules."""
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
    do make such errors, so no level may be impossible for a true match. Comparisons in
    `karez.link.model.M_FLOORS` have a higher floor of their own.
    """
    for comparison in model.get("comparisons", []):
        levels = [level for level in comparison["comparison_levels"] if not level.get("is_null_level")]
        # a level no training pair reached has no m (Splink then counts it as no
        # evidence); the others are still floored, or one level EM never saw a match in
        # (two mentions of one township, different villages) would be a -58-bit veto
        levels = [level for level in levels if level.get("m_probability") is not None]
        if not levels:
            continue
        lowest = max(floor, M_FLOORS.get(comparison.get("output_column_name", ""), floor))
        raised = [max(float(level["m_probability"]), lowest) for level in levels]
        total = sum(raised)
        for level, value in zip(levels, raised, strict=True):
            level["m_probability"] = value / total
    return model


# A value seen fewer times than this has no frequency of its own: one person is named in up
# to five sources and a father once per child's row, so a handful of mentions can be one
# family's. Below it the level keeps its average weight (no adjustment).
FREQUENCY_MINIMUM_COUNT = 20


def frequency_lookup(frame: pd.DataFrame, column: str, minimum: int = FREQUENCY_MINIMUM_COUNT) -> pd.DataFrame:
    """How common each value of `column` is among the frame's mentions (Splink's term
    frequency table: `column`, `tf_<column>`), for the values seen at least `minimum` times."""
    values = frame[column].dropna()
    counts = values.value_counts()
    counts = counts[counts >= minimum]
    return pd.DataFrame({column: counts.index.astype(str), f"tf_{column}": (counts / max(len(values), 1)).to_numpy()})


def only_common_values_weigh_less(model: dict[str, Any]) -> dict[str, Any]:
    """Let a level adjusted for how common the value is (the whole name: Memet Tursun is
    common, Peride Mamut is not) weigh *less* for a common value, never more for a rare one.

    Splink adjusts the level's weight by log2(u / frequency of the value): a common name
    loses bits, which is the point (a village holds several Memet Tursuns), and a rare one
    gains them. The gain is not kept: a rare skeleton is often a rare *reading* or a
    slip, not a rare person, and two testimonies that share one were joined by it
    (medium testbed: testimony↔testimony precision 0.94 → 0.83). Setting the level's
    smallest frequency to its own u makes the adjustment zero or negative.
    """
    for comparison in model.get("comparisons", []):
        for level in comparison["comparison_levels"]:
            if level.get("tf_adjustment_column") and level.get("u_probability") is not None:
                level["tf_minimum_u_value"] = float(level["u_probability"])
    return model


def _rule_settings(rule: BlockingRule) -> dict[str, Any]:
    """A blocking rule as Splink's settings JSON writes it (a saved model's form)."""
    return {
        "blocking_rule": " AND ".join(f'(l."{column}" = r."{column}")' for column in rule.columns),
        "sql_dialect": "duckdb",
        "arrays_to_explode": list(rule.arrays),
    }


def _sql_condition(rule: BlockingRule, dialect: str = "duckdb") -> str:
    parts = []
    for column in rule.columns:
        if column in rule.arrays:
            overlap = "list_has_any" if dialect == "duckdb" else "arrays_overlap"
            parts.append(f"{overlap}(l.{column}, r.{column})")
        else:
            parts.append(f"l.{column} = r.{column}")
    return " AND ".join(parts)


# DuckDB's own default is 80% of the machine's memory, and it takes it: on the large
# testbed (2.7 million mentions) training and scoring grew the process to 14.8 GB. Under a
# limit, DuckDB spills its tables and joins to a temporary folder instead.
MAX_MEMORY_LIMIT_MB = 6 * 1024
MEMORY_SHARE = 0.4


def default_memory_limit() -> str:
    """What DuckDB may hold in memory while linking: 40% of the machine's memory, at most
    6 GB (the linkage frame, clustering and pandas need the rest)."""
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20
    except (ValueError, OSError, AttributeError):  # not a POSIX system that says
        return f"{MAX_MEMORY_LIMIT_MB}MB"
    return f"{max(256, min(MAX_MEMORY_LIMIT_MB, int(physical * MEMORY_SHARE)))}MB"


@contextmanager
def scratch_database(memory_limit: str | None = None, work_directory: str | None = None) -> Iterator[Any]:
    """An in-memory DuckDB connection under `memory_limit` (default
    `default_memory_limit()`) that spills to a new folder under `work_directory` (default:
    the system's temporary folder); closed and the folder deleted afterwards."""
    import duckdb

    folder = Path(tempfile.mkdtemp(prefix="karez-link-", dir=work_directory))
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{memory_limit or default_memory_limit()}'")
        con.execute(f"SET temp_directory = '{folder}'")
        con.execute("SET preserve_insertion_order = false")
        con.execute("SET enable_progress_bar = false")
        yield con
    finally:
        con.close()
        shutil.rmtree(folder, ignore_errors=True)


class DuckDBEngine:
    """Splink on DuckDB (the default engine).

    Each call works in a DuckDB database of its own, in memory but under `memory_limit`
    (default `default_memory_limit()`): tables and joins beyond it are written to a fresh
    folder under `work_directory` (default: the system's temporary folder), deleted when
    the call returns. A case of millions of mentions then slows down rather than
    exhausting the machine.
    """

    name = "duckdb"

    def __init__(
        self,
        threads: int | None = None,
        memory_limit: str | None = None,
        work_directory: str | os.PathLike[str] | None = None,
    ) -> None:
        self.threads = threads
        self.memory_limit = memory_limit or default_memory_limit()
        self.work_directory = None if work_directory is None else os.fspath(work_directory)

    @contextmanager
    def _database(self) -> Iterator[Any]:
        """A connection of this engine's limits that spills to a new folder."""
        with scratch_database(self.memory_limit, self.work_directory) as con:
            if self.threads:
                con.execute(f"SET threads = {int(self.threads)}")
            yield con

    def _linker(self, con: Any, frame: pd.DataFrame, settings: Any) -> Any:
        from splink import DuckDBAPI, Linker

        db_api = DuckDBAPI(connection=con)
        table = db_api.register(frame, dataset_display_name="mentions")
        return Linker(table, settings, log_level=None)

    def train(self, frame: pd.DataFrame, spec: ModelSpec, labels: pd.DataFrame | None = None) -> dict[str, Any]:
        with _quiet_splink(), self._database() as con:
            try:
                linker = self._linker(con, frame, _settings(spec))
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
                model = only_common_values_weigh_less(floor_m_probabilities(linker.misc.save_model_to_json()))
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
        self, frame: pd.DataFrame, model: dict[str, Any], threshold: float, floor_weight: float | None = None,
        blocking: tuple[BlockingRule, ...] | None = None,
    ) -> pd.DataFrame:
        settings = {k: v for k, v in model.items() if k != "karez_model"}
        if blocking is not None:
            settings["blocking_rules_to_generate_predictions"] = [_rule_settings(rule) for rule in blocking]
        with _quiet_splink(), self._database() as con:
            try:
                linker = self._linker(con, frame, settings)
                for column in _frequency_columns(settings):
                    found = frequency_lookup(frame, column, FREQUENCY_MINIMUM_COUNT)
                    lookup = linker._db_api.register(found, table_name=f"__karez_tf_{column}")
                    linker.table_management.register_term_frequency_lookup(lookup, column)
                if floor_weight is None:
                    result = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
                else:
                    weight = float(np.log2(threshold / (1.0 - threshold)))
                    result = linker.inference.predict(
                        threshold_match_weight=min(weight, floor_weight), warning_mode="never"
                    )
                levels = _level_weights(linker)
                adjusted = _frequency_adjusted(linker)
                # Splink's result stays in DuckDB; only what karez keeps crosses to pandas:
                # ids, probability and weight of every pair, and the per-comparison weights
                # of the pairs that get an explanation.
                table = result.physical_name
                # what the two mentions say about the person themself, without the record
                # around them (karez.link.household weighs a relative inside a linked record);
                # a level adjusted for how common the value is counts with its adjustment
                personal = " + ".join(
                    [f'coalesce("mw_{name}", 0)' for name in levels if name not in RECORD_CONTEXT]
                    + [f'coalesce("mw_tf_adj_{name}", 0)' for name in adjusted if name not in RECORD_CONTEXT]
                ) or "0"
                ids = f"mention_id_l, mention_id_r, match_probability, match_weight, {personal} AS personal_weight"
                weights = ", ".join([f'"mw_{name}"' for name in levels] + [f'"mw_tf_adj_{name}"' for name in adjusted])
                explained = con.execute(
                    f"SELECT {ids}, {weights} FROM {table} WHERE match_probability >= ?", [threshold]
                ).df()
                below = con.execute(
                    f"SELECT {ids} FROM {table} WHERE NOT (match_probability >= ?)", [threshold]
                ).df()
                result.drop_table_from_database_and_remove_from_cache()
            except Exception as error:
                raise LinkEngineError(
                    f"scoring candidate pairs of {len(frame)} mentions failed: {error}. "
                    "Run with KAREZ_DEBUG=1 to see the SQL"
                ) from error
        return _with_explanations(explained, below, levels, adjusted)

    def blocking_counts(self, frame: pd.DataFrame, rules: tuple[BlockingRule, ...]) -> list[int]:
        from splink import DuckDBAPI
        from splink.blocking_analysis import count_comparisons_from_blocking_rules

        with _quiet_splink(), self._database() as con:
            db_api = DuckDBAPI(connection=con)
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
        columns = sorted({"mention_id", *(c for rule in rules for c in rule.columns)})
        condition = " OR ".join(f"({_sql_condition(rule)})" for rule in rules) or "false"
        with self._database() as con:
            con.register("frame_view", frame[columns])
            con.register("pairs_view", pairs[["mention_id_l", "mention_id_r"]].reset_index(drop=True))
            found = con.execute(
                f"""SELECT coalesce({condition}, false) AS blocked
                    FROM (SELECT row_number() OVER () AS position, * FROM pairs_view) p
                    JOIN frame_view l ON l.mention_id = p.mention_id_l
                    JOIN frame_view r ON r.mention_id = p.mention_id_r
                    ORDER BY p.position"""
            ).fetchnumpy()["blocked"]
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


def _frequency_columns(settings: dict[str, Any]) -> list[str]:
    """The columns a level of the model is adjusted on for how common their value is."""
    return sorted({
        level["tf_adjustment_column"]
        for comparison in settings.get("comparisons", [])
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    })


def _frequency_adjusted(linker: Any) -> tuple[str, ...]:
    """The comparisons with a level adjusted for how common the value is (Splink's term
    frequency adjustment): their result carries a second weight, `mw_tf_adj_<name>`."""
    return tuple(
        comparison.output_column_name
        for comparison in linker._settings_obj.comparisons
        if comparison._has_tf_adjustments
    )


def _label_for(weight: float, levels: list[tuple[float, str]]) -> str:
    best = min(levels, key=lambda level: abs(level[0] - weight))
    return best[1]


def _explanations(
    weights: dict[str, np.ndarray], levels: dict[str, list[tuple[float, str]]], n: int,
    adjustments: dict[str, np.ndarray] | None = None,
) -> list[str]:
    """One JSON text per row: {comparison: {level, weight}}, the level named from its weight.
    Where the level was adjusted for how common the value is (a common name weighs less),
    `weight` includes the adjustment and `common_value_adjustment` says how much it was."""
    adjustments = adjustments or {}
    parts: list[tuple[str, np.ndarray, list[str], list[float]]] = []
    for name, comparison_levels in levels.items():
        rounded = np.round(weights[name].astype(float), 2)
        # each distinct weight is one level: label it once, not once per pair
        distinct, position = np.unique(rounded, return_inverse=True)
        labels = [_label_for(float(w), comparison_levels) for w in distinct]
        parts.append((name, position.reshape(-1), labels, [float(w) for w in distinct]))
    adjusted = {name: np.round(np.nan_to_num(values.astype(float)), 2) for name, values in adjustments.items()}

    def one(row: int) -> str:
        out: dict[str, dict[str, Any]] = {}
        for name, position, labels, values in parts:
            out[name] = {"level": labels[position[row]], "weight": values[position[row]]}
            if name in adjusted and adjusted[name][row] != 0:
                tf = float(adjusted[name][row])
                out[name]["weight"] = round(out[name]["weight"] + tf, 2)
                out[name]["common_value_adjustment"] = tf
        return json.dumps(out, ensure_ascii=False)

    return [one(row) for row in range(n)]


def _with_explanations(
    explained: pd.DataFrame, below: pd.DataFrame, levels: dict[str, list[tuple[float, str]]],
    adjusted: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Ids, probability, weight and a JSON explanation for the pairs in `explained` (which
    carry the `mw_` column of each comparison, and `mw_tf_adj_` of those in `adjusted`),
    then the pairs in `below` with explanation None: building millions of JSON texts
    nobody reads took longer than scoring."""
    weights = {name: explained[f"mw_{name}"].to_numpy(dtype=float) for name in levels}
    adjustments = {name: explained[f"mw_tf_adj_{name}"].to_numpy(dtype=float) for name in adjusted}
    columns = ["mention_id_l", "mention_id_r", "match_probability", "match_weight", "personal_weight"]
    out = pd.concat(
        [
            explained[columns].assign(explanation=_explanations(weights, levels, len(explained), adjustments)),
            below[columns].assign(explanation=None),
        ],
        ignore_index=True,
    )
    out = out.astype({"mention_id_l": str, "mention_id_r": str, "match_probability": float, "match_weight": float,
                      "personal_weight": float})
    out["explanation"] = out["explanation"].astype(object).where(out["explanation"].notna(), None)
    # Splink puts the lower id on the left already; make it a promise, not an accident
    swap = (out["mention_id_l"] > out["mention_id_r"]).to_numpy()
    if swap.any():
        left = out["mention_id_l"].to_numpy(dtype=object).copy()
        right = out["mention_id_r"].to_numpy(dtype=object).copy()
        left[swap], right[swap] = right[swap], left[swap]
        out["mention_id_l"], out["mention_id_r"] = left, right
    return out


ENGINES: dict[str, type] = {"duckdb": DuckDBEngine}


def get_engine(name: str = "duckdb") -> LinkEngine:
    """The engine called `name` (only 'duckdb' for now)."""
    if name not in ENGINES:
        raise LinkEngineError(f"no linkage engine {name!r}; available: {', '.join(ENGINES)}")
    engine: LinkEngine = ENGINES[name]()
    return engine

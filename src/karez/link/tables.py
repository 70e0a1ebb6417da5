"""The linkage tables in the case store, and what withdrawing a source does to them.

- `link_pairs`: scored candidate pairs (pair id from the two mention ids, so a decision
  about a pair finds it again after a re-run), with the explanation of the score.
- `link_clusters`: the contract read by estimate, analyse and publish (every mention and
  its person).
- `link_models`: each trained model as Splink JSON.
- `link_review`: reviewer decisions; never deleted by a re-run (undo marks them undone).
"""

from __future__ import annotations

from karez.custody import Case, on_remove

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_runs (
    run_id         VARCHAR PRIMARY KEY,
    model_id       VARCHAR,
    started_at     TIMESTAMPTZ,
    threshold      DOUBLE,
    n_mentions     BIGINT,
    n_pairs        BIGINT,
    n_persons      BIGINT,
    summary        JSON
);
CREATE TABLE IF NOT EXISTS link_models (
    model_id       VARCHAR PRIMARY KEY,   -- 'model-' + sha256 of the JSON
    trained_at     TIMESTAMPTZ,
    name           VARCHAR,
    n_mentions     BIGINT,
    n_labels       BIGINT,
    model          JSON
);
CREATE TABLE IF NOT EXISTS link_pairs (
    pair_id        VARCHAR PRIMARY KEY,
    mention_l      VARCHAR NOT NULL,
    mention_r      VARCHAR NOT NULL,
    source_l       VARCHAR,
    source_r       VARCHAR,
    match_probability DOUBLE,
    match_weight   DOUBLE,
    explanation    JSON,
    status         VARCHAR               -- joined | implied | assigned | refused | below | accepted | rejected
);
CREATE TABLE IF NOT EXISTS link_clusters (
    mention_id     VARCHAR PRIMARY KEY,
    person_id      VARCHAR,
    probability    DOUBLE
);
CREATE TABLE IF NOT EXISTS link_review (
    decision_id    VARCHAR PRIMARY KEY,
    pair_id        VARCHAR NOT NULL,
    mention_l      VARCHAR NOT NULL,
    mention_r      VARCHAR NOT NULL,
    decision       VARCHAR NOT NULL,     -- accept | reject
    actor          VARCHAR,
    decided_at     TIMESTAMPTZ,
    note           VARCHAR,
    undone         BOOLEAN NOT NULL DEFAULT false
);
"""


def ensure_tables(case: Case) -> None:
    """Create the linkage tables if the case does not have them yet."""
    case.store.execute(SCHEMA)


@on_remove
def _clear_withdrawn_source(case: Case, source_id: str) -> None:
    """A withdrawn source's mentions leave the pairs and the clusters; reviewer decisions
    stay (they hold ids only, and the ledger keeps them anyway) and are ignored while
    their mentions are absent. Re-run `karez link` to re-cluster the remaining mentions."""
    if not case.store.table_exists("link_pairs"):
        return
    case.store.execute("DELETE FROM link_pairs WHERE source_l = ? OR source_r = ?", [source_id, source_id])
    # the hook runs after the mentions are deleted: clusters of mentions that no longer exist go
    case.store.execute(
        "DELETE FROM link_clusters WHERE mention_id NOT IN (SELECT mention_id FROM mentions)"
    )

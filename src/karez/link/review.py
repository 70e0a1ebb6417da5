"""Review: the queue of uncertain pairs, and the reviewer's decisions.

A decision (accept: the same person; reject: different people) is stored in
`link_review` by pair id, which is derived from the two mention ids, so it finds its
pair again after any re-run of `karez link`. Decisions are must-/cannot-links for the
clustering, labels for training m once there are enough, and ledger entries. Undo
marks a decision undone; nothing is deleted.
"""

from __future__ import annotations

import hashlib
import json
import math
from datetime import UTC, datetime
from typing import Any

from karez import settings
from karez.custody import Case
from karez.errors import KarezError
from karez.link.tables import ensure_tables

# Pairs this uncertain go into the queue: below, they are clearly different people;
# above, clearly the same (the reviewer can still see them with `karez review --pair`).
QUEUE_LOW = 0.05
QUEUE_HIGH = 0.995


class ReviewError(KarezError):
    """A review command names a pair that does not exist, or there is nothing to undo."""


def _pair(case: Case, pair_id: str) -> dict[str, Any]:
    rows = case.store.dicts(
        "SELECT pair_id, mention_l, mention_r, match_probability, explanation, status FROM link_pairs "
        "WHERE pair_id = ? OR (length(?) >= 9 AND starts_with(pair_id, ?))",
        [pair_id, pair_id, pair_id],
    )
    if not rows:
        raise ReviewError(
            f"no pair {pair_id!r} in case {case.path}; list the queue with `karez review {case.path} --list` "
            "(pair ids are shown there), or run `karez link` first"
        )
    if len(rows) > 1:
        raise ReviewError(f"{pair_id!r} matches {len(rows)} pairs; give more of the pair id")
    return rows[0]


def queue(case: Case, limit: int = 20) -> list[dict[str, Any]]:
    """Uncertain pairs without a decision, most informative first.

    Informative: probability near 0.5 (the model cannot tell), weighted by how much the
    decision would change the persons: joining two clusters of sizes a and b settles
    a*b pairs; splitting a cluster of n settles up to n-1. Each item: pair_id,
    match_probability, informativeness, in_same_person, mention_l, mention_r, explanation.
    """
    ensure_tables(case)
    rows = case.store.dicts(
        """WITH decided AS (SELECT DISTINCT pair_id FROM link_review WHERE NOT undone),
                sizes AS (SELECT person_id, count(*) AS n FROM link_clusters GROUP BY person_id)
           SELECT p.pair_id, p.mention_l, p.mention_r, p.match_probability, p.explanation, p.status,
                  cl.person_id AS person_l, cr.person_id AS person_r, sl.n AS size_l, sr.n AS size_r
           FROM link_pairs p
           LEFT JOIN link_clusters cl ON cl.mention_id = p.mention_l
           LEFT JOIN link_clusters cr ON cr.mention_id = p.mention_r
           LEFT JOIN sizes sl ON sl.person_id = cl.person_id
           LEFT JOIN sizes sr ON sr.person_id = cr.person_id
           WHERE p.pair_id NOT IN (SELECT pair_id FROM decided)
             AND p.match_probability BETWEEN ? AND ?""",
        [QUEUE_LOW, QUEUE_HIGH],
    )
    items = []
    for row in rows:
        probability = float(row["match_probability"])
        uncertainty = 1.0 - abs(2.0 * probability - 1.0)
        same = row["person_l"] is not None and row["person_l"] == row["person_r"]
        size_l, size_r = int(row["size_l"] or 1), int(row["size_r"] or 1)
        impact = (size_l - 1) if same else size_l * size_r
        informativeness = round(uncertainty * (1.0 + math.log2(1 + max(impact, 1))), 6)
        items.append(
            {
                "pair_id": row["pair_id"],
                "match_probability": round(probability, 6),
                "informativeness": informativeness,
                "in_same_person": same,
                "mention_l": row["mention_l"],
                "mention_r": row["mention_r"],
                "explanation": json.loads(row["explanation"]) if row["explanation"] else {},
            }
        )
    items.sort(key=lambda item: (-item["informativeness"], item["pair_id"]))
    return items[:limit]


def _decide(case: Case, pair_id: str, decision: str, note: str | None, actor: str | None) -> dict[str, Any]:
    from karez.link.pipeline import recluster

    ensure_tables(case)
    pair = _pair(case, pair_id)
    now = datetime.now(UTC)
    who = actor or settings.actor()
    decision_id = "dec-" + hashlib.sha256(f"{pair['pair_id']}|{decision}|{now.isoformat()}|{who}".encode()).hexdigest()[:16]
    with case.store.transaction():
        case.store.execute(
            "INSERT INTO link_review VALUES (?, ?, ?, ?, ?, ?, ?, ?, false)",
            [decision_id, pair["pair_id"], pair["mention_l"], pair["mention_r"], decision, who, now, note],
        )
        case.record(
            "review",
            inputs={"pair_id": pair["pair_id"], "mention_l": pair["mention_l"], "mention_r": pair["mention_r"]},
            outputs={"decision_id": decision_id, "decision": decision},
            details={"match_probability": pair["match_probability"], "note": note},
        )
        effect = recluster(case)
    return {"decision_id": decision_id, "pair_id": pair["pair_id"], "decision": decision, "actor": who, **effect}


def accept(case: Case, pair_id: str, *, note: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """Record that the two mentions of `pair_id` are the same person (a must-link), and
    re-cluster. `pair_id` may be a unique prefix of at least 9 characters."""
    return _decide(case, pair_id, "accept", note, actor)


def reject(case: Case, pair_id: str, *, note: str | None = None, actor: str | None = None) -> dict[str, Any]:
    """Record that the two mentions of `pair_id` are different people (a cannot-link), and
    re-cluster."""
    return _decide(case, pair_id, "reject", note, actor)


def undo(case: Case, pair_id: str | None = None, *, actor: str | None = None) -> dict[str, Any]:
    """Mark the latest decision (on `pair_id`, or the latest of all) undone, and re-cluster."""
    from karez.link.pipeline import recluster

    ensure_tables(case)
    where, params = "NOT undone", []
    if pair_id:
        where += " AND (pair_id = ? OR starts_with(pair_id, ?))"
        params = [pair_id, pair_id]
    row = case.store.fetchone(
        f"SELECT decision_id, pair_id, decision FROM link_review WHERE {where} "
        "ORDER BY decided_at DESC, decision_id DESC LIMIT 1",
        params,
    )
    if row is None:
        target = f"on pair {pair_id!r}" if pair_id else "in this case"
        raise ReviewError(f"no review decision {target} to undo (case {case.path})")
    decision_id, found_pair, decision = row
    with case.store.transaction():
        case.store.execute("UPDATE link_review SET undone = true WHERE decision_id = ?", [decision_id])
        case.record(
            "review-undo",
            inputs={"decision_id": decision_id, "pair_id": found_pair},
            outputs={"undone": decision},
            details={"actor": actor or settings.actor()},
        )
        effect = recluster(case)
    return {"decision_id": decision_id, "pair_id": found_pair, "undone": decision, **effect}


def decisions(case: Case, *, include_undone: bool = False) -> list[dict[str, Any]]:
    """Every review decision, oldest first."""
    ensure_tables(case)
    where = "" if include_undone else "WHERE NOT undone"
    return case.store.dicts(
        f"SELECT decision_id, pair_id, mention_l, mention_r, decision, actor, "
        f"CAST(decided_at AS VARCHAR) AS decided_at, note, undone FROM link_review {where} "
        "ORDER BY decided_at, decision_id"
    )


def mention_card(case: Case, mention_id: str) -> dict[str, Any]:
    """What a reviewer needs to see of one mention: the name as written and in every
    script (readings of Chinese characters labelled as machine readings), the other
    fields, the conditions the record states (verbatim) and where linkage reads them to
    put the person (`whereabouts`: abroad, in_china, deceased or None), the relatives the
    record states, and where it comes from (file, sheet, page, row)."""
    from karez.names import detect_script, parse, to_arabic, to_cyrillic, to_uly

    rows = case.store.dicts(
        """SELECT m.mention_id, m.role, m.name, m.id_number, CAST(m.birth_date AS VARCHAR) AS birth_date,
                  m.birth_date_precision, m.age, m.sex, m.township, m.village, m.address,
                  s.original_name AS file, s.source_id, r.sheet, r.page, r.row_number
           FROM mentions m JOIN records r USING (record_id) JOIN sources s ON s.source_id = m.source_id
           WHERE m.mention_id = ?""",
        [mention_id],
    )
    if not rows:
        raise ReviewError(f"no mention {mention_id!r} in case {case.path}; its source may have been withdrawn")
    card = rows[0]
    name = card["name"] or ""
    if name:
        parsed = parse(name)
        card["script"] = str(detect_script(name))
        card["machine_reading"] = bool(parsed.is_reading)
        card["uly"] = to_uly(name)
        card["arabic"] = to_arabic(name)
        card["cyrillic"] = to_cyrillic(name)
    # what the record says of the person's condition, verbatim, and where linkage reads
    # it to put them (the whereabouts comparison weighs a pair by it)
    from karez.link.whereabouts import whereabouts

    events = case.store.dicts(
        "SELECT event_type, status_text FROM events WHERE mention_id = ? ORDER BY event_id", [mention_id]
    )
    card["conditions"] = [e["status_text"] for e in events if e["event_type"] == "status" and e["status_text"]]
    card["whereabouts"] = whereabouts(
        card["conditions"], card.get("address"), any(e["event_type"] == "detention" for e in events)
    )
    card["relatives"] = case.store.dicts(
        """SELECT r.relationship, m.name FROM relations r JOIN mentions m ON m.mention_id = r.from_mention
           WHERE r.to_mention = ? ORDER BY r.relationship, m.name""",
        [mention_id],
    )
    return card

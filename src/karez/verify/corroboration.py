"""Corroboration across sources: which records another, independent source confirms.

Once linkage has clustered mentions into persons (`link_clusters`), a mention is corroborated
when the same person appears in another source; the fields that source states the same way
(ID number, birth date, sex, name as written) are the confirmed fields. Sources are taken as
independent when they are different files; whether two leaks share an origin is for the team
to judge. The result is stored per mention in `verify_corroboration`.
"""

from __future__ import annotations

from typing import Any

from karez.store import Store

FIELDS = ("id_number", "birth_date", "sex", "name")


def corroborate(store: Store) -> dict[str, Any]:
    """Summarise (and store) which mentions another source confirms, on which fields."""
    store.execute(
        """
        CREATE TABLE IF NOT EXISTS verify_corroboration (
            mention_id        VARCHAR PRIMARY KEY,
            other_sources     JSON,     -- source ids where the same person appears
            confirmed_fields  JSON,     -- fields some other source states the same way
            conflicting_fields JSON     -- fields every other source that states them states differently
        )
        """
    )
    store.execute("DELETE FROM verify_corroboration")
    if not store.table_exists("link_clusters"):
        return {
            "linkage_run": False,
            "plain": "Linkage has not been run, so no record is yet corroborated by an "
                     "independent source.",
        }
    agree = ", ".join(
        f"bool_or(a.{f} IS NOT NULL AND b.{f} IS NOT NULL AND a.{f} = b.{f}) AS same_{f}, "
        f"bool_or(a.{f} IS NOT NULL AND b.{f} IS NOT NULL) AS both_{f}"
        for f in ("id_clean", "birth_date", "sex", "name")
    )
    store.execute(
        f"""
        INSERT INTO verify_corroboration
        WITH m AS (
            SELECT v.*, c.person_id FROM _v_mentions v JOIN link_clusters c USING (mention_id)
        ), pairs AS (
            SELECT a.mention_id, list(DISTINCT b.source_id ORDER BY b.source_id) AS other_sources,
                   {agree}
            FROM m a JOIN m b ON a.person_id = b.person_id AND a.source_id <> b.source_id
            GROUP BY a.mention_id
        )
        SELECT mention_id, to_json(other_sources),
               to_json(list_filter(['id_number', 'birth_date', 'sex', 'name'],
                   lambda f, i: [same_id_clean, same_birth_date, same_sex, same_name][i])),
               to_json(list_filter(['id_number', 'birth_date', 'sex', 'name'],
                   lambda f, i: [both_id_clean AND NOT same_id_clean, both_birth_date AND NOT same_birth_date,
                              both_sex AND NOT same_sex, both_name AND NOT same_name][i]))
        FROM pairs
        """
    )
    total = int(store.scalar("SELECT count(*) FROM link_clusters"))
    corroborated = int(store.scalar("SELECT count(*) FROM verify_corroboration"))
    by_field = {
        f: int(store.scalar(
            "SELECT count(*) FROM verify_corroboration WHERE list_contains(confirmed_fields::VARCHAR[], ?)",
            [f]))
        for f in FIELDS
    }
    conflicts = {
        f: int(store.scalar(
            "SELECT count(*) FROM verify_corroboration WHERE list_contains(conflicting_fields::VARCHAR[], ?)",
            [f]))
        for f in FIELDS
    }
    share = corroborated / total if total else 0.0
    return {
        "linkage_run": True,
        "mentions": total,
        "corroborated": corroborated,
        "confirmed_fields": by_field,
        "conflicting_fields": conflicts,
        "plain": f"{corroborated:,} of {total:,} person mentions ({share:.1%}) are of people linkage "
                 f"also found in another source; {_confirmed_text(by_field)} "
                 "Linkage can be wrong: corroboration is as good as the reviewed clusters.",
    }


def _confirmed_text(by_field: dict[str, int]) -> str:
    """What the other sources confirm, naming only the fields some source states twice (a
    list that gives no birth date cannot confirm one, and "the birth date of 0" misleads)."""
    words = {"id_number": "the ID number", "birth_date": "the birth date"}
    parts = [f"{words[f]} of {by_field[f]:,}" for f in words if by_field.get(f)]
    if not parts:
        return "no other source states their ID number or birth date the same way."
    return "another source confirms " + " and ".join(parts) + "."

"""The ingest: a source and a mapping become canonical rows, in one transaction.

Every stored row keeps its provenance: the record it came from (source hash + sheet/page/
table/row, with the original cells verbatim) and, per field, the column it was read from and,
for values pulled out of a cell, the span of the cell and its original text.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karez import settings
from karez.errors import CaseError, SourceError
from karez.ingest.mapping import (
    DEFAULT_RELATIONSHIPS,
    PERSON_FIELDS,
    Mapping,
    PersonSpec,
    ValueSpec,
    load_mapping,
)
from karez.ingest.readers import FORMAT_BY_MEDIA_TYPE, READERS, RawTable, ReadContext
from karez.ingest.readers.base import LOCATOR_COLUMNS, quote_ident
from karez.ingest.sql import (
    DATE_MACROS,
    DEFAULT_SEX,
    hashed_id,
    literal,
    mention_id_expr,
    recode,
    text_expr,
)
from karez.store.records import create_record_table, table_name

if TYPE_CHECKING:
    from karez.custody.case import Case

COUNTED = ("records", "mentions", "relations", "events", "classifications", "reasons", "notes")


@dataclass
class IngestResult:
    ingest_id: str
    source_id: str
    counts: dict[str, int] = field(default_factory=dict)
    unchanged: bool = False
    replaced: str | None = None
    notes: list[str] = field(default_factory=list)


def ingest_source(case: Case, source: dict[str, Any], mapping_path: Path, *, progress: bool = False) -> IngestResult:
    """Ingest one source of `case` with the mapping at `mapping_path` (all or nothing)."""
    mapping = load_mapping(mapping_path)
    if source["status"] != "active":
        raise CaseError(f"source {source['source_id']} was withdrawn; add the file again to ingest it")
    source_id = source["source_id"]
    ingest_id = "ing-" + hashlib.sha256(f"{source['sha256']}|{mapping.sha256}".encode()).hexdigest()[:16]
    previous = case.store.dicts("SELECT ingest_id, mapping_sha256 FROM ingests WHERE source_id = ?", [source_id])
    if previous and previous[0]["mapping_sha256"] == mapping.sha256:
        counts = {t: case.store.count(t, "ingest_id = ?", [ingest_id]) for t in COUNTED}
        return IngestResult(ingest_id, source_id, counts, unchanged=True)
    fmt = mapping.source.format or FORMAT_BY_MEDIA_TYPE.get(source["media_type"] or "")
    if fmt is None or fmt not in READERS:
        raise SourceError(
            f"karez cannot tell how to read a file of type {source['media_type']}",
            file=source["original_name"],
            hint="set source.format in the mapping (csv, tsv, xlsx, json, jsonl, parquet, pdf)",
        )
    replaced = previous[0]["ingest_id"] if previous else None

    bar = None
    if progress:
        from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True)
        bar.start()
    store = case.store
    prefix = "kz_raw_" + ingest_id.replace("-", "_")
    try:
        with store.transaction():
            store.execute(DATE_MACROS)
            store.delete_source_rows(source_id)
            context = ReadContext(
                path=case.vault.path_for(source["sha256"]),
                display_name=source["original_name"],
                options=mapping.source,
                store=store,
                prefix=prefix,
                progress=bar,
                columns_wanted=set(mapping.columns()),
            )
            step = bar.add_task(f"reading {source['original_name']}", total=None) if bar else None
            tables = READERS[fmt](context)
            for number, raw in enumerate(tables):
                where = f"sheet {raw.sheet!r} of {source['original_name']}" if raw.sheet else source["original_name"]
                mapping.check_columns(raw.headers, where=where)
                if bar:
                    bar.update(step, description=f"mapping {where} ({raw.rows:,} rows)")
                _ingest_table(store, mapping, raw, source, ingest_id, number)
                store.execute(f"DROP TABLE IF EXISTS {raw.relation}")
            counts = {t: store.count(t, "ingest_id = ?", [ingest_id]) for t in COUNTED}
            store.execute(
                "INSERT INTO ingests VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    ingest_id, source_id, mapping.sha256, mapping.name, mapping.text, datetime.now(UTC), settings.actor(),
                    counts["records"], counts["mentions"], counts["relations"], counts["events"],
                    counts["classifications"], counts["reasons"], counts["notes"],
                ],
            )
            # The ledger entry is written inside the transaction: if it cannot be written, nothing
            # is stored.
            case.record(
                "ingest",
                inputs={"source_id": source_id, "sha256": source["sha256"], "mapping_sha256": mapping.sha256},
                outputs={"ingest_id": ingest_id, "counts": counts},
                details={"mapping_name": mapping.name, "mapping_file": mapping.path.name, "format": fmt,
                         "replaces": replaced},
            )
    finally:
        if bar:
            bar.stop()
    _keep_mapping_copy(case, mapping)
    return IngestResult(ingest_id, source_id, counts, replaced=replaced)


def _keep_mapping_copy(case: Case, mapping: Mapping) -> None:
    target = case.mappings_dir / f"{mapping.sha256}.yaml"
    if not target.exists():
        case.mappings_dir.mkdir(exist_ok=True)
        target.write_text(mapping.text, encoding="utf-8")
        target.chmod(0o444)


# -- one raw table --------------------------------------------------------------------------------


def _ingest_table(store: Any, mapping: Mapping, raw: RawTable, source: dict[str, Any], ingest_id: str, number: int) -> None:
    stage = f"{raw.relation}_s"
    loc = _locator_text(source["source_id"], {c: c for c in LOCATOR_COLUMNS})
    columns = [quote_ident(h) for h in raw.headers]
    not_blank = " OR ".join(f"kz_text({c}) IS NOT NULL" for c in columns)
    # A row repeating the header (a spreadsheet printed page by page) is not a record.
    header_again = " AND ".join(f"coalesce(trim({c}), '') = {literal(h)}" for c, h in zip(columns, raw.headers, strict=True))
    filters = [f"({not_blank})", f"NOT ({header_again})"]
    if mapping.source.skip_rows_matching:
        first_text = "coalesce(" + ", ".join(f"kz_text({c})" for c in columns) + ")"
        filters.append(f"NOT coalesce(regexp_matches({first_text}, {literal(mapping.source.skip_rows_matching)}), false)")
    locators = ", ".join(f"{sql} AS {name}" for name, sql in raw.locators.items())
    # The records' cells are stored as read, column by column (see karez.store.records); the
    # table that keeps them is also what every canonical row below is read from.
    cells_table = table_name(ingest_id, number)
    create_record_table(
        store,
        name=cells_table,
        source_id=source["source_id"],
        ingest_id=ingest_id,
        number=number,
        sheet=raw.sheet,
        headers=raw.headers,
        # The record id is hashed from the reader's locator expressions themselves, so that the
        # parts a reader leaves constant (a CSV has no sheet, page or table) fold into one literal.
        select_sql=f"""SELECT {hashed_id('rec', _locator_text(source['source_id'], raw.locators))} AS _record_id,
                              {locators}, {', '.join(columns)}
                       FROM {raw.relation}
                       WHERE {' AND '.join(filters)}""",
    )
    store.execute(f"CREATE TEMP VIEW {stage} AS SELECT *, {loc} AS _loc FROM {cells_table}")
    src, ing = literal(source["source_id"]), literal(ingest_id)
    for person in mapping.persons:
        if person.from_cell is None:
            _insert_column_person(store, person, stage, src, ing)
        else:
            _insert_cell_persons(store, person, stage, src, ing, number)
    _insert_relations(store, mapping, stage, src, ing)
    _insert_events(store, mapping, stage, src, ing)
    _insert_labels(store, mapping, stage, src, ing)
    store.execute(f"DROP VIEW {stage}")


def _locator_text(source_id: str, locators: dict[str, str]) -> str:
    """SQL for a record's locator as text, `source|sheet|page|table|row` (empty parts for
    what the source lacks), from SQL expressions for the four locator parts. The source id is
    derived from the original's SHA-256: it names the source as surely, at a third the length
    to hash on every row. Record ids are hashed from this text: it must never change."""
    sheet, page, table, row = (f"({locators[c]})" for c in LOCATOR_COLUMNS)
    return (
        f"({literal(source_id)} || '|' || coalesce({sheet}, '') || '|' || coalesce(CAST({page} AS VARCHAR), '')"
        f" || '|' || coalesce(CAST({table} AS VARCHAR), '') || '|' || CAST({row} AS VARCHAR))"
    )


def _field_exprs(
    person: PersonSpec,
    table: str,
    overrides: dict[str, str] | None = None,
    birth_parts: str | None = None,
    clean: bool = False,
) -> dict[str, str]:
    """Canonical mention columns as SQL over `table` (overrides: field -> SQL text expression,
    already trimmed when `clean`; birth_parts: a column holding the parsed birth date)."""
    overrides = overrides or {}

    def text(name: str) -> str:
        spec = person.fields.get(name)
        if name in overrides:
            return text_expr(spec, table, override=overrides[name], clean=clean)
        return text_expr(spec, table)

    sex_values = dict(DEFAULT_SEX)
    age_spec = person.fields.get("age")
    exprs = {
        "name": text("name"),
        "id_number": f"upper(replace(replace({text('id_number')}, ' ', ''), '-', ''))",
        "birth_date": f"{birth_parts}.d" if birth_parts else f"kz_date({text('birth_date')})",
        "birth_date_precision": f"{birth_parts}.p" if birth_parts else f"kz_date_precision({text('birth_date')})",
        "age": f"try_cast(regexp_extract({text('age')}, '(\\d+)', 1) AS INTEGER)",
        "age_kind": f"CASE WHEN {text('age')} IS NULL THEN NULL ELSE {literal(age_spec.kind if age_spec and age_spec.kind else None)} END",
        "sex": recode(text("sex"), sex_values),
    }
    for name in ("ethnicity", "address", "township", "village", "phone", "employer", "note"):
        exprs[name] = text(name)
    return exprs


MENTION_COLUMNS = (
    "name", "id_number", "birth_date", "birth_date_precision", "age", "age_kind", "sex", "ethnicity",
    "address", "township", "village", "phone", "employer", "note",
)


def _static_provenance(person: PersonSpec) -> str:
    prov = {name: {"column": spec.column} if spec.column else {"value": spec.value} for name, spec in person.fields.items()}
    return literal(json.dumps(prov, ensure_ascii=False))


def _insert_column_person(store: Any, person: PersonSpec, stage: str, src: str, ing: str) -> None:
    columns = {name: spec for name, spec in person.fields.items() if spec.column is not None}
    if not columns:
        return
    # Each cell is trimmed once (in the inner query) and the birth date parsed once (in the
    # middle one): DuckDB expands macros inline, so repeating them would repeat the work.
    trimmed = ", ".join(f"kz_text(s0.{quote_ident(spec.column)}) AS t_{name}" for name, spec in columns.items())
    birth = "s1.t_birth_date" if "birth_date" in columns else text_expr(person.fields.get("birth_date"), "s1")
    source = (
        f"(SELECT s1.*, kz_parse_date({birth}) AS _bd FROM "
        f"(SELECT s0._loc, s0._record_id, {trimmed} FROM {stage} s0) s1)"
    )
    exprs = _field_exprs(person, "s", {name: f"s.t_{name}" for name in columns}, birth_parts="s._bd", clean=True)
    store.execute(
        f"""INSERT INTO mentions
            SELECT {mention_id_expr('s._record_id', person.key)}, s._record_id, {src}, {ing}, {literal(person.role)},
                   {literal(person.key)}, 0, {', '.join(exprs[c] for c in MENTION_COLUMNS)},
                   CAST({_static_provenance(person)} AS JSON)
            FROM {source} s WHERE {' OR '.join(f's.t_{name} IS NOT NULL' for name in columns)}"""
    )


def _insert_cell_persons(store: Any, person: PersonSpec, stage: str, src: str, ing: str, number: int) -> None:
    """Several people described inside one cell: split, match the pattern, keep every span."""
    cell = person.from_cell
    assert cell is not None
    splitter = re.compile(cell.split)
    groups = [g for g in cell.pattern.groupindex if g in PERSON_FIELDS]
    rows = store.fetchall(
        f"SELECT _record_id, _loc, {quote_ident(cell.column)} FROM {stage} WHERE kz_text({quote_ident(cell.column)}) IS NOT NULL"
    )
    out: dict[str, list[Any]] = {k: [] for k in ("record_id", "loc", "ordinal", "relationship", "status", "provenance", "unparsed")}
    for g in groups:
        out["g_" + g] = []
    relationship_values = {**DEFAULT_RELATIONSHIPS, **person.relationship_values}
    for record_id, loc, text in rows:
        ordinal = 0
        position = 0
        for part in splitter.split(text):
            start = text.find(part, position)
            position = start + len(part)
            stripped = part.strip()
            if not stripped:
                continue
            offset = start + (len(part) - len(part.lstrip()))
            match = cell.pattern.match(stripped)
            prov: dict[str, Any] = {"_cell": {"column": cell.column, "span": [offset, offset + len(stripped)], "original": stripped}}
            values: dict[str, str | None] = {}
            if match is None or not (match.groupdict().get("name") or "").strip():
                out["unparsed"].append((record_id, loc, stripped, [offset, offset + len(stripped)]))
                continue
            for name, value in match.groupdict().items():
                value = value.strip() if value else None
                values[name] = value or None
                if value:
                    s, e = match.span(name)
                    prov[name] = {"column": cell.column, "span": [offset + s, offset + e], "original": match.group(name)}
            out["record_id"].append(record_id)
            out["loc"].append(loc)
            out["ordinal"].append(ordinal)
            rel_text = values.get("relationship")
            out["relationship"].append(rel_text)
            out["status"].append(values.get("status"))
            out["provenance"].append(json.dumps(prov, ensure_ascii=False))
            for g in groups:
                out["g_" + g].append(values.get(g))
            ordinal += 1
    unparsed = out.pop("unparsed")
    import pyarrow as pa  # only for values pulled out of cells; a heavy import

    view = f"kz_cells_{number}_{abs(hash(person.key)) % 10**8}"
    if out["record_id"]:
        arrow = pa.table({k: pa.array(v, pa.int64() if k == "ordinal" else pa.string()) for k, v in out.items()})
        store.con.register(view, arrow)
        try:
            overrides = {g: f"c.{quote_ident('g_' + g)}" for g in groups}
            exprs = _field_exprs(person, "s", overrides)
            mid = mention_id_expr("c.record_id", person.key, "CAST(c.ordinal AS VARCHAR)")
            store.execute(
                f"""INSERT INTO mentions
                    SELECT {mid}, c.record_id, {src}, {ing}, {literal(person.role)}, {literal(person.key)}, c.ordinal,
                           {', '.join(exprs[col] for col in MENTION_COLUMNS)}, CAST(c.provenance AS JSON)
                    FROM {view} c JOIN {stage} s ON s._record_id = c.record_id"""
            )
            if person.relation_to is not None:
                coded = recode("c.relationship", relationship_values)
                target = mention_id_expr("c.record_id", person.relation_to)
                store.execute(
                    f"""INSERT INTO relations
                        SELECT {hashed_id('rel', 'c.loc', literal(person.key), 'CAST(c.ordinal AS VARCHAR)', literal(person.relation_to))},
                               c.record_id, {src}, {ing}, {mid}, {target}, {coded}, c.relationship,
                               CAST(json_object('relationship', json_object('column', {literal(cell.column)})) AS JSON)
                        FROM {view} c WHERE {target} IN (SELECT mention_id FROM mentions WHERE ingest_id = {ing})"""
                )
            store.execute(
                f"""INSERT INTO events
                    SELECT {hashed_id('evt', 'c.loc', literal(person.key), 'CAST(c.ordinal AS VARCHAR)', "'status'")},
                           c.record_id, {src}, {ing}, {mid}, 'status', NULL, NULL, NULL, c.status, NULL,
                           CAST(json_object('status', json_object('column', {literal(cell.column)})) AS JSON)
                    FROM {view} c WHERE c.status IS NOT NULL"""
            )
        finally:
            store.con.unregister(view)
    for record_id, loc, text, span in unparsed:
        # Nothing is hidden: a part of the cell the pattern does not understand is kept as a note.
        note_id = "not-" + hashlib.sha256(f"{loc}|{person.key}|unparsed|{span[0]}".encode()).hexdigest()[:24]
        store.execute(
            "INSERT INTO notes VALUES (?, ?, ?, ?, NULL, 'unparsed_cell', ?, CAST(? AS JSON))",
            [note_id, record_id, src.strip("'"), ing.strip("'"), text,
             json.dumps({"text": {"column": cell.column, "span": span, "original": text}}, ensure_ascii=False)],
        )


def _exists(mention: str, ing: str) -> str:
    return f"{mention} IN (SELECT mention_id FROM mentions WHERE ingest_id = {ing})"


def _prov(**specs: ValueSpec | None) -> str:
    prov = {k: ({"column": v.column} if v.column else {"value": v.value}) for k, v in specs.items() if v is not None}
    return f"CAST({literal(json.dumps(prov, ensure_ascii=False))} AS JSON)"


def _insert_relations(store: Any, mapping: Mapping, stage: str, src: str, ing: str) -> None:
    for i, relation in enumerate(mapping.relations):
        text = text_expr(relation.relationship, "s")
        from_id, to_id = mention_id_expr("s._record_id", relation.from_key), mention_id_expr("s._record_id", relation.to_key)
        store.execute(
            f"""INSERT INTO relations
                SELECT {hashed_id('rel', 's._loc', literal(relation.from_key), "'0'", literal(relation.to_key))},
                       s._record_id, {src}, {ing}, {from_id}, {to_id}, {recode(text, DEFAULT_RELATIONSHIPS)}, {text},
                       {_prov(relationship=relation.relationship)}
                FROM {stage} s WHERE {_exists(from_id, ing)} AND {_exists(to_id, ing)}"""
        )
        del i


def _insert_events(store: Any, mapping: Mapping, stage: str, src: str, ing: str) -> None:
    for i, event in enumerate(mapping.events):
        date, facility, status, detail = (text_expr(getattr(event, k), "s") for k in ("date", "facility", "status", "detail"))
        mention = mention_id_expr("s._record_id", event.person)
        any_value = " OR ".join(f"{e} IS NOT NULL" for e, spec in ((date, event.date), (facility, event.facility), (status, event.status), (detail, event.detail)) if spec is not None and spec.column is not None)
        if not any_value:
            continue
        store.execute(
            f"""INSERT INTO events
                SELECT {hashed_id('evt', 's._loc', literal(event.person), f"'{i}'")}, s._record_id, {src}, {ing}, {mention},
                       {literal(event.type)}, kz_date({date}), kz_date_precision({date}), {facility}, {status}, {detail},
                       {_prov(date=event.date, facility=event.facility, status=event.status, detail=event.detail)}
                FROM {stage} s WHERE ({any_value}) AND {_exists(mention, ing)}"""
        )


def _insert_labels(store: Any, mapping: Mapping, stage: str, src: str, ing: str) -> None:
    for i, item in enumerate(mapping.classifications):
        value = text_expr(item.value, "s")
        mention = mention_id_expr("s._record_id", item.person)
        store.execute(
            f"""INSERT INTO classifications
                SELECT {hashed_id('cls', 's._loc', literal(item.person), f"'{i}'")}, s._record_id, {src}, {ing}, {mention},
                       {literal(item.scheme)}, {value}, {_prov(value=item.value)}
                FROM {stage} s WHERE {value} IS NOT NULL AND {_exists(mention, ing)}"""
        )
    for i, reason in enumerate(mapping.reasons):
        text = text_expr(reason.text, "s")
        mention = mention_id_expr("s._record_id", reason.person)
        if reason.split:
            parts = f"string_split_regex({text}, {literal(reason.split)})"
            store.execute(
                f"""INSERT INTO reasons
                    SELECT {hashed_id('rsn', 'p._loc', literal(reason.person), f"'{i}'", 'CAST(p.ordinal AS VARCHAR)')},
                           p._record_id, {src}, {ing}, p.mention, CAST(p.ordinal AS INTEGER), kz_text(p.part),
                           {_prov(text=reason.text)}
                    FROM (SELECT s._loc, s._record_id, {mention} AS mention,
                                 unnest({parts}) AS part, generate_subscripts({parts}, 1) - 1 AS ordinal
                          FROM {stage} s WHERE {text} IS NOT NULL) p
                    WHERE kz_text(p.part) IS NOT NULL AND {_exists('p.mention', ing)}"""
            )
        else:
            store.execute(
                f"""INSERT INTO reasons
                    SELECT {hashed_id('rsn', 's._loc', literal(reason.person), f"'{i}'", "'0'")}, s._record_id, {src}, {ing},
                           {mention}, 0, {text}, {_prov(text=reason.text)}
                    FROM {stage} s WHERE {text} IS NOT NULL AND {_exists(mention, ing)}"""
            )
    for i, note in enumerate(mapping.notes):
        text = text_expr(note.text, "s")
        mention = mention_id_expr("s._record_id", note.person) if note.person else "NULL"
        exists = _exists(mention, ing) if note.person else "true"
        store.execute(
            f"""INSERT INTO notes
                SELECT {hashed_id('not', 's._loc', literal(note.person or ''), f"'{i}'")}, s._record_id, {src}, {ing},
                       {mention}, {literal(note.kind)}, {text}, {_prov(text=note.text)}
                FROM {stage} s WHERE {text} IS NOT NULL AND {exists}"""
        )


"""Where the original cells of every record are kept: one columnar table per table read.

A record is one extracted row with its original cells verbatim. Storing those cells as a JSON
document per row doubled the cost of a large ingest (each row's text written a second time,
as JSON), so the cells of each table read from a source are kept as they were read, column by
column, in a table of their own (`kz_cells_<ingest>_<n>`): `_record_id`, the locator columns
`_sheet`, `_page`, `_table`, `_row`, and one VARCHAR column per original header. The catalog
`record_tables` lists them, and the view `records` joins them into the canonical shape
(record_id, source_id, ingest_id, sheet, page, table_index, row_number, cells), computing
`cells` as JSON {header: original text} only when a query asks for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from karez.store.store import Store

# Case stores made before the cells were kept as columns held every record, with its cells as
# JSON, in one table `records`; opening such a store renames it to this and keeps reading it.
LEGACY = "kz_records_legacy"

# Column option for hash ids (unique per row): see create_record_table.
UNCOMPRESSED = "USING COMPRESSION uncompressed"

EMPTY_VIEW = """CREATE OR REPLACE VIEW records AS
    SELECT NULL::VARCHAR AS record_id, NULL::VARCHAR AS source_id, NULL::VARCHAR AS ingest_id,
           NULL::VARCHAR AS sheet, NULL::INTEGER AS page, NULL::INTEGER AS table_index,
           NULL::BIGINT AS row_number, NULL::JSON AS cells
    WHERE false"""


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def table_name(ingest_id: str, number: int) -> str:
    """The cells table of the `number`-th table read by an ingest."""
    return "kz_cells_" + re.sub(r"[^0-9a-zA-Z]", "_", ingest_id.removeprefix("ing-")) + f"_{number}"


def create_record_table(
    store: Store,
    *,
    name: str,
    source_id: str,
    ingest_id: str,
    number: int,
    sheet: str | None,
    headers: Sequence[str],
    select_sql: str,
) -> int:
    """Create the cells table `name` from `select_sql` (which yields `_record_id`, `_sheet`, `_page`, `_table`, `_row`, then
    one column per header, in order), list it in `record_tables` and refresh the `records`
    view. Returns its row count. Runs inside the caller's transaction."""
    # The record id is a hash, unique per row: DuckDB's dictionary/FSST compression cannot
    # shrink it by much and is the costliest part of writing it, so that column is stored
    # uncompressed (see docs/data-model.md, "Storage"). The other columns keep DuckDB's choice.
    types = store.fetchall(f"DESCRIBE ({select_sql})")
    columns = ", ".join(
        f"{_ident(column)} {kind}" + (f" {UNCOMPRESSED}" if column == "_record_id" else "") for column, kind, *_ in types
    )
    store.execute(f"CREATE TABLE {_ident(name)} ({columns})")
    store.execute(f"INSERT INTO {_ident(name)} {select_sql}")
    rows = int(store.scalar(f"SELECT count(*) FROM {_ident(name)}"))
    store.execute(
        "INSERT INTO record_tables VALUES (?, ?, ?, ?, ?, ?, ?)",
        [name, source_id, ingest_id, number, sheet, json.dumps(list(headers), ensure_ascii=False), rows],
    )
    refresh_view(store)
    return rows


def drop_record_tables(store: Store, source_id: str) -> int:
    """Drop every cells table of a source; returns how many records they held."""
    tables = store.fetchall("SELECT table_name, n_rows FROM record_tables WHERE source_id = ?", [source_id])
    legacy = 0
    if store.table_exists(LEGACY):
        legacy = store.count(LEGACY, "source_id = ?", [source_id])
        store.execute(f"DELETE FROM {LEGACY} WHERE source_id = ?", [source_id])
    if not tables:
        return legacy
    for name, _ in tables:
        store.execute(f"DROP TABLE IF EXISTS {_ident(name)}")
    store.execute("DELETE FROM record_tables WHERE source_id = ?", [source_id])
    refresh_view(store)
    return legacy + sum(int(n) for _, n in tables)


def refresh_view(store: Store) -> None:
    """(Re)define `records` as the union of every listed cells table."""
    tables = store.fetchall(
        "SELECT table_name, source_id, ingest_id, headers FROM record_tables ORDER BY source_id, ingest_id, number"
    )
    parts = []
    if store.table_exists(LEGACY):
        parts.append(f"SELECT record_id, source_id, ingest_id, sheet, page, table_index, row_number, cells FROM {LEGACY}")
    if not tables and not parts:
        store.execute(EMPTY_VIEW)
        return
    for name, source_id, ingest_id, headers in tables:
        cells = "json_object(" + ", ".join(f"{_literal(h)}, {_ident(h)}" for h in json.loads(headers)) + ")"
        parts.append(
            f"""SELECT _record_id AS record_id, {_literal(source_id)} AS source_id, {_literal(ingest_id)} AS ingest_id,
                       CAST(_sheet AS VARCHAR) AS sheet, CAST(_page AS INTEGER) AS page,
                       CAST(_table AS INTEGER) AS table_index, CAST(_row AS BIGINT) AS row_number,
                       CAST({cells} AS JSON) AS cells
                FROM {_ident(name)}"""
        )
    store.execute("CREATE OR REPLACE VIEW records AS " + "\nUNION ALL\n".join(parts))


def write_records(
    store: Store,
    *,
    source_id: str,
    ingest_id: str,
    rows: Iterable[Mapping[str, Any]],
) -> int:
    """Store records given as dictionaries (record_id, and optionally sheet, page, table_index,
    row_number, cells: {header: text}), for tools and tests that write records without a
    reader. Rows go to the ingest's cells table with the same headers, or a new one. Returns
    the number of rows written."""
    import pyarrow as pa

    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row.get("cells") or {}), []).append(row)
    written = 0
    for headers, group in groups.items():
        columns: dict[str, Any] = {
            "_record_id": pa.array([r["record_id"] for r in group], pa.string()),
            "_sheet": pa.array([r.get("sheet") for r in group], pa.string()),
            "_page": pa.array([r.get("page") for r in group], pa.int32()),
            "_table": pa.array([r.get("table_index") for r in group], pa.int32()),
            "_row": pa.array([r.get("row_number") for r in group], pa.int64()),
        }
        for header in headers:
            values = [(r.get("cells") or {}).get(header) for r in group]
            columns[header] = pa.array([None if v is None else str(v) for v in values], pa.string())
        view = "kz_write_records"
        store.con.register(view, pa.table(columns))
        try:
            selected = f"SELECT {', '.join(_ident(c) for c in columns)} FROM {view}"
            existing = store.fetchone(
                "SELECT table_name FROM record_tables WHERE source_id = ? AND ingest_id = ? AND headers = ?::JSON",
                [source_id, ingest_id, json.dumps(list(headers), ensure_ascii=False)],
            )
            if existing is not None:
                store.execute(f"INSERT INTO {_ident(existing[0])} {selected}")
                store.execute(
                    "UPDATE record_tables SET n_rows = n_rows + ? WHERE table_name = ?", [len(group), existing[0]]
                )
            else:
                number = int(store.scalar(
                    "SELECT coalesce(max(number) + 1, 0) FROM record_tables WHERE ingest_id = ?", [ingest_id]
                ))
                create_record_table(
                    store, name=table_name(ingest_id, number), source_id=source_id, ingest_id=ingest_id,
                    number=number, sheet=None, headers=headers, select_sql=selected,
                )
        finally:
            store.con.unregister(view)
        written += len(group)
    return written

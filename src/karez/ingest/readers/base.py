"""What every reader produces: raw tables in DuckDB, one text column per header.

A reader loads a source into one or more temporary DuckDB tables. Each has the columns
`_sheet`, `_page`, `_table`, `_row` (the record's locator, see docs/data-model.md) followed by
one VARCHAR column per header, named exactly as the header is written. Readers register
themselves by format name (the Datasette habit: built-in features are plugins too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karez.errors import SourceError

if TYPE_CHECKING:
    from karez.ingest.mapping import SourceOptions
    from karez.store import Store

LOCATOR_COLUMNS = ("_sheet", "_page", "_table", "_row")


@dataclass
class RawTable:
    """One table read from a source, loaded into DuckDB as `relation`."""

    relation: str
    headers: list[str]
    sheet: str | None = None
    rows: int = 0
    notes: list[str] = field(default_factory=list)
    # SQL giving each locator column from the relation, where it is not a column of its own
    # (the CSV reader derives `_row` from DuckDB's rowid rather than copying the table).
    locators: dict[str, str] = field(default_factory=lambda: {c: c for c in LOCATOR_COLUMNS})


@dataclass
class ReadContext:
    """Everything a reader needs: the original's path in the vault, its name as received
    (for messages), the mapping's source options, the store, and a temp-table prefix."""

    path: Path
    display_name: str
    options: SourceOptions
    store: Store
    prefix: str
    progress: Any = None  # a rich Progress, or None
    columns_wanted: set[str] = field(default_factory=set)

    def relation_name(self, index: int) -> str:
        return f"{self.prefix}_{index}"


Reader = Callable[[ReadContext], list[RawTable]]
READERS: dict[str, Reader] = {}


def reader(*formats: str) -> Callable[[Reader], Reader]:
    """Register a reader for one or more format names."""

    def register(function: Reader) -> Reader:
        for name in formats:
            READERS[name] = function
        return function

    return register


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_headers(
    headers: Sequence[Any], *, file: str, sheet: str | None = None, page: int | None = None, row: int = 1
) -> list[str]:
    """Header texts trimmed; blank or duplicate headers are an error naming the columns."""
    clean = ["" if h is None else re.sub(r"\s+", " ", str(h)).strip() for h in headers]
    if not any(clean):
        raise SourceError(
            "the header row is empty",
            file=file,
            sheet=sheet,
            page=page,
            row=row,
            hint="set source.header_row in the mapping to the row that holds the column names",
        )
    blanks = [i + 1 for i, h in enumerate(clean) if not h]
    if blanks:
        raise SourceError(
            f"blank header in column(s) {', '.join(map(str, blanks))}",
            file=file,
            sheet=sheet,
            page=page,
            row=row,
            hint="name every column with source.header_names in the mapping (the original is never edited)",
        )
    seen: dict[str, int] = {}
    for index, header in enumerate(clean, 1):
        if header in seen:
            raise SourceError(
                f"duplicate header {header!r} in columns {seen[header]} and {index}",
                file=file,
                sheet=sheet,
                page=page,
                row=row,
                hint="give distinct names with source.header_names in the mapping",
            )
        seen[header] = index
    return clean


def cell_text(value: Any) -> str | None:
    """A cell as text, as faithfully as the reader's library allows; blank -> None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        if text.endswith("T00:00:00"):
            text = text[: -len("T00:00:00")]
        return text
    text = str(value)
    return text if text.strip() else None


def load_rows(
    context: ReadContext,
    index: int,
    headers: list[str],
    rows: list[list[Any]],
    locators: list[tuple[str | None, int | None, int | None, int]],
    *,
    sheet: str | None = None,
) -> RawTable:
    """Load rows built in Python into a DuckDB temp table via Arrow."""
    relation = context.relation_name(index)
    import pyarrow as pa  # a heavy import, needed only by readers that load rows from Python

    columns: dict[str, Any] = {
        "_sheet": pa.array([loc[0] for loc in locators], pa.string()),
        "_page": pa.array([loc[1] for loc in locators], pa.int32()),
        "_table": pa.array([loc[2] for loc in locators], pa.int32()),
        "_row": pa.array([loc[3] for loc in locators], pa.int64()),
    }
    width = len(headers)
    for position, header in enumerate(headers):
        columns[header] = pa.array(
            [cell_text(row[position]) if position < len(row) else None for row in rows], pa.string()
        )
    del width
    arrow = pa.table(columns)
    view = relation + "_arrow"
    context.store.con.register(view, arrow)
    try:
        context.store.execute(f"CREATE TEMP TABLE {relation} AS SELECT * FROM {view}")
    finally:
        context.store.con.unregister(view)
    return RawTable(relation, headers, sheet=sheet, rows=len(rows))


def header_names(context: ReadContext, found: list[str], **where: Any) -> list[str]:
    """The mapping's `header_names` override the source's own, when given."""
    names = context.options.header_names
    if names is None:
        return found
    if len(names) != len(found):
        raise SourceError(
            f"the mapping's source.header_names lists {len(names)} names but the table has {len(found)} columns",
            file=context.display_name,
            **where,
        )
    return check_headers(names, file=context.display_name, **where)

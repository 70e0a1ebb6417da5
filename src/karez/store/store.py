"""A thin wrapper over a DuckDB connection: schema, transactions, logged and wrapped errors.

Every stage reads and writes the case through `Store`. Queries are logged at debug level and
engine errors are re-raised as `StoreError` carrying the SQL that failed, so a result can be
audited (the Splink habit).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from karez.errors import StoreError

log = logging.getLogger("karez.store")

CANONICAL_TABLES = (
    "sources",
    "ingests",
    "records",
    "mentions",
    "relations",
    "events",
    "classifications",
    "reasons",
    "notes",
)
# Tables derived from a source's ingest, deleted when a source is withdrawn or re-ingested.
# `records` is a view over the sources' cells tables (see records.py).
DERIVED_TABLES = ("records", "mentions", "relations", "events", "classifications", "reasons", "notes")


class Store:
    """The DuckDB database of one case (`CASE/karez.duckdb`)."""

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as error:
            raise StoreError(
                f"cannot open the case store {self.path}: {error}. "
                "Close other programs using this case and try again."
            ) from error
        self._in_transaction = False
        if not read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        from karez.store.records import LEGACY, refresh_view

        kind = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = 'records' AND table_schema = 'main'"
        ).fetchone()
        ddl = resources.files("karez.store").joinpath("schema.sql").read_text("utf-8")
        if kind is not None and kind[0] != "VIEW":
            # A store from before the cells were kept as columns: keep its records as they are,
            # under another name, and read them through the view like every other table.
            with self.transaction():
                self.execute(f"ALTER TABLE records RENAME TO {LEGACY}")
                self.execute(ddl)
                refresh_view(self)
            return
        self.con.execute(ddl)
        if kind is None:  # a new store: `records` is the view over no cells table yet
            refresh_view(self)

    def delete_source_rows(self, source_id: str) -> dict[str, int]:
        """Delete everything derived from a source (its records' cells tables included) and its
        ingest; returns the rows removed per table. Runs inside the caller's transaction."""
        from karez.store.records import drop_record_tables

        removed = {"records": drop_record_tables(self, source_id)}
        for table in (*(t for t in DERIVED_TABLES if t != "records"), "ingests"):
            removed[table] = self.count(table, "source_id = ?", [source_id])
            self.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])
        return removed

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement; errors come back as StoreError with the SQL."""
        started = time.perf_counter()
        try:
            if params is None:
                result = self.con.execute(sql)
            else:
                result = self.con.execute(sql, params)
        except duckdb.Error as error:
            raise StoreError(f"query failed: {error}", sql) from error
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%.3fs SQL: %s | params=%r", time.perf_counter() - started, " ".join(sql.split())[:500], params)
        return result

    def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple]:
        return self.execute(sql, params).fetchall()

    def fetchone(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> tuple | None:
        return self.execute(sql, params).fetchone()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        row = self.fetchone(sql, params)
        return None if row is None else row[0]

    def dicts(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows as dictionaries keyed by column name."""
        cursor = self.execute(sql, params)
        names = [d[0] for d in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def df(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None):  # -> pandas.DataFrame
        return self.execute(sql, params).df()

    def table_exists(self, name: str) -> bool:
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
            )
        )

    def count(self, table: str, where: str = "", params: Sequence[Any] | None = None) -> int:
        sql = f"SELECT count(*) FROM {table}" + (f" WHERE {where}" if where else "")
        return int(self.scalar(sql, params))

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All or nothing: on any exception every change inside is rolled back."""
        if self._in_transaction:
            yield self
            return
        self.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            self._in_transaction = False
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:  # pragma: no cover - the connection is already broken
                log.exception("rollback failed")
            raise
        else:
            self._in_transaction = False
            self.execute("COMMIT")

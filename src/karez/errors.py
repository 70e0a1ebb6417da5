"""Errors karez raises. Each says what went wrong, where, and what to do."""

from __future__ import annotations


class KarezError(Exception):
    """Base of every error karez raises on purpose; the CLI prints its message and exits 1."""


class CaseError(KarezError):
    """The case folder is missing, not a case, or cannot be used as asked."""


class SourceError(KarezError):
    """A source file cannot be read. The message names the file, sheet/page and row."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        sheet: str | None = None,
        page: int | None = None,
        row: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.file, self.sheet, self.page, self.row, self.hint = file, sheet, page, row, hint
        where = []
        if file:
            where.append(f"file {file}")
        if sheet is not None:
            where.append(f"sheet {sheet!r}")
        if page is not None:
            where.append(f"page {page}")
        if row is not None:
            where.append(f"row {row}")
        text = (", ".join(where) + ": " if where else "") + message
        if hint:
            text += f" ({hint})"
        super().__init__(text)


class MappingError(KarezError):
    """A mapping file is invalid: the message names the key or column and suggests a fix."""


class StoreError(KarezError):
    """A query on the case store failed; carries the SQL that failed."""

    def __init__(self, message: str, sql: str | None = None) -> None:
        self.sql = sql
        super().__init__(message if sql is None else f"{message}\n  SQL: {sql.strip()[:2000]}")


class IntegrityError(KarezError):
    """The case is not intact (used where an operation refuses to run on a damaged case)."""

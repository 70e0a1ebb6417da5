"""JSON and JSON lines: nested objects are flattened to dotted column names."""

from __future__ import annotations

import json
from typing import Any

from karez.errors import SourceError
from karez.ingest.readers.base import RawTable, ReadContext, load_rows, reader


def flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """{'a': {'b': 1}} -> {'a.b': 1}; lists stay as JSON text, since their order is data."""
    if not isinstance(record, dict):
        return {prefix or "value": record}
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        else:
            flat[name] = value
    return flat


def _load(context: ReadContext, records: list[tuple[int, Any]]) -> list[RawTable]:
    if not records:
        raise SourceError("the file holds no records", file=context.display_name)
    headers: dict[str, None] = {}
    flat_rows = []
    for _, record in records:
        flat = flatten(record)
        flat_rows.append(flat)
        for key in flat:
            headers.setdefault(key, None)
    names = list(headers)
    rows = [[flat.get(name) for name in names] for flat in flat_rows]
    locators = [(None, None, None, number) for number, _ in records]
    return [load_rows(context, 0, names, rows, locators)]


@reader("jsonl")
def read_jsonl(context: ReadContext) -> list[RawTable]:
    records: list[tuple[int, Any]] = []
    with context.path.open("r", encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                raise SourceError(
                    f"not valid JSON: {error.msg} at column {error.colno}",
                    file=context.display_name,
                    row=number,
                    hint="each line must be one JSON object",
                ) from error
    return _load(context, records)


@reader("json")
def read_json(context: ReadContext) -> list[RawTable]:
    try:
        with context.path.open("r", encoding="utf-8-sig") as handle:
            data = json.load(handle)
    except json.JSONDecodeError as error:
        raise SourceError(
            f"not valid JSON: {error.msg} at column {error.colno}", file=context.display_name, row=error.lineno
        ) from error
    except UnicodeDecodeError as error:
        raise SourceError("JSON must be UTF-8", file=context.display_name) from error
    path = context.options.records_path
    if path:
        for part in path.split("."):
            if not isinstance(data, dict) or part not in data:
                raise SourceError(f"records_path {path!r} not found (no key {part!r})", file=context.display_name)
            data = data[part]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise SourceError("expected a list of records", file=context.display_name, hint="set source.records_path")
    return _load(context, [(i + 1, r) for i, r in enumerate(data)])


@reader("parquet")
def read_parquet(context: ReadContext) -> list[RawTable]:
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(context.path)
    except Exception as error:
        raise SourceError(f"not a readable Parquet file: {error}", file=context.display_name) from error
    headers = [name for name in schema.names]
    relation = context.relation_name(0)
    path_literal = str(context.path).replace("'", "''")
    select = ", ".join(f'CAST("{h.replace(chr(34), chr(34) * 2)}" AS VARCHAR) AS "{h.replace(chr(34), chr(34) * 2)}"' for h in headers)
    context.store.execute(
        f"""CREATE TEMP TABLE {relation} AS
            SELECT NULL::VARCHAR AS _sheet, NULL::INTEGER AS _page, NULL::INTEGER AS _table,
                   file_row_number + 1 AS _row, {select}
            FROM read_parquet('{path_literal}', file_row_number = true)"""
    )
    count = int(context.store.scalar(f"SELECT count(*) FROM {relation}"))
    if count == 0:
        raise SourceError("the file holds no rows", file=context.display_name)
    return [RawTable(relation, headers, rows=count)]

"""Readers: each loads a source into DuckDB raw tables (see base.py). Importing this package
registers the built-in ones."""

from karez.ingest.readers import json, pdf, text, xlsx  # noqa: F401  (registration)
from karez.ingest.readers.base import READERS, RawTable, ReadContext, reader

FORMAT_BY_MEDIA_TYPE = {
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/plain": "csv",
    "application/json": "json",
    "application/x-ndjson": "jsonl",
    "application/vnd.apache.parquet": "parquet",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/x-ole-storage": "xlsx",  # refused with a clear message by the xlsx reader
}

__all__ = ["READERS", "RawTable", "ReadContext", "reader", "FORMAT_BY_MEDIA_TYPE"]

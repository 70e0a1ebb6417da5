"""The case store: one DuckDB file per case holding the canonical model."""

from karez.store.store import Store

__all__ = ["Store"]

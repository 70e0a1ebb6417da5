"""Ingest: readers for every source format, declarative mappings, and the ingest itself."""

from karez.ingest.mapping import Mapping, load_mapping
from karez.ingest.pipeline import IngestResult, ingest_source
from karez.ingest.readers import READERS, reader

__all__ = ["IngestResult", "Mapping", "READERS", "ingest_source", "load_mapping", "reader"]

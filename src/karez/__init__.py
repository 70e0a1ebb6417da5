"""karez: an evidence workbench for leaked government detention records.

The public API is small: open a `Case`, `add` originals, `ingest` them with a mapping, and
hand the case to each stage (`karez.names`, `karez.verify`, `karez.link`, `karez.analyse`,
`karez.estimate`, `karez.testbed`).
"""

from __future__ import annotations

__version__ = "0.1.0"

# Light to import, and registers the hook that clears a withdrawn source's link rows.
import karez.link  # noqa: E402,F401
from karez.custody import Case, IntegrityReport, SourceInfo, custody_report  # noqa: E402
from karez.errors import CaseError, KarezError, MappingError, SourceError, StoreError  # noqa: E402

__all__ = [
    "__version__",
    "Case",
    "SourceInfo",
    "IntegrityReport",
    "custody_report",
    "KarezError",
    "CaseError",
    "SourceError",
    "MappingError",
    "StoreError",
]

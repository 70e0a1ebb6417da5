"""Custody: cases, the evidence vault, the hash-chained ledger, seals and the custody report."""

from karez.custody.case import Case, SourceInfo, on_remove
from karez.custody.integrity import IntegrityReport
from karez.custody.ledger import Ledger, LedgerEntry
from karez.custody.report import custody_report
from karez.custody.seal import Seal

__all__ = ["Case", "SourceInfo", "IntegrityReport", "Ledger", "LedgerEntry", "Seal", "custody_report", "on_remove"]

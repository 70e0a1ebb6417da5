"""Analyse: reasons coded to a documented taxonomy, tables, family circles, timelines, report.

Everything here describes what the records state (the state's reasons, labels and
decisions). Nothing scores, ranks or predicts individuals.
"""

from __future__ import annotations

from karez.analyse.circles import circle_summary, export_graph, family_circles, family_graph
from karez.analyse.coding import code_reasons, code_text, codings, override_coding, uncoded_reasons
from karez.analyse.persons import resolve_pseudonym
from karez.analyse.report import ReportResult, write_report
from karez.analyse.tables import (
    Analysis,
    classification_vs_outcome,
    classification_vs_reason,
    notes_table,
    outcome_table,
    reason_cooccurrence,
    reason_table,
    reasons_by,
    reasons_by_sex,
)
from karez.analyse.taxonomy import SHARED_CODES, Taxonomy, TaxonomyError, load_taxonomy
from karez.analyse.timeline import dated_events, timeline

__all__ = [
    "SHARED_CODES",
    "Analysis",
    "ReportResult",
    "Taxonomy",
    "TaxonomyError",
    "circle_summary",
    "classification_vs_outcome",
    "classification_vs_reason",
    "code_reasons",
    "code_text",
    "codings",
    "dated_events",
    "export_graph",
    "family_circles",
    "family_graph",
    "load_taxonomy",
    "notes_table",
    "outcome_table",
    "override_coding",
    "reason_cooccurrence",
    "reason_table",
    "reasons_by",
    "reasons_by_sex",
    "resolve_pseudonym",
    "timeline",
    "uncoded_reasons",
    "write_report",
]

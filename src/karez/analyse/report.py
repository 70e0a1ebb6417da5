"""`karez report`: a self-contained HTML report of a case's analysis (offline, no CDN).

Charts are inline SVG; every table states its query and filters; small counts are flagged;
individuals appear only under keyed pseudonyms unless the analyst asks for names. The
analyst's copy links each count to the pseudonyms behind it. Writing a report is recorded in
the ledger.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from karez import __version__, settings
from karez.analyse import charts
from karez.analyse.circles import circle_summary, export_graph, family_circles, family_graph
from karez.analyse.coding import codings, uncoded_reasons
from karez.analyse.report_template import METHODS, TEMPLATE
from karez.analyse.tables import UNCODED, Analysis
from karez.analyse.taxonomy import Taxonomy
from karez.analyse.timeline import timeline
from karez.errors import KarezError

if TYPE_CHECKING:
    from karez.custody import Case

MAX_ROWS = 300
MAX_MEMBERS = 300


class ReportError(KarezError):
    """The report cannot be written where asked."""


@dataclass
class ReportResult:
    """What `write_report` wrote."""

    path: Path
    sha256: str
    graph_files: list[Path]
    tables: int
    charts: int


class _Builder:
    def __init__(self, small: int, analyst_copy: bool, names: dict[str, str] | None) -> None:
        self.small = small
        self.analyst_copy = analyst_copy
        self.names = names
        self.members: list[dict[str, Any]] = []
        self.n_tables = 0
        self.n_charts = 0

    def chart(self, svg: str) -> dict[str, Any]:
        self.n_charts += 1
        return {"kind": "chart", "svg": svg}

    def table(self, key: str, df: pd.DataFrame, *, text_columns: tuple[str, ...] = (),
              flag_small: bool = True) -> dict[str, Any]:
        """Render a table; counts link to members (analyst's copy) and small counts are flagged
        (not in tables of one row per person, where every count is about one person)."""
        self.n_tables += 1
        attrs = df.attrs
        total = len(df)
        members: dict[str, list[str]] = attrs.get("members", {}) if self.analyst_copy else {}
        flat = isinstance(df.index, pd.RangeIndex)
        # pandas deep-copies attrs into every row Series; the members lists make that slow.
        df = df.head(MAX_ROWS).copy()
        df.attrs = {}
        shown = df
        header = "".join(
            f'<th class="{"text" if flat and (i == 0 or c in text_columns) else ""}">{html.escape(str(c))}</th>'
            for i, c in enumerate(shown.columns)
        )
        if not flat:
            header = f'<th class="text">{html.escape(str(shown.index.name or ""))}</th>' + header
        body = []
        for index, row in shown.iterrows():
            label = str(row.iloc[0]) if flat else str(index)
            cells = [] if flat else [f'<th class="text">{html.escape(label)}</th>']
            for i, (column, value) in enumerate(row.items()):
                cells.append(self._cell(key, attrs.get("title", key), label, str(column), value,
                                        text=flat and (i == 0 or column in text_columns), members=members,
                                        flag_small=flag_small))
            body.append("<tr>" + "".join(cells) + "</tr>")
        markup = (f'<div class="wide"><table><thead><tr>{header}</tr></thead>'
                  f"<tbody>{''.join(body)}</tbody></table></div>")
        return {
            "kind": "table",
            "title": attrs.get("title", key),
            "html": markup,
            "query": attrs.get("query", ""),
            "filters": attrs.get("filters", ""),
            "unit": attrs.get("unit", "people"),
            "rows": total,
            "shown": len(shown),
            "truncated": total > len(shown),
        }

    def _cell(self, key: str, title: str, row: str, column: str, value: Any, *, text: bool,
              members: dict[str, list[str]], flag_small: bool = True) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return '<td class="text"></td>' if text else "<td></td>"
        if isinstance(value, float) and not float(value).is_integer() or (isinstance(value, float) and column.startswith("share")):
            return f"<td>{value:.1%}</td>" if column.startswith("share") else f"<td>{value:g}</td>"
        if text or not isinstance(value, (int, float)) or isinstance(value, bool):
            return f'<td class="text">{html.escape(str(value))}</td>'
        count = int(value)
        small = flag_small and 0 < count < self.small
        shown = f"{count}{' †' if small else ''}"
        ids = members.get(f"{row}|{column}")
        if ids:
            anchor = "m-" + hashlib.sha1(f"{key}|{row}|{column}".encode()).hexdigest()[:12]
            self.members.append(
                {"anchor": anchor, "table": title, "cell": f"{row} × {column}",
                 "ids": ids[:MAX_MEMBERS], "names": self.names}
            )
            shown = f'<a href="#{anchor}" title="{len(ids)} people">{shown}</a>'
        return f'<td class="{"small" if small else ""}">{shown}</td>'


NAME_SEPARATORS = re.compile(r"[·•‧∙・.．\s-]+")


def name_masker(case: Case) -> Callable[[str], str]:
    """A function that replaces the names of the case's people (as written, and each part of
    two or more characters) by "[name]" in a text - reason texts sometimes name relatives."""
    names = {str(n).strip() for (n,) in case.store.fetchall("SELECT DISTINCT name FROM mentions WHERE name IS NOT NULL")}
    parts = {p for n in names for p in NAME_SEPARATORS.split(n) if len(p) >= 2}
    words = sorted((w for w in names | parts if len(w) >= 2), key=len, reverse=True)
    if not words:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(w) for w in words))
    return lambda text: pattern.sub("[name]", text)


def _highlight(text: str, evidence: list[dict[str, Any]], mask: Callable[[str], str]) -> str:
    spans = sorted({(e["start"], e["end"]) for e in evidence if "start" in e})
    out, last = [], 0
    for start, end in spans:
        if start < last:
            continue
        out.append(html.escape(mask(text[last:start])) + "<mark>" + html.escape(mask(text[start:end])) + "</mark>")
        last = end
    out.append(html.escape(mask(text[last:])))
    return "".join(out)


def _coding_examples(case: Case, mask: Callable[[str], str], limit: int = 60) -> str:
    """The most frequent reason texts with their categories and the spans that matched."""
    frame = codings(case)
    if frame.empty:
        return "<p>No reasons in this case.</p>"
    frame["category"] = frame["category"].fillna(UNCODED)
    grouped = frame.groupby("text")
    counts = grouped["reason_id"].nunique().sort_values(ascending=False).head(limit)
    rows = []
    for text, n in counts.items():
        part = grouped.get_group(text)
        evidence: list[dict[str, Any]] = []
        for value in part["evidence"].dropna():
            evidence.extend(json.loads(value))
        categories = ", ".join(sorted(set(part["category"])))
        rows.append(f'<tr><td class="text">{_highlight(str(text), evidence, mask)}</td>'
                    f'<td class="text">{html.escape(categories)}</td><td>{int(n)}</td></tr>')
    return ('<h3>Most frequent reason texts, as coded</h3><table><thead><tr><th class="text">'
            'text (matched evidence marked)</th><th class="text">categories</th><th>reasons</th>'
            f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _taxonomy_html(taxonomy: Taxonomy) -> str:
    rows = []
    for row in taxonomy.describe():
        name = row["category"] if not row["subcategory"] else f"&nbsp;&nbsp;{html.escape(row['subcategory'])}"
        label = html.escape(row.get("label") or "")
        patterns = row.get("n_patterns", "")
        rows.append(f'<tr><td class="text">{name if row["subcategory"] else "<b>" + html.escape(name) + "</b>"}</td>'
                    f'<td class="text">{label}</td><td class="text">{html.escape(row["definition"])}</td>'
                    f"<td>{patterns}</td></tr>")
    return ('<table><thead><tr><th class="text">code</th><th class="text">label</th><th class="text">'
            f'definition</th><th>patterns</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _authentication(case: Case) -> str | None:
    """The latest authentication run (`verify_runs`), when the verify stage has run."""
    if not case.store.table_exists("verify_runs"):
        return None
    runs = case.store.dicts("SELECT * FROM verify_runs")
    if not runs:
        return None
    latest = max(runs, key=lambda r: str(r.get("finished_at") or r.get("started_at") or ""))
    parts = [f"<p>Latest run {html.escape(str(latest.get('run_id', '')))}, finished "
             f"{html.escape(str(latest.get('finished_at', '')))}; "
             f"{html.escape(str(latest.get('n_findings', '?')))} findings.</p>"]
    if latest.get("summary"):
        parts.append(f"<p>{html.escape(str(latest['summary']))}</p>")
    checks = latest.get("checks")
    try:
        checks = json.loads(checks) if isinstance(checks, str) else checks
    except ValueError:
        checks = None
    if isinstance(checks, list) and checks:
        rows = "".join(
            f'<tr><td class="text">{html.escape(str(c.get("title") or c.get("name", "")))}</td>'
            f'<td>{html.escape(str(c.get("checked", "")))}</td><td>{html.escape(str(c.get("flagged", "")))}</td></tr>'
            for c in checks if isinstance(c, dict)
        )
        parts.append('<table><thead><tr><th class="text">check</th><th>checked</th><th>flagged</th>'
                     f"</tr></thead><tbody>{rows}</tbody></table>")
    parts.append("<p>Run <code>karez verify CASE --html FILE</code> for the full authentication report.</p>")
    return "".join(parts)


def _evaluation(case: Case, truth_dir: Path | str, b: _Builder) -> list[dict[str, Any]]:
    """Tables of the coder's per-category scores and the circle measures against the truth."""
    from karez.analyse.evaluate import evaluate
    from karez.testbed import Truth

    result = evaluate(case, Truth(truth_dir))
    coder = pd.DataFrame(
        [{"category": code, **scores} for code, scores in result["coder"]["per_category"].items()]
    )
    coder.attrs.update({"title": "Coder: precision and recall per category", "unit": "reason texts",
                        "query": "analyse_codings joined to truth/reasons.parquet by file, sheet, page, row, person key, ordinal",
                        "filters": f"{result['coder']['reasons_matched_to_truth']} reasons matched to the truth; "
                        f"{result['coder']['n_errors']} coded differently from the truth"})
    circles = result["circles"]
    rows = [{"measure": f"per-person agreement: {k}", "value": v} for k, v in circles["per_person_agreement"].items()]
    for key in ("share_with_detained_relative", "share_with_imprisoned_relative", "share_with_relative_abroad"):
        rows.append({"measure": f"{key} (karez / truth)", "value": f"{circles[key]['karez']:.4f} / {circles[key]['truth']:.4f}"})
    measures = pd.DataFrame(rows)
    measures.attrs.update({"title": "Family circles against the truth", "unit": "detained persons",
                           "query": "family_circles vs truth/persons.parquet and events.parquet",
                           "filters": "true status as of: " + circles["as_of_from"]})
    return [b.table("eval_coder", coder, flag_small=False),
            b.table("eval_circles", measures, text_columns=("measure", "value"), flag_small=False)]


def write_report(
    case: Case,
    out_dir: Path | str,
    *,
    names: bool = False,
    analyst_copy: bool = True,
    taxonomy: Taxonomy | None = None,
    small: int | None = None,
    truth_dir: Path | str | None = None,
) -> ReportResult:
    """Write `OUT/report.html` (self-contained) and the family graph (`family.gexf`,
    `family.graphml`) for the case, and record it in the ledger.

    `names=True` shows names as written next to pseudonyms in the analyst's appendix and in
    the graph files; `analyst_copy=False` leaves out the people behind each count.
    `truth_dir` (a synthetic testbed's `truth/` folder) adds the coder's precision and recall
    per category and the family-circle measures against the truth.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ReportError(f"folder {out}: cannot create the report folder ({error}); choose another --out.") from error
    small = int(small if small is not None else settings.get("small_cell"))
    analysis = Analysis(case, taxonomy)
    taxonomy = analysis.taxonomy
    persons = analysis.persons
    name_of = dict(zip(persons["pseudonym"], persons["name"].fillna(""), strict=True)) if names else None
    b = _Builder(small, analyst_copy, name_of)
    sections: list[dict[str, Any]] = []

    reasons = analysis.reason_table()
    n_reasons = case.store.count("reasons")
    uncoded = uncoded_reasons(case)
    by_category = reasons.set_index("label")["people"]
    blocks = [
        b.chart(charts.bar_chart(by_category, "People by category of stated reason", "people", small)),
        b.table("reasons", reasons, text_columns=("label",)),
        b.table("subcategories", analysis.subcategory_table(), text_columns=("subcategory",)),
    ]
    cooc = analysis.cooccurrence()
    if len(cooc):
        blocks.append(b.chart(charts.heatmap(cooc, "Reasons stated together (people)", small)))
        blocks.append(b.table("cooccurrence", cooc))
    # Reason texts are shown verbatim, except for the names of people in them.
    mask = (lambda text: text) if names else name_masker(case)
    blocks.append({"kind": "html", "html": _coding_examples(case, mask)})
    uncoded_view = uncoded.drop(columns=["reason_id"]).head(MAX_ROWS)
    uncoded_view["text"] = [mask(str(t)) for t in uncoded_view["text"]]
    uncoded_view.attrs.update({"title": f"Uncoded reasons ({len(uncoded)})", "query": uncoded.attrs["query"],
                               "filters": "reasons no category matched and no analyst coded", "unit": "reasons"})
    blocks.append(b.table("uncoded", uncoded_view, text_columns=("source_id", "sheet", "text")))
    sections.append({"id": "reasons", "title": "Why people were held: stated reasons", "blocks": blocks,
                     "intro": "Each stated reason is coded to one or more categories of the taxonomy; "
                     "a person counts once in each category their reasons fall in."})

    blocks = []
    for dimension in ("sex", "age", "township", "village", "facility", "period", "outcome"):
        table = analysis.reasons_by(dimension)
        if dimension in ("sex", "age") and table.size:
            blocks.append(b.chart(charts.grouped_bars(table.T, f"Stated reasons by {dimension}", "people")))
        blocks.append(b.table(f"reasons_by_{dimension}", table))
    sections.append({"id": "who", "title": "Reasons by sex, age, place, facility and period", "blocks": blocks})

    blocks = [b.table("outcomes", analysis.outcome_table())]
    for scheme in analysis.schemes():
        versus_reason = analysis.classification_vs_reason(scheme)
        if versus_reason.size:
            blocks.append(b.chart(charts.heatmap(versus_reason, f"{scheme} × stated reason (people)", small)))
        blocks.append(b.table(f"cls_{scheme}_reason", versus_reason))
        blocks.append(b.table(f"cls_{scheme}_outcome", analysis.classification_vs_outcome(scheme)))
    blocks.append(b.table("notes", analysis.notes_table(), text_columns=("kind", "text")))
    sections.append({"id": "labels", "title": "The state's classifications, outcomes and decisions",
                     "blocks": blocks,
                     "intro": "Household classifications and evaluations are the authorities' labels, verbatim."})

    graph = family_graph(case, taxonomy, names=names, detained=persons)
    summary = circle_summary(case, taxonomy, graph)
    circles = family_circles(case, taxonomy, graph)
    graph_files = [export_graph(graph, out / "family.gexf", names=names),
                   export_graph(graph, out / "family.graphml", names=names)]
    blocks = [b.table("circle_summary", summary, text_columns=("measure",))]
    if summary.attrs["circle_sizes"]:
        blocks.append(b.chart(charts.histogram(summary.attrs["circle_sizes"], "Sizes of affected family circles", "persons in circle")))
    if names and name_of:
        circles.insert(1, "name", circles["pseudonym"].map(name_of))
    blocks.append(b.table("circles", circles, text_columns=("pseudonym", "name", "held_relatives"),
                          flag_small=False))
    blocks.append({"kind": "html", "html": "<p>The family graph is written next to this report for Gephi: "
                   "<code>family.gexf</code> and <code>family.graphml</code> (nodes under pseudonyms"
                   f"{', with names' if names else ''}).</p>"})
    sections.append({"id": "circles", "title": "Family circles: who was held together with whom", "blocks": blocks})

    blocks = []
    time_table = timeline(case)
    if len(time_table):
        blocks.append(b.chart(charts.timeline_chart(time_table, "Detentions, transfers, sentences and releases")))
    blocks.append(b.table("timeline", time_table))
    sections.append({"id": "timeline", "title": "Timeline", "blocks": blocks})

    auth = _authentication(case)
    if auth:
        sections.insert(0, {"id": "authentication", "title": "Authentication summary", "blocks": [{"kind": "html", "html": auth}]})

    quality = ("Per-category precision and recall of the coder can be measured on synthetic testbed cases "
               "(`karez testbed evaluate analyse`); see docs/analysis.md.")
    if truth_dir is not None:
        evaluation = _evaluation(case, truth_dir, b)
        sections.append({"id": "evaluation", "title": "Evaluation against the testbed's truth (synthetic case)",
                         "blocks": evaluation})
        quality = "This is a synthetic testbed case: see the section \"Evaluation against the testbed's truth\"."
    coded_share = 1 - len(uncoded) / n_reasons if n_reasons else 0.0
    figures = [
        ("people with a stated reason or detention", len(persons)),
        ("reason texts", n_reasons),
        ("reason texts coded", f"{coded_share:.1%}"),
        ("uncoded reason texts", len(uncoded)),
        ("sources", case.store.count("sources")),
        ("stated relations", case.store.count("relations")),
    ]
    environment = {
        "title": f"karez analysis report — {case.path.name}",
        "case_id": getattr(case, "case_id", case.path.name),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "actor": settings.actor(),
        "version": __version__,
        "taxonomy_sha": taxonomy.sha256,
        "taxonomy_sources": [Path(s).name if "karez/analyse" in s else s for s in taxonomy.sources],
        "analyst_copy": analyst_copy,
        "names": names,
        "small": small,
        "sections": sections,
        "figures": figures,
        "counting": analysis.counting,
        "methods": METHODS.format(counting=html.escape(analysis.counting), small=small,
                                  small_limit=small - 1, quality=quality),
        "taxonomy_html": _taxonomy_html(taxonomy),
        "members": b.members,
    }
    from jinja2 import Environment

    page = Environment(autoescape=True).from_string(TEMPLATE).render(**environment)
    path = out / "report.html"
    path.write_text(page, encoding="utf-8")
    digest = hashlib.sha256(page.encode("utf-8")).hexdigest()
    case.record(
        "analyse.report",
        outputs={"report": str(path), "sha256": digest,
                 "graphs": [str(p) for p in graph_files]},
        details={"names": names, "analyst_copy": analyst_copy, "small_cell": small,
                 "taxonomy_sha256": taxonomy.sha256, "tables": b.n_tables, "charts": b.n_charts,
                 "confidential": bool(analyst_copy or names)},
    )
    return ReportResult(path, digest, graph_files, b.n_tables, b.n_charts)

"""The HTML template of `karez report` (Jinja2). Kept as a module so it ships with the code."""

from __future__ import annotations

TEMPLATE = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="karez {{ version }}">
<title>{{ title }}</title>
<style>
  :root { --ink: #1d2430; --muted: #5b6472; --line: #d8dde5; --accent: #1b6ca8; --warn: #a8461b; }
  body { font-family: "Noto Sans", "Noto Sans CJK SC", "Noto Naskh Arabic", "DejaVu Sans", sans-serif;
         color: var(--ink); max-width: 1180px; margin: 0 auto; padding: 24px 32px 64px; line-height: 1.45; }
  h1 { font-size: 1.7rem; margin-bottom: 0.2rem; }
  h2 { border-bottom: 2px solid var(--line); padding-bottom: 4px; margin-top: 2.4rem; }
  h3 { margin-top: 1.8rem; font-size: 1.08rem; }
  .notice { border-left: 4px solid var(--warn); background: #fbf3ee; padding: 8px 14px; margin: 12px 0; }
  .meta { color: var(--muted); font-size: 0.9rem; }
  table { border-collapse: collapse; margin: 8px 0 4px; font-size: 0.88rem; }
  th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: right; vertical-align: top; }
  th { background: #f1f4f8; }
  td.text, th.text { text-align: left; }
  tbody th.text, tbody td.text:first-child { white-space: nowrap; }
  td.small { background: #fff3cd; }
  td a { color: inherit; text-decoration: none; border-bottom: 1px dotted var(--accent); }
  details { margin: 2px 0 14px; font-size: 0.85rem; color: var(--muted); }
  details code { white-space: pre-wrap; word-break: break-word; }
  .wide { overflow-x: auto; max-width: 100%; }
  .chart { margin: 10px 0; }
  .chart svg { max-width: 100%; height: auto; }
  .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; }
  .figure { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
  .figure b { font-size: 1.5rem; display: block; }
  mark { background: #ffe08a; }
  .members li { font-family: monospace; font-size: 0.8rem; }
  nav ol { columns: 2; font-size: 0.92rem; }
</style>
</head>
<body>
<header>
<h1>{{ title }}</h1>
<p class="meta">Case {{ case_id }} · generated {{ generated_at }} by {{ actor }} with karez {{ version }} ·
taxonomy {{ taxonomy_sha[:12] }}</p>
{% if analyst_copy %}
<p class="notice"><b>Analyst's copy — confidential.</b> Counts link to the pseudonymous ids of the people
behind them{% if names %}, and names as written in the records are shown{% endif %}. Do not publish this file;
publish through disclosure control (`karez publish`).</p>
{% else %}
<p class="notice">Individuals appear only as keyed pseudonyms. Counts marked † are below {{ small }} and must
not be published without disclosure control.</p>
{% endif %}
<p class="notice">This report counts what the records state: the reasons, labels and decisions written by the
authorities, verbatim and coded. It describes what the state did. It does not score, rank or assess any person.</p>
</header>

<nav><h2>Contents</h2><ol>
{% for section in sections %}<li><a href="#{{ section.id }}">{{ section.title }}</a></li>{% endfor %}
<li><a href="#methods">Methods: what the data can and cannot show</a></li>
<li><a href="#taxonomy">The taxonomy of stated reasons</a></li>
{% if analyst_copy %}<li><a href="#members">People behind each count</a></li>{% endif %}
</ol></nav>

<section id="summary">
<h2>Summary</h2>
<div class="figures">
{% for label, value in figures %}<div class="figure"><b>{{ value }}</b>{{ label }}</div>{% endfor %}
</div>
<p class="meta">{{ counting }}</p>
</section>

{% for section in sections %}
<section id="{{ section.id }}">
<h2>{{ section.title }}</h2>
{% if section.intro %}<p>{{ section.intro }}</p>{% endif %}
{% for block in section.blocks %}
  {% if block.kind == "chart" %}<div class="chart">{{ block.svg | safe }}</div>
  {% elif block.kind == "html" %}{{ block.html | safe }}
  {% elif block.kind == "table" %}
  <h3>{{ block.title }}</h3>
  {{ block.html | safe }}
  <details><summary>Query and filters behind this table</summary>
  <p><b>Query:</b> <code>{{ block.query }}</code></p><p><b>Filters:</b> {{ block.filters }}</p>
  <p><b>Unit:</b> {{ block.unit }}. {% if block.truncated %}Showing the first {{ block.shown }} of {{ block.rows }} rows.{% endif %}</p>
  </details>
  {% endif %}
{% endfor %}
</section>
{% endfor %}

<section id="methods">
<h2>Methods: what the data can and cannot show</h2>
{{ methods | safe }}
</section>

<section id="taxonomy">
<h2>The taxonomy of stated reasons</h2>
<p>Files: {{ taxonomy_sources | join(", ") }}.</p>
{{ taxonomy_html | safe }}
</section>

{% if analyst_copy %}
<section id="members" class="members">
<h2>People behind each count</h2>
<p>Each entry lists the pseudonymous ids behind one count (keyed hash of the person id; the key stays in the case).
<code>karez analyse whois CASE P-…</code> gives the file, sheet or page and row of the records behind one id.</p>
{% for entry in members %}
<h4 id="{{ entry.anchor }}">{{ entry.table }} — {{ entry.cell }} ({{ entry.ids | length }})</h4>
<ul>{% for pid in entry.ids %}<li>{{ pid }}{% if entry.names and entry.names.get(pid) %} — {{ entry.names[pid] }}{% endif %}</li>{% endfor %}</ul>
{% endfor %}
</section>
{% endif %}
</body>
</html>
"""

METHODS = """
<p><b>Source of every number.</b> All counts are read from the case store (DuckDB), which holds the records
ingested from the originals in the case's vault, each value with its file, sheet or page and row. Each table
states the query and the filters behind it. The coding of reasons is stored in <code>analyse_codings</code>
with the span of the original text that matched; analysts' corrections are stored in
<code>analyse_overrides</code> and recorded in the ledger.</p>
<p><b>What is counted.</b> A person is counted as detained when a record gives a reason for their detention
or a detention, transfer, sentence or release event. {counting} Relatives are counted from the relations the
records state (father, spouse, son, neighbour ...); a relative's status (detained, imprisoned, abroad) is
read from the status text the record gives for them.</p>
<p><b>What the data can show.</b> What the authorities wrote: the reasons they stated, the labels they applied
to households, the decisions they recorded, and the dates. How often each kind of reason appears, how reasons
combine, and how labels relate to outcomes, <i>among the people in these records</i>.</p>
<p><b>What it cannot show.</b> Whether any stated reason is true; the reasons are the state's, recorded as
evidence of what the state did. The counts describe the leaked records only: they are not a sample of the
county or the region, and the people in them were selected by the authorities and by what leaked. Shares are
shares of the people in these records. Missing dates, ages or statuses are shown as "(not stated)", never
guessed. A reason text coded by patterns can be coded wrongly; uncoded texts are listed in full, and each
coding can be checked against its evidence span and corrected by an analyst. Family circles contain only the
relations the records state; a relative not named is not in the graph, so circle measures are lower bounds.
Without record linkage, a person named in several places is counted more than once.</p>
<p><b>Small counts.</b> Counts from 1 to {small_limit} are marked † (setting <code>small_cell</code>, now
{small}); they can identify people and must go through disclosure control before publication.</p>
<p><b>Coding quality.</b> {quality}</p>
"""

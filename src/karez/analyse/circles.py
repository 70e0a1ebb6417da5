"""Family circles: who was held together with whom, from the relations the records state.

A graph of persons (mentions, or linkage clusters when they exist) and the stated relations
between them (father, spouse, son, neighbour ...). For each detained person it lists which
relatives the records also show as detained, imprisoned or abroad, with the timing when both
dates are known, and it summarises how far detention reached into families. This shows the
collective responsibility the state applied; it is not a statement about any person.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx
import pandas as pd

from karez.analyse.persons import detainees, person_expr, pseudonymiser
from karez.analyse.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from karez.custody import Case

NON_KIN = ("neighbour", "neighbor", "邻居", "邻", "acquaint", "friend", "colleague", "同事", "朋友",
           "witness", "qoshna", "قوشنا")
# How a stated status reads in circle terms.
HELD_STATUSES = {"continued_detention": "detained", "released": "detained", "sentenced": "imprisoned"}

RELATIONS_SQL = """
SELECT {pf} AS from_person, {pt} AS to_person, r.relationship, r.relationship_text, r.relation_id
FROM relations r
JOIN mentions mf ON mf.mention_id = r.from_mention {jf}
JOIN mentions mt ON mt.mention_id = r.to_mention {jt}
"""


def relation_kind(relationship: str | None) -> str:
    """kin, or neighbour/other for stated relations that are not family."""
    text = (relationship or "").lower()
    return "neighbour" if any(word in text for word in NON_KIN) else "kin"


def family_graph(case: Case, taxonomy: Taxonomy | None = None, *, names: bool = False,
                 detained: pd.DataFrame | None = None) -> nx.Graph:
    """The graph of persons and stated relations.

    Nodes are person ids with attributes `pseudonym`, `label` (the pseudonym, or the name as
    written when `names=True`), `circle_status` (detained, imprisoned, abroad, or empty),
    `status` (the taxonomy status of the latest stated status text), `detained` (a record
    gives a reason or detention event for them) and `detention_date` (ISO date or "").
    Edges carry `relationship` (as coded), `relationship_text` (as written) and `kind`.
    `detained` may pass the frame of `persons.detainees` when it is already at hand.
    """
    taxonomy = taxonomy or load_taxonomy(case.path)
    pseudonym = pseudonymiser(case)
    jf, pf = person_expr(case, "mf")
    jt, pt = person_expr(case, "mt")
    relations = case.store.df(RELATIONS_SQL.format(pf=pf, pt=pt, jf=jf, jt=jt))
    jm, pm = person_expr(case, "m")
    mentions = case.store.df(f"SELECT {pm} AS person_id, m.name, m.address FROM mentions m {jm}")
    statuses = case.store.df(
        f"""SELECT {pm} AS person_id, e.event_type, e.date, e.status_text, e.detail
            FROM events e JOIN mentions m ON m.mention_id = e.mention_id {jm}
            ORDER BY e.date NULLS FIRST, e.event_id"""
    )
    held = (detained if detained is not None else detainees(case, taxonomy)).set_index("person_id")
    graph = nx.Graph()
    names_of = mentions.dropna(subset=["name"]).drop_duplicates("person_id").set_index("person_id")["name"]
    persons = set(relations["from_person"]) | set(relations["to_person"]) | set(held.index)
    status_of: dict[str, str] = {}
    dated: dict[str, str] = {}
    for row in statuses.itertuples(index=False):
        found = {"sentence": "sentenced", "release": "released"}.get(row.event_type)
        if found is None and isinstance(row.status_text, str):
            found = taxonomy.status_of(row.status_text)
        if found is None and row.event_type == "detention":
            found = "continued_detention"
        if found is not None:
            status_of[row.person_id] = found
        held_event = row.event_type == "detention" or (row.event_type == "status" and found in HELD_STATUSES)
        if held_event and not pd.isna(row.date) and row.person_id not in dated:
            dated[row.person_id] = pd.Timestamp(row.date).date().isoformat()
    # A person stated to live in another country (a witness writing from abroad) is abroad
    # even when no status text says so.
    for row in mentions.dropna(subset=["address"]).itertuples(index=False):
        if row.person_id not in status_of and taxonomy.status_of(row.address) == "abroad":
            status_of[row.person_id] = "abroad"
    for person in sorted(persons):
        status = status_of.get(person, "")
        circle_status = HELD_STATUSES.get(status, "abroad" if status == "abroad" else "")
        is_detainee = person in held.index
        if is_detainee and not circle_status:
            circle_status = "detained"
        if is_detainee and held.at[person, "outcome"] == "sentenced":
            circle_status = "imprisoned"
        alias = pseudonym(person)
        graph.add_node(
            person,
            pseudonym=alias,
            label=str(names_of.get(person, alias)) if names else alias,
            circle_status=circle_status,
            status=status,
            detained=bool(is_detainee),
            detention_date=dated.get(person, ""),
        )
    for row in relations.itertuples(index=False):
        if row.from_person == row.to_person:
            continue
        graph.add_edge(
            row.from_person,
            row.to_person,
            relationship=str(row.relationship or ""),
            relationship_text=str(row.relationship_text or ""),
            kind=relation_kind(row.relationship or row.relationship_text),
        )
    graph.graph["query"] = " ".join(RELATIONS_SQL.format(pf=pf, pt=pt, jf=jf, jt=jt).split())
    return graph


def family_circles(case: Case, taxonomy: Taxonomy | None = None, graph: nx.Graph | None = None) -> pd.DataFrame:
    """One row per detained person: their stated relatives and which of them are held.

    Columns: pseudonym, relatives (kin only), detained_relatives, imprisoned_relatives,
    relatives_abroad, neighbours, held_relatives (pseudonym:relationship:status ...),
    days_after_first_held_relative (the person's detention date minus the earliest detention
    date of a held relative, when both are stated; negative means the person was held first).
    """
    graph = graph if graph is not None else family_graph(case, taxonomy)
    rows, members = [], {}
    for person, attrs in sorted(graph.nodes(data=True), key=lambda n: n[1]["pseudonym"]):
        if not attrs["detained"]:
            continue
        kin, neighbours = [], 0
        for other in graph.neighbors(person):
            edge = graph.edges[person, other]
            if edge["kind"] != "kin":
                neighbours += 1
                continue
            kin.append((other, edge["relationship"] or edge["relationship_text"], graph.nodes[other]))
        held = [k for k in kin if k[2]["circle_status"] in ("detained", "imprisoned")]
        held_dates = [k[2]["detention_date"] for k in held if k[2]["detention_date"]]
        days = None
        if attrs["detention_date"] and held_dates:
            days = (pd.Timestamp(attrs["detention_date"]) - pd.Timestamp(min(held_dates))).days
        row = {
            "pseudonym": attrs["pseudonym"],
            "relatives": len(kin),
            "detained_relatives": sum(k[2]["circle_status"] == "detained" for k in kin),
            "imprisoned_relatives": sum(k[2]["circle_status"] == "imprisoned" for k in kin),
            "relatives_abroad": sum(k[2]["circle_status"] == "abroad" for k in kin),
            "neighbours": neighbours,
            "held_relatives": "; ".join(
                sorted(f"{k[2]['pseudonym']}:{k[1]}:{k[2]['circle_status']}" for k in held)
            ),
            "days_after_first_held_relative": days,
        }
        members[f"{attrs['pseudonym']}|held_relatives"] = sorted(k[2]["pseudonym"] for k in held)
        rows.append(row)
    columns = ["pseudonym", "relatives", "detained_relatives", "imprisoned_relatives", "relatives_abroad",
               "neighbours", "held_relatives", "days_after_first_held_relative"]
    df = pd.DataFrame(rows, columns=columns)
    df.attrs.update(
        {
            "title": "Family circles of detained persons",
            "query": graph.graph.get("query", ""),
            "filters": "kin = stated relations other than neighbours/acquaintances; held = detained "
            "(a detention record, or a status text read as detained or released) or imprisoned "
            "(sentence event or status text read as sentenced)",
            "members": members,
            "unit": "people",
        }
    )
    return df


def circle_summary(case: Case, taxonomy: Taxonomy | None = None, graph: nx.Graph | None = None) -> pd.DataFrame:
    """Summary measures of family circles: shares of detained persons with a detained,
    imprisoned or abroad relative, and the sizes of affected circles (connected groups of
    stated kin containing at least one held person)."""
    graph = graph if graph is not None else family_graph(case, taxonomy)
    circles = family_circles(case, taxonomy, graph)
    n = len(circles)
    kin_graph = nx.Graph()
    kin_graph.add_nodes_from(graph.nodes(data=True))
    kin_graph.add_edges_from((a, b) for a, b, e in graph.edges(data=True) if e["kind"] == "kin")
    affected = [
        c for c in nx.connected_components(kin_graph)
        if any(kin_graph.nodes[p]["circle_status"] in ("detained", "imprisoned") for p in c)
    ]
    sizes = sorted((len(c) for c in affected), reverse=True)
    held_in = sorted(
        (sum(kin_graph.nodes[p]["circle_status"] in ("detained", "imprisoned") for p in c) for c in affected),
        reverse=True,
    )

    def share(k: int) -> float:
        return round(k / n, 4) if n else 0.0

    with_detained = int((circles["detained_relatives"] > 0).sum()) if n else 0
    with_imprisoned = int((circles["imprisoned_relatives"] > 0).sum()) if n else 0
    with_held = int(((circles["detained_relatives"] + circles["imprisoned_relatives"]) > 0).sum()) if n else 0
    with_abroad = int((circles["relatives_abroad"] > 0).sum()) if n else 0
    rows = [
        ("detained persons", n, None),
        ("with a detained relative", with_detained, share(with_detained)),
        ("with an imprisoned relative", with_imprisoned, share(with_imprisoned)),
        ("with a detained or imprisoned relative", with_held, share(with_held)),
        ("with a relative abroad", with_abroad, share(with_abroad)),
        ("affected family circles", len(affected), None),
        ("persons in affected circles", sum(sizes), None),
        ("largest affected circle (persons)", sizes[0] if sizes else 0, None),
        ("largest number held in one circle", held_in[0] if held_in else 0, None),
        ("circles with two or more held", sum(h >= 2 for h in held_in), None),
    ]
    df = pd.DataFrame(rows, columns=["measure", "count", "share_of_detained"])
    df.attrs.update(
        {
            "title": "Family circles: summary",
            "query": graph.graph.get("query", ""),
            "filters": "circle = connected group of persons joined by stated kin relations; "
            "affected = containing at least one detained or imprisoned person",
            "members": {},
            "unit": "people",
            "circle_sizes": sizes,
        }
    )
    return df


def export_graph(graph: nx.Graph, path: Path | str, *, names: bool = False) -> Path:
    """Write the family graph for Gephi: GEXF (`.gexf`) or GraphML (`.graphml`).

    Nodes are written under their pseudonym unless `names=True`; person ids never leave.
    """
    from karez.errors import KarezError

    path = Path(path)
    if path.suffix.lower() not in (".gexf", ".graphml"):
        raise KarezError(f"file {path}: the family graph can be written as .gexf or .graphml; choose one.")
    relabelled = nx.relabel_nodes(graph, {n: a["pseudonym"] for n, a in graph.nodes(data=True)})
    for _, attrs in relabelled.nodes(data=True):
        if not names:
            attrs["label"] = attrs["pseudonym"]
    relabelled.graph = {}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)  # as `karez export --out` does
        if path.suffix.lower() == ".gexf":
            nx.write_gexf(relabelled, path)
        else:
            nx.write_graphml(relabelled, path)
    except OSError as error:
        raise KarezError(
            f"file {path}: cannot write the family graph ({error.strerror or error}); choose another path."
        ) from error
    return path

"""Family circles on the small county, and the graph exported for Gephi."""

from __future__ import annotations

import networkx as nx

from karez.analyse import circle_summary, export_graph, family_circles, family_graph
from karez.analyse.persons import pseudonymiser
from karez.custody import Case


def test_each_detained_person_lists_held_relatives(small_case: Case):
    ids = small_case.builder.ids
    alias = pseudonymiser(small_case)
    circles = family_circles(small_case).set_index("pseudonym")
    a = circles.loc[alias(ids["A"])]
    # father in a training centre, wife B detained -> 2 detained; brother sentenced; sister abroad
    assert (a["relatives"], a["detained_relatives"], a["imprisoned_relatives"], a["relatives_abroad"]) == (4, 2, 1, 1)
    assert a["days_after_first_held_relative"] == -22  # A was taken 22 days before B
    d = circles.loc[alias(ids["D"])]
    assert (d["detained_relatives"], d["neighbours"]) == (1, 1)  # the neighbour is not kin
    assert d["days_after_first_held_relative"] == 153  # husband 2017-04-01, D 2017-09-01
    c = circles.loc[alias(ids["C"])]
    assert (c["relatives"], c["detained_relatives"], c["imprisoned_relatives"]) == (1, 0, 0)
    assert alias(ids["F_A"]) + ":father:detained" in a["held_relatives"]


def test_summary_measures_are_exact(small_case: Case):
    summary = circle_summary(small_case).set_index("measure")
    assert summary.loc["detained persons", "count"] == 5
    assert summary.loc["with a detained relative", "count"] == 3
    assert summary.loc["with a detained relative", "share_of_detained"] == 0.6
    assert summary.loc["with an imprisoned relative", "count"] == 1
    assert summary.loc["with a relative abroad", "count"] == 1
    assert summary.loc["largest affected circle (persons)", "count"] == 5
    assert summary.loc["largest number held in one circle", "count"] == 4
    # circles: {A,B,F_A,B_A,S_A}, {C,C_S}, {D,D_H}, {E}, and the held neighbour alone
    assert summary.attrs["circle_sizes"] == [5, 2, 2, 1, 1]


def test_graph_exports_use_pseudonyms_unless_names_are_asked_for(small_case: Case, tmp_path):
    graph = family_graph(small_case)
    gexf = export_graph(graph, tmp_path / "family.gexf")
    graphml = export_graph(graph, tmp_path / "family.graphml")
    for path, reader in ((gexf, nx.read_gexf), (graphml, nx.read_graphml)):
        text = path.read_text(encoding="utf-8")
        assert "Synthetic A" not in text and "men-0" not in text
        back = reader(path)
        assert back.number_of_nodes() == graph.number_of_nodes() == 11
        assert back.number_of_edges() == graph.number_of_edges() == 7
    named = export_graph(family_graph(small_case, names=True), tmp_path / "named.graphml", names=True)
    assert "Synthetic A" in named.read_text(encoding="utf-8")

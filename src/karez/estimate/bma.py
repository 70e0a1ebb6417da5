"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997).

Each decomposable graph on the lists is a model of how they depend on each other. With a
hyper-Dirichlet prior (`delta` per cell of the full table) the marginal likelihood of the
complete table (the unobserved count n0 included) factorises over the graph's cliques and
separators; combined with the number of ways to pick which people were missed and the prior
p(N) proportional to 1/N, it gives a joint posterior over (graph, N). Averaging over graphs
with equal prior weight gives the posterior of N. This is the approach of the R package dga
(HRDAG); written here from the paper.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.special import gammaln

from karez.estimate.errors import EstimateError
from karez.estimate.histories import CaptureHistories

DEFAULT_DELTA = 0.5
MAX_LISTS = 5  # 2^10 graphs on 5 lists; 2^15 on 6 is too slow to enumerate here


@dataclass(frozen=True)
class GraphPosterior:
    """Posterior of N averaged over decomposable graphs, and the graphs' weights."""

    totals: np.ndarray  # grid of N
    probabilities: np.ndarray  # posterior probability of each N
    graphs: tuple[tuple[tuple[int, int], ...], ...]  # edges of each graph
    graph_weights: np.ndarray  # posterior probability of each graph

    def quantile(self, q: float) -> float:
        """The smallest N whose posterior distribution function reaches q."""
        index = int(np.searchsorted(np.cumsum(self.probabilities), q))
        return float(self.totals[min(index, self.totals.size - 1)])

    @property
    def mean(self) -> float:
        return float(self.probabilities @ self.totals)

    @property
    def mode(self) -> float:
        return float(self.totals[int(np.argmax(self.probabilities))])


def decomposable_graphs(k: int) -> list[tuple[tuple[int, int], ...]]:
    """Every chordal (decomposable) graph on k lists, as edge tuples."""
    edges = list(itertools.combinations(range(k), 2))
    found = []
    for mask in range(2 ** len(edges)):
        chosen = tuple(e for bit, e in enumerate(edges) if mask >> bit & 1)
        graph = nx.Graph()
        graph.add_nodes_from(range(k))
        graph.add_edges_from(chosen)
        if nx.is_chordal(graph):
            found.append(chosen)
    return found


def _cliques_and_separators(k: int, edges: tuple[tuple[int, int], ...]) -> tuple[list[tuple[int, ...]], list[tuple[int, ...]]]:
    graph = nx.Graph()
    graph.add_nodes_from(range(k))
    graph.add_edges_from(edges)
    cliques = [tuple(sorted(c)) for c in nx.find_cliques(graph)]
    # Separators: the edges of a junction tree (a maximum spanning tree of clique overlaps).
    overlaps = nx.Graph()
    overlaps.add_nodes_from(range(len(cliques)))
    for a, b in itertools.combinations(range(len(cliques)), 2):
        overlaps.add_edge(a, b, weight=len(set(cliques[a]) & set(cliques[b])))
    tree = nx.maximum_spanning_tree(overlaps)
    separators = [tuple(sorted(set(cliques[a]) & set(cliques[b]))) for a, b in tree.edges()]
    return cliques, separators


def _margin_log_likelihood(
    histories: CaptureHistories, lists: tuple[int, ...], missing: np.ndarray, delta: float
) -> np.ndarray:
    """log Dirichlet-multinomial likelihood of the margin over `lists`, for each n0 in `missing`."""
    k = histories.k
    patterns = np.vstack([np.zeros((1, k), dtype=np.int8), histories.patterns])
    counts = np.concatenate([[0], histories.counts]).astype(float)
    size = 2 ** len(lists)
    if lists:
        keys = patterns[:, list(lists)].astype(np.int64) @ (2 ** np.arange(len(lists) - 1, -1, -1))
    else:
        keys = np.zeros(patterns.shape[0], dtype=np.int64)
    margin = np.bincount(keys, weights=counts, minlength=size)
    alpha = delta * 2**k / size  # each margin cell gathers 2^k / size cells of the full table
    fixed = float(np.sum(gammaln(margin[1:] + alpha) - gammaln(alpha)))
    # Only the margin cell of the all-zero pattern (key 0) receives the n0 unobserved people.
    varying = gammaln(margin[0] + missing + alpha) - gammaln(alpha)
    total = gammaln(margin.sum() + missing + alpha * size) - gammaln(alpha * size)
    return fixed + varying - total


def graph_averaged_posterior(
    histories: CaptureHistories, *, delta: float = DEFAULT_DELTA, max_multiple: float = 200.0
) -> GraphPosterior:
    """Posterior of the total N averaged over all decomposable graphs (equal prior weights).

    The grid of the unobserved count grows until its last tenth holds under 1e-6 of the
    posterior; if that needs more than `max_multiple` times the people listed, the data do
    not bound N and an EstimateError says so.
    """
    k = histories.k
    if k > MAX_LISTS:
        raise EstimateError(f"graph averaging enumerates every graph: at most {MAX_LISTS} lists, got {k}")
    n = histories.n_observed
    graphs = decomposable_graphs(k)
    structure = [_cliques_and_separators(k, g) for g in graphs]
    upper = max(10 * n, 1000)
    while True:
        missing = np.arange(0, upper + 1, dtype=float)
        totals = n + missing
        cache: dict[tuple[int, ...], np.ndarray] = {}

        def margin(lists: tuple[int, ...], missing: np.ndarray = missing, cache: dict = cache) -> np.ndarray:
            if lists not in cache:
                cache[lists] = _margin_log_likelihood(histories, lists, missing, delta)
            return cache[lists]

        # log N!/n0! (which n0 of the N people were missed) + log prior 1/N.
        common = gammaln(totals + 1) - gammaln(missing + 1) - np.log(totals)
        log_post = np.array([
            sum(margin(c) for c in cliques) - sum(margin(s) for s in separators) + common
            for cliques, separators in structure
        ])
        top = log_post.max()
        weights = np.exp(log_post - top)
        by_total = weights.sum(axis=0)
        by_total /= by_total.sum()
        tail = by_total[int(0.9 * missing.size):].sum()
        if tail < 1e-6:
            break
        if upper >= max_multiple * n:
            raise EstimateError(
                f"{histories.source or 'capture histories'}: the graph-averaged posterior of N does "
                f"not settle below {upper + n:,} people (the lists overlap too little); no estimate"
            )
        upper *= 4
    graph_weights = weights.sum(axis=1)
    return GraphPosterior(totals, by_total, tuple(graphs), graph_weights / graph_weights.sum())

"""Bayesian model averaging over decomposable graphical models (Madigan & York 1997)."""

from __future__ import annotations

import numpy as np
import pytest

from karez.estimate import EstimateError, estimate, from_counts, load_counts
from karez.estimate.bma import decomposable_graphs, graph_averaged_posterior


def test_number_of_decomposable_graphs():
    # Labelled chordal graphs on 3, 4, 5 vertices (OEIS A058862): 8, 61, 822.
    assert [len(decomposable_graphs(k)) for k in (3, 4, 5)] == [8, 61, 822]


def test_madigan_york_reproduces_the_published_posterior(benchmarks_path, benchmarks):
    published = benchmarks["Madigan_York_3lists"]["published"]["decomposable_graphical_model_bayes (dga)"]
    histories = load_counts(benchmarks_path, "Madigan_York_3lists")
    result = estimate(histories, "bma")
    assert result.diagnostics["posterior_mode"] == published["posterior_mode"]  # 728
    # The published point estimate 731 depends on the grid of N and the summary used;
    # the posterior median here is 732.
    assert result.estimate == pytest.approx(published["estimate"], abs=4)
    assert result.interval[0] < published["estimate"] < result.interval[1]


def test_posterior_is_a_distribution_and_graph_weights_sum_to_one(benchmarks_path):
    posterior = graph_averaged_posterior(load_counts(benchmarks_path, "Madigan_York_3lists"))
    assert posterior.probabilities.sum() == pytest.approx(1.0)
    assert posterior.graph_weights.sum() == pytest.approx(1.0)
    assert np.all(posterior.totals >= 626)


def test_lists_without_overlap_are_flagged_as_prior_driven():
    # No overlap at all: the log-linear methods refuse; graph averaging returns a figure that
    # the complete graph's prior sets, and must say so.
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30})
    result = estimate(histories, "bma")
    assert any("comes from the prior" in w for w in result.warnings)
    assert any("many capture patterns are empty" in w for w in result.warnings)


def test_too_many_lists_are_refused(benchmarks_path):
    with pytest.raises(EstimateError, match="at most 5 lists"):
        estimate(load_counts(benchmarks_path, "UK_2013_6lists"), "bma")

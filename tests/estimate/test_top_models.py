"""BIC/AIC bootstraps that choose among the models best on the data (Silverman, Chan &
Vincent 2024, section 2.5) instead of every hierarchical model."""

from __future__ import annotations

import math

import numpy as np
import pytest

from karez.estimate import EstimateError, estimate, from_counts
from karez.estimate.loglinear import ModelChecker, fit_model
from karez.estimate.selection import hierarchical_models, information_criterion, ranked_models

FOUR_LISTS = from_counts(
    ["A", "B", "C", "D"],
    {
        "1000": 140, "0100": 120, "0010": 95, "0001": 80, "1100": 30, "1010": 22, "1001": 9,
        "0110": 18, "0101": 14, "0011": 25, "1110": 6, "1101": 3, "1011": 4, "0111": 5, "1111": 2,
    },
)


def _bic(histories, terms) -> float:
    checker = ModelChecker(histories.patterns)
    fit = fit_model(histories.patterns, histories.counts, checker.check(histories.counts, terms), checker.starts)
    return -2 * fit.log_likelihood + fit.n_parameters * math.log(histories.n_observed)


def test_models_are_ranked_best_first_by_the_criterion():
    h = FOUR_LISTS
    ranking = ranked_models(h.patterns, h.counts, ModelChecker(h.patterns), "bic", 2)
    assert len(ranking) == len(list(hierarchical_models(4, 2)))  # every model exists here
    scores = [_bic(h, terms) for terms in ranking[:8]]
    assert scores == sorted(scores)
    full = information_criterion(h.patterns, h.counts, ModelChecker(h.patterns), "bic", 2)
    assert set(full.fit.terms) == set(ranking[0])


def test_a_search_among_given_models_picks_the_best_of_them_only():
    h = FOUR_LISTS
    checker = ModelChecker(h.patterns)
    ranking = ranked_models(h.patterns, h.counts, checker, "bic", 2)
    without_best = information_criterion(h.patterns, h.counts, checker, "bic", 2, ranking[1:4])
    assert set(without_best.fit.terms) == set(ranking[1])
    assert without_best.models_considered == 3


def test_bootstrap_among_all_models_equals_the_full_search():
    """Keeping every model estimable on the data changes nothing but the interval's name."""
    full = estimate(FOUR_LISTS, "bic", bootstrap=60, seed=3)
    every = estimate(FOUR_LISTS, "bic", bootstrap=60, seed=3, top_models=10_000)
    assert every.interval == pytest.approx(full.interval)
    assert full.interval_kind == "bca_bootstrap_with_model_selection"
    assert every.interval_kind == "bca_bootstrap_with_model_selection_among_top_models"
    assert every.diagnostics["bootstrap"]["top_models"] == every.diagnostics["bootstrap"]["models_estimable_on_data"]


def test_bootstrap_among_the_single_best_model_holds_the_model_fixed():
    """With one model the replicates never change model: a narrower spread than with many."""
    one = estimate(FOUR_LISTS, "bic", bootstrap=200, seed=4, top_models=1)
    many = estimate(FOUR_LISTS, "bic", bootstrap=200, seed=4)
    assert one.estimate == many.estimate  # the point estimate always comes from the full search
    assert one.diagnostics["bootstrap"]["top_models"] == 1
    spread = lambda r: r.interval[1] - r.interval[0]  # noqa: E731
    assert spread(one) <= spread(many)
    assert np.isfinite(one.interval).all()


def test_top_models_is_refused_for_methods_without_a_model_search():
    with pytest.raises(EstimateError, match="bic and aic only"):
        estimate(FOUR_LISTS, "stepwise", bootstrap=20, top_models=5)
    with pytest.raises(EstimateError, match="at least 1"):
        estimate(FOUR_LISTS, "bic", bootstrap=20, top_models=0)


def _cli(*args: str):
    from typer.testing import CliRunner

    from karez.cli import app

    return CliRunner().invoke(app, ["estimate", *args])


def _four_lists_file(tmp_path):
    import json

    counts = {
        "1000": 140, "0100": 120, "0010": 95, "0001": 80, "1100": 30, "1010": 22, "1001": 9,
        "0110": 18, "0101": 14, "0011": 25, "1110": 6, "1101": 3, "1011": 4, "0111": 5, "1111": 2,
    }
    path = tmp_path / "four.json"
    path.write_text(json.dumps({"lists": ["A", "B", "C", "D"], "counts": counts}), "utf-8")
    return path


def test_cli_top_models_bootstraps_among_the_best_models(tmp_path):
    """`--top-models K` reaches the bootstrap: the same interval as from Python, and the
    interval kind and diagnostics say the search was narrowed."""
    import json

    path = _four_lists_file(tmp_path)
    result = _cli("--counts", str(path), "--method", "bic", "--bootstrap", "60", "--top-models", "3",
                  "--seed", "5", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["interval_kind"] == "bca_bootstrap_with_model_selection_among_top_models"
    assert payload["diagnostics"]["bootstrap"]["top_models"] == 3
    direct = estimate(FOUR_LISTS, "bic", bootstrap=60, seed=5, top_models=3)
    assert payload["interval"] == pytest.approx(list(direct.interval), abs=0.01)  # JSON rounds to 2 places
    assert payload["estimate"] == pytest.approx(direct.estimate, abs=0.01)


def test_cli_top_models_without_bootstrap_warns_and_with_stepwise_is_refused(tmp_path):
    import json

    path = _four_lists_file(tmp_path)
    result = _cli("--counts", str(path), "--method", "aic", "--top-models", "3", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["interval_kind"] == "wald_model_fixed"
    assert any("top_models=3 has an effect only with a bootstrap" in w for w in payload["warnings"])
    refused = _cli("--counts", str(path), "--method", "stepwise", "--bootstrap", "10", "--top-models", "3", "--json")
    assert refused.exit_code != 0
    assert "bic and aic only" in str(refused.exception) + refused.output

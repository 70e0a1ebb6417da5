"""Log-linear models: published figures, closed forms, and refusals where no estimate exists."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from karez.estimate import EstimateError, ModelNotEstimable, estimate, from_counts, load_counts
from karez.estimate.loglinear import ModelChecker, design_matrix, fit_model
from karez.estimate.selection import hierarchical_models, information_criterion, stepwise


@pytest.fixture(scope="module")
def uk5(benchmarks_path):
    return load_counts(benchmarks_path, "UK_2013_5lists")


def test_stepwise_reproduces_the_published_uk_estimate(uk5, benchmarks):
    published = benchmarks["UK_2013_5lists"]["published"]
    expected = next(v["estimate"] for k, v in published.items() if k.startswith("stepwise"))
    result = estimate(uk5, "stepwise", bootstrap=0)
    assert result.estimate == pytest.approx(expected, abs=3)
    # The model of Bales, Hesketh & Silverman (2015), found step by step.
    assert result.diagnostics["terms"] == ["LA:NG", "LA:PFNCA", "NG:GO", "NG:GP", "PFNCA:GP", "GO:GP"]
    assert [s["added"] for s in result.diagnostics["steps"]][0] == "LA:NG"
    assert all(s["p_value"] < 0.02 for s in result.diagnostics["steps"])


def test_bic_reproduces_the_published_uk_estimates(uk5, benchmarks):
    published = benchmarks["UK_2013_5lists"]["published"]
    order2 = published["bic_maxorder_2 (Silverman, Chan & Vincent 2024, Table 6)"]["estimate"]
    every = published["bic_all_models (same)"]["estimate"]
    assert estimate(uk5, "bic", max_order=2).estimate == pytest.approx(order2, abs=3)
    assert estimate(uk5, "bic", max_order=4).estimate == pytest.approx(every, abs=3)


def test_stepwise_threshold_changes_the_model(uk5):
    strict = estimate(uk5, "stepwise", pthresh=1e-4, bootstrap=0)
    # Only the first two steps have p below 1e-4 (the third has p = 1.1e-4).
    assert strict.diagnostics["terms"] == ["LA:NG", "NG:GP"]
    assert strict.estimate != pytest.approx(11313, abs=50)


def test_two_lists_independence_is_lincoln_petersen():
    histories = from_counts(["A", "B"], {"10": 70, "01": 45, "11": 30})
    result = estimate(histories, "independence", bootstrap=0)
    assert result.estimate == pytest.approx(30 + 70 + 45 + 70 * 45 / 30, rel=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=400), min_size=7, max_size=7))
def test_fitted_margins_equal_observed_margins(cells):
    """At the MLE of a Poisson log-linear model, fitted and observed sufficient statistics agree."""
    histories = from_counts(["A", "B", "C"], dict(zip(["001", "010", "011", "100", "101", "110", "111"], cells, strict=True)))
    checker = ModelChecker(histories.patterns)
    terms = ((0, 1), (1, 2))
    fit = fit_model(histories.patterns, histories.counts, checker.check(histories.counts, terms))
    design = design_matrix(histories.patterns, terms)
    assert np.allclose(design.T @ fit.fitted, design.T @ histories.counts, rtol=1e-6, atol=1e-6)


def test_no_overlap_at_all_is_refused_not_infinite():
    # Three lists that share nobody: any estimate would be infinite.
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30})
    with pytest.raises(ModelNotEstimable) as caught:
        estimate(histories, "independence", bootstrap=0)
    assert caught.value.reason == "mle_does_not_exist"
    assert "does not exist" in str(caught.value)
    assert isinstance(caught.value, EstimateError)


def test_a_pair_sharing_nobody_is_set_to_minus_infinity():
    # A and C share nobody; a model with A:C fits their overlaps as exactly zero.
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30, "110": 8, "011": 6})
    checker = ModelChecker(histories.patterns)
    check = checker.check(histories.counts, ((0, 2),))
    assert check.ok and check.infinite_terms == ((0, 2),)
    fit = fit_model(histories.patterns, histories.counts, check)
    on_a_and_c = histories.patterns[:, 0].astype(bool) & histories.patterns[:, 2].astype(bool)
    assert np.all(fit.fitted[on_a_and_c] == 0)
    assert np.isfinite(fit.unobserved)


def test_saturated_pairs_on_three_lists_not_identifiable_when_a_pair_is_empty():
    # With A:C at minus infinity, A:B + B:C + A:C leaves 5 parameters for 4 patterns.
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30, "110": 8, "011": 6})
    checker = ModelChecker(histories.patterns)
    check = checker.check(histories.counts, ((0, 1), (0, 2), (1, 2)))
    assert not check.ok
    assert "not_identifiable" in check.reason
    with pytest.raises(ModelNotEstimable, match="not identifiable"):
        fit_model(histories.patterns, histories.counts, check)


def test_hierarchical_model_enumeration():
    assert sum(1 for _ in hierarchical_models(3, 2)) == 8
    # Three lists up to order 2 is the most: the 3-way term is never allowed with 3 lists.
    assert sum(1 for _ in hierarchical_models(3, 3)) == 8
    models = list(hierarchical_models(4, 3))
    assert len(models) == len(set(models))
    for terms in models:
        for term in terms:
            if len(term) == 3:
                assert all(pair in terms for pair in ((term[0], term[1]), (term[0], term[2]), (term[1], term[2])))


def test_information_criterion_refuses_unknown_criterion(uk5):
    checker = ModelChecker(uk5.patterns)
    with pytest.raises(EstimateError, match="unknown criterion"):
        information_criterion(uk5.patterns, uk5.counts, checker, "dic")


def test_stepwise_skips_candidates_that_cannot_be_estimated():
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30, "110": 8, "011": 6})
    checker = ModelChecker(histories.patterns)
    selection = stepwise(histories.patterns, histories.counts, checker, pthresh=0.5)
    check = checker.check(histories.counts, selection.fit.terms)
    assert check.ok


def test_unknown_method_is_refused(uk5):
    with pytest.raises(EstimateError, match="unknown method"):
        estimate(uk5, "magic")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.booleans(), min_size=15, max_size=15),
    st.sets(st.sampled_from([(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)])),
)
def test_quick_existence_certificate_agrees_with_the_linear_program(support, pairs):
    """The least-squares certificate never claims existence where the LP denies it."""
    from karez.estimate.histories import patterns_matrix
    from karez.estimate.loglinear import LP_TOLERANCE, _lp_margin_test, _positive_direction_exists

    support_arr = np.asarray(support)
    if not support_arr.any():
        return
    design = design_matrix(patterns_matrix(4), tuple(sorted(pairs)))
    if _positive_direction_exists(design, support_arr):
        assert _lp_margin_test(design, support_arr.astype(float)) > LP_TOLERANCE


@pytest.mark.slow
def test_cached_checks_agree_with_plain_tests_on_large_uk_models(uk5):
    """Regression: on big 5-list models an ill-conditioned null-space solve once produced a
    false certificate of existence. Every shortcut (certificate, caches) must give the
    verdict of the plain linear program and rank test."""
    from karez.estimate.loglinear import LP_TOLERANCE, _lp_margin_test

    checker = ModelChecker(uk5.patterns)
    support = uk5.counts > 0
    models = sorted((m for m in hierarchical_models(5, 4) if len(m) >= 14), key=len, reverse=True)
    assert len(models) > 50
    for terms in models:
        check = checker.check(uk5.counts, terms)
        design = design_matrix(uk5.patterns[check.kept_cells], check.kept_terms)
        plain = _lp_margin_test(design, support[check.kept_cells].astype(float)) > LP_TOLERANCE
        plain = plain and np.linalg.matrix_rank(design) == design.shape[1]
        assert check.ok == plain, terms

"""Multiple systems estimation: how many people, including those on no list.

From the overlap of several incomplete lists, estimate the number of people none of them
names. Log-linear models (independence, stepwise as in Chan, Silverman & Vincent 2021, AIC
and BIC over hierarchical models) with existence checks and BCa bootstrap intervals that
redo model selection; the latent-class model of Manrique-Vallier (2016) with convergence
diagnostics, and a simulation-based calibration of its sampler; every method side by side; checks of the lists against themselves and of the
estimate against the linkage. See docs/estimate.md.
"""

from __future__ import annotations

from karez.estimate.calibration import CalibrationResult, simulation_based_calibration
from karez.estimate.cases import (
    capture_histories,
    sensitivity_to_linkage,
    stratified_capture_histories,
)
from karez.estimate.compare import compare, disagreement, internal_consistency
from karez.estimate.errors import EstimateError, ModelNotEstimable
from karez.estimate.histories import CaptureHistories, from_counts, load_counts
from karez.estimate.lcmcr import TotalPrior, sample_lcmcr
from karez.estimate.methods import METHODS, Estimate, estimate

__all__ = [
    "METHODS",
    "CalibrationResult",
    "CaptureHistories",
    "Estimate",
    "EstimateError",
    "ModelNotEstimable",
    "capture_histories",
    "compare",
    "disagreement",
    "estimate",
    "from_counts",
    "internal_consistency",
    "load_counts",
    "sample_lcmcr",
    "sensitivity_to_linkage",
    "simulation_based_calibration",
    "stratified_capture_histories",
    "TotalPrior",
]

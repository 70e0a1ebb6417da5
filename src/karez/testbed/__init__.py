"""The testbed: a synthetic county, its leaks with mappings, and their ground truth.

Public API: `generate(out, seed=..., scale=...)`, `build_case(out, case_path)`, `Truth`,
`evaluate_ingest(case, truth)`, `FaultRates`. Everything it writes is marked SYNTHETIC.
"""

from __future__ import annotations

from karez.testbed.build import build_case, evaluate_ingest, evaluate_stage
from karez.testbed.faults import DEFAULT_RATES, FaultRates
from karez.testbed.generate import SCALES, TestbedError, generate
from karez.testbed.truth import Truth, TruthError

__all__ = ["generate", "build_case", "evaluate_ingest", "evaluate_stage", "Truth", "TruthError",
           "FaultRates", "DEFAULT_RATES", "SCALES", "TestbedError"]

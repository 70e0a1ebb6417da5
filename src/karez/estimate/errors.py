"""Errors of the estimation stage."""

from __future__ import annotations

from karez.errors import KarezError


class EstimateError(KarezError):
    """Capture histories cannot be read, or an estimate cannot be made; the message says why."""


class ModelNotEstimable(EstimateError):
    """A log-linear model's estimate of the unlisted does not exist or is not identifiable.

    `reason` is one of ``"mle_does_not_exist"``, ``"not_identifiable"`` or both joined by
    ``"+"``; the message says which pattern of lists causes it.
    """

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)

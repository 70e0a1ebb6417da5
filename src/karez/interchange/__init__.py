"""Interchange: confidential exports of a case for the team's own tools (FollowTheMoney)."""

from karez.interchange.ftm import export_ftm

__all__ = ["export_ftm"]

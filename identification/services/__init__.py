"""Everything that changes identification's state: one function per use case."""

from .findings import (
    finding_assign,
    finding_transition,
    findings_close_gone,
    findings_reconcile,
)
from .matching import cross_match
from .rechecks import recheck

__all__ = [
    "cross_match",
    "finding_assign",
    "finding_transition",
    "findings_close_gone",
    "findings_reconcile",
    "recheck",
]

"""What we derive: read models rebuilt from the event log, each in its own SQLite file."""

from projections.audit import AuditProjection, HistoryRow
from projections.engine import Projection, handles
from projections.strength import DIMENSIONS, Dimension, StrengthProjection, StrengthRow

__all__ = [
    "DIMENSIONS",
    "AuditProjection",
    "Dimension",
    "HistoryRow",
    "Projection",
    "StrengthProjection",
    "StrengthRow",
    "handles",
]

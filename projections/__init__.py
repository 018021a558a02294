"""What we derive: read models rebuilt from the event log, each in its own SQLite file.

The names below are imported when first used (PEP 562), so that a read path that only asks a
view's tables (``projections.strength_queries``) does not load the event classes (issue 19)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.lazy import lazy_exports

if TYPE_CHECKING:
    from projections.audit import AuditProjection, HistoryRow
    from projections.engine import Projection, handles
    from projections.strength import StrengthProjection
    from projections.strength_queries import DIMENSIONS, Dimension, StrengthRow

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

_HOME = {
    "DIMENSIONS": "projections.strength_queries",
    "AuditProjection": "projections.audit",
    "Dimension": "projections.strength_queries",
    "HistoryRow": "projections.audit",
    "Projection": "projections.engine",
    "StrengthProjection": "projections.strength",
    "StrengthRow": "projections.strength_queries",
    "handles": "projections.engine",
}


__getattr__ = lazy_exports(__name__, _HOME)

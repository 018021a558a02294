"""What we derive: read models rebuilt from the event log, each in its own SQLite file.

The names below are imported when first used (PEP 562), so that a read path that only asks a
view's tables (``projections.strength_queries``) does not load the event classes (issue 19)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'projections' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # once: the next lookup is a plain attribute
    return value

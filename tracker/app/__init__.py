"""The service layer: the ``Tracker`` facade and its use cases, one module per kind of work
(writing, importing, questions of strength and of the record, upkeep), over a unit of work."""

from tracker.app.tracker import Tracker

__all__ = ["Tracker"]

"""A contingent's invariants checked once for a whole batch (issue 25): an import records its
changes without checking each against the history, and the contingent's changes in force are
then folded once, in valid-time order, when the batch is saved.

The fold of the whole batch holds exactly when the log after the import holds the invariants
(no withdrawal takes more than was there, on any date): an import is one transaction with one
recorded time, so no state between its first and its last event is ever in the store. A
batch the fold refuses is refused by checking event by event too (that check ends with the
same fold); the importer then runs it again that way, for the message that names the line
(``tracker.app.unit_of_work``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from events.timeline import Change, State, covered_days

if TYPE_CHECKING:
    from datetime import date


class Deferred:
    """The changes in force of one contingent during a batch, by version and by day, with
    nothing checked until ``verify``: it stands in for ``events.checked.Checked``."""

    def __init__(self, contributor: str) -> None:
        self.contributor = contributor
        self.changes: dict[int, Change] = {}  # by version: in the order recorded
        self.by_day: dict[date, list[Change]] = {}
        self.changed = False  # a change was added or taken away in this batch

    def check(self, new: Change | None, removed: Change | None = None) -> None:
        """Nothing now: the batch is checked as a whole (``verify``)."""
        self.changed = True

    def add(self, change: Change) -> None:
        self.changes[change.order] = change
        self.by_day.setdefault(change.effective, []).append(change)

    def load(self, change: Change) -> None:
        """A change already in the store (not new to the batch)."""
        self.add(change)

    def remove(self, change: Change) -> None:
        del self.changes[change.order]
        day = self.by_day[change.effective]
        day.remove(change)
        if not day:
            del self.by_day[change.effective]

    def on(self, day: date) -> list[Change]:
        """The changes whose valid date is ``day``, in the order recorded."""
        return list(self.by_day.get(day, ()))

    def verify(self) -> None:
        """Fold every change in force once, in valid-time order (ties in the order recorded).

        Raises:
            InsufficientStrengthError: some change takes more than there was.
        """
        if not self.changed:
            return
        ordered = sorted(self.changes.values(), key=_sort_key)
        state = State(self.contributor, covered=covered_days(ordered), touched=None)
        apply = state.apply
        for change in ordered:
            apply(change)


def _sort_key(change: Change) -> tuple[date, int]:
    return (change.effective, change.order)

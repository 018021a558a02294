"""Checking a contingent's invariants fast: its changes in valid-time order, with the fold's
state saved every ``EVERY`` changes, so a new change is checked against the end state and a
back-dated one (or a supersession) from the last saved state before it. Same rules and same
refusals as folding the whole history (``events.timeline.fold``), which a property test checks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date

from events.errors import InsufficientStrengthError
from events.timeline import Change, Month, State


class Checked:
    """A contingent's changes in force, in valid-time order, with the state after every
    ``EVERY``-th one saved: a change after all the others is checked against the end state;
    a back-dated one, or a supersession, from the last saved state before it, rather than by
    folding the whole history again. A change of which months the series of record covers
    goes back to the first claim of that month (it starts or stops counting)."""

    EVERY = 64

    def __init__(self, contributor: str) -> None:
        self.contributor = contributor
        self.changes: list[Change] = []
        self.keys: list[tuple[date, int]] = []
        self.authorities: Counter[Month] = Counter()  # authoritative changes per month
        self.covered: set[Month] = set()  # shared by every state below
        self.saved: list[State] = [State(contributor, covered=self.covered)]
        self.end: State | None = State(contributor, covered=self.covered)  # None: to redo

    def _index(self, change: Change) -> int:
        at = bisect_left(self.keys, change.sort_key)
        while self.changes[at] is not change:
            at += 1
        return at

    def _first_claim(self, month: Month) -> int | None:
        """Where the first change of ``month`` that is not authoritative is, if any."""
        at = bisect_left(self.keys, (date(month[0], month[1], 1), -1))
        while at < len(self.changes) and self.changes[at].month == month:
            if not self.changes[at].authoritative:
                return at
            at += 1
        return None

    def _covered_with(self, new: Change | None, removed: Change | None) -> set[Month]:
        counts = Counter(self.authorities)
        if new is not None and new.authoritative:
            counts[new.month] += 1
        if removed is not None and removed.authoritative:
            counts[removed.month] -= 1
        return {month for month, n in counts.items() if n > 0}

    def check(self, new: Change | None, removed: Change | None = None) -> None:
        """Raise if adding ``new`` and/or taking ``removed`` away leaves some change short.

        Raises:
            InsufficientStrengthError: said of ``new``, or of the later change it breaks.
        """
        covered = self._covered_with(new, removed)
        flipped = covered ^ self.covered
        if (
            removed is None
            and new is not None
            and not flipped
            and (not self.keys or new.sort_key > self.keys[-1])
        ):
            self.end_state().copy().apply(new)  # the usual case: only the new one can fall short
            return
        starts = []
        if new is not None:
            starts.append(bisect_right(self.keys, new.sort_key))
        if removed is not None:
            starts.append(self._index(removed))
        starts += [at for m in flipped if (at := self._first_claim(m)) is not None]
        j = min(min(starts) // self.EVERY, len(self.saved) - 1)
        state = self.saved[j].copy()
        state.covered = covered
        pending = new  # applied before the first later change (as insort would place it)
        removed_at = self._index(removed) if removed is not None else -1
        for at in range(j * self.EVERY, len(self.changes)):
            change = self.changes[at]
            if pending is not None and change.sort_key > pending.sort_key:
                self._apply(state, pending, new)
                pending = None
            if change is not removed:
                self._apply(state, change, new)
            if (
                not flipped
                and pending is None
                and at >= removed_at
                and self._converged(state, at + 1)
            ):
                return  # from here on the fold is the one already checked
        if pending is not None:
            self._apply(state, pending, new)

    @staticmethod
    def _apply(state: State, change: Change, new: Change | None) -> None:
        try:
            state.apply(change)
        except InsufficientStrengthError as error:
            if change is not new:
                raise error.happening_later() from None
            raise

    def _converged(self, state: State, done: int) -> bool:
        """Whether ``state``, after the first ``done`` changes of the history (as changed), is
        the state saved there: the rest of the fold is then the one that was checked already,
        which refused nothing. A back-dated figure is usually overtaken by the next report of
        its cell, within a saved interval or two (issue 19: the import no longer folds every
        later change again)."""
        if done % self.EVERY:
            return False
        k = done // self.EVERY
        if k >= len(self.saved):
            return False
        saved = self.saved[k]
        return state.cells == saved.cells and state.last_event == saved.last_event

    def _recover(self, month: Month, delta: int) -> None:
        """Count an authoritative change in or out of ``month``; when that changes whether the
        month is covered, the states from its first claim on are to be redone."""
        before = self.authorities[month] > 0
        self.authorities[month] += delta
        if (self.authorities[month] > 0) == before:
            return
        if before:
            self.covered.discard(month)
        else:
            self.covered.add(month)
        at = self._first_claim(month)
        if at is not None:
            del self.saved[at // self.EVERY + 1 :]
            self.end = None

    def add(self, change: Change) -> None:
        at = bisect_right(self.keys, change.sort_key)
        self.changes.insert(at, change)
        self.keys.insert(at, change.sort_key)
        if change.authoritative:
            self._recover(change.month, 1)
        if at + 1 == len(self.changes) and self.end is not None:
            self.end.apply(change)
            if len(self.changes) == len(self.saved) * self.EVERY:
                self.saved.append(self.end.copy())
        else:
            del self.saved[at // self.EVERY + 1 :]
            self.end = None

    def remove(self, change: Change) -> None:
        at = self._index(change)
        del self.changes[at], self.keys[at]
        del self.saved[at // self.EVERY + 1 :]
        self.end = None
        if change.authoritative:
            self._recover(change.month, -1)

    def end_state(self) -> State:
        """The state after every change (saving states on the way when it is redone)."""
        if self.end is None:
            start = (len(self.saved) - 1) * self.EVERY
            state = self.saved[-1].copy()
            for index in range(start, len(self.changes)):
                state.apply(self.changes[index])
                if (index + 1) % self.EVERY == 0:
                    self.saved.append(state.copy())
            self.end = state
        return self.end

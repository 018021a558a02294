"""Checking a contingent's invariants fast: its changes in valid-time order, with the fold's
state saved every ``EVERY`` changes, so a new change is checked against the end state and a
back-dated one (or a supersession) from the last saved state before it. Same rules and same
refusals as folding the whole history (``events.timeline.fold``), which a property test checks."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from datetime import date
from operator import attrgetter

from events.errors import InsufficientStrengthError
from events.timeline import Change, State


class Checked:
    """A contingent's changes in force, in valid-time order, with the fold's state saved about
    every ``EVERY`` changes (``saved[i]`` after the first ``saved_at[i]`` of them): a change
    after all the others is checked against the end state; a back-dated one, or a
    supersession, from the last saved state before it, and only until the fold is again the
    one saved (issue 19), rather than by folding the whole history again. A change of which
    days the series of record covers goes back to the first claim of that day (it starts or
    stops counting)."""

    EVERY = 64

    def __init__(self, contributor: str) -> None:
        self.contributor = contributor
        self.changes: list[Change] = []  # in valid-time order (``Change.sort_key``)
        self.authorities: Counter[date] = Counter()  # authoritative changes per day
        self.covered: set[date] = set()  # shared by every state below
        self.saved: list[State] = [State(contributor, covered=self.covered, touched=None)]
        self.saved_at: list[int] = [0]  # how many changes each saved state has folded
        self.end: State | None = State(
            contributor, covered=self.covered, touched=None
        )  # None: to redo
        # The last check of a back-dated change found the fold as saved again after the first
        # ``n`` changes (as they were): (the change, n), for ``add`` to keep the states after.
        self._converged_at: tuple[Change, int] | None = None
        # Or it folded to the end: (the change, the one it replaces, the end state with them).
        self._folded: tuple[Change | None, Change | None, State] | None = None

    # Positions by valid time, bisecting the changes themselves (no list of keys beside them:
    # issue 19, import memory).
    def _left(self, key: tuple[date, int]) -> int:
        return bisect_left(self.changes, key, key=_SORT_KEY)

    def _right(self, key: tuple[date, int]) -> int:
        changes = self.changes
        if not changes or key > changes[-1].sort_key:  # the usual case: after all others
            return len(changes)
        return bisect_right(changes, key, key=_SORT_KEY)

    def _index(self, change: Change) -> int:
        at = self._left(change.sort_key)
        while self.changes[at] is not change:
            at += 1
        return at

    def on(self, day: date) -> list[Change]:
        """The changes whose valid date is ``day``, in the order recorded."""
        found = []
        at = self._left((day, -1))
        while at < len(self.changes) and self.changes[at].effective == day:
            found.append(self.changes[at])
            at += 1
        return found

    def _first_claim(self, day: date) -> int | None:
        """Where the first change of ``day`` that is not authoritative is, if any."""
        at = self._left((day, -1))
        while at < len(self.changes) and self.changes[at].effective == day:
            if not self.changes[at].authoritative:
                return at
            at += 1
        return None

    def _flipped(self, new: Change | None, removed: Change | None) -> set[date]:
        """The days whose cover by the series of record adding ``new`` and taking ``removed``
        away would change (counted, not by copying the counts: issue 19)."""
        delta: dict[date, int] = {}
        if new is not None and new.authoritative:
            delta[new.effective] = 1
        if removed is not None and removed.authoritative:
            delta[removed.effective] = delta.get(removed.effective, 0) - 1
        authorities = self.authorities
        return {
            day for day, n in delta.items() if (authorities[day] > 0) != (authorities[day] + n > 0)
        }

    def check(self, new: Change | None, removed: Change | None = None) -> None:
        """Raise if adding ``new`` and/or taking ``removed`` away leaves some change short.

        Raises:
            InsufficientStrengthError: said of ``new``, or of the later change it breaks.
        """
        self._converged_at = self._folded = None
        flipped = self._flipped(new, removed)
        if (
            removed is None
            and new is not None
            and not flipped
            and (not self.changes or new.sort_key > self.changes[-1].sort_key)
        ):
            # the usual case: only the new one can fall short; its ``add`` takes this end state
            state = self.end_state().copy()
            state.apply(new)
            self._folded = (new, None, state)
            return
        starts = []
        if new is not None:
            starts.append(self._right(new.sort_key))
        if removed is not None:
            starts.append(self._index(removed))
        starts += [at for m in flipped if (at := self._first_claim(m)) is not None]
        i = bisect_right(self.saved_at, min(starts)) - 1
        state = self.saved[i].copy()
        state.covered = self.covered ^ flipped
        pending = new  # applied before the first later change (as insort would place it)
        removed_at = self._index(removed) if removed is not None else -1
        for at in range(self.saved_at[i], len(self.changes)):
            change = self.changes[at]
            if pending is not None and change.sort_key > pending.sort_key:
                self._apply(state, pending, new)
                pending = None
            if change is not removed:
                self._apply(state, change, new)
            while i + 1 < len(self.saved_at) and self.saved_at[i + 1] <= at + 1:
                i += 1
            if (
                not flipped
                and pending is None
                and at >= removed_at
                and self.saved_at[i] == at + 1
                and _same(state, self.saved[i])
            ):
                # From here on the fold is the one checked already, which refused nothing: a
                # back-dated figure is usually overtaken by the next report of its cell.
                if new is not None and removed is None:
                    self._converged_at = (new, at + 1)
                return
        if pending is not None:
            self._apply(state, pending, new)
        if not flipped:  # the end state once they are added and taken away
            self._folded = (new, removed, state)

    @staticmethod
    def _apply(state: State, change: Change, new: Change | None) -> None:
        try:
            state.apply(change)
        except InsufficientStrengthError as error:
            if change is not new:
                raise error.happening_later() from None
            raise

    def _forget_after(self, count: int) -> None:
        """Drop the saved states that folded more than the first ``count`` changes."""
        keep = bisect_right(self.saved_at, count)
        del self.saved[keep:], self.saved_at[keep:]

    def _recover(self, day: date, delta: int) -> None:
        """Count an authoritative change in or out of ``day``; when that changes whether the
        day is covered, the states from its first claim on are to be redone."""
        before = self.authorities[day] > 0
        self.authorities[day] += delta
        if (self.authorities[day] > 0) == before:
            return
        if before:
            self.covered.discard(day)
        else:
            self.covered.add(day)
        at = self._first_claim(day)
        if at is not None:
            self._forget_after(at)
            self.end = None

    def add(self, change: Change) -> None:
        at = self._right(change.sort_key)
        converged, self._converged_at = self._converged_at, None
        folded, self._folded = self._folded, None
        self.changes.insert(at, change)
        if at + 1 == len(self.changes) and self.end is not None:
            if folded is not None and folded[0] is change and folded[1] is None:
                self.end = folded[2]  # checked: the end state with it (not applied twice)
            else:
                self.end.apply(change)
            if len(self.changes) - self.saved_at[-1] >= self.EVERY:
                self.saved.append(self.end.copy())
                self.saved_at.append(len(self.changes))
        elif converged is not None and converged[0] is change:
            # checked: the fold is as it was from the first ``n`` changes on (now n + 1), and
            # so is the end state; only the states saved between are folded again
            n = converged[1]
            kept = [(c, s) for c, s in zip(self.saved_at, self.saved, strict=True) if c <= at]
            after = [(c + 1, s) for c, s in zip(self.saved_at, self.saved, strict=True) if c >= n]
            self.saved_at = [c for c, _ in kept + after]
            self.saved = [s for _, s in kept + after]
        else:
            self._forget_after(at)
            self.end = None
            if folded is not None and folded[0] is change and folded[1] is None:
                self.end = folded[2]  # as the check folded it
                self.end.covered = self.covered
        if change.authoritative:
            self._recover(change.effective, 1)

    def remove(self, change: Change) -> None:
        folded, self._converged_at, self._folded = self._folded, None, None
        at = self._index(change)
        del self.changes[at]
        self._forget_after(at)
        self.end = None
        if folded is not None and folded[1] is change:
            if folded[0] is None:  # a retraction: the end state as the check folded it
                self.end = folded[2]
                self.end.covered = self.covered
            else:  # a correction: for the ``add`` of the change that replaces it
                self._folded = (folded[0], None, folded[2])
        if change.authoritative:
            self._recover(change.effective, -1)

    def end_state(self) -> State:
        """The state after every change (saving states on the way when it is redone)."""
        if self.end is None:
            start = self.saved_at[-1]
            state = self.saved[-1].copy()
            for index in range(start, len(self.changes)):
                state.apply(self.changes[index])
                if index + 1 - self.saved_at[-1] >= self.EVERY:
                    self.saved.append(state.copy())
                    self.saved_at.append(index + 1)
            self.end = state
        return self.end


_SORT_KEY = attrgetter("sort_key")


def _same(state: State, saved: State) -> bool:
    return state.cells == saved.cells and state.last_event == saved.last_event

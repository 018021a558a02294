"""Deriving a contingent's interval rows from its changes: the general sweep over every
recorded time not derived yet, and the short way for the usual arrival (one change later than
all before it)."""

from __future__ import annotations

from datetime import date
from typing import Any

from events.bitemporal import Known, row_of, sweep
from events.timeline import Cell, Change, Interval, Level, State, close_day, interval
from projections.engine import rows
from projections.strength_boxes import grouped_boxes
from projections.strength_tables import (
    INTERVAL_COLUMNS,
    KEY_COLUMNS,
    change_of,
    key_of,
    values_of,
)

_VALID_FROM = INTERVAL_COLUMNS.index("valid_from")
INSERT_INTERVAL = (
    f"INSERT INTO strength_intervals ({', '.join(INTERVAL_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in INTERVAL_COLUMNS)})"
)
# What a contingent's rows are derived from, for the next arrival's short way (``append_one``)
DERIVED = (
    "INSERT OR REPLACE INTO strength_derived (mission, contributor, recorded, "
    "changes, known, superseded_known, effective) "
    "SELECT ?, ?, ?, MAX(rowid), MAX(known), MAX(superseded_known), MAX(effective) "
    "FROM strength_changes WHERE mission = ? AND contributor = ?"
)
ROWS_PER_WRITE = 20_000  # rows a rebuild holds before it writes them


class StrengthDerivation:
    """How a contingent's rows are brought to its latest recorded time (``db``: the view's)."""

    db: Any
    # the boxes ``derive_all`` made of the rows it wrote (the others: one box a row)
    boxes: list[tuple[str, int, int, int, int, int, int, int, int]]

    def rederive(self, mission: str, contributor: str, since: str) -> None:
        """Bring a contingent's rows to its latest recorded time. Rows for recorded times
        already derived never change, so only the later ones are swept and diffed against the
        rows still open; when something arrived with a recorded time not after the last one
        derived (writers that committed out of timestamp order), everything is derived again."""
        found = self.db.execute(
            "SELECT recorded FROM strength_derived WHERE mission = ? AND contributor = ?",
            [mission, contributor],
        ).fetchone()
        last = found[0] if found else None
        if last is not None and since > last and self.append_one(mission, contributor, last):
            return
        items = self.changes_with_times(mission, contributor)
        times = sorted(
            {k.recorded for _, k in items} | {st for _, k in items for _, st in k.superseded_at}
        )
        where = "mission = ? AND contributor = ?"
        opened: dict[tuple[Any, ...], int] = {}  # rows already stored, still open: rowid
        written: list[list[Any]] = []  # rows first recorded in this call and closed in it
        if last is None or since <= last:
            if last is not None:  # (none derived: it has no rows, and a rebuild no index yet)
                self.db.execute(
                    f"DELETE FROM strength_intervals WHERE {where}", [mission, contributor]
                )
            todo = times
        else:
            todo = [t for t in times if t > last]
            for rowid, *key in self.db.execute(
                f"SELECT rowid, {', '.join(KEY_COLUMNS)} FROM strength_intervals "
                f"WHERE {where} AND recorded_to IS NULL",
                [mission, contributor],
            ):
                opened[tuple(key)] = rowid
        written = self._rows(mission, contributor, items, todo, opened)
        self.db.conn.executemany(INSERT_INTERVAL, written)
        if times:
            self.db.execute(DERIVED, [mission, contributor, times[-1], mission, contributor])

    def _rows(
        self,
        mission: str,
        contributor: str,
        items: list[tuple[Change, Known]],
        todo: list[str],
        opened: dict[tuple[Any, ...], int],
    ) -> list[list[Any]]:
        """The rows to write for the recorded times ``todo`` (in order), after those already
        stored and still open (``opened``: key -> rowid, ended here in the view)."""
        fresh: dict[tuple[Any, ...], list[Any]] = {}  # rows first recorded in this call
        written: list[list[Any]] = []  # rows first recorded in this call and closed in it
        for t in todo:
            current = {
                key_of(row, known_from, known_to)
                for row, spans in sweep(contributor, items, t).items()
                for known_from, known_to in spans
            }
            ended = [rowid for key, rowid in opened.items() if key not in current]
            if ended:
                self.db.conn.executemany(
                    "UPDATE strength_intervals SET recorded_to = ? WHERE rowid = ?",
                    ((t, rowid) for rowid in ended),
                )
            for key in [key for key in opened if key not in current]:
                del opened[key]
            for key in [key for key in fresh if key not in current]:
                row = fresh.pop(key)
                row[-1] = t  # recorded_to
                written.append(row)
            for key in current:
                if key not in opened and key not in fresh:
                    fresh[key] = [mission, contributor, *values_of(key, t)]
        # in valid-time order: the rows in force on a date then lie on a few pages, not one
        # page each (a date's rows at 1M events: 0.79 -> 0.48 ms to read)
        written.extend(sorted(fresh.values(), key=lambda row: row[_VALID_FROM]))
        return written

    def derive_all(self, marked: list[tuple[str, str]]) -> None:
        """Derive the rows of the ``marked`` contingents of a view that has none yet (a
        rebuild's side file), in one pass: the changes read once, in contingent order, and
        the rows written in a few statements, not a few per contingent (issue 25)."""
        closures: dict[str, list[tuple[Change, Known]]] = {}
        for r in rows(self.db, "SELECT * FROM mission_closures", []):
            close = Change(r["event_id"], date.fromisoformat(r["effective"]), 0, "close", None)
            closures.setdefault(r["mission"], []).append((close, _known(r)))
        found = self.db.execute(
            f"SELECT mission, contributor, {CHANGE_READ} FROM strength_changes "
            "ORDER BY mission, contributor, rowid"
        )
        by_contingent: dict[tuple[str, str], list[tuple[Change, Known]]] = {}
        for mission, contributor, *columns in found:
            by_contingent.setdefault((mission, contributor), []).append(_item(columns))
        written: list[list[Any]] = []
        derived: list[tuple[str, str, str, str, str]] = []
        # rows are given the next rowids in the order written (an empty table, no deletes)
        first = self.db.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM strength_intervals")
        rowid = first.fetchone()[0]
        boxes: list[tuple[str, int, int, int, int, int, int, int, int]] = []
        for mission, contributor in sorted(marked):
            items = by_contingent.pop((mission, contributor), [])
            items += closures.get(mission, [])
            times = sorted(
                {k.recorded for _, k in items} | {st for _, k in items for _, st in k.superseded_at}
            )
            # each kind of row in valid-time order, for the boxes (``grouped_boxes``)
            found = sorted(self._rows(mission, contributor, items, times, {}), key=_kind_order)
            boxes += grouped_boxes(found, rowid)
            rowid += len(found)
            written += found
            if times:
                derived.append((mission, contributor, times[-1], mission, contributor))
            if len(written) >= ROWS_PER_WRITE:
                self.db.conn.executemany(INSERT_INTERVAL, written)
                written.clear()
        self.db.conn.executemany(INSERT_INTERVAL, written)
        self.db.conn.executemany(DERIVED, derived)
        last = self.db.execute("SELECT COALESCE(MAX(rowid), 0) FROM strength_intervals")
        if last.fetchone()[0] == rowid - 1:  # as counted: the boxes hold the rows written
            self.boxes = boxes

    def append_one(self, mission: str, contributor: str, last: str) -> bool:
        """The usual arrival, done without sweeping the history: one new change, later in
        valid time than every change before it and published no earlier than any of them,
        recorded after the rows derived so far, superseding nothing. The rows as known now
        hold the fold's end state (one open row per cell), so the change is applied to that
        state, and only the rows it ends or starts are written. False: not such an arrival
        (the general derivation then runs). ``last``: the recorded time the rows are at."""
        args = [mission, contributor]
        # What the changes derived so far hold (``strength_derived``), so that none of them is
        # read: those stored since have greater rowids (the index on the contingent keeps
        # them in rowid order), and one superseded since is in the index of superseded ones.
        # (Since ``since > last``, the changes stored since are those recorded after it.)
        derived = self.db.execute(
            "SELECT changes, known, superseded_known, effective "
            "FROM strength_derived WHERE mission = ? AND contributor = ?",
            args,
        ).fetchone()
        stored, known_before, superseded_before, effective_before = derived
        new = list(
            rows(
                self.db,
                "SELECT rowid, * FROM strength_changes WHERE mission = ? AND contributor = ? "
                "AND rowid > ?",
                [*args, stored if stored is not None else 2**63 - 1],
            )
        )
        if len(new) != 1 or new[0]["superseded_recorded"] is not None:
            return False
        row = new[0]
        if self.db.execute(
            "SELECT 1 FROM strength_changes WHERE mission = ? AND contributor = ? "
            "AND superseded_recorded > ? LIMIT 1",
            [*args, last],
        ).fetchone():
            return False  # an earlier change was corrected or retracted since
        summary = [  # the same, with this change among them
            row["rowid"],
            max(filter(None, (known_before, row["known"]))),
            superseded_before,
            max(filter(None, (effective_before, row["effective"]))),
        ]
        closures = self.db.execute(
            "SELECT MAX(known), MAX(superseded_known), MAX(effective) FROM mission_closures "
            "WHERE mission = ?",
            [mission],
        ).fetchone()
        if closures[0] is not None:  # the closures count as changes before it too
            known_before = max(filter(None, (known_before, closures[0])))
            superseded_before = max(filter(None, (superseded_before, closures[1])), default=None)
            effective_before = max(filter(None, (effective_before, closures[2])))
        if (
            (known_before is not None and known_before > row["known"])
            or (superseded_before is not None and superseded_before >= row["known"])
            or (effective_before is not None and effective_before >= row["effective"])
        ):
            return False  # not after all before it: the sweep decides
        # every change before it is earlier in valid time, so none shares its day: it is no
        # claim beside a report, nor a report over claims
        t, k = row["recorded"], date.fromisoformat(row["known"])
        state = State(contributor, strict=False)
        open_rows: dict[Cell, tuple[date, Level, str]] = {}
        current: dict[Cell, tuple[int, tuple[Any, ...]]] = {}
        for rowid, *key in self.db.execute(
            f"SELECT rowid, {', '.join(KEY_COLUMNS)} FROM strength_intervals WHERE mission = ? "
            "AND contributor = ? AND recorded_to IS NULL AND known_to IS NULL "
            "AND valid_to IS NULL",
            args,
        ):
            location, personnel_type, valid_from, _, strength, approximate, event_id = key[:7]
            cell: Cell = (location, personnel_type)
            level = Level(strength, bool(approximate))
            state.set(cell, level, event_id)
            open_rows[cell] = (date.fromisoformat(valid_from), level, event_id)
            current[cell] = (rowid, tuple(key))
        change = change_of(row)
        state.apply(change)
        closed: list[Interval] = []
        close_day(state, open_rows, closed, change.effective)
        ended = {(c.location, c.personnel_type) for c in closed} | (
            current.keys() - open_rows.keys()
        )
        inserts = []
        for cell in ended:
            rowid, key = current[cell]
            self.db.execute(
                "UPDATE strength_intervals SET recorded_to = ? WHERE rowid = ?", [t, rowid]
            )
            if key[7] < k.isoformat():  # known before this was published: it held till then
                kept = list(key)
                kept[8] = k.isoformat()
                inserts.append(kept)
        for interval_row in closed:
            inserts.append([*key_of(row_of(interval_row), k, None)])
        for cell, (start, level, event_id) in open_rows.items():
            if cell in current and cell not in ended:
                continue
            inserts.append([*key_of(row_of(interval(cell, start, None, level, event_id)), k, None)])
        self.db.conn.executemany(
            f"INSERT INTO strength_intervals ({', '.join(INTERVAL_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in INTERVAL_COLUMNS)})",
            ([mission, contributor, *values_of(tuple(key), t)] for key in inserts),
        )
        self.db.execute(
            "UPDATE strength_derived SET recorded = ?, changes = ?, known = ?, "
            "superseded_known = ?, effective = ? "
            "WHERE mission = ? AND contributor = ?",
            [t, *summary, *args],
        )
        return True

    def changes_with_times(self, mission: str, contributor: str) -> list[tuple[Change, Known]]:
        """A contingent's changes with their knowledge and recorded times, its mission's
        closures among them (each ends the contingent, the day after)."""
        items = [
            _item(columns)
            for columns in self.db.execute(
                f"SELECT {CHANGE_READ} FROM strength_changes WHERE mission = ? AND contributor = ?",
                [mission, contributor],
            )
        ]
        closures = rows(self.db, "SELECT * FROM mission_closures WHERE mission = ?", [mission])
        return [
            *items,
            *(
                (
                    Change(r["event_id"], date.fromisoformat(r["effective"]), 0, "close", None),
                    _known(r),
                )
                for r in closures
            ),
        ]


_ENDS = tuple(INTERVAL_COLUMNS.index(c) for c in ("valid_to", "known_to", "recorded_to"))


def _kind_order(row: list[Any]) -> tuple[bool, bool, bool, str]:
    """A row's kind (``strength_tables.row_kind``), then its valid date."""
    valid_to, known_to, recorded_to = (row[i] for i in _ENDS)
    return (valid_to is None, known_to is None, recorded_to is None, row[_VALID_FROM])


CHANGE_READ = (
    "event_id, effective, ord, kind, count, location, personnel_type, to_location, "
    "approximate, authoritative, known, recorded, superseded_known, superseded_recorded"
)


def _item(columns: Any) -> tuple[Change, Known]:
    """A change and its times from the columns ``CHANGE_READ`` names."""
    (
        event_id,
        effective,
        order,
        kind,
        count,
        location,
        personnel_type,
        to_location,
        approximate,
        authoritative,
        known,
        recorded,
        superseded_known,
        superseded_recorded,
    ) = columns
    day = date.fromisoformat
    change = Change(
        event_id,
        day(effective),
        order,
        kind,
        count,
        location,
        personnel_type,
        to_location,
        bool(approximate),
        bool(authoritative),
    )
    superseded = ((day(superseded_known), superseded_recorded),) if superseded_known else ()
    return change, Known(day(known), recorded, superseded)


def _known(r: dict[str, Any]) -> Known:
    superseded = (
        ((date.fromisoformat(r["superseded_known"]), r["superseded_recorded"]),)
        if r["superseded_known"]
        else ()
    )
    return Known(date.fromisoformat(r["known"]), r["recorded"], superseded)

"""Strength by mission x contributor x location x personnel type, as a step function of valid
time: interval rows, so "as of D" is one indexed lookup, not a replay.

Tables:
- ``strength_intervals``: one row per contingent cell and period, on three time axes (a
  bitemporal table). ``valid_from`` inclusive, ``valid_to`` exclusive (NULL: still in force);
  ``known_from``/``known_to``: the knowledge dates (publication) between which the row held;
  ``recorded_from``/``recorded_to``: the store times between which it held (ISO, UTC); NULL
  ends: still. ``strength`` NULL means unknown (present, figure not published, or changed before
  any figure was known); ``location``/``personnel_type`` NULL mean not given by the source
  (unassigned, unspecified); ``region`` is the location's admin-1 region; ``approximate`` 1 when
  the figure was rounded by its source; ``event_id`` is the event that set the level.
- ``mission_totals``: figures for a whole mission (``strength``, ``categories`` as JSON,
  ``contributors``) from the day they were reported (``effective``), with their knowledge and
  recorded times and those of what superseded them; the latest one on or before a date (as then
  known and recorded) is the one in force.
- ``locations``: the gazetteer (name, country, region, latitude, longitude): reference data.
- ``strength_changes``: every change, with its knowledge and recorded times and, when a
  correction or retraction superseded it, those of the superseding event: the input from which
  a contingent's rows are re-derived whenever one of its events arrives.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from events.base import PydanticMapper
from events.claims import superseded_target
from events.contingent import Contingent
from events.mission import Mission
from events.stored import stored_change, stored_times
from projections.engine import Projection
from projections.strength_boxes import box_triggers, box_values, create_boxes
from projections.strength_derive import StrengthDerivation
from projections.strength_queries import (
    DIMENSIONS,
    Dimension,
    ReportedTotal,
    StrengthQueries,
    StrengthRow,
)
from projections.strength_tables import (
    CHANGE_COLUMNS,
    STRENGTH_VERSION,
    create_tables,
    interval_indexes,
    times_of,
)

if TYPE_CHECKING:
    from eventsourcing.persistence import Mapper, Notification


CONTINGENTS_PER_COMMIT = 500  # contingents derived in one transaction (``finish``)


class StrengthProjection(StrengthQueries, StrengthDerivation, Projection):
    name = "strength"
    # 2: a new report of the same level starts a new row; 3: knowledge, recorded;
    # 4: rows derived once per catch-up, and only for the recorded times not yet derived;
    # 5: an R*Tree over the three time axes finds the rows in force on a date;
    # 6: one authority per series (claims beside the UN's month), overlapping scopes
    # 7: recorded times in the R*Tree as minutes (seconds overflowed 32 bits in 2068);
    # 8: the current state as a view (strength_current) and the contributors' names
    # 9: a mission's boxes one wide in the R*Tree (none wide, they had no volume to choose by)
    version = STRENGTH_VERSION

    def __init__(self, path: Any) -> None:
        super().__init__(path)
        # contingents this batch touched, with the earliest recorded time of what arrived
        self._dirty: dict[tuple[str, str], str] = {}
        self._bulk = False  # a rebuild's side file: boxes made at the end, not row by row
        self.boxes = []
        self._pending: dict[str, list[Any]] = {}  # this batch's changes (CHANGE_COLUMNS), by id
        # (known, recorded, target) of the earlier changes this batch corrects or retracts
        self._superseded: list[tuple[str, str, str]] = []

    def create_tables(self) -> None:
        create_tables(self.db)
        create_boxes(self.db)

    def begin_bulk(self) -> None:
        """A rebuild into an empty side file: no per-row triggers and no indexes of the rows;
        the boxes are made in one statement at the end (``finish``), the indexes after the
        rows. Measured at 100k events: the per-row triggers cost 4.5 s of a 13.5 s rebuild;
        the one statement takes 1.6 s. The indexes kept row by row cost 1.7 s (CPU), made at
        the end 0.8 s."""
        for action in ("insert", "update", "delete"):
            self.db.execute(f"DROP TRIGGER IF EXISTS _strength_box_{action}")
        for (index,) in self.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'strength_intervals' AND sql IS NOT NULL"
        ).fetchall():
            self.db.execute(f"DROP INDEX {index}")
        self._bulk = True

    def _end_bulk(self) -> None:
        with self.transaction():
            interval_indexes(self.db)
            self.db.execute(
                "INSERT OR IGNORE INTO _strength_mission (mission) "
                "SELECT DISTINCT mission FROM strength_intervals ORDER BY mission"
            )
            # the rows ``derive_all`` wrote: a group of them a box, as it made them
            ids = dict(self.db.execute("SELECT mission, id FROM _strength_mission"))
            self.db.conn.executemany(
                "INSERT INTO _strength_box VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                sorted(
                    (
                        (lo, ids[m], ids[m] + 1, v0, v1, k0, k1, r0, r1, hi)
                        for m, v0, v1, k0, k1, r0, r1, lo, hi in self.boxes
                    ),
                    key=lambda box: (box[1], box[3]),  # (mission, valid from)
                ),
            )
            first, last = (self.boxes[0][7], self.boxes[-1][8]) if self.boxes else (0, -1)
            self.boxes = []
            self.db.execute(  # any other row: one a box
                "INSERT INTO _strength_box SELECT i.rowid, m.id, m.id + 1, "
                f"{box_values('i')}, i.rowid FROM strength_intervals i "
                "JOIN _strength_mission m ON m.mission = i.mission "
                "WHERE i.rowid NOT BETWEEN ? AND ? ORDER BY m.id, i.valid_from",
                [first, last],
            )
            box_triggers(self.db)
        self._bulk = False

    def drop_tables(self) -> None:
        super().drop_tables()
        for table in ("_strength_box", "_strength_mission"):  # private, not dropped by default
            self.db.execute(f"DROP TABLE IF EXISTS {table}")

    def process(self, event: Any, position: int) -> None:
        if isinstance(event, Mission.Event):
            self._mission_event(event)
            return
        if not isinstance(event, Contingent.Event):
            return
        target = superseded_target(event)
        as_change = getattr(event, "as_change", None)
        if target or as_change is not None:
            change = as_change() if as_change is not None else None
            self._contingent_event(event.mission, event.contributor, target, event, change)

    def process_stored(self, mapper: Mapper[Any], notification: Notification) -> None:
        """A contingent's events are read from their stored state, not validated again (it
        was when they were written): the fields of a change are all this view needs of them,
        and validating every event was a third of a rebuild (issue 19). The others (a
        mission's, a few) are decoded in full."""
        if not isinstance(mapper, PydanticMapper):
            super().process_stored(mapper, notification)
            return
        cls, state = mapper.read_state(notification)
        if not issubclass(cls, Contingent.Event):
            self.process(cls(**state), notification.id)
            return
        target = state.get("retracts") or state.get("corrects")
        change = stored_change(cls, state) if issubclass(cls, Contingent.ChangeEvent) else None
        if target or change is not None:
            self._contingent_event(state["mission"], state["contributor"], target, state, change)

    def _contingent_event(
        self, mission: str, contributor: str, target: str | None, event: Any, change: Any
    ) -> None:
        """What a contingent's event means here: ``target`` is what it corrects or retracts,
        ``change`` its change of strength; ``event`` the event or its stored state (for
        its times)."""
        known, recorded = stored_times(event) if isinstance(event, dict) else times_of(event)
        if target:
            if target in self._pending:
                self._pending[target][-2:] = [known, recorded]  # superseded_known, _recorded
            else:
                self._superseded.append((known, recorded, target))
            self._touch(mission, contributor, recorded)
        if change is not None:
            self._pending[change.event_id] = [  # CHANGE_COLUMNS
                change.event_id,
                mission,
                contributor,
                change.effective.isoformat(),
                change.order,
                change.kind,
                change.count,
                change.location,
                change.personnel_type,
                change.to_location,
                int(change.approximate),
                int(change.authoritative),
                known,
                recorded,
                None,  # superseded_known
                None,  # superseded_recorded
            ]
            self._touch(mission, contributor, recorded)

    def _touch(self, mission: str, contributor: str, recorded: str) -> None:
        key = (mission, contributor)
        self._dirty[key] = min(self._dirty.get(key, recorded), recorded)

    def _touch_mission(self, mission: str, recorded: str) -> None:
        """Every contingent of ``mission`` (its closure changed): to derive again."""
        for (contributor,) in self.db.execute(
            "SELECT DISTINCT contributor FROM strength_changes WHERE mission = ?", [mission]
        ).fetchall():
            self._touch(mission, contributor, recorded)
        for m, contributor in [key for key in self._pending_keys() if key[0] == mission]:
            self._touch(m, contributor, recorded)

    def _pending_keys(self) -> set[tuple[str, str]]:
        return {(r[1], r[2]) for r in self._pending.values()}  # (mission, contributor)

    def _mission_event(self, event: Mission.Event) -> None:
        target = superseded_target(event)
        if target:
            for table in ("mission_totals", "mission_closures", "mission_reports"):
                self.db.execute(
                    f"UPDATE {table} SET superseded_known = ?, superseded_recorded = ? "
                    "WHERE event_id = ?",
                    [*times_of(event), target],
                )
            if self.db.execute(
                "SELECT 1 FROM mission_closures WHERE event_id = ?", [target]
            ).fetchone():
                self._touch_mission(event.mission, times_of(event)[1])
        if isinstance(event, Mission.ContributorsReported | Mission.NotListed):
            self.db.execute(
                "INSERT OR REPLACE INTO mission_reports (event_id, mission, effective, listed, "
                "known, recorded, source_title, source_url, quote) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    event.event_id,
                    event.mission,
                    event.valid.effective.isoformat(),
                    int(isinstance(event, Mission.ContributorsReported)),
                    *times_of(event),
                    event.source.title,
                    event.source.url,
                    event.source.quote,
                ],
            )
        if isinstance(event, Mission.Closed):
            known, recorded = times_of(event)
            after = event.valid.effective + timedelta(days=1)  # closed on that day, gone after
            self.db.execute(
                "INSERT OR REPLACE INTO mission_closures (event_id, mission, effective, known, "
                "recorded) VALUES (?, ?, ?, ?, ?)",
                [event.event_id, event.mission, after.isoformat(), known, recorded],
            )
            self._touch_mission(event.mission, recorded)
        if isinstance(event, Mission.TotalReported):
            known, recorded = times_of(event)
            self.db.execute(
                "INSERT INTO mission_totals (event_id, mission, effective, ord, strength, "
                "categories, contributors, approximate, known, recorded) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    event.event_id,
                    event.mission,
                    event.valid.effective.isoformat(),
                    event.originator_version,
                    event.strength,
                    json.dumps(event.categories),
                    event.contributors,
                    int(event.approximate),
                    known,
                    recorded,
                ],
            )

    def flush(self) -> None:
        """Write the batch's changes in one go and mark the contingents they touch; their rows
        are derived once, when the catch-up ends (``finish``), not after every batch."""
        self.db.conn.executemany(
            f"INSERT OR REPLACE INTO strength_changes ({', '.join(CHANGE_COLUMNS)}) "
            f"VALUES ({', '.join('?' for _ in CHANGE_COLUMNS)})",
            self._pending.values(),
        )
        self.db.conn.executemany(
            "UPDATE strength_changes SET superseded_known = ?, superseded_recorded = ? "
            "WHERE event_id = ?",
            self._superseded,
        )
        self.db.conn.executemany(
            "INSERT INTO strength_dirty (mission, contributor, since) VALUES (?, ?, ?) "
            "ON CONFLICT (mission, contributor) DO UPDATE SET since = min(since, excluded.since)",
            ((m, c, since) for (m, c), since in self._dirty.items()),
        )
        self._dirty.clear()
        self._pending.clear()
        self._superseded.clear()

    def finish(self) -> None:
        """Derive the rows of every contingent marked since, a group of them per transaction
        with the removal of their marks, so a crash leaves the marks of those not derived for
        the next catch-up. (One transaction each was one commit, two syncs of the disk, per
        contingent: the UN's record has 3,000 of them, 9 x a generated event's cost, issue
        25.)"""
        marked = self.db.execute(
            "SELECT mission, contributor, since FROM strength_dirty"
        ).fetchall()
        if self._bulk:  # a side file with no rows yet: every contingent in one pass
            with self.transaction():
                self.derive_all([(mission, contributor) for mission, contributor, _ in marked])
                self.db.execute("DELETE FROM strength_dirty")
            self._end_bulk()
            return
        for start in range(0, len(marked), CONTINGENTS_PER_COMMIT):
            with self.transaction():
                for mission, contributor, since in marked[start : start + CONTINGENTS_PER_COMMIT]:
                    self._settle(mission, contributor, since)
        if self._bulk:
            self._end_bulk()

    def settle(self) -> None:
        """A last batch touching few contingents: derive them in its own transaction (one
        commit fewer for the usual catch-up of a few new events); a rebuild's side file
        derives them all at the end (``finish``)."""
        if self._bulk:
            return
        marked = self.db.execute(
            "SELECT mission, contributor, since FROM strength_dirty LIMIT 9"
        ).fetchall()
        if len(marked) <= 8:
            for mission, contributor, since in marked:
                self._settle(mission, contributor, since)

    def _settle(self, mission: str, contributor: str, since: str) -> None:
        self.rederive(mission, contributor, since)
        self.db.execute(
            "DELETE FROM strength_dirty WHERE mission = ? AND contributor = ?",
            [mission, contributor],
        )


__all__ = [
    "DIMENSIONS",
    "Dimension",
    "ReportedTotal",
    "StrengthProjection",
    "StrengthRow",
    "times_of",
]

"""The strength view's questions: strength on a date grouped by any dimensions, on every
time axis; the whole-mission figure in force; a contingent's changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from events.timeline import Change
from projections.engine import rows
from projections.strength_boxes import box_filter
from projections.strength_tables import change_of, time_filters

Dimension = Literal["contributor", "location", "region", "personnel_type"]
DIMENSIONS: tuple[Dimension, ...] = ("contributor", "location", "region", "personnel_type")


@dataclass(frozen=True)
class ReportedTotal:
    """A whole-mission figure in force on a date: reported on ``as_of`` by ``event_id``."""

    as_of: date
    strength: int | None
    categories: dict[str, int]
    contributors: int | None
    approximate: bool
    event_id: str


@dataclass(frozen=True)
class ReportSource:
    """Where a UN report's figures come from: its event, title, address, and the quote that
    names the file and pages ("UN_country_contributions_2022_11.pdf, pages 7-11: ...")."""

    event_id: str
    title: str | None
    url: str | None
    quote: str | None

    def text(self) -> str:
        """ "the UN's report of November 2022 (UN_country_contributions_2022_11.pdf, pages
        7-11; MINUSMA/98)": its month as its title ends, its file and pages, its event."""
        month = (self.title or "").rsplit(", ", 1)[-1]
        where = (self.quote or "").split(": ", 1)[0]
        named = f"the UN's report of {month}" if month else "the UN's report"
        return f"{named} ({'; '.join(filter(None, [where, self.event_id]))})"


# A row in force as known at K and recorded by T: known and recorded by then, and not superseded
# by something known and recorded by then (its four ``?`` take ``_axes``).
IN_FORCE = (
    "known <= ? AND recorded <= ? AND NOT (superseded_known IS NOT NULL AND superseded_known <= ? "
    "AND superseded_recorded <= ?)"
)


def _axes(known_at: date | None, recorded_at: str | None) -> list[str]:
    """The arguments of ``IN_FORCE``: now, when no time is given."""
    k, t = (known_at or date.max).isoformat(), recorded_at or "~"
    return [k, t, k, t]


@dataclass(frozen=True)
class StrengthRow:
    """Strength of one group on a date. ``strength`` None: unknown (some part of the group is
    present with no published figure); ``known`` is the sum of the parts that are known and
    ``unknown_parts`` how many parts are not; ``approximate``: some part was rounded;
    ``since``: the day the oldest of its figures was set (how current the answer is), and
    ``event_id`` the event that set that figure (its source is in the audit trail);
    ``newest``: the day the newest of them was set, a part gone to 0 included (a total of the
    UN's month end that a later claim changed says so by it)."""

    strength: int | None
    known: int
    unknown_parts: int
    approximate: bool
    since: date
    event_id: str | None = None
    contributor: str | None = None
    location: str | None = None
    region: str | None = None
    personnel_type: str | None = None
    newest: date | None = None

    @property
    def newest_day(self) -> date:
        """The day its newest figure was set (``since`` for a row made without ``newest``)."""
        return self.newest or self.since

    def keys(self, by: tuple[Dimension, ...]) -> dict[str, Any]:
        return {dimension: getattr(self, dimension) for dimension in by}


class StrengthQueries:
    """The questions the strength view answers from its tables (``db``)."""

    db: Any

    def reported_total(
        self, mission: str, on: date, known_at: date | None = None, recorded_at: str | None = None
    ) -> ReportedTotal | None:
        """The latest whole-mission figure reported on or before ``on`` (as known at
        ``known_at`` and recorded by ``recorded_at``, when given)."""
        found = list(
            rows(
                self.db,
                f"SELECT * FROM mission_totals WHERE mission = ? AND effective <= ? AND {IN_FORCE} "
                "ORDER BY effective DESC, ord DESC LIMIT 1",
                [mission, on.isoformat(), *_axes(known_at, recorded_at)],
            )
        )
        if not found:
            return None
        row = found[0]
        return ReportedTotal(
            as_of=date.fromisoformat(row["effective"]),
            strength=row["strength"],
            categories=json.loads(row["categories"]),
            contributors=row["contributors"],
            approximate=bool(row["approximate"]),
            event_id=row["event_id"],
        )

    def contributors(self, mission: str) -> list[str]:
        """Contributors with changes in force in ``mission``."""
        sql = "SELECT DISTINCT contributor FROM strength_changes WHERE mission = ? ORDER BY 1"
        return [row[0] for row in self.db.execute(sql, [mission]).fetchall()]

    def changes(self, mission: str, contributor: str) -> list[Change]:
        """A contingent's changes in force now (not superseded), as the fold takes them."""
        found = rows(
            self.db,
            "SELECT * FROM strength_changes WHERE mission = ? AND contributor = ? "
            "AND superseded_recorded IS NULL",
            [mission, contributor],
        )
        return [change_of(r) for r in found]

    def strength(
        self,
        mission: str,
        on: date,
        by: tuple[Dimension, ...] = (),
        where: dict[Dimension, str] | None = None,
        known_at: date | None = None,
        recorded_at: str | None = None,
        among: tuple[str, ...] = (),
    ) -> list[StrengthRow]:
        """Strength of ``mission`` on ``on``, grouped by the ``by`` dimensions, counting only
        the rows whose dimensions equal ``where``'s values (and whose contributor is one of
        ``among``, when given); as known at ``known_at`` (what had been published by then)
        and as recorded by ``recorded_at`` (ISO UTC time): by default, as known and recorded
        now."""
        filters = "".join(f" AND {dimension} = ?" for dimension in where or {})
        if among:
            filters += f" AND contributor IN ({', '.join('?' for _ in among)})"
        times, params = time_filters(known_at, recorded_at)
        found_id = self.db.execute(
            "SELECT id FROM _strength_mission WHERE mission = ?", [mission]
        ).fetchone()
        if found_id is None:
            return []
        boxes, box_values = box_filter(found_id[0], on, known_at, recorded_at)
        columns = ", ".join(by)
        group = f"GROUP BY {columns} ORDER BY {columns}" if by else ""
        select = f"{columns}, " if by else ""
        sql = (
            f"SELECT {select}COALESCE(SUM(strength), 0) AS known, "
            "COUNT(*) - COUNT(strength) AS unknown_parts, "
            "COALESCE(MAX(approximate), 0) AS approximate, COUNT(*) AS parts, "
            # how current: the oldest figure that counts (a part at 0 is not a figure of the
            # group's strength); when every part is 0, the day the last of them went to 0
            "COALESCE(MIN(CASE WHEN strength IS NULL OR strength <> 0 "
            "THEN valid_from || ' ' || event_id END), MAX(valid_from || ' ' || event_id)) "
            "AS since, MAX(valid_from) AS newest "
            # each box holds the rows from its id to its hi (one, or a rebuild's group)
            f"FROM _strength_box JOIN strength_intervals ON strength_intervals.rowid "
            f"BETWEEN _strength_box.id AND _strength_box.hi WHERE {boxes} "
            # +mission: not through the mission indexes, so the boxes drive the search
            "AND +mission = ? AND valid_from <= ? "
            f"AND (valid_to IS NULL OR valid_to > ?){times}{filters} {group}"
        )
        day = on.isoformat()
        found = []
        values = [*box_values, mission, day, day, *params, *(where or {}).values(), *among]
        for row in rows(self.db, sql, values):
            if not row.pop("parts"):
                continue  # nothing in force: no row at all (not a row of 0)
            known, unknown = row.pop("known"), row.pop("unknown_parts")
            since = row.pop("since")  # "YYYY-MM-DD event-id": the oldest figure, its event
            newest = date.fromisoformat(row.pop("newest")[:10])
            found.append(
                StrengthRow(
                    strength=None if unknown else known,
                    known=known,
                    unknown_parts=unknown,
                    approximate=bool(row.pop("approximate")),
                    since=date.fromisoformat(since[:10]),
                    event_id=since[11:],
                    **row,
                    newest=newest,
                )
            )
        return found

    def change_days(
        self,
        mission: str,
        contributor: str,
        after: date,
        known_at: date | None = None,
        recorded_at: str | None = None,
    ) -> list[date]:
        """The days after ``after`` on which a contingent's level changed (as known at
        ``known_at`` and recorded by ``recorded_at``: by default, now)."""
        times, params = time_filters(known_at, recorded_at)
        sql = (
            "SELECT DISTINCT valid_from FROM strength_intervals WHERE mission = ? "
            f"AND contributor = ? AND valid_from > ?{times} ORDER BY 1"
        )
        found = self.db.execute(sql, [mission, contributor, after.isoformat(), *params])
        return [date.fromisoformat(row[0]) for row in found.fetchall()]

    def closed_on(
        self, mission: str, known_at: date | None = None, recorded_at: str | None = None
    ) -> tuple[date, str] | None:
        """The day the mission closed and the closure's event id (as known at ``known_at``,
        recorded by ``recorded_at``), or None while it is open."""
        found = self.db.execute(
            f"SELECT effective, event_id FROM mission_closures WHERE mission = ? AND {IN_FORCE} "
            "ORDER BY effective LIMIT 1",
            [mission, *_axes(known_at, recorded_at)],
        ).fetchone()
        if found is None:
            return None
        return date.fromisoformat(found[0]) - timedelta(days=1), found[1]

    def reports(
        self,
        mission: str,
        on: date,
        known_at: date | None = None,
        recorded_at: str | None = None,
    ) -> tuple[date | None, set[str], date | None]:
        """The mission's reports of record around ``on`` (as known and recorded then): the
        latest that lists it on or before ``on``, the months (YYYY-MM) after that one and to
        ``on`` whose report did not list it (``NotListed``), and the last that lists it."""
        in_force = f"mission = ? AND {IN_FORCE}"
        args = [mission, *_axes(known_at, recorded_at)]
        latest, last = self.db.execute(
            f"SELECT (SELECT MAX(effective) FROM mission_reports WHERE {in_force} AND listed "
            "AND effective <= ?), "
            f"(SELECT MAX(effective) FROM mission_reports WHERE {in_force} AND listed)",
            [*args, on.isoformat(), *args],
        ).fetchone()
        unlisted = {
            row[0][:7]
            for row in self.db.execute(
                f"SELECT effective FROM mission_reports WHERE {in_force} AND NOT listed "
                "AND effective > ? AND effective <= ?",
                [*args, latest or "", on.isoformat()],
            )
        }
        return (
            date.fromisoformat(latest) if latest else None,
            unlisted,
            date.fromisoformat(last) if last else None,
        )

    def reports_known_after(
        self, mission: str, after: date | None, on: date, known_at: date, recorded_at: str | None
    ) -> set[str]:
        """The months (YYYY-MM) of the mission's reports of record (listing it or not) after
        ``after`` and on or before ``on``, in force as recorded by ``recorded_at``, that were
        not yet known at ``known_at``: the UN had not published them yet (issue 27: on
        2022-11-14 the report of October was still to come)."""
        t = recorded_at or "~"
        return {
            row[0][:7]
            for row in self.db.execute(
                "SELECT effective FROM mission_reports WHERE mission = ? AND recorded <= ? AND "
                "NOT (superseded_recorded IS NOT NULL AND superseded_recorded <= ?) AND "
                "effective > ? AND effective <= ? AND known > ?",
                [
                    mission,
                    t,
                    t,
                    after.isoformat() if after else "",
                    on.isoformat(),
                    known_at.isoformat(),
                ],
            )
        }

    def report_source(
        self, mission: str, day: date, known_at: date | None = None, recorded_at: str | None = None
    ) -> ReportSource | None:
        """The source of the mission's report of record of ``day`` that lists it (as known and
        recorded then): the event, the report's title, its address and the file and pages."""
        found = self.db.execute(
            "SELECT event_id, source_title, source_url, quote FROM mission_reports WHERE "
            f"mission = ? AND effective = ? AND listed AND {IN_FORCE} "
            "ORDER BY recorded DESC LIMIT 1",
            [mission, day.isoformat(), *_axes(known_at, recorded_at)],
        ).fetchone()
        return ReportSource(*found) if found else None

    def listed_reports(
        self, mission: str, known_at: date | None = None, recorded_at: str | None = None
    ) -> list[date]:
        """The days of the mission's reports of record that list it (as known and recorded
        then), in order."""
        return [
            date.fromisoformat(row[0])
            for row in self.db.execute(
                "SELECT DISTINCT effective FROM mission_reports WHERE mission = ? AND listed AND "
                f"{IN_FORCE} ORDER BY effective",
                [mission, *_axes(known_at, recorded_at)],
            )
        ]

    def last_report_of_any(
        self, known_at: date | None = None, recorded_at: str | None = None
    ) -> date | None:
        """The latest report of record of any mission the view holds (as known and recorded
        then): where the store's record ends."""
        (last,) = self.db.execute(
            f"SELECT MAX(effective) FROM mission_reports WHERE listed AND {IN_FORCE}",
            _axes(known_at, recorded_at),
        ).fetchone()
        return date.fromisoformat(last) if last else None

    def report_span(self, mission: str) -> tuple[date | None, date | None, int]:
        """The mission's first and last report of record in force now, and how many."""
        first, last, count = self.db.execute(
            "SELECT MIN(effective), MAX(effective), COUNT(*) FROM mission_reports "
            "WHERE mission = ? AND listed AND superseded_recorded IS NULL",
            [mission],
        ).fetchone()
        return (
            date.fromisoformat(first) if first else None,
            date.fromisoformat(last) if last else None,
            count,
        )

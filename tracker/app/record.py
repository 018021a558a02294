"""Questions of the record: what changed between two states of knowledge, each report
against what was implied, the announcement ledger, presence, search and history."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, overload

from events.errors import InvalidInputError
from events.reconcile import Gap, reconcile
from events.values import country_code, country_name
from tracker.answers.forecast import Difference
from tracker.answers.ledger import Axes, LedgerRow, ledger
from tracker.answers.records import MissionSummary
from tracker.app.core import TrackerCore
from tracker.app.unit_of_work import contributor_code

if TYPE_CHECKING:
    from collections.abc import Iterable

    from projections import Dimension, HistoryRow
    from projections.audit import AuditProjection, Presence


MAX_LIMIT = 10_000  # events one search returns at most


class RecordQuestions(TrackerCore):
    """The record itself: differences, reconciliation, announcements, sources."""

    def diff(
        self,
        mission: str,
        on: date,
        known: tuple[date, date] | None = None,
        recorded: tuple[datetime | str, datetime | str] | None = None,
    ) -> list[Difference]:
        """Every contributor and location whose strength on ``on`` differs between two
        knowledge dates (``known``) or two store times (``recorded``), with the events that
        became known, or were recorded, in between."""
        acronym = self.known_mission(mission)
        bounds_at = (
            (self.recorded_bound(recorded[0]), self.recorded_bound(recorded[1]))
            if recorded is not None
            else None
        )
        self.strength_view.catch_up(self)
        self.audit_view.catch_up(self)
        by: tuple[Dimension, ...] = ("contributor", "location")
        view = self.strength_view
        if known is not None:
            first, second = known
            before = view.strength(acronym, on, by, known_at=first)
            after = view.strength(acronym, on, by, known_at=second)
            axis, bounds = "known", (first.isoformat(), second.isoformat())
        elif bounds_at is not None:
            t1, t2 = bounds_at
            before = view.strength(acronym, on, by, recorded_at=t1)
            after = view.strength(acronym, on, by, recorded_at=t2)
            axis, bounds = "recorded_at", (t1 or "", t2 or "")
        else:
            raise InvalidInputError("compare two knowledge dates or two recorded times")
        low, high = sorted(bounds)
        then = {(r.contributor, r.location): r.strength for r in before}
        now = {(r.contributor, r.location): r.strength for r in after}
        differences = []
        for key in sorted(set(then) | set(now), key=repr):
            if then.get(key, "absent") != now.get(key, "absent"):
                contributor, location = key[0] or "", key[1]
                events = self.audit_view.between(acronym, contributor, axis, low, high, on)
                differences.append(
                    Difference(contributor, location, then.get(key), now.get(key), events)
                )
        return differences

    def reconcile(self, mission: str, contributor: str | None = None) -> list[Gap]:
        """Every report of ``mission`` (one ``contributor``'s, if given) against the level the
        earlier events implied for its scope: where the record is incomplete."""
        acronym = self.known_mission(mission)
        self.strength_view.catch_up(self)
        codes = (
            [contributor_code(contributor)]
            if contributor
            else self.strength_view.contributors(acronym)
        )
        gaps = [
            gap
            for code in codes
            for gap in reconcile(code, self.strength_view.changes(acronym, code))
        ]
        return sorted(gaps, key=lambda g: (g.effective, g.contributor, g.event_id))

    def announcements(
        self,
        mission: str,
        contributor: str | None = None,
        status: Iterable[str] = (),
        on: date | None = None,
        known_at: date | None = None,
        recorded_at: datetime | str | None = None,
    ) -> list[LedgerRow]:
        """Every announcement of ``mission`` made by ``on`` (default: today) with its source,
        target, and its status against what the record shows happened by then; as known at
        ``known_at`` and as recorded at ``recorded_at`` when given."""
        acronym = self.known_mission(mission)
        at = self.recorded_bound(recorded_at)
        self.strength_view.catch_up(self)
        self.announcement_view.catch_up(self)
        announced = self.announcement_view.announcements(acronym, known_at, at)
        rows = ledger(self.strength_view, announced, on or date.today(), Axes(known_at, at))
        code = contributor_code(contributor) if contributor else None
        wanted = set(status)
        return [
            r
            for r in rows
            if (code is None or r.contributor == code) and (not wanted or r.status in wanted)
        ]

    def missions(self) -> list[MissionSummary]:
        """Every mission in the store, with its dates, contributors and reports."""
        self.audit_view.catch_up(self)
        self.strength_view.catch_up(self)
        found = []
        for acronym in self.audit_view.missions():
            established = self.audit_view.first_of(acronym, "Established")
            closure = self.strength_view.closed_on(acronym)
            closed = self.audit_view.first_of(acronym, "Closed") if closure else None
            first, last, count = self.strength_view.report_span(acronym)
            life = json.loads(established["payload"]) if established else {}
            end = json.loads(closed["payload"]) if closed else {}
            host = life.get("host")
            found.append(
                MissionSummary(
                    mission=acronym,
                    name=life.get("name"),
                    host=host,
                    established=date.fromisoformat(established["effective"])
                    if established
                    else None,
                    closed=closure[0] if closure else None,
                    contributors=len(self.strength_view.contributors(acronym)),
                    first_report=first,
                    last_report=last,
                    reports=count,
                    hosts=life.get("hosts") or ([host] if host else []),
                    predecessor=life.get("predecessor"),
                    successor=end.get("successor"),
                )
            )
        return found

    def presence(
        self, mission: str, year: int | None = None, contributor: str | None = None
    ) -> list[Presence]:
        """Estimates of which contributors were at which locations, by year (Geo-PKO's, in
        the seeds): where, not how many; they never change strength."""
        acronym = self.known_mission(mission)
        self.audit_view.catch_up(self)
        code = contributor_code(contributor) if contributor else None
        return self.audit_view.presence(acronym, year, code)

    def search(self, text: str, mission: str | None = None, limit: int = 50) -> SearchHits:
        """Full-text search of the audit trail: ids, kinds, contributors, summaries, sources,
        quotes and reasons; the announcements first, then what happened (withdrawals,
        deployments, incidents, the mission's life), then the monthly figures and estimates,
        best match first in each; at most ``limit`` (1 to 10,000) events, and how many
        matched in all (``SearchHits.matched``). Plain words are searched as written (each
        one must be there: ``Côte d'Ivoire``), and words that name a country (any of its
        names, as ``--contributor`` reads them: ``Ivory Coast``) find its events too, listed
        first; FTS5's own syntax (``"a phrase"``, OR, NOT, ``prefix*``) is kept when the text
        uses it (see ``search_terms``)."""
        if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise InvalidInputError(f"--limit {limit!r}: give a number from 1 to {MAX_LIMIT:,}")
        acronym = self.known_mission(mission) if mission else None
        if not search_terms(text)[0]:
            raise InvalidInputError("search text is empty: give words to search for")
        self.audit_view.catch_up(self)
        try:
            return search_view(self.audit_view, text, acronym, limit)
        except sqlite3.OperationalError as error:
            raise InvalidInputError(
                f"search text {text!r}: {error} - close every double quote, or search plain "
                "words without FTS5 operators"
            ) from None

    def history(
        self, mission: str, contributor: str | None = None, categories: Iterable[str] = ()
    ) -> list[HistoryRow]:
        """The audit trail of ``mission`` (one ``contributor``'s, if given) in valid-time order:
        every event with its three times, its source and what it superseded."""
        acronym = self.known_mission(mission)
        code = contributor_code(contributor) if contributor else None
        self.audit_view.catch_up(self)
        return self.audit_view.history(acronym, code, tuple(categories))


@dataclass(frozen=True)
class SearchHits(Sequence["HistoryRow"]):
    """What a search found: ``rows`` in order (a sequence of ``HistoryRow``), ``matched`` how
    many events matched in all (more than ``len(rows)``: the list was cut at the limit,
    ``cut``), ``countries`` the contributors the text names (ISO codes), whose events
    matched too and come first."""

    rows: tuple[HistoryRow, ...]
    matched: int
    countries: tuple[str, ...] = ()

    @property
    def cut(self) -> bool:
        """Whether more events matched than are listed."""
        return self.matched > len(self.rows)

    def notes(self, more: str) -> list[str]:
        """What the list's reader must know, one wording for every face: the countries the
        text named, and where the list was cut (``more``: how this face lists the rest)."""
        said = [
            f"{code} ({country_name(code)}) is named: its events are found too, listed first"
            for code in self.countries
        ]
        if self.cut:
            said.append(
                f"the first {len(self.rows):,} of {self.matched:,} matching events are listed: "
                f"{more}"
            )
        return said

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, index: int) -> HistoryRow: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[HistoryRow, ...]: ...

    def __getitem__(self, index: int | slice) -> HistoryRow | tuple[HistoryRow, ...]:
        return self.rows[index]


def search_view(view: AuditProjection, text: str, mission: str | None, limit: int) -> SearchHits:
    """``Tracker.search`` on the audit view as it stands (no catch-up: the web view's)."""
    query, countries = search_terms(text)
    if not query:
        return SearchHits((), 0)
    found, matched = view.search(query, mission, limit, countries)
    return SearchHits(tuple(found), matched, countries)


# What makes search text an FTS5 query of its own: double quotes, parentheses, a prefix star,
# ^ (start of a column), a filter on a searched column (kind:Deployed) or an operator in
# capitals. Anything else is plain words.
_FTS5_SYNTAX = re.compile(
    r'["()*^]|\b(?:AND|OR|NOT|NEAR)\b'
    r"|\b(?:event_id|kind|contributor|summary|source_title|quote|reason)\s*:"
)
NAME_WORDS = 8  # the most words a country's name takes ("United Kingdom of Great Britain ...")


def fts_query(text: str) -> str:
    """``text`` as an FTS5 query. Plain words are each quoted, so that apostrophes, hyphens
    and slashes are searched as written (``Côte d'Ivoire`` -> ``"Côte" "d'Ivoire"``: both
    must be there) instead of being read as FTS5 syntax; text that uses FTS5's own syntax
    (``"46 stayed"``, ``Egypt OR Chad``, ``withdr*``) is kept as it is. Empty text gives ""."""
    if _FTS5_SYNTAX.search(text):
        return text.strip()
    return " ".join(f'"{word}"' for word in text.split())


def search_terms(text: str) -> tuple[str, tuple[str, ...]]:
    """``text`` as an FTS5 query (``fts_query``) in which words that name a country also
    match its events (``Ivory Coast`` -> ``(("Ivory" "Coast") OR contributor : "CIV")``: the
    index holds its code, not every name), and the countries named. Text in FTS5's own
    syntax is kept as it is, naming none. Issue 27: ``Ivory Coast`` found nothing, though
    ``--contributor "Ivory Coast"`` worked."""
    if _FTS5_SYNTAX.search(text):
        return text.strip(), ()
    words = text.split()
    whole = named_country(text, any_case=True)  # "uk" alone is the UK; "us" in a text, a word
    if whole is not None:
        return f'(({fts_query(text)}) OR contributor : "{whole}")', (whole,)
    parts: list[str] = []
    countries: list[str] = []
    at = 0
    while at < len(words):
        for size in range(min(NAME_WORDS, len(words) - at), 0, -1):  # the longest name first
            code = named_country(" ".join(words[at : at + size]))
            if code is not None:
                phrase = fts_query(" ".join(words[at : at + size]))
                parts.append(f'(({phrase}) OR contributor : "{code}")')
                countries.append(code)
                at += size
                break
        else:
            parts.append(fts_query(words[at]))
            at += 1
    # AND, not FTS5's implicit one: that joins phrases only, not a group in parentheses
    return " AND ".join(parts), tuple(dict.fromkeys(countries))


def named_country(words: str, any_case: bool = False) -> str | None:
    """The ISO 3166 code of the country ``words`` name, as ``--contributor`` reads a name
    (``country_code``: any of its names or spellings), or None. Unless ``any_case``, a code
    counts only written in capitals (``DEU``, ``UK``): in a text, "and", "can" or "per" are
    words, not Andorra, Canada or Peru."""
    if not any_case and sum(c.isalnum() for c in words) <= 3 and not words.isupper():
        return None
    try:
        return country_code(words)
    except ValueError:
        return None

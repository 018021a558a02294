"""The ``tracker`` command, with a read path for the question asked most: ``tracker [--db F]
strength MISSION --on D [--by ...] [--known-at K]`` as a table, answered straight from the
strength view when the view is current, without loading the domain, the event store library or
the other commands (issue 19: the whole command then costs about what Python, click and rich
cost to start).

The view is current when it is this projection at this version, every contingent's rows are
derived (no mark left in ``strength_dirty``), and it has applied the store's last event: its
position is the store's last and the identity it recorded of that event (stream, version and a
digest of its stored state) is the store's. Then the answer is the one ``Tracker.strength``
gives, made by the same code (``tracker.answers.strength``) from the same tables. In every
other case (another command or option, another format, a PostgreSQL or in-memory store, user
projections, a view behind or rebuilt, a mission the view does not know, any SQLite error) the
command line runs as ever (``tracker.cli``), which catches the view up, or says what is wrong.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from projections.strength_queries import DIMENSIONS, StrengthQueries
from projections.strength_tables import STRENGTH_VERSION

if TYPE_CHECKING:
    from collections.abc import Sequence

    from projections.strength_queries import Dimension
    from tracker.answers.records import StrengthAnswer

APP_NAME = "Tracker"  # the application's name in the view's tracking row (tracker.store.config)
DEFAULT_DB = "tracker.db"  # as tracker.store.config
FIRST_DAY, LAST_DAY = date(1945, 1, 1), date(2099, 12, 31)  # as events.values: EARLIEST, LATEST
BY = {d.replace("_", "-"): d for d in DIMENSIONS}  # the --by choices, as tracker.cli.options


@dataclass(frozen=True)
class Question:
    """A strength question the read path can answer: the store, the mission, the date, the
    groups and the knowledge date."""

    db: Path
    mission: str
    on: date
    by: tuple[Dimension, ...]
    known_at: date | None


def main() -> None:
    """The ``tracker`` console command."""
    if not answered(sys.argv[1:]):
        from tracker.cli import cli  # everything else, as ever

        cli()


def answered(args: Sequence[str]) -> bool:
    """Answer ``args`` from a current view and print it; False (nothing printed) when the read
    path cannot, for the full command line to do."""
    question = parse(args, os.environ)
    if question is None:
        return False
    try:
        found = answer_from_view(question)
    except sqlite3.Error:
        return False  # whatever it is, the full command line says it (or repairs the view)
    if found is None:
        return False
    answer, names = found
    from tracker.cli.terminal import console, tolerant_output
    from tracker.faces.strength_text import strength_table

    tolerant_output()
    strength_table(answer, console(), lambda code: names.get(code, code))
    return True


def parse(args: Sequence[str], env: Any) -> Question | None:
    """The question in ``args`` if it is one the read path answers (None otherwise: any other
    option, a repeated one, a value the full command line would refuse or read otherwise)."""
    rest = list(args)
    db: str | None = None
    if len(rest) >= 2 and rest[0] == "--db":
        db, rest = rest[1], rest[2:]
    if env.get("TRACKER_DATABASE_URL"):
        return None  # a PostgreSQL store too: the full command line chooses, and says which
    if db is None:
        db = env.get("TRACKER_DB") or DEFAULT_DB
    if not rest or rest[0] != "strength" or db == ":memory:" or "://" in db:
        return None
    mission: str | None = None
    options: dict[str, str] = {}
    by: list[Dimension] = []
    it = iter(rest[1:])
    for arg in it:
        if arg in ("--on", "--known-at", "--by"):
            value = next(it, None)
            if value is None:
                return None
            if arg == "--by":
                if value not in BY:
                    return None
                by.append(BY[value])
            elif arg in options:
                return None
            else:
                options[arg] = value
        elif arg.startswith("-") or mission is not None:
            return None
        else:
            mission = arg
    on = _day(options.get("--on"))
    known = _day(options["--known-at"]) if "--known-at" in options else None
    acronym = (mission or "").strip().upper()
    if on is None or ("--known-at" in options and known is None) or not _acronym(acronym):
        return None
    return Question(Path(db), acronym, on, tuple(dict.fromkeys(by)), known)


def _day(text: str | None) -> date | None:
    """A day as ``tracker.cli.options.DAY`` reads it, within the dates the tracker holds."""
    if text is None:
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def _acronym(text: str) -> bool:
    """As ``events.mission.mission_acronym`` accepts them: a letter, then 1 to 19 capital
    letters, digits or hyphens."""
    return (
        2 <= len(text) <= 20
        and text[0].isascii()
        and text[0].isalpha()
        and all(c.isascii() and (c.isupper() or c.isdigit() or c == "-") for c in text)
    )


def view_path(store: Path) -> Path:
    """The strength view's file beside the store (as ``StoreConfig.view_path``)."""
    stem = store.with_name(store.stem)
    return stem.with_name(f"{stem.name}.strength.db")


def registry_path(store: Path) -> Path:
    """Where the store's user projections are listed (as ``StoreConfig.registry_path``)."""
    stem = store.with_name(store.stem)
    return stem.with_name(f"{stem.name}.projections.json")


class _View(StrengthQueries):
    """The strength view's questions, on a plain connection to its file."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.db = conn


def answer_from_view(question: Question) -> tuple[StrengthAnswer, dict[str, str]] | None:
    """The answer from the strength view, if the view is current (None otherwise), and the
    countries' names the view keeps (``country_name`` of every ISO 3166 code)."""
    store, view_file = question.db, view_path(question.db)
    if not store.is_file() or not view_file.is_file() or registry_path(store).exists():
        return None  # a missing store is refused, user projections loaded: by the full path
    view = sqlite3.connect(f"{view_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        view.execute("BEGIN")  # the checks and the answer of one state of the view
        position = current_position(view, store)
        if position is None:
            return None
        if not view.execute(
            "SELECT 1 FROM _strength_mission WHERE mission = ?", [question.mission]
        ).fetchone():
            return None  # unknown to the view: the full path answers or refuses
        from tracker.answers.strength import strength_answer

        q = question
        answer = strength_answer(
            _View(view), q.mission, q.on, q.by, q.known_at, None, (), position, STRENGTH_VERSION
        )
        names = dict(view.execute("SELECT code, name FROM contributors").fetchall())
        return answer, names
    finally:
        view.close()


def current_position(view: sqlite3.Connection, store: Path) -> int | None:
    """The log position the view stands at, if it is current with ``store`` (None if not)."""
    stored = view.execute("SELECT name, version FROM _projection").fetchall()
    if stored != [("strength", STRENGTH_VERSION)]:
        return None
    if view.execute("SELECT 1 FROM strength_dirty LIMIT 1").fetchone():
        return None  # rows still to derive: the next catch-up does it
    tracked = view.execute(
        "SELECT notification_id, last_event FROM _tracking WHERE application_name = ?",
        [APP_NAME],
    ).fetchone()
    if tracked is None:
        return None
    position, last_event = cast("tuple[int, str]", tracked)
    # the store as the library opens it (WAL), never created here, never written
    log = sqlite3.connect(f"{store.resolve().as_uri()}?mode=rw", uri=True)
    try:
        found = log.execute(
            "SELECT rowid, originator_id, originator_version, state FROM stored_events "
            "ORDER BY rowid DESC LIMIT 1"
        ).fetchone()
    finally:
        log.close()
    if found is None or found[0] != position:
        return None
    _rowid, originator_id, version, state = found
    digest = hashlib.sha256(state).hexdigest()[:16]
    identity = f"{uuid.UUID(str(originator_id))}/{version}/{digest}"  # as projections.engine
    return position if identity == last_event else None

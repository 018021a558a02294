"""The web view: the read models in Datasette (the optional extra ``web``), run in this process
with a plugin (``TrackerWeb``) that

- follows the store: before each request it looks at the log's head and at the view files'
  identities; new events are caught up, and a file replaced by a rebuild (a new file renamed
  into place: a connection to the old one would never see it) is opened anew;
- checks the canned queries' parameters (``web_params``): a bad date is an error on the page,
  and the query then answers nothing, never the latest state; a parameter left out gets its
  default (a redirect, so the page shows what was asked);
- links every event id to its audit row, with its source;
- shows no file paths: PRAGMA database_list answers nothing and /-/databases is not served.

The files are opened read-only and live (Datasette's ``mode=ro``, not ``--immutable``: they
change under it). Datasette runs its SQL in this thread (``num_sql_threads`` 0), so the
tracker and its views are only ever used from here; each query is stopped at
``SQL_TIME_LIMIT_MS`` and makes no value past ``MAX_VALUE``. No child process: SIGINT and
SIGTERM stop the server, and nothing is left on the port."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from datasette.database import Database
from datasette.utils.asgi import NotFound, Response
from eventsourcing.persistence import PersistenceError
from markupsafe import Markup, escape

from events.errors import TrackerError
from events.values import country_name
from tracker.answers.strength import record_around
from tracker.faces import web_params
from tracker.faces.record_text import record_note
from tracker.faces.web_queries import (
    ANNOUNCEMENT_COLUMNS,
    QUERIES,
    SEARCH_COLUMNS,
    SEARCH_LIMIT,
    SEARCH_MORE,
    Query,
    metadata,
)

if TYPE_CHECKING:
    from tracker.app import Tracker

F = TypeVar("F", bound=Callable[..., Any])
TEMPLATES = Path(__file__).with_name("web_templates")
BOOKKEEPING = ("strength_dirty", "strength_derived")  # besides every table named _...
EVENT_COLUMNS = ("event_id", "supersedes", "superseded_by")
MAX_LINKS = 12  # event links shown in one cell; the rest are counted
MAX_VALUE = 10_000_000  # bytes in one value a query of the web view may make
# A query's time (each runs in this thread, one at a time: a heavy one holds the others back
# by this much at most; the canned pages take milliseconds), and the rows one page shows.
SQL_TIME_LIMIT_MS = 1000
MAX_ROWS = 1000
_CANNED = re.compile(r"^/([^/]+)/([^/.]+)(?:\.(json|csv))?$")
_CODE = re.compile(r"[A-Z]{3}")
# A file's full path (the importers quote the file as it was given: "/home/x/un.csv, line 8"):
# shown as its name only.
_PATH = re.compile(r"(?<![\w.:/])(?:[A-Za-z]:)?[/\\](?:[^\s,:;/\\\"']+[/\\])+([^\s,:;/\\\"']+)")
Send = Callable[[dict[str, Any]], Any]


def hook(function: F) -> F:
    """Datasette's hook marker, typed."""
    return cast("F", hookimpl(function))


def identity(path: Path) -> tuple[int, int] | None:
    """Which file is at ``path`` now (None: none): a rename puts another one there."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def without_paths(text: str) -> str:
    """``text`` with every file path cut to the file's name."""
    return _PATH.sub(r"\1", text)


def no_file_paths(action: int, name: str | None, *_: Any) -> int:
    """SQLite authorizer for every connection Datasette opens: PRAGMA database_list (and
    pragma_database_list) would show where the files are, so it answers nothing."""
    if action == sqlite3.SQLITE_PRAGMA and (name or "").lower() == "database_list":
        return sqlite3.SQLITE_IGNORE
    return sqlite3.SQLITE_OK


class TrackerWeb:
    """The Datasette plugin serving ``tracker``'s views (see the module's docstring)."""

    def __init__(self, tracker: Tracker) -> None:
        self.__name__ = "tracker_web"  # Datasette lists its plugins by module name
        self.tracker = tracker
        self.datasette: Any = None
        self.seen: dict[str, tuple[int, int] | None] = {}
        self.head: int | None = None
        self.queries = {(q.database, q.name): q for q in QUERIES}

    def build(self) -> Any:
        """The Datasette instance, its views caught up and attached."""
        from datasette.app import Datasette

        self.tracker.catch_up()
        self.head = self.tracker.recorder.max_notification_id() or 0
        settings = {
            "num_sql_threads": 0,
            "allow_download": False,
            "sql_time_limit_ms": SQL_TIME_LIMIT_MS,
            "max_returned_rows": MAX_ROWS,
        }
        self.datasette = Datasette(
            [], metadata=metadata(self.hidden()), template_dir=str(TEMPLATES), settings=settings
        )
        self.datasette.remove_database("_memory")
        self.attach()
        return self.datasette

    def hidden(self) -> dict[str, list[str]]:
        """Each view's bookkeeping tables (positions, versions, R*Tree, derivation state)."""
        found = {}
        for view in self.tracker.views():
            names = [r[0] for r in view.db.execute("SELECT name FROM sqlite_master")]
            found[view.name] = [n for n in names if n.startswith("_") or n in BOOKKEEPING]
        return found

    def identities(self) -> dict[str, tuple[int, int] | None]:
        return {v.name: identity(v.path) for v in self.tracker.views() if v.path is not None}

    def attach(self) -> None:
        """(Re)open every view file in Datasette, in order, closing the old connections."""
        ds = self.datasette
        for view in self.tracker.views():
            if view.path is None:
                continue
            old = ds.databases.get(view.name)
            if old is not None:
                ds.remove_database(view.name)
                old.close()
            ds.add_database(Database(ds, path=str(view.path), is_mutable=True), name=view.name)
        self.seen = self.identities()

    def follow(self) -> None:
        """Before a request: open the views anew if a file was replaced, catch up with the
        log, and show the files as they are then. A failure is said on stderr; the pages keep
        answering from what the views hold."""
        try:
            if self.identities() != self.seen:
                old = self.tracker
                config = old.config
                self.tracker = type(old)(config.db, create=False, views_dir=config.views_dir)
                old.close()
                self.head = None
            head = self.tracker.recorder.max_notification_id() or 0
            if head != self.head:
                self.tracker.catch_up()
                self.head = head
            if self.identities() != self.seen:
                self.attach()
        except (TrackerError, PersistenceError, sqlite3.Error, OSError) as error:
            print(f"warning: the views could not be brought up to date: {error}", file=sys.stderr)

    def canned(self, path: str) -> tuple[Query, str | None] | None:
        """The canned query a request path asks for, and its format (json, csv or None)."""
        found = _CANNED.match(path)
        query = self.queries.get((found[1], found[2])) if found else None
        return (query, found[3]) if found and query else None

    async def before(self, scope: dict[str, Any], send: Send) -> Send | None:
        """What a request meets first; None: it was answered here."""
        path = scope["path"]
        if path.startswith("/-/databases"):  # it lists the files' paths
            await Response.text("Not served by this view", status=404).asgi_send(send)
            return None
        if not path.startswith("/-/static"):
            self.follow()
        found = self.canned(path)
        if found is None:
            return send
        query, fmt = found
        given = dict(parse_qsl(scope["query_string"].decode("utf-8", "replace"), True))
        filled = web_params.defaults(query, self.tracker, given)
        if filled:
            location = path + "?" + urlencode({**given, **filled})
            await Response.redirect(location).asgi_send(send)
            return None
        problems = web_params.problems(query, self.tracker, given)
        if problems and fmt:
            answer = {"ok": False, "error": "; ".join(problems), "status": 400}
            await Response.json(answer, status=400).asgi_send(send)
            return None
        return _with_status(send, 400) if problems else send

    @hook
    def asgi_wrapper(self, datasette: Any) -> Callable[[Any], Any]:
        def wrap(app: Any) -> Any:
            async def tracker_app(scope: dict[str, Any], receive: Any, send: Send) -> None:
                if scope["type"] != "http":
                    await app(scope, receive, send)
                    return
                answer = await self.before(scope, send)
                if answer is not None:
                    await app(scope, receive, answer)

            return tracker_app

        return wrap

    @hook
    def prepare_connection(self, conn: sqlite3.Connection, database: str, datasette: Any) -> None:
        conn.set_authorizer(no_file_paths)
        # a value past MAX_VALUE is refused as it is made, not built: ``hex(zeroblob(150e6))``
        # took 1.5 GB and 14 s (issue "Hardening, round 3", 9); no figure comes near it
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE)
        conn.create_function("tracker_announcements", 4, self.announcements_json)
        conn.create_function("tracker_search", 2, self.search_json)
        conn.create_function("tracker_record", 3, self.record_json)

    def record_json(self, mission: str, on: str, newest: str | None) -> str | None:
        """The record around ``on`` as the CLI's note says it (``record_note``), and the UN
        report the answer rests on, as JSON; None on a date that is not one (the page says
        so, ``web_params``)."""
        try:
            day = date.fromisoformat(on)
            acronym = self.tracker.known_mission(mission)
        except (TrackerError, ValueError, TypeError):
            return None
        around = record_around(self.tracker.strength_view, acronym, day, None, None)
        latest = around["un_report"]
        note = record_note(
            around["gap"],
            around["not_listed"],
            latest,
            date.fromisoformat(newest[:10]) if newest else None,
            around["record_ends"],
        )
        return json.dumps({"un_report": latest.isoformat() if latest else None, "note": note})

    def announcements_json(self, mission: str, contributor: str, on: str, status: str) -> str:
        """The announcement ledger as JSON rows, as ``tracker announcements`` gives it."""
        try:
            day = date.fromisoformat(on)
            found = web_params.announcements(self.tracker, mission, contributor, day, status)
        except (TrackerError, ValueError, TypeError):  # said on the page (web_params)
            return "[]"
        rows = [
            (
                r.valid,
                r.contributor,
                country_name(r.contributor),
                r.status,
                r.summary,
                r.target,
                r.announced,
                r.level_then,
                r.level_now,
                r.fulfilled_on.isoformat() if r.fulfilled_on else None,
                r.event_id,
                r.source_title,
                r.source_url,
                r.published_on,
                r.note,
            )
            for r in found
        ]
        return json.dumps([dict(zip(ANNOUNCEMENT_COLUMNS, row, strict=True)) for row in rows])

    def search_json(self, text: str, mission: str) -> str:
        """The audit trail's search as JSON rows, as ``tracker search`` gives it."""
        try:
            found = web_params.search(self.tracker, text or "", mission or "", SEARCH_LIMIT)
        except (TrackerError, TypeError):  # said on the page (web_params)
            return "[]"
        # first, rows of their own: a list cut at the limit says so (issue 27: it was silent)
        notes = [{"kind": "note", "summary": note} for note in found.notes(SEARCH_MORE)]
        rows = [{c: getattr(row, c) for c in SEARCH_COLUMNS} for row in found]
        return json.dumps([*notes, *rows])

    def event_link(self, event_id: str) -> str:
        url = self.datasette.urls.path("-/event/" + quote(event_id, safe="/"))
        return f'<a href="{escape(url)}">{escape(event_id)}</a>'

    @hook
    def render_cell(
        self, row: Any, value: Any, column: str, table: str | None, database: str, datasette: Any
    ) -> Markup | None:
        if not isinstance(value, str) or not value:
            return None
        if column in EVENT_COLUMNS:
            return Markup(self.event_link(value))
        if column == "sources":
            ids = value.split()
            links = ", ".join(self.event_link(i) for i in ids[:MAX_LINKS])
            more = f" and {len(ids) - MAX_LINKS} more" if len(ids) > MAX_LINKS else ""
            return Markup(links + more)
        if column in ("quote", "payload"):
            return Markup(escape(without_paths(value)))
        names = set(row.keys()) if hasattr(row, "keys") else set()
        if (
            column == "contributor"
            and _CODE.fullmatch(value)
            and not names & {"country", "contributor_name"}
        ):
            return Markup(f"{escape(value)} ({escape(country_name(value))})")
        return None

    @hook
    def prepare_jinja2_environment(self, env: Any) -> None:
        env.filters["without_paths"] = without_paths

    @hook
    def extra_template_vars(self, request: Any) -> dict[str, Any]:
        found = self.canned(request.path) if request is not None else None
        if found is None:
            return {}
        query = found[0]
        given = {key: request.args.get(key) or "" for key in request.args}
        return {
            "tracker_question": query.question,
            "tracker_params": [(p.name, p.help) for p in query.params],
            "tracker_problems": web_params.problems(query, self.tracker, given),
        }

    @hook
    async def handle_exception(self, datasette: Any, request: Any, exception: Exception) -> Any:
        """Error pages for Datasette's (it failed on a 404 with rich installed): no traceback."""
        status = getattr(exception, "status", 500)
        said = getattr(exception, "message", None) or (exception.args or ["error"])[0]
        if status >= 500:
            print(f"warning: {request.path}: {type(exception).__name__}", file=sys.stderr)
            said = "the view could not answer this request"
        info = {"ok": False, "error": said, "status": status, "title": None}
        if request.path.endswith(".json"):
            return Response.json(info, status=status)
        template = datasette.jinja_env.select_template([f"{status}.html", "error.html"])
        more = {
            "urls": datasette.urls,
            "app_css_hash": datasette.app_css_hash(),
            "menu_links": list,
        }
        return Response.html(await template.render_async({**info, **more}), status=status)

    @hook
    def register_routes(self, datasette: Any) -> list[tuple[str, Any]]:
        return [(r"^/-/event/(?P<event_id>.+)$", self.event_page)]

    async def event_page(self, datasette: Any, request: Any) -> Any:
        """An event id's page: its audit row, with its source."""
        event_id = request.url_vars["event_id"]
        db = datasette.get_database("audit")
        sql = "SELECT position FROM audit_events WHERE event_id = ?"
        found = (await db.execute(sql, [event_id])).first()
        if found is None:
            raise NotFound(f"no event {event_id!r} in the audit trail")
        return Response.redirect(datasette.urls.row("audit", "audit_events", str(found[0])))


def _with_status(send: Send, status: int) -> Send:
    async def sending(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start" and message["status"] == 200:
            message = {**message, "status": status}
        await send(message)

    return sending

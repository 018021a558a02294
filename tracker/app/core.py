"""The core every use case stands on: the event store (the eventsourcing application), the
built-in views and the user's projections, kept in files beside the store."""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from uuid import UUID

from eventsourcing.application import Application

from events.errors import InvalidInputError, MissionNotFoundError, TrackerError
from events.mission import mission_id
from projections import AuditProjection, Projection, StrengthProjection
from projections.announcements import AnnouncementProjection
from projections.estimate import EstimateProjection
from projections.mandates import MandateProjection
from tracker.app.fill import fill_apart
from tracker.app.times import recorded_instant
from tracker.app.unit_of_work import mission_acronym
from tracker.store.config import APP_NAME, StoreConfig, both_names, postgres_store_exists
from tracker.store.outputs import check_output, special, written_beside
from tracker.store.registry import Registry, load_registered, trusted_folders

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from projections.engine import Progress


def seeded_missions() -> set[str]:
    """The missions whose record comes with the tracker (``tracker seed --mission``)."""
    import seeds as shipped
    from tracker.importers.seeds import manifest

    try:
        return {entry.mission for entry in manifest(shipped.DIRECTORY) if entry.mission}
    except InvalidInputError:
        return set()


class TrackerCore(Application[UUID]):
    """The event store and its views; the use cases (``tracker.app.writing``,
    ``importing``, ``strength``, ``record``, ``maintenance``) build on it, and ``Tracker``
    puts them together.

    Args:
        db: the SQLite file of the event store (``:memory:`` for nothing on disk); by default
            the ``TRACKER_DB`` variable, else ``./tracker.db``.
            A PostgreSQL URL (``postgresql://user:password@host:port/database``) puts the
            store on that server, by configuration alone; so does ``TRACKER_DATABASE_URL``.
        create: make the store if it does not exist (else raise ``TrackerError``).
        views_dir: where the views of a PostgreSQL store live (default: the current folder).
        trust: folders whose projections, listed beside the store, may run (besides the
            user's own list, ``tracker.store.registry``): a store never runs code that came
            with it otherwise.
    """

    name = APP_NAME

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        create: bool = True,
        views_dir: str | Path | None = None,
        trust: Iterable[str | Path] = (),
    ) -> None:
        self.config = StoreConfig.resolve(db, views_dir)
        if not create and not self.config.exists():
            raise TrackerError(
                f"no event store at {self.config.display()!r} - load MINUSMA's record with "
                "'tracker seed', create one with 'tracker import' or 'tracker record', or name "
                "another with --db"
            )
        refused = self.config.refusal(create)
        if refused:
            raise TrackerError(refused)
        # a store that cannot be written is read as it is, its views in copies of this
        # tracker's own (issue 29, 11: a read-only mount could not be read at all)
        self._copies = None
        if self.config.read_only():
            self._copies = tempfile.TemporaryDirectory(prefix="tracker-views-")
            self.config = self.config.reading_only(self._copies.name)
        env = self.config.event_store_env()
        if self.config.postgres and postgres_store_exists(env, self.config.display()):
            # Others may be writing: skip the library's CREATE statements, whose catalogue and
            # table locks race with their inserts (deadlocks, "tuple concurrently updated").
            env.update(both_names({"CREATE_TABLE": "n"}))
        super().__init__(env=env)
        self.strength_view = StrengthProjection(self.config.view_path("strength"))
        self.audit_view = AuditProjection(self.config.view_path("audit"))
        self.announcement_view = AnnouncementProjection(self.config.view_path("announcements"))
        self.mandate_view = MandateProjection(self.config.view_path("mandates"))
        self.estimate_view = EstimateProjection(self.config.view_path("estimate"))
        self.registry = Registry(self.config.registry_path())
        self.user_views: list[Projection] = []
        self._notices: list[str] = []
        self._known_missions: set[str] = set()  # acronyms found in the log (``known_mission``)
        if self.registry.problem:
            self._notices.append(self.registry.problem)
        trusted = trusted_folders(trust)  # never the store's own folder (issue 29, 15)
        for spec in self.registry.specs:
            try:
                projection_class = load_registered(spec, self.registry.folder(spec), trusted)
            except InvalidInputError as error:  # one missing module must not lock the store
                self._notices.append(f"{error}; it is not kept up to date until it can be")
                continue
            self.user_views.append(projection_class(self.config.view_path(projection_class.name)))
        if self._copies is not None:
            head = self.recorder.max_notification_id() or 0
            behind = [view.name for view in self.views() if view.position(self.name) < head]
            if behind:
                self._notices.append(
                    f"the store is read-only: its views {', '.join(behind)} were behind its log "
                    "and were brought up to date for this command only, in a temporary copy"
                )

    def close(self) -> None:
        """Close the store and the views' files (and drop a read-only store's views' copies)."""
        for view in self.views():
            view.close()
        super().close()
        if self._copies is not None:
            self._copies.cleanup()

    def discard_if_empty(self) -> bool:
        """After ``close``: delete the files of this SQLite store, its views and their
        journals if the store holds no event (a command's first write into a new store was
        refused: it leaves nothing behind). Returns whether it did."""
        files = self.config.files()
        if not files or not files[0].is_file():
            return False
        connection = sqlite3.connect(files[0])
        try:
            (count,) = connection.execute("SELECT COUNT(*) FROM stored_events").fetchone()
        except sqlite3.Error:
            return False
        finally:
            connection.close()
        if count:
            return False
        for path in files:
            path.unlink(missing_ok=True)
        return True

    def views(self) -> list[Projection]:
        """Every projection this tracker keeps: the built-in ones, then the user's."""
        built_in = [
            self.strength_view,
            self.audit_view,
            self.announcement_view,
            self.mandate_view,
            self.estimate_view,
        ]
        return [*built_in, *self.user_views]

    def view(self, name: str) -> Projection:
        """The projection called ``name``.

        Raises:
            InvalidInputError: no projection has that name.
        """
        for view in self.views():
            if view.name == name:
                return view
        names = ", ".join(v.name for v in self.views())
        raise InvalidInputError(f"no projection {name!r}: the projections are {names}")

    def notices(self) -> list[str]:
        """What the user should know happened behind a query (a view rebuilt, and why)."""
        return self._notices + [
            f"the {view.name} view was rebuilt from the event log: {view.rebuilt_because}"
            for view in self.views()
            if view.rebuilt_because
        ]

    def catch_up(self, progress: Progress | None = None) -> int:
        """Bring every view up to the log's head; return how many events were applied.
        ``progress(applied, to apply)`` over all the views as it goes. The views that read
        every event, when they hold nothing yet and the log is long, are filled side by side
        in processes of their own (``tracker.app.fill``)."""
        head = self.recorder.max_notification_id() or 0
        views = self.views()
        behind = {view.name: max(head - view.position(self.name), 0) for view in views}
        todo = sum(behind.values())
        applied = 0

        def filled(view: Projection) -> None:
            nonlocal applied
            applied += behind[view.name]
            if progress is not None:
                progress(applied, max(todo, applied))

        apart = fill_apart(self, views, filled)
        for view in views:

            def step(done: int, _total: int, before: int = applied) -> None:
                if progress is not None:
                    progress(before + done, max(todo, before + done))

            caught = view.catch_up(self, progress=step)  # a view filled apart: opened again
            if view.name not in apart:
                applied += caught
        return applied

    def recorded_bound(self, value: datetime | str | None) -> str | None:
        """A recorded-time bound as the views store it (``recorded_instant``), once it is
        final: a commit in flight that may still be stamped with an earlier time is waited
        for, so an answer "as recorded at T" asked after T never changes (issue 15)."""
        at = recorded_instant(value)
        settle = getattr(self.recorder, "settle", None)
        if at is not None and settle is not None:
            settle(datetime.fromisoformat(at))
        return at

    def check_output(self, path: str | Path, option: str = "the output") -> Path:
        """``path`` as a file a command may write: never this store, its views or its list
        of projections (nor their journals), however spelled (``tracker.store.outputs``).

        Raises:
            InvalidInputError: one line naming the file and what it is.
        """
        return check_output(path, self.config, option)

    @contextmanager
    def writing(self, path: str | Path, option: str = "the output") -> Iterator[Path]:
        """Write a file through this: a temporary file beside ``path`` (checked first, as
        ``check_output``), renamed into place when the block ends well, removed if not."""
        with written_beside(self.check_output(path, option)) as partial:
            yield partial

    @staticmethod
    def writes_through(path: str | Path) -> bool:
        """Whether ``writing`` writes through ``path`` (a pipe, a device) rather than put a
        file in its place."""
        return special(Path(path))

    def mission_names(self) -> tuple[str, ...]:
        """The acronyms of the missions in the store (for a message that names them)."""
        self.audit_view.catch_up(self)
        return tuple(self.audit_view.missions())

    def known_mission(self, mission: str) -> str:
        """The mission's acronym, if the store has heard of it (one indexed read, no replay)."""
        code = mission_acronym(mission)
        if code in self._known_missions:  # the log is append-only: once heard of, always
            return code
        if not self.recorder.select_events(mission_id(code), limit=1):
            raise MissionNotFoundError(code, self.mission_names(), code in seeded_missions())
        self._known_missions.add(code)
        return code

"""Keeping the store and its views: projections listed, rebuilt, replayed and added; the
views followed; the hash chain verified; backups and copies."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from events.errors import InvalidInputError, TrackerError
from tracker.answers.records import ProjectionStatus
from tracker.app.core import TrackerCore
from tracker.store.anchors import remember_stamp, stamp_anchors, view_anchors
from tracker.store.config import StoreConfig
from tracker.store.copy import CopyReport, copy_store
from tracker.store.integrity import Verification, backup_sqlite, checked_hash
from tracker.store.registry import folder_of, load_class
from tracker.store.view_check import ViewDifference, check_views

if TYPE_CHECKING:
    from collections.abc import Callable

    from projections import Projection
    from projections.engine import Progress


class Maintenance(TrackerCore):
    """The store's and the views' upkeep."""

    def projections(self) -> list[ProjectionStatus]:
        """Each projection: its version, file, position, the log's head, how far behind."""
        head = self.recorder.max_notification_id() or 0
        return [
            ProjectionStatus(
                name=view.name,
                version=view.version,
                path=str(view.path) if view.path else ":memory:",
                position=view.position(self.name),
                head=head,
                behind=head - view.position(self.name),
                built_in=view not in self.user_views,
            )
            for view in self.views()
        ]

    def rebuild_projection(self, name: str, progress: Progress | None = None) -> int:
        """Rebuild one projection from position 0 side by side, then swap it in."""
        return self.view(name).rebuild(self, progress)

    def replay(
        self, spec: str, into: str | Path | None = None, progress: Progress | None = None
    ) -> tuple[Projection, int]:
        """Replay the whole log into the projection class ``module:Class``, in ``into``
        (default: beside the store, named after the projection); return it and the count."""
        projection_class = load_class(spec)
        own = self.config.view_path(projection_class.name)
        taken = {view.name: type(view) for view in self.views()}
        if taken.get(projection_class.name, projection_class) is not projection_class:
            raise InvalidInputError(
                f"projection name {projection_class.name!r} is another projection's: its file "
                f"{own} is not replayed over - give the class another name"
            )
        path = own
        if into is not None and not (own is not None and _same(Path(into), own)):
            path = self.check_output(into, "--into")  # (the rebuild writes it beside, too)
        projection = projection_class(path)
        return projection, projection.rebuild(self, progress)

    def add_projection(self, spec: str, progress: Progress | None = None) -> int:
        """Register ``module:Class`` for this store and replay the log into it; from then on
        it is caught up like the built-in ones."""
        projection_class = load_class(spec)
        if any(view.name == projection_class.name for view in self.views()):
            raise InvalidInputError(
                f"projection name {projection_class.name!r} is taken: give the class another"
            )
        self.registry.add(spec, projection_class.name, folder_of(spec))
        projection, count = self.replay(spec, progress=progress)
        self.user_views.append(projection)
        return count

    def follow(
        self, interval: float, until: Callable[[], bool], on_change: Callable[[int], None]
    ) -> None:
        """Keep every view caught up with the log until ``until()`` is true: pull, then wait
        ``interval`` seconds. ``on_change`` gets the count each time something was applied."""
        while not until():
            applied = self.catch_up()
            if applied:
                on_change(applied)
            time.sleep(interval)

    def copy_to(self, target: str | Path, views_dir: str | Path | None = None) -> CopyReport:
        """Copy this store's every event, in order and with its recorded time, into the empty
        store ``target`` (a SQLite file or a PostgreSQL URL), and check the copy."""
        if not StoreConfig.resolve(target).postgres:
            self.check_output(target, "the copy")
        destination = type(self)(target, views_dir=views_dir)
        try:
            return copy_store(self.recorder, destination.recorder, destination.config.display())
        finally:
            destination.close()

    # Integrity -----------------------------------------------------------------------------
    def _chain(self) -> Any:
        recorder = self.recorder
        if not hasattr(recorder, "verify"):
            raise TrackerError(
                "an in-memory store keeps no hash chain: verify a SQLite or PostgreSQL store"
            )
        return recorder

    def remember_stamp(self, written: Path, stamp: dict[str, Any]) -> None:
        """Note the stamp an export wrote at ``written``: an anchor ``verify`` holds the log
        to (``tracker.store.anchors``)."""
        remember_stamp(self.config, written, stamp)

    def verify(self, expect: str | None = None) -> Verification:
        """Recompute the hash chain over every stored event: the count, the head hash, and the
        first event that does not match (``verification.mismatch``), if any. ``expect``: a
        hash printed earlier (by ``verify`` or in a stamp) that the chain must pass through.
        The log must also reach every anchor this machine holds, with the event or hash each
        saw there: the views' files (and those set aside), the stamps exports wrote."""
        chain, expect = self._chain(), checked_hash(expect)
        anchors = view_anchors(self.views(), self.name) + stamp_anchors(self.config)
        result: Verification = chain.verify(expect, anchors)
        return result

    def verify_views(self, progress: Progress | None = None) -> list[ViewDifference]:
        """Derive every view again from the log and compare it with its file, row by row:
        the first row that differs, of each view that has one (``tracker.store.view_check``).
        ``progress(views checked, views)``."""
        return check_views(self, self.views(), progress)

    def adopt_unchained(self) -> tuple[list[int], Verification]:
        """Put the events stored without a link after the chain's head into the chain (a
        store made before the chain existed), then verify: their positions and the result.
        Never done on its own: a store whose chain was removed after an event was edited
        looks the same, and adopting would cover the edit.

        Raises:
            TrackerError: the linked part of the chain does not verify (nothing adopted).
        """
        before = self.verify()
        if before.ok:
            return [], before
        assert before.mismatch is not None
        if not before.mismatch.unlinked:
            raise TrackerError(
                f"verify failed before the unlinked events ({before.mismatch.describe()}): "
                "nothing was adopted"
            )
        positions: list[int] = self._chain().adopt_unchained()
        return positions, self.verify()

    def head(self) -> tuple[int, str]:
        """How many events are chained and the head hash, read (not recomputed)."""
        count, head = self._chain().head()
        return int(count), str(head)

    def link_at(self, position: int) -> str | None:
        """The hash chain's link at a log position (what a stamp of that position carries)."""
        if not hasattr(self.recorder, "link_at") or position == 0:
            return None
        link: str | None = self.recorder.link_at(position)
        return link

    def stamp(
        self, position: int, projection: str, version: int, query: dict[str, Any]
    ) -> dict[str, Any]:
        """What a quoted figure needs to be derived again and checked: the log position the
        answer reflects, the chain's hash there ('tracker verify --expect' checks it), the
        projection and its version, and the query."""
        return {
            "log_position": position,
            "chain_hash": self.link_at(position),
            "projection": projection,
            "version": version,
            "query": query,
        }

    def backup(self, target: str | Path) -> Verification:
        """Copy this SQLite store to the new file ``target`` with SQLite's online backup
        (consistent while others write), and verify the copy. For a PostgreSQL store use the
        server's own tools (pg_dump) or ``copy_to`` a SQLite file."""
        if self.config.postgres or self.config.in_memory:
            raise TrackerError(
                "backup copies a SQLite store: for PostgreSQL use pg_dump, or 'tracker "
                "copy-store' into a SQLite file"
            )
        return backup_sqlite(self.config.db, self.check_output(target, "the backup"))


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file (both there), or one place (either missing)."""
    try:
        return a.samefile(b)
    except OSError:
        return a.resolve() == b.resolve()

"""The views that read every event, filled side by side in processes of their own when a long
log has to be read into views that hold nothing yet (issue 25: the first catch-up of a seeded
store reads 150,000 events into the strength view and the audit trail, each on a core).

Each worker is ``python -m tracker.app.fill_worker``, told the store on its standard input (a
PostgreSQL URL holds a password: never on a command line). It opens the store itself and
fills its view as any catch-up of an empty view does (``Projection._fill``: into a side file,
renamed into place when whole); the process that asked then opens the new files and catches
up what came since. A worker that fails leaves the old (empty) view in place and says why on
its standard error, which is raised here as the error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

from events.errors import TrackerError
from projections.engine import FILL_FROM

if TYPE_CHECKING:
    from collections.abc import Callable

    from projections.engine import Projection
    from tracker.app.core import TrackerCore

APART = ("strength", "audit")  # the views that read (nearly) every event


def fill_apart(
    core: TrackerCore, views: list[Projection], done: Callable[[Projection], None] | None = None
) -> set[str]:
    """Fill the ``views`` named in APART that hold nothing and are FILL_FROM events or more
    behind, each in a worker process, at the same time (when the machine has two cores and
    the store is not in memory); ``done(view)`` as each is filled. Returns the names of the
    views filled.

    Raises:
        TrackerError: a worker failed (its message).
    """
    head = core.recorder.max_notification_id() or 0
    empty = [
        view
        for view in views
        if view.name in APART
        and view.path is not None
        and head >= FILL_FROM
        and view.position(core.name) == 0
    ]
    if len(empty) < 2 or (os.cpu_count() or 1) < 2 or core.config.in_memory:
        return set()
    told = json.dumps({"db": core.config.db, "views_dir": core.config.views_dir})
    workers = []
    try:
        for view in empty:
            worker = subprocess.Popen(
                [sys.executable, "-m", "tracker.app.fill_worker", view.name],
                stdin=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                text=True,
            )
            workers.append((view, worker))
            assert worker.stdin is not None
            worker.stdin.write(told)
            worker.stdin.close()
        for view, worker in workers:
            assert worker.stderr is not None
            said = worker.stderr.read().strip()
            if worker.wait() != 0:
                last = said.splitlines()[-1] if said else f"exit status {worker.returncode}"
                raise TrackerError(f"the {view.name} view could not be filled: {last}")
            if done is not None:
                done(view)
    finally:
        for _, worker in workers:
            if worker.poll() is None:  # interrupted, or another failed: none is left behind
                worker.kill()
                worker.wait()
    return {view.name for view in empty}

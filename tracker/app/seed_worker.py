"""A worker of ``tracker.app.seeding``: ``python -m tracker.app.seed_worker``, told on its
standard input the seeds' folder, their files and the missions it records, records those
missions' events of those files as a load of the seeds does (one batch, checked as any), in a
store of its own in memory, and writes on its standard output (pickled) each event as stored
with the file and line it came from, in the order recorded, and how many events each file
gave. It exits with 1 on anything it refuses: the load is then done alone."""

from __future__ import annotations

import gc
import json
import pickle
import sys
from pathlib import Path
from typing import Any

from tracker.app.seeding import Tagged
from tracker.app.tracker import Tracker
from tracker.app.unit_of_work import UnitOfWork
from tracker.importers.seeds import manifest


def record(told: dict[str, Any]) -> dict[str, Any]:
    """The events of the missions told, tagged with their file (its index among the files
    told) and line."""
    folder = Path(told["folder"])
    missions = set(told["missions"])
    wanted = [Path(p) for p in told["files"]]
    entries = {e.path: e for e in manifest(folder)}
    tracker = Tracker(":memory:")
    tags: list[tuple[int, int]] = []
    counts: dict[int, int] = {}
    with UnitOfWork(tracker, batch=True) as batch:
        for index, path in enumerate(wanted):
            entry = entries[path]
            if entry.mission is not None and entry.mission not in missions:
                continue
            at = [index, 0]

            def before_line(number: int, at: list[int] = at) -> None:
                tags.extend([(at[0], at[1])] * (len(batch.log) - len(tags)))
                at[1] = number

            done = tracker.load_seed_file(
                batch, entry, entry.read(), path.name, missions, None, before_line
            )
            tags.extend([(at[0], at[1])] * (len(batch.log) - len(tags)))
            counts[index] = done.count
        batch.check_all()
        mapper = tracker.mapper
        events: list[Tagged] = []
        for seq, (event, (file, line)) in enumerate(zip(batch.log, tags, strict=True)):
            stored = mapper.to_stored_event(event)
            events.append(
                (file, line, seq, stored.originator_id, stored.originator_version,
                 stored.topic, stored.state)
            )  # fmt: skip
    tracker.close()
    return {"events": events, "counts": counts}


def main() -> int:
    gc.disable()  # a batch makes no cycles; this process ends when it is done
    try:
        result = record(json.loads(sys.stdin.read()))
    except Exception as error:  # refused: the load is done alone, which says why
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main())

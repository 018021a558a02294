"""The seeds loaded into an empty store by two processes at once (issue 25: the UN's whole
record is 150,000 events, and the machine has two cores).

A mission's events never touch another's, so two workers (``python -m
tracker.app.seed_worker``) each record half of the missions, checked as any batch is, into a
store of their own in memory, and give back their events as stored, each with the file and
line it came from. This process puts them in the order one process would have recorded them
(the files' order, then the lines') and writes them in one transaction, as any import is
written: chained, stamped with the commit's time, all or nothing. Anything a worker refuses
(a bad line, a history its batch breaks) is done again by this process alone, whose refusal
names the line, as always.
"""

from __future__ import annotations

import heapq
import json
import os
import pickle
import subprocess
import sys
from collections import Counter
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import IntegrityError, StoredEvent

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from tracker.app.core import TrackerCore
    from tracker.importers.seeds import SeedFile

APART_FROM = 40_000  # lines of seeds from which a load into an empty store is split
# file, line, seq, stream, version, topic, state
Tagged = tuple[int, int, int, UUID | str, int, str, bytes]


def load_apart(
    core: TrackerCore,
    folder: Path,
    shown: list[str],
    files: list[tuple[SeedFile, bytes]],
    missions: set[str] | None,
    progress: Callable[[int, int], None] | None,
) -> dict[str, list[int]] | None:
    """Load the seed ``files`` (of ``missions``) into ``core``'s store with two workers, and
    return what each name ``shown`` loaded (events, skipped, files); None when the load is
    not one to split (the store holds events already, it is small, or one mission's, or the
    machine has one core) or a worker refused it (the caller then loads it alone)."""
    lines = sum(data.count(b"\n") for _, data in files)
    named = {e.mission for e, _ in files if e.mission}
    chosen = sorted(named if missions is None else named & missions)
    if (
        lines < APART_FROM
        or len(chosen) < 2
        or (os.cpu_count() or 1) < 2
        or core.config.in_memory
        or any(e.format != "jsonl" for e, _ in files)
        or (core.recorder.max_notification_id() or 0) != 0
    ):
        return None
    sizes: Counter[str] = Counter()
    for entry, data in files:
        if entry.mission:
            sizes[entry.mission] += len(data)
    halves: list[list[str]] = [[], []]
    weight = [0, 0]
    for mission in sorted(chosen, key=lambda m: (-sizes[m], m)):  # the largest first
        lighter = weight.index(min(weight))
        halves[lighter].append(mission)
        weight[lighter] += sizes[mission]
    told = {"folder": str(folder), "files": [str(e.path) for e, _ in files]}
    results = _run([{**told, "missions": half} for half in halves])
    if results is None:
        return None
    events: list[StoredEvent] = [
        StoredEvent(stream, version, topic, state)
        for *_, stream, version, topic, state in heapq.merge(*(r["events"] for r in results))
    ]
    try:  # one transaction: chained and stamped with the commit's time, as any write
        core.recorder.insert_events(events)
    except IntegrityError:  # another writer came first: load it alone, as any import
        return None
    if progress is not None:
        progress(lines, lines)
    counts: dict[str, list[int]] = {}
    for index, name in enumerate(shown):
        tally = counts.setdefault(name, [0, 0, 0])
        tally[0] += sum(r["counts"].get(index, 0) for r in results)
        tally[2] += 1
    return counts


def _run(jobs: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Each job in a worker of its own, at the same time; their results, or None if one
    failed (what it said is left to the load alone, which says it naming the line)."""
    workers = []
    try:
        for job in jobs:
            worker = subprocess.Popen(
                [sys.executable, "-m", "tracker.app.seed_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
            assert worker.stdin is not None
            worker.stdin.write(json.dumps(job).encode())
            worker.stdin.close()
            workers.append(worker)
        results = []
        for worker in workers:
            assert worker.stdout is not None
            out = worker.stdout.read()
            if worker.wait() != 0:
                return None
            results.append(pickle.loads(out))  # our own worker's, on this machine
        return results
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

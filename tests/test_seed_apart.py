"""The seeds loaded by two workers at once (``tracker.app.seeding``) make the store one process
would: the same events, in the same positions, chained and stamped as one commit; and a
worker that refuses leaves the load to one process, whose refusal names the line."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from events.errors import InvalidInputError
from tests.conftest import SEEDS, postgres_store
from tracker import Tracker
from tracker.app import seeding

MISSIONS = ["UNMOGIP", "UNDOF", "UNMIK", "MINUSMA"]  # missions.jsonl holds all four's lives
STAMP = re.compile(rb'"timestamp":"[^"]*"')


def _log(tracker: Tracker) -> list[tuple[str, int, str, bytes]]:
    rows = tracker.recorder.select_notifications(1, 10**7)
    return [
        (str(n.originator_id), n.originator_version, n.topic, STAMP.sub(b"", n.state)) for n in rows
    ]


def _stamps(tracker: Tracker) -> set[bytes]:
    return {
        m.group()
        for n in tracker.recorder.select_notifications(1, 10**7)
        if (m := STAMP.search(n.state)) is not None
    }


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_workers_make_the_store_one_process_makes(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    split: list[int] = []
    real = seeding._run

    def counted(jobs: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        split.append(len(jobs))
        return real(jobs)

    stores = postgres_store(tmp_path, monkeypatch) if backend == "postgres" else None
    apart_db = next(stores) if stores is not None else str(tmp_path / "apart.db")
    monkeypatch.setattr(seeding, "APART_FROM", 0)
    monkeypatch.setattr(seeding, "_run", counted)
    apart = Tracker(apart_db)
    said_apart = apart.load_seeds(SEEDS, missions=MISSIONS)
    assert split == [2], "the load was not split"
    monkeypatch.setattr(seeding, "APART_FROM", 10**9)
    alone = Tracker(str(tmp_path / "alone.db"))
    said_alone = alone.load_seeds(SEEDS, missions=MISSIONS)
    assert split == [2], "the second load was split too"
    try:
        assert said_apart == said_alone
        ours, theirs = _log(apart), _log(alone)
        assert len(ours) > 15_000
        assert ours == theirs
        assert len(_stamps(apart)) == 1, "one commit, one recorded time"
        assert apart.verify().mismatch is None
        apart.catch_up()
        alone.catch_up()
        for mission in MISSIONS:
            on = date(2015, 6, 30)
            assert apart.strength(mission, on) == alone.strength(mission, on)
    finally:
        apart.close()
        alone.close()
        if stores is not None:
            for _ in stores:  # drops the schema
                pass


def test_a_line_a_worker_refuses_is_refused_naming_it_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    bad = seeds / "minusma-corrections.jsonl"
    lines = bad.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*lines, '{"type": "contingent-deployed"}']) + "\n", "utf-8")
    monkeypatch.setattr(seeding, "APART_FROM", 0)
    tracker = Tracker(str(tmp_path / "tracker.db"))
    try:
        with pytest.raises(
            InvalidInputError,
            match=rf"minusma-corrections.jsonl:{len(lines) + 1}: unknown event type",
        ):
            tracker.load_seeds(seeds, missions=MISSIONS)
        assert tracker.recorder.max_notification_id() in (None, 0)
    finally:
        tracker.close()

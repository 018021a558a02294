"""No command writes over the store (issue 15, item 1): 'tracker export MINUSMA ... -o
tracker.db' wrote the CSV over the event store and exited 0, every event gone. No output path
may be the store, a view file, the projections list or a journal beside them, however it is
spelled; and every output is written beside, then renamed into place."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import copy_seeded
from tracker import Tracker
from tracker.cli import cli

COMMANDS = {
    "export": ["export", "MINUSMA", "--from", "2013-07-01", "--to", "2013-12-31", "-o"],
    "chart": ["chart", "MINUSMA", "--from", "2013-07-01", "--to", "2013-12-31", "-o"],
    "map": ["map", "MINUSMA", "--on", "2013-12-31", "-o"],
    "replay": ["replay", "--projection", "projections.mandates:MandateProjection", "--into"],
    "backup": ["backup"],
    "copy-store": ["copy-store", "--from", "tracker.db", "--to"],
}
# (how the path is given, what it is)
TARGETS = [
    ("tracker.db", "the event store tracker.db"),
    ("./sub/../tracker.db", "the event store tracker.db"),
    ("TRACKER.db", "the event store tracker.db"),
    ("link-to-store.csv", "the event store tracker.db"),
    ("linked-folder/tracker.db", "the event store tracker.db"),
    ("tracker.db-wal", "a journal of the event store tracker.db"),
    ("tracker.db-shm", "a journal of the event store tracker.db"),
    ("tracker.db-journal", "a journal of the event store tracker.db"),
    ("tracker.strength.db", "a view's file of the store tracker.db"),
    ("tracker.audit.db-journal", "a journal of a view's file of the store tracker.db"),
    ("tracker.by_gender.db", "a view's file of the store tracker.db"),  # not there yet
    ("tracker.strength.db.rebuild", "a view's file of the store tracker.db"),
    ("tracker.projections.json", "the list of the projections of the store tracker.db"),
]


@pytest.fixture(scope="module")
def seeded_folder(tmp_path_factory: pytest.TempPathFactory, seed_templates: dict[str, Any]) -> Path:
    folder = tmp_path_factory.mktemp("store")
    copy_seeded(folder / "tracker.db", seed_templates, tmp_path_factory)
    (folder / "tracker.projections.json").write_text("[]\n", encoding="utf-8")
    return folder


def fingerprint(folder: Path) -> dict[str, str]:
    return {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.iterdir())
        if path.is_file() and not path.is_symlink()
    }


@pytest.mark.parametrize(("given", "what"), TARGETS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_no_output_is_the_store_or_one_of_its_files(
    seeded_folder: Path, command: str, given: str, what: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(seeded_folder)
    (seeded_folder / "sub").mkdir(exist_ok=True)
    if not (seeded_folder / "link-to-store.csv").is_symlink():
        os.symlink("tracker.db", seeded_folder / "link-to-store.csv")
        os.symlink(".", seeded_folder / "linked-folder")
    before = fingerprint(seeded_folder)
    events = Tracker("tracker.db", create=False).verify().events
    result = CliRunner().invoke(cli, ["--db", "tracker.db", *COMMANDS[command], given])
    option = {"replay": "--into", "backup": "the backup", "copy-store": "the copy"}
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: {given}: that is {what} - give another file name for {option.get(command, '-o')}\n"
    )
    assert fingerprint(seeded_folder) == before
    assert Tracker("tracker.db", create=False).verify().events == events


def test_an_export_is_written_beside_and_renamed(
    seeded_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(seeded_folder)
    out = seeded_folder / "series.csv"
    out.write_text("an older export\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", "tracker.db", *COMMANDS["export"], str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("date,strength,figure_of,")
    assert "\n2013-12-31,6439,2013-12-31," in out.read_text(encoding="utf-8")
    assert (seeded_folder / "series.csv.stamp.json").read_text(encoding="utf-8").startswith("{")
    mask = os.umask(0)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask  # as any file made here
    # a write that fails half way leaves the old file as it was, and no partial file
    tracker = Tracker(seeded_folder / "tracker.db", create=False)

    def fail_half_way() -> None:
        with tracker.writing(out) as partial:
            partial.write_text("half", encoding="utf-8")
            raise RuntimeError("the disk filled")

    with pytest.raises(RuntimeError, match="the disk filled"):
        fail_half_way()
    tracker.close()
    assert out.read_text(encoding="utf-8").startswith("date,strength,figure_of,")
    assert not [p for p in seeded_folder.iterdir() if ".partial" in p.name]


def test_an_export_through_a_pipe_or_a_link_leaves_them_as_they_were(
    seeded_folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """-o a FIFO writes through it and it stays a FIFO (it was replaced by a regular file,
    and its reader waited for ever); -o a link replaces the file it names and keeps the link
    (it replaced the link: as root, -o /dev/stdout replaced the system's /dev/stdout)."""
    import stat
    import threading

    monkeypatch.chdir(seeded_folder)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = CliRunner().invoke(cli, ["--db", "tracker.db", *COMMANDS["export"], str(fifo)])
    reader.join(10)
    assert result.exit_code == 0, result.output
    assert received
    assert received[0].startswith(b"date,strength,figure_of,")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]  # no stamp beside a pipe
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    result = CliRunner().invoke(cli, ["--db", "tracker.db", *COMMANDS["export"], str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("date,strength,figure_of,")


def test_an_export_as_a_table_goes_into_the_file_it_is_given(
    seeded_folder: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--format table -o FILE writes the table into FILE (it printed it and wrote nothing)."""
    monkeypatch.chdir(seeded_folder)
    out = tmp_path / "table.txt"
    args = ["--db", "tracker.db", *COMMANDS["export"], str(out), "--format", "table"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "6,439" not in result.output
    written = out.read_text(encoding="utf-8")
    assert "2013-12-31" in written
    assert "6,439" in written
    assert "MINUSMA/BDI/7" in written  # whole, not cut to the terminal's width

"""Hardening, round 3, item 15: a store's folder never runs code that came with it.

A store received with ``received.projections.json`` naming ``helper:P`` and a ``helper.py``
beside it (or ``"folder": null``, which imported from the current folder): ``tracker verify``
and ``tracker strength`` imported and ran that file. Now a projection listed beside a store runs
only from a folder the user trusts: one given with ``--trust-folder`` (or
``TRACKER_TRUST_FOLDERS``, or ``trust=`` in Python), or one the user's own ``projections add``
found a class in (kept in the user's list, never beside a store). The helper here only leaves
a file behind when it is imported: the proof that it ran."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.helpers import source
from tracker import Tracker

HELPER = """
from pathlib import Path

from projections import Projection

Path({marker!r}).write_text("ran", encoding="utf-8")


class P(Projection):
    name = "helper_view"

    def create_tables(self):
        self.db.execute("CREATE TABLE IF NOT EXISTS seen (kind TEXT)")

    def process(self, event, position):
        self.db.execute("INSERT INTO seen VALUES (?)", [type(event).__name__])
"""


@pytest.fixture
def received(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store as received from someone else: ``received/received.db``, with a list of
    projections naming ``helper:P`` found in its own folder, and that ``helper.py``; the
    user's own list of trusted folders (``TRACKER_CONFIG_DIR``) empty."""
    monkeypatch.setenv("TRACKER_CONFIG_DIR", str(tmp_path / "config"))
    folder = tmp_path / "received"
    folder.mkdir()
    store = Tracker(folder / "received.db")
    store.establish_mission(
        mission="TESTMIS", name="T", host="MLI", valid="2020-01-01", source=source()
    )
    store.close()
    (folder / "helper.py").write_text(
        HELPER.format(marker=str(tmp_path / "helper-ran")), encoding="utf-8"
    )
    listed(folder, str(folder))
    return folder


def listed(folder: Path, registered_from: str | None, module: str = "helper") -> None:
    entry = {"spec": f"{module}:P", "folder": registered_from}
    (folder / "received.projections.json").write_text(json.dumps([entry]), encoding="utf-8")


def ran(received: Path) -> bool:
    return (received.parent / "helper-ran").exists()


def tracker(cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m tracker`` of this checkout (the current folder first on its path, the
    worst case), from ``cwd``."""
    plain = {k: v for k, v in os.environ.items() if k not in ("TRACKER_DB", "TRACKER_DATABASE_URL")}
    plain.pop("TRACKER_TRUST_FOLDERS", None)
    plain["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**plain, **env},
    )


NOT_RUN = (
    "Note: projection 'helper:P' (listed beside the store) is not run: its code would come "
    "from {folder}, a folder you have not trusted - if you wrote it, or trust whoever did, "
    "give --trust-folder {folder}; it is not kept up to date until it can be\n"
)


@pytest.mark.parametrize("command", [["verify"], ["strength", "TESTMIS", "--on", "2021-01-01"]])
@pytest.mark.parametrize("registered_from", ["its folder", "null"])
def test_reading_or_verifying_a_received_store_runs_none_of_its_code(
    received: Path, command: list[str], registered_from: str
) -> None:
    # the helper registered from the store's own folder, or from none: the current one
    listed(received, str(received) if registered_from == "its folder" else None)
    done = tracker(received, "--db", "received.db", *command)
    assert done.returncode == 0, done.stderr
    assert not ran(received)
    assert NOT_RUN.format(folder=received.resolve()) in done.stderr


def test_a_folder_trusted_for_the_command_runs_its_projections(received: Path) -> None:
    done = tracker(received, "--db", "received.db", "--trust-folder", str(received), "verify")
    assert (done.returncode, "not run" in done.stderr) == (0, False), done.stderr
    assert ran(received)
    (received.parent / "helper-ran").unlink()
    done = tracker(received, "--db", "received.db", "verify", TRACKER_TRUST_FOLDERS=str(received))
    assert (done.returncode, ran(received)) == (0, True), done.stderr


def test_in_python_a_received_store_runs_none_of_its_code(received: Path) -> None:
    module = f"helper_{uuid.uuid4().hex}"  # a name of its own: never imported before
    (received / f"{module}.py").write_text((received / "helper.py").read_text())
    listed(received, str(received), module)
    store = Tracker(received / "received.db", create=False)
    try:
        assert not ran(received)
        assert [view.name for view in store.user_views] == []
        assert any(f"projection '{module}:P'" in notice for notice in store.notices())
    finally:
        store.close()
    trusting = Tracker(received / "received.db", create=False, trust=[received])
    try:
        assert ran(received)
        assert [view.name for view in trusting.user_views] == ["helper_view"]
    finally:
        trusting.close()


def test_a_projection_the_user_adds_is_trusted_in_the_users_own_list(
    received: Path, tmp_path: Path
) -> None:
    """The class named on the command line is the user's: 'projections add' trusts its folder
    in the user's list (outside the store), so later commands keep it caught up."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "myviews.py").write_text(
        HELPER.format(marker=str(tmp_path / "mine-ran")).replace("helper_view", "my_view")
    )
    (received / "received.projections.json").unlink()
    added = tracker(mine, "--db", str(received / "received.db"), "projections", "add", "myviews:P")
    assert added.returncode == 0, added.stderr
    trusted = json.loads((tmp_path / "config" / "trusted-folders.json").read_text())
    assert trusted == [str(mine.resolve())]
    (tmp_path / "mine-ran").unlink()
    later = tracker(tmp_path, "--db", str(received / "received.db"), "verify")
    assert (later.returncode, later.stderr) == (0, "")
    assert (tmp_path / "mine-ran").exists()


def test_a_projection_named_on_the_command_line_runs(received: Path) -> None:
    (received / "received.projections.json").unlink()
    done = tracker(received, "--db", "received.db", "replay", "--projection", "helper:P")
    assert done.returncode == 0, done.stderr
    assert ran(received)


def test_a_list_of_projections_that_is_not_one_is_a_note(received: Path) -> None:
    (received / "received.projections.json").write_text("[{]", encoding="utf-8")
    done = tracker(received, "--db", "received.db", "verify")
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        "Note: the list of projections received.projections.json cannot be read "
        "(JSONDecodeError): none of it is run\n"
    )
    assert not ran(received)


def test_the_option_is_in_the_help() -> None:
    done = tracker(ROOT, "--help")
    assert "--trust-folder FOLDER" in done.stdout
    assert "A store never runs code that came with it" in " ".join(done.stdout.split())

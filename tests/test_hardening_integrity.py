"""Issue "Hardening, round 3", items 1, 3, 4 and 5: a view file that is not what the store
expects, a log cut short at its end, an originator id rewritten in another spelling, and a
view edited by hand. Each on SQLite and on PostgreSQL (the views are SQLite files on both)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from click.testing import CliRunner, Result

from events.contingent import contingent_id
from projections.audit import AuditProjection
from tests.helpers import source
from tracker import Tracker
from tracker.cli import cli
from tracker.store.config import StoreConfig

CONTRIBUTORS = ("DEU", "GBR", "TCD")


def make_store(db: str, mission: str = "TESTMIS") -> None:
    """A small store: one mission, three contingents deployed and reported; views built."""
    tracker = Tracker(db)
    tracker.establish_mission(
        mission=mission, name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    for number, contributor in enumerate(CONTRIBUTORS):
        tracker.deploy_contingent(
            mission=mission,
            contributor=contributor,
            valid="2021-01-01",
            count=100 + number,
            source=source(),
        )
        tracker.report_strength(
            mission=mission,
            contributor=contributor,
            valid="2021-06-30",
            strength=200 + number,
            source=source(),
        )
    tracker.catch_up()
    tracker.close()


def view_file(db: str, name: str) -> Path:
    path = StoreConfig.resolve(db).view_path(name)
    assert path is not None
    return path


def run(db: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", db, *args])


def notes(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("Note:")]


# 1. A view file of another version or of another store ----------------------------------------


def test_an_audit_view_of_another_store_is_set_aside_and_rebuilt(store: str) -> None:
    make_store(store)
    # another store's audit view (another mission), put in place of this one's
    other = view_file(store, "audit").with_name("other.db")
    make_store(str(other), mission="OTHERMIS")
    audit = view_file(store, "audit")
    shutil.copyfile(view_file(str(other), "audit"), audit)

    result = run(store, "history", "TESTMIS")
    assert result.exit_code == 0, result.output
    assert "TESTMIS/DEU/2" in result.stdout
    assert notes(result) == [
        "Note: the audit view was rebuilt from the event log: it was built from another event "
        f"store; it was kept as {audit.name}.aside"
    ]
    kept = audit.with_name(audit.name + ".aside")
    assert kept.is_file()  # kept as it was: the other store's rows
    with sqlite3.connect(kept) as conn:
        assert {r[0] for r in conn.execute("SELECT mission FROM audit_events")} == {"OTHERMIS"}
    # the next command finds the rebuilt view: nothing to say
    again = run(store, "history", "TESTMIS")
    assert again.exit_code == 0
    assert notes(again) == []
    # the kept file saw another history at its position: verify names it until it is removed
    refused = run(store, "verify")
    assert refused.exit_code == 1
    assert f"the audit view set aside ({kept}) saw another event at this position" in (
        refused.output
    )
    kept.unlink()
    assert run(store, "verify").exit_code == 0


@pytest.mark.parametrize("command", ["verify", "history", "rebuild", "record"])
def test_an_audit_view_of_another_version_is_set_aside_and_rebuilt(
    store: str, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_store(store)
    audit = view_file(store, "audit")
    # the file on disk is now of an older version than the code's (its search index too)
    monkeypatch.setattr(AuditProjection, "version", AuditProjection.version + 1)
    args = {
        "verify": ["verify"],
        "history": ["history", "TESTMIS"],
        "rebuild": ["projections", "rebuild", "audit"],
        "record": [
            "record",
            "withdrawn",
            "--mission",
            "TESTMIS",
            "--contributor",
            "DEU",
            "--valid",
            "2021-08-01",
            "--count",
            "1",
            "--source-title",
            "Test",
            "--published-on",
            "2021-08-02",
        ],
    }[command]
    result = run(store, *args)
    assert result.exit_code == 0, result.output
    said = [n for n in notes(result) if "audit view" in n]
    assert len(said) == 1, result.stderr
    old = AuditProjection.version - 1
    assert said[0].startswith(
        f"Note: the audit view was rebuilt from the event log: version {old} -> "
        f"{AuditProjection.version}; it was kept as {audit.name}.aside"
    )
    assert audit.with_name(audit.name + ".aside").is_file()
    history = run(store, "history", "TESTMIS")
    assert history.exit_code == 0
    assert "TESTMIS/TCD/3" in history.stdout


# 3. A log cut short at its end ------------------------------------------------------------------


def tamper(db: str, *statements: str, params: tuple[object, ...] = ()) -> None:
    """What someone with the store in hand can do: the triggers set aside, ``statements``
    run (``{events}`` and ``{chain}`` name the tables), the triggers put back."""
    if not db.startswith("postgres"):
        with sqlite3.connect(db) as conn:
            triggers = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall()
            for name, _ in triggers:
                conn.execute(f"DROP TRIGGER {name}")
            for statement in statements:
                sql = statement.format(events="stored_events", chain="event_chain", id="rowid")
                conn.execute(sql, params[: sql.count("?")])
            for _, sql in triggers:
                conn.execute(sql)
        return
    import psycopg

    url, schema = db.split("?schema=")
    events, chain = f"{schema}.tracker_events", f"{schema}.tracker_events_chain"
    with psycopg.connect(url) as conn:
        for table in (events, chain):
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for statement in statements:
            sql = statement.format(events=events, chain=chain, id="notification_id")
            conn.execute(sql.replace("?", "%s"), params[: sql.count("?")])
        for table in (events, chain):
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def cut_short(db: str, count: int) -> None:
    """The ``count`` newest events and their links deleted."""
    tamper(
        db,
        "DELETE FROM {events} WHERE {id} IN (SELECT {id} FROM {events} ORDER BY {id} DESC LIMIT ?)",
        "DELETE FROM {chain} WHERE position > (SELECT COALESCE(MAX({id}), 0) FROM {events})",
        params=(count,),
    )


def head_of(db: str) -> int:
    tracker = Tracker(db, create=False)
    try:
        return tracker.head()[0]
    finally:
        tracker.close()


def test_verify_fails_when_the_log_ends_before_what_its_views_saw(store: str) -> None:
    make_store(store)
    head = head_of(store)
    cut_short(store, 2)
    result = run(store, "verify")
    assert result.exit_code == 1, result.output
    strength = view_file(store, "strength")
    assert result.output == (
        f"Error: verify failed: the log ends at position {head - 2}, but the strength view "
        f"({strength}) saw it to position {head}: events were removed from its end (or that "
        "file is another store's view: then remove it)\n"
    )


@pytest.mark.parametrize("command", ["strength", "rebuild"])
def test_a_command_over_a_log_cut_short_keeps_the_views_aside_and_says_so(
    store: str, command: str
) -> None:
    make_store(store)
    head = head_of(store)
    cut_short(store, 2)
    args = (
        ["strength", "TESTMIS", "--on", "2021-12-31"]
        if command == "strength"
        else ["projections", "rebuild", "strength"]
    )
    result = run(store, *args)
    assert result.exit_code == 0, result.output
    strength = view_file(store, "strength")
    kept = strength.with_name(strength.name + ".aside")
    assert notes(result) == [
        "Note: the strength view was rebuilt from the event log: it had seen the log to "
        f"position {head}, but the log ends at {head - 2} (events were removed from its end, or "
        f"the view is another store's): run 'tracker verify'; it was kept as {kept.name}"
    ]
    with sqlite3.connect(kept) as conn:  # kept as it was: the evidence
        assert conn.execute("SELECT notification_id FROM _tracking").fetchone() == (head,)
    # the view rebuilt from the shorter log does not hide it: the file kept aside counts
    verified = run(store, "verify")
    assert verified.exit_code == 1
    assert f"saw it to position {head}: events were removed from its end" in verified.output


def test_verify_fails_naming_the_stamp_of_an_export_the_log_no_longer_reaches(
    store: str, tmp_path: Path
) -> None:
    make_store(store)
    out = tmp_path / "out.csv"
    exported = run(
        store, "export", "TESTMIS", "--from", "2021-01-01", "--to", "2021-07-01", "-o", str(out)
    )
    assert exported.exit_code == 0, exported.output
    stamped = head_of(store)
    noted = view_file(store, "strength").with_name(
        view_file(store, "strength").name.replace(".strength.db", ".stamps.jsonl")
    )
    assert noted.is_file()  # the export noted its stamp beside the views; never written over
    over = run(
        store, "export", "TESTMIS", "--from", "2021-01-01", "--to", "2021-07-01", "-o", str(noted)
    )
    assert over.exit_code == 2
    assert "that is the list of the stamps exports of the store" in over.output
    # a later event: the stamp is behind the head, and the log still passes through it
    recorded = run(
        store, "record", "withdrawn", "--mission", "TESTMIS", "--contributor", "DEU",
        "--valid", "2021-08-01", "--count", "1", "--source-title", "Test",
        "--published-on", "2021-08-02",
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    assert run(store, "verify").exit_code == 0
    # every view file goes (they are caches): the stamp alone still knows how far the log went
    for name in ("strength", "audit", "announcements", "mandates", "estimate"):
        view_file(store, name).unlink()
    cut_short(store, 2)
    result = run(store, "verify")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: verify failed: the log ends at position {stamped - 1}, but the stamp "
        f"{out.resolve()}.stamp.json saw it to position {stamped}: events were removed from "
        "its end\n"
    )


# 4. A stream id rewritten -----------------------------------------------------------------------

WITHDRAWN = [
    "record", "withdrawn", "--mission", "TESTMIS", "--contributor", "DEU",
    "--valid", "2021-08-01", "--count", "1", "--source-title", "Test",
    "--published-on", "2021-08-02",
]  # fmt: skip


def deu() -> UUID:
    return contingent_id("TESTMIS", "DEU")


@pytest.mark.parametrize(
    "spelling",
    [str.upper, lambda hex_: str(UUID(hex_)), lambda hex_: "{" + str(UUID(hex_)).upper() + "}"],
    ids=["upper-case", "dashes", "braces"],
)
def test_a_stream_id_rewritten_in_another_spelling_fails_verify(
    tmp_path: Path, spelling: Callable[[str], str]
) -> None:
    """SQLite stores a stream id as text: another spelling of the same UUID is another value
    (PostgreSQL's uuid column has one spelling: there the id can only become another one,
    which the chain always covered)."""
    db = str(tmp_path / "tracker.db")
    make_store(db)
    written = deu().hex
    tamper(
        db,
        "UPDATE {events} SET originator_id = ? WHERE originator_id = ? AND originator_version = 2",
        params=(spelling(written), written),
    )
    result = run(db, "verify")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: verify failed: event TESTMIS/DEU/2 at position 4: its stream id is stored as "
        f"{spelling(written)!r}, not as it was written ({written}): it was changed after it "
        "was written\n"
    )


def test_a_write_on_a_stream_out_of_sequence_is_refused_in_one_line(store: str) -> None:
    """The contingent's second event taken out of its stream (SQLite: its id in upper case;
    PostgreSQL: another id): its next write finds versions 1 and 3 only."""
    make_store(store)
    before = head_of(store)
    if store.startswith("postgres"):
        new, old = str(uuid4()), str(deu())
    else:
        new, old = deu().hex.upper(), deu().hex
    tamper(
        store,
        "UPDATE {events} SET originator_id = ? WHERE originator_id = ? AND originator_version = 2",
        params=(new, old),
    )
    result = run(store, *WITHDRAWN)
    assert result.exit_code == 2, result.output
    assert result.output == (
        "Error: the stored events of one stream are out of sequence (version 3 where 2 was "
        "due): an event was changed or removed around the tracker - nothing was written; run "
        "'tracker verify'\n"
    )
    assert head_of(store) == before  # nothing written
    verified = run(store, "verify")
    assert verified.exit_code == 1
    assert verified.output.startswith("Error: verify failed: event TESTMIS/DEU/2 at position ")


# 5. A view edited by hand -----------------------------------------------------------------------


def test_verify_views_passes_on_views_caught_up_event_by_event(store: str) -> None:
    make_store(store)
    for args in (WITHDRAWN, [*WITHDRAWN[:7], "2021-03-01", *WITHDRAWN[8:]]):  # one back-dated
        assert run(store, *args).exit_code == 0
    result = run(store, "verify", "--views")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("; every view is what the log gives\n")


def test_verify_views_names_the_row_of_a_view_edited_by_hand(store: str) -> None:
    make_store(store)
    strength = view_file(store, "strength")
    with sqlite3.connect(strength) as conn:
        conn.execute(
            "UPDATE strength_intervals SET strength = 18492 WHERE event_id = 'TESTMIS/GBR/3'"
        )
    # the edited figure is answered, with the log's true hash: the stamp vouches for the log
    answer = run(store, "strength", "TESTMIS", "--on", "2021-12-31", "--format", "json", "--stamp")
    assert '"strength": 18894' in answer.stdout
    result = run(store, "verify", "--views")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: verify failed: the strength view ({strength}) differs from the log: table "
        "'strength_intervals': the row (mission 'TESTMIS', contributor 'GBR', valid_from "
        "'2021-06-30', approximate 0, event_id 'TESTMIS/GBR/3', known_from '2022-11-30', "
        "...): strength is 18492 where the log gives 201\n"
    )
    assert run(store, "verify").exit_code == 0  # the log itself is sound


def test_verify_views_names_a_row_of_the_audit_trail_by_its_key(store: str) -> None:
    make_store(store)
    audit = view_file(store, "audit")
    with sqlite3.connect(audit) as conn:
        (position,) = conn.execute(
            "SELECT position FROM audit_events WHERE event_id = 'TESTMIS/DEU/2'"
        ).fetchone()
        conn.execute(
            "UPDATE audit_events SET source_title = 'Forged' WHERE position = ?", [position]
        )
        conn.execute("DELETE FROM audit_events WHERE event_id = 'TESTMIS/TCD/3'")
    result = run(store, "verify", "--views")
    assert result.exit_code == 1, result.output
    assert result.output == (
        f"Error: verify failed: the audit view ({audit}) differs from the log: table "
        f"'audit_events': the row (position {position}): source_title is 'Forged' where the "
        "log gives 'Test source'\n"
    )

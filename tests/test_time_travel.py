"""Time travel on the seeded MINUSMA record: as then known, as then recorded, corrections,
announced futures and what changed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner

from tracker import Tracker
from tracker.cli import cli


@pytest.fixture
def seeded(seeded_db: str) -> Iterator[Tracker]:
    tracker = Tracker(seeded_db)
    yield tracker
    tracker.close()


def run(tracker: Tracker, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--db", str(tracker.config.db), *args])
    return result.exit_code, result.stdout


def by_contributor(out: str) -> dict[str, int | None]:
    return {r["contributor"]: r["strength"] for r in json.loads(out)}


def test_forecast_differs_by_the_uk_announced_on_the_day_known(seeded: Tracker) -> None:
    base = ["forecast", "MINUSMA", "--on", "2023-07-01", "--by", "contributor", "--format", "json"]
    _, before = run(seeded, *base, "--known-at", "2022-11-13")
    code, after = run(seeded, *base, "--known-at", "2022-11-14")  # "known at K" includes K
    assert code == 0
    first, second = by_contributor(before), by_contributor(after)
    # As known on those days the UN's latest report was September 2022's (GBR 255); the UK's
    # full withdrawal, announced on the 14th, takes them to 0.
    assert {
        k: (first.get(k), second.get(k))
        for k in first.keys() | second.keys()
        if first.get(k) != second.get(k)
    } == {"GBR": (255, 0)}
    assert all(list(r)[:2] == ["contributor", "strength"] for r in json.loads(after))


def test_forecast_lists_the_announcements_that_make_the_difference(seeded: Tracker) -> None:
    answer = seeded.forecast("MINUSMA", date(2023, 7, 1), known_at=date(2022, 11, 30))
    # Benin's police at Kidal (by 2022-11-05) are in no figure the UN gives (it gives no
    # place): that announcement changes nothing the record holds.
    assert [(a.contributor, a.target) for a in answer.applied] == [
        ("GBR", "2023-05"),
        ("SWE", "2023-06-30"),
    ]
    (row,) = answer.rows
    uk_sweden = seeded.strength(
        "MINUSMA", date(2023, 7, 1), ["contributor"], known_at=date(2022, 11, 30),
        contributors=["GBR", "SWE"],
    )  # fmt: skip
    assert row.from_changes is not None
    assert row.forecast is not None
    assert row.from_changes - row.forecast == uk_sweden.total == 484


def test_strength_as_known_then_differs_from_as_known_later_and_diff_explains_it(
    seeded: Tracker,
) -> None:
    # On 2021-10-31 Chad had 39 in MINUSMA (a rotation gap): the UN's report of October 2021,
    # published in November 2021 (known on its last day).
    then = seeded.strength(
        "MINUSMA", date(2021, 10, 31), ["contributor"], known_at=date(2021, 11, 29)
    )
    later = seeded.strength(
        "MINUSMA", date(2021, 10, 31), ["contributor"], known_at=date(2021, 11, 30)
    )
    assert {r.contributor: r.strength for r in then.rows}["TCD"] == 1466  # September's
    assert {r.contributor: r.strength for r in later.rows}["TCD"] == 39
    differences = seeded.diff(
        "MINUSMA", date(2021, 10, 31), known=(date(2021, 11, 29), date(2021, 11, 30))
    )
    (chad,) = [d for d in differences if d.contributor == "TCD"]
    assert (chad.before, chad.after) == (1466, 39)
    assert chad.events
    assert all(e.event_id.startswith("MINUSMA/TCD/") for e in chad.events)
    assert all(
        e.source_title.startswith("UN: ") and e.source_title.endswith("October 2021")
        for e in chad.events
    )
    code, out = run(
        seeded,
        "diff",
        "MINUSMA",
        "--on",
        "2021-10-31",
        "--known-at",
        "2021-11-29",
        "--vs",
        "2021-11-30",
    )
    assert code == 0
    assert "TCD: 1,466 -> 39" in out


def test_correction_and_retraction_on_both_time_axes(seeded: Tracker) -> None:
    seeded.catch_up()
    before_correction = datetime.now(UTC).isoformat()
    original = next(
        h for h in seeded.history("MINUSMA", "EGY", ["change"]) if h.valid == "2022-07-15"
    )
    code, out = run(
        seeded,
        "correct",
        original.event_id,
        "--reason",
        "AFP's count of troops",
        "--set",
        "strength=1035",
        "--source-title",
        "i24news (AFP)",
        "--published-on",
        "2022-08-05",
    )
    assert code == 0
    correction = out.split()[1]
    day = date(2022, 8, 1)

    def egy(**axes: object) -> int | None:
        rows = seeded.strength("MINUSMA", day, ["contributor"], **axes).rows  # type: ignore[arg-type]
        return {r.contributor: r.strength for r in rows}["EGY"]

    assert egy() == 1035
    assert egy(recorded_at=before_correction) == 1216  # what the store said then
    # July 2022 has no UN report: the original (published "2022-07") is the month's evidence.
    # On 2022-07-30 neither it nor the UN's June report (published in July) was known yet:
    # May's figure
    assert egy(known_at=date(2022, 7, 30)) == 1245
    assert egy(known_at=date(2022, 7, 31)) == 1216
    assert egy(known_at=date(2022, 8, 5)) == 1035  # the correction was published on 5 August
    history = {h.event_id: h for h in seeded.history("MINUSMA", "EGY")}
    assert (history[original.event_id].superseded_by, history[correction].supersedes) == (
        correction,
        original.event_id,
    )
    assert history[correction].reason == "AFP's count of troops"
    # A retraction of a retraction, or of a correction that would leave a later change short,
    # is refused; this one leaves every later change whole (the UN's months set the level
    # again): accepted, and the original stays superseded.
    assert run(seeded, "retract", correction, "--reason", "source withdrawn")[0] == 0
    assert egy() == 1227  # neither the original nor its correction: the UN's June figure
    attack = next(h.event_id for h in seeded.history("MINUSMA", "EGY", ["incident"]))
    assert run(seeded, "retract", attack, "--reason", "misattributed")[0] == 0
    result = CliRunner().invoke(
        cli, ["--db", str(seeded.config.db), "retract", attack, "--reason", "again"]
    )
    assert result.exit_code == 2
    assert "was already superseded by" in result.output
    result = CliRunner().invoke(
        cli, ["--db", str(seeded.config.db), "retract", "MINUSMA/EGY/999", "--reason", "x"]
    )
    assert (result.exit_code, result.output) == (
        2,
        "Error: no event 'MINUSMA/EGY/999' in the store - 'tracker history MISSION' lists event ids\n",
    )


def test_stamped_answer_can_be_derived_again(seeded: Tracker) -> None:
    code, out = run(
        seeded, "strength", "MINUSMA", "--on", "2013-12-31", "--format", "json", "--stamp"
    )
    stamped = json.loads(out)
    assert code == 0
    assert [(r["strength"], r["figure_of"]) for r in stamped["rows"]] == [(6439, "2013-12-31")]
    assert stamped["stamp"]["projection"] == "strength"
    assert stamped["stamp"]["log_position"] == seeded.recorder.max_notification_id()
    query = stamped["stamp"]["query"]
    again = seeded.strength(
        query["mission"], date.fromisoformat(query["on"]), query["by"], None, query["recorded_at"]
    )
    assert again.total == 6439
    code, csv_out = run(
        seeded, "strength", "MINUSMA", "--on", "2013-12-31", "--format", "csv", "--stamp"
    )
    header, row = csv_out.splitlines()
    assert header.split(",")[0] == "strength"
    assert header.endswith("log_position,chain_hash,view_version")
    assert row.split(",")[0] == "6439"
    assert row.split(",")[-3] == str(seeded.recorder.max_notification_id())


def test_a_forecast_row_is_as_current_as_strength_says_its_figure_is(seeded: Tracker) -> None:
    """A part at 0 is not a figure of its group, in a forecast as in strength: Sweden's
    individual police, at 0 since February 2022, do not date its 180 of November (the
    forecast said 2022-02-28, strength 2022-11-30, for the same figure)."""
    day = date(2022, 11, 30)
    strength = {r.contributor: r for r in seeded.strength("MINUSMA", day, ["contributor"]).rows}
    forecast = {
        r.keys["contributor"]: r for r in seeded.forecast("MINUSMA", day, ["contributor"]).rows
    }
    assert strength["SWE"].strength == forecast["SWE"].from_changes == 180
    assert strength["SWE"].since == forecast["SWE"].figure_of == day
    assert all(forecast[c].figure_of == strength[c].since for c in strength)


def test_a_diff_says_when_an_event_has_no_source(seeded: Tracker) -> None:
    """A retraction recorded without a source: 'source: none given' (it printed 'source:
    None (published None)')."""
    import time

    before = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.1)
    code, _ = run(seeded, "retract", "MINUSMA/DEU/118", "--reason", "test")
    assert code == 0
    time.sleep(1.1)
    after = datetime.now(UTC).replace(microsecond=0)
    args = ["diff", "MINUSMA", "--on", "2018-07-05", "--recorded-at", before.isoformat()]
    code, out = run(seeded, *args, "--vs", after.isoformat())
    assert code == 0
    assert "Retracted: retracts MINUSMA/DEU/118" in out
    assert "source: none given" in out
    assert "None" not in out


def test_a_mandate_with_no_recorded_end_says_how_old_its_ceilings_are(seeded: Tracker) -> None:
    """The seeds hold resolution 2100's ceilings (2013) and no renewal until 2021: in 2018 the
    answer says the ceilings are five years old rather than showing them as current, and
    dates the mission's reported total (IPI's of 2017-03-31)."""
    code, out = run(seeded, "mandates", "MINUSMA", "--on", "2018-06-30")
    assert code == 0
    assert "resolution 2100, from 2013-07-01\n" in out
    assert "nor any renewal since: these ceilings are the last recorded, 5 year(s) old" in out
    assert "reported for the mission on 2017-03-31: 1,278" in out
    code, out = run(seeded, "mandates", "MINUSMA", "--on", "2022-11-30")
    assert "resolution 2640, from 2022-06-29 to 2023-06-30\n" in out
    assert "renewal since" not in out  # a period of its own, in force
    code, out = run(seeded, "mandates", "MINUSMA", "--on", "2018-06-30", "--format", "json")
    assert {(r["valid_from"], r["until"]) for r in json.loads(out)} == {("2013-07-01", None)}


def test_an_announcement_done_after_its_target_says_so(seeded: Tracker) -> None:
    """The UK's withdrawal, announced for 2023-05, reached 0 on 2023-12-31: 'FULFILLED ...
    done on 2023-12-31, after its target (2023-05)' (it read as done on time); Sweden's, done
    before its target, says nothing more."""
    code, out = run(seeded, "announcements", "MINUSMA", "--on", "2024-01-31")
    assert code == 0
    assert "done on 2023-12-31, after its target (2023-05)" in out
    code, out = run(seeded, "announcements", "MINUSMA", "--on", "2024-01-31", "--format", "json")
    late = {r["event_id"]: r["late"] for r in json.loads(out) if r["status"] == "fulfilled"}
    assert late["MINUSMA/GBR/134"] is True
    assert late["MINUSMA/SWE/215"] is False


def test_senegal_left_with_its_troops_not_with_everyone(seeded: Tracker) -> None:
    """The seeds' withdrawal of 2023-09-16 ("the last 116 Senegalese repatriated from Mopti")
    set all of Senegal to 0, and the UN's report of 2023-10-31 then listed 32 police and staff
    officers: a correction (seeds/minusma-corrections.jsonl) scopes it to the troops."""
    day = date(2023, 9, 30)
    rows = seeded.strength(
        "MINUSMA", day, ["contributor", "personnel_type"], contributors=["SEN"]
    ).rows
    by_type = {r.personnel_type: r.strength for r in rows}
    assert by_type["troops"] == 0
    assert by_type["formed_police_units"] == 309
    assert sum(v or 0 for v in by_type.values()) == 355
    after = seeded.strength("MINUSMA", date(2023, 10, 31), ["contributor"], contributors=["SEN"])
    assert after.rows[0].strength == 32  # the UN's figure, no "reappearance"

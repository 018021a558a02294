"""Issue 27, items 3 and 4, on the shipped seeds: a date between two UN reports is answered the
same way with and without --known-at (the claims since the latest report count, marked as not
the UN's), and a knowledge note names the report not yet published, not a gap."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from tracker import Tracker
from tracker.cli import cli
from tracker.faces.record_text import record_note


def _by(answer: object) -> dict[str, object]:
    return {row.contributor: row for row in answer.rows}  # type: ignore[attr-defined]


def test_a_withdrawal_between_reports_counts_known_then_or_later(seeded_session: Tracker) -> None:
    t = seeded_session
    day = date(2023, 12, 20)
    asked = {"by": ["contributor"], "contributors": ["BEN", "DEU"]}
    later = t.strength("MINUSMA", day, **asked)  # type: ignore[arg-type]
    then = t.strength("MINUSMA", day, known_at=day, **asked)  # type: ignore[arg-type]
    # the reports each answer rests on: November's once it is known, October's before
    assert (later.un_report, then.un_report) == (date(2023, 11, 30), date(2023, 10, 31))
    # Benin's 223 troops who left on 2023-12-11 (a sourced event) are gone in both answers,
    # from the figure of the report each rests on
    left = 223
    for answer in (later, then):
        before = t.strength(
            "MINUSMA", answer.un_report, by=["contributor"], contributors=["BEN"]
        ).rows[0]
        benin = _by(answer)["BEN"]
        assert benin.strength == before.strength - left  # type: ignore[attr-defined]
        assert benin.newest_day == date(2023, 12, 11)  # type: ignore[attr-defined]
    # Germany's "all withdrawn at Gao" (2023-12-12) takes no one: the UN's figures place no one
    # at Gao, so Germany's figure stays the UN's, not marked as a claim
    germany = _by(later)["DEU"]
    assert germany.newest_day == date(2023, 11, 30)  # type: ignore[attr-defined]
    assert germany.strength == (  # type: ignore[attr-defined]
        t.strength("MINUSMA", date(2023, 11, 30), by=["contributor"], contributors=["DEU"])
        .rows[0]
        .strength
    )


def test_the_table_marks_the_figures_that_are_not_the_uns(seeded_session: Tracker) -> None:
    db = str(seeded_session.config.db)
    args = ["--db", db, "strength", "MINUSMA", "--on", "2023-12-20", "--by", "contributor"]
    out = CliRunner().invoke(cli, [*args, "--contributor", "BEN", "--contributor", "DEU"]).output
    lines = [line.split() for line in out.splitlines()]
    benin = next(line for line in lines if line[:2] == ["BEN", "Benin"])
    germany = next(line for line in lines if line[:2] == ["DEU", "Germany"])
    assert benin[-1] == "2023-12-11*"  # the day of the claim that changed it
    assert germany[-1] == "2023-11-30"  # the UN's figure of its report
    assert (
        "figures of the UN's report of 2023-11-30 and the claims since, to 2023-12-11 "
        "(not the UN's)" in " ".join(out.split())
    )


def test_a_knowledge_date_names_the_report_not_yet_published(seeded_session: Tracker) -> None:
    t = seeded_session
    day = date(2022, 11, 14)
    answer = t.strength("MINUSMA", day, known_at=day)
    # the October report was published after 14 November: not a gap, a report to come
    assert (answer.un_report, answer.gap, answer.unpublished) == (
        date(2022, 9, 30),
        None,
        "2022-10",
    )
    assert answer.record_ends is None  # the store holds later reports: its record goes on
    assert t.strength("MINUSMA", date(2022, 10, 31)).un_report == date(2022, 10, 31)
    note = record_note(
        answer.gap,
        answer.not_listed,
        answer.un_report,
        max(r.newest_day for r in answer.rows),
        answer.record_ends,
        answer.unpublished,
        answer.known_at,
    )
    assert note is not None
    assert note.startswith("the UN's report of 2022-10 not yet published as known at 2022-11-14")
    assert "no UN report" not in note
    # as known today, the same date rests on the October report, with no note of a gap
    now = t.strength("MINUSMA", day)
    assert (now.un_report, now.gap, now.unpublished) == (date(2022, 10, 31), None, None)

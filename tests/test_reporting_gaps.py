"""Issue 27, item 7: a contributor that falls to 0 or near it in one UN report and is back in
the next is "missing from the report" (a reporting gap), not a withdrawal: in the strength
answer, the export (a column) and the chart (a mark and a note). The UN's October 2021 report
omits Chad's troops (page 8)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracker import Tracker
from tracker.answers.gaps import LEAST, NEAR, report_gaps
from tracker.cli import cli

OCTOBER = date(2021, 10, 31)


def _chad(t: Tracker, day: date) -> int:
    rows = t.strength("MINUSMA", day, by=["contributor"], contributors=["TCD"]).rows
    assert rows[0].strength is not None
    return rows[0].strength


def test_chad_in_october_2021_is_missing_from_the_report(seeded_session: Tracker) -> None:
    t = seeded_session
    before, october, after = (_chad(t, d) for d in (date(2021, 9, 30), OCTOBER, date(2021, 11, 30)))
    # what makes it a gap, from the UN's own figures
    assert october <= NEAR * min(before, after)
    assert min(before, after) - october >= LEAST
    answer = t.strength("MINUSMA", OCTOBER)
    assert [(g.contributor, g.level, g.before, g.after) for g in answer.missing] == [
        ("TCD", october, before, after)
    ]
    # the months around it are not flagged, and a date resting on it is
    assert t.strength("MINUSMA", date(2021, 9, 30)).missing == ()
    assert [g.contributor for g in t.strength("MINUSMA", date(2021, 11, 15)).missing] == ["TCD"]
    out = CliRunner().invoke(
        cli, ["--db", str(t.config.db), "strength", "MINUSMA", "--on", "2021-10-31"]
    )
    said = " ".join(out.output.split())
    assert f"TCD Chad: {october} in the UN's report of 2021-10-31" in said
    assert "missing from that report (a reporting gap), not a withdrawal" in said


def test_no_other_report_of_minusma_is_flagged(seeded_session: Tracker) -> None:
    view = seeded_session.strength_view
    flagged = [
        (day, gap.contributor)
        for day in view.listed_reports("MINUSMA")
        for gap in report_gaps(view, "MINUSMA", day)
    ]
    assert flagged == [(OCTOBER, "TCD")]


def test_the_export_carries_a_column_of_it(seeded_session: Tracker) -> None:
    rows = seeded_session.strength_series(
        "MINUSMA", date(2021, 9, 1), date(2021, 12, 31), by=["contributor"]
    )
    flagged = {(r["date"], r["contributor"]) for r in rows if r["missing_from_report"]}
    assert flagged == {("2021-10-31", "TCD")}
    totals = seeded_session.strength_series("MINUSMA", date(2021, 9, 1), date(2021, 12, 31))
    assert [r["missing_from_report"] for r in totals] == [None, "TCD", None, None]


def test_the_chart_marks_the_month_and_says_why(seeded_session: Tracker, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the chart needs the 'charts' extra")
    from tracker.faces.charts import strength_figure

    made = strength_figure(
        seeded_session, "MINUSMA", date(2021, 1, 1), date(2022, 6, 30), "contributor", 8
    )
    axes = made.axes[0]
    marks = [p.get_gid() for p in axes.patches if str(p.get_gid()).startswith("missing:")]
    assert marks == ["missing:2021-10"]
    texts = " ".join(t.get_text() for t in made.texts)
    assert "a reporting gap, not a withdrawal): 2021-10 TCD" in " ".join(texts.split())

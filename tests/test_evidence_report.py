"""Issue 27, item 5 (in part): a mission total's evidence is the UN report it rests on (its
event names the report, its file and pages), not an arbitrary contributor's row; the table
names the report's source."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from tracker import Tracker
from tracker.cli import cli
from tracker.faces.strength_text import strength_records


def test_a_totals_event_is_the_report_it_rests_on(seeded_session: Tracker) -> None:
    t = seeded_session
    answer = t.strength("MINUSMA", date(2022, 11, 30))
    (total,) = strength_records(answer)
    event = t.get_event(total["event_id"])
    # the mission's own event of that report, listing its contributors
    assert type(event).__name__ == "ContributorsReported"
    assert event.valid.effective == date(2022, 11, 30)
    assert len(event.contributors) == answer.contributors
    assert "UN_country_contributions_2022_11.pdf, pages" in event.source.quote
    by = strength_records(t.strength("MINUSMA", date(2022, 11, 30), by=["contributor"]))
    assert all(row["event_id"].split("/")[1] == row["contributor"] for row in by)


def test_the_table_names_the_source_of_the_uns_figures(seeded_session: Tracker) -> None:
    db = str(seeded_session.config.db)
    out = CliRunner().invoke(cli, ["--db", db, "strength", "MINUSMA", "--on", "2022-11-30"])
    said = " ".join(out.output.split())
    event = seeded_session.get_event(
        strength_records(seeded_session.strength("MINUSMA", date(2022, 11, 30)))[0]["event_id"]
    )
    pages = event.source.quote.split(": ", 1)[0]
    assert (
        f"source of the UN's figures: the UN's report of November 2022 ({pages}; "
        f"{event.event_id})" in said
    )

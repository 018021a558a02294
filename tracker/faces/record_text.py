"""What an answer says of the record behind its figures, in words every face shares: the
months since its UN report with no report, one that left the mission out or one not yet
published; the claims since the report, which are not the UN's (issue 27); and the hint that
the UN's figures carry no places."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import date

    from projections.strength_queries import StrengthRow
    from tracker.answers.records import StrengthAnswer


def record_note(
    gap: str | None,
    not_listed: str | None,
    un_report: date | None,
    newest: date | None,
    record_ends: str | None = None,
    unpublished: str | None = None,
    known_at: date | None = None,
) -> str | None:
    """What an answer says of the record behind it: the months since the mission's last UN
    report with no UN report at all (``gap``), those whose report left the mission out
    (``not_listed``), those whose report was not yet published as known at ``known_at``
    (``unpublished``), where the store's record ends when the date is after it
    (``record_ends``); the report it rests on, and the claims since it (``newest``: the day
    the newest figure was set), which are not the UN's (issue 27). One wording for the table,
    the web view and every other face (issue 26); None when the answer is the UN's report of
    its month alone."""
    later = un_report is not None and newest is not None and newest > un_report
    claims = f" and the claims since, to {newest} (not the UN's)" if later else ""
    if not gap and not not_listed and not record_ends and not unpublished:
        return f"figures of the UN's report of {un_report}{claims}" if later else None
    published = f" as known at {known_at}" if known_at else ""
    missing = [
        *([f"no UN report for {months_text(gap)}"] if gap else []),
        *([f"not listed in the UN's report of {months_text(not_listed)}"] if not_listed else []),
        *(
            [f"the UN's report of {months_text(unpublished)} not yet published{published}"]
            if unpublished
            else []
        ),
        *([f"the store holds no UN report after {record_ends}"] if record_ends else []),
    ]
    since = f"figures of {un_report}" if un_report else "no earlier report"
    return f"{'; '.join(missing)}; {since}{claims}"


def months_text(ranges: str) -> str:
    """Month ranges as a note says them: "2018-03..2019-08" -> "2018-03 to 2019-08"."""
    return ranges.replace("..", " to ")


# Said wherever an answer by place leaves personnel unassigned without the estimate (issue 27)
NO_PLACES = (
    "the UN's figures carry no places: --estimate places them by the UN's deployment maps (a "
    "model, labelled as one)"
)
NOT_THE_UNS = "*"  # the table's mark of a figure changed by a claim since the UN's report


def claimed(answer: StrengthAnswer, newest: date) -> bool:
    """Whether a figure whose newest part was set on ``newest`` is not the UN's: a claim
    dated after the UN's report it rests on changed it (issue 27)."""
    return answer.un_report is not None and newest > answer.un_report


def figure_of_text(answer: StrengthAnswer, row: StrengthRow) -> str:
    """The table's "figure of": the day the figure was set, or the day of the claim since
    the UN's report that changed it, marked as not the UN's."""
    if claimed(answer, row.newest_day):
        return f"{row.newest_day.isoformat()}{NOT_THE_UNS}"
    return row.since.isoformat()

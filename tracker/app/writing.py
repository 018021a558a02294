"""Writing: record one event, correct or retract one; every write is a unit of work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from events.contingent import Contingent, contingent_id
from events.errors import EventNotFoundError, InvalidInputError
from events.mission import Mission, mission_id
from events.values import country_code
from tracker.answers.records import Recorded
from tracker.app.core import TrackerCore
from tracker.app.kinds import kind_of
from tracker.app.unit_of_work import UnitOfWork, retrying

if TYPE_CHECKING:
    from collections.abc import Mapping


class Writing(TrackerCore):
    """Recording events: one method per kind, and corrections and retractions."""

    def record(self, kind: str, fields: Mapping[str, Any]) -> Recorded:
        """Record one event of ``kind`` (see ``tracker.app.kinds.KINDS``) with its ``fields``.

        Raises:
            TrackerError: the input is not valid or breaks an invariant; nothing is written.
        """

        def attempt() -> Recorded:
            batch = UnitOfWork(self)  # loads the aggregates afresh: a retry sees the other write
            event = batch.record(kind, fields)
            batch.save()
            return Recorded(event.event_id, type(event).__name__)

        return retrying(attempt)

    def establish_mission(self, **fields: Any) -> Recorded:
        """A mission was established: ``mission``, ``name``, ``host``, ``valid``, ``source``."""
        return self.record("mission-established", fields)

    def renew_mandate(self, **fields: Any) -> Recorded:
        """A mandate was renewed: ``resolution``, ``ceilings``, ``until``, ``valid``, ``source``."""
        return self.record("mandate-renewed", fields)

    def end_mandate(self, **fields: Any) -> Recorded:
        return self.record("mandate-ended", fields)

    def close_mission(self, **fields: Any) -> Recorded:
        return self.record("mission-closed", fields)

    def announce_deployment(self, **fields: Any) -> Recorded:
        return self.record("deployment-announced", fields)

    def announce_withdrawal(self, **fields: Any) -> Recorded:
        return self.record("withdrawal-announced", fields)

    def announce_suspension(self, **fields: Any) -> Recorded:
        return self.record("suspension-announced", fields)

    def deploy_contingent(self, **fields: Any) -> Recorded:
        return self.record("deployed", fields)

    def withdraw_contingent(self, **fields: Any) -> Recorded:
        return self.record("withdrawn", fields)

    def move_contingent(self, **fields: Any) -> Recorded:
        return self.record("moved", fields)

    def report_strength(self, **fields: Any) -> Recorded:
        return self.record("strength-reported", fields)

    def note_incident(self, **fields: Any) -> Recorded:
        return self.record("incident-noted", fields)

    def retract_event(self, event_id: str, reason: str, source: Any = None) -> Recorded:
        """Withdraw an event from the record; nothing is deleted, views stop counting it."""
        parts = event_id.strip().upper().split("/")
        if len(parts) not in (2, 3) or not parts[-1].isdigit():
            raise EventNotFoundError(event_id)
        fields: dict[str, Any] = {
            "mission": parts[0],
            "retracts": "/".join(parts),
            "reason": reason,
        }
        if len(parts) == 3:
            fields["contributor"] = parts[1]
        if source is not None:
            fields["source"] = source
        return self.record("retracted", fields)

    def get_event(self, event_id: str) -> Mission.Event | Contingent.Event:
        """The stored event with this id (``MISSION/CONTRIBUTOR/N`` or ``MISSION/N``).

        Raises:
            EventNotFoundError: no such event.
        """
        parts = event_id.strip().upper().split("/")
        if len(parts) not in (2, 3) or not parts[-1].isdigit():
            raise EventNotFoundError(event_id)
        version = int(parts[-1])
        try:
            code = country_code(parts[1]) if len(parts) == 3 else None
        except ValueError:
            raise EventNotFoundError(event_id) from None
        stream = contingent_id(parts[0], code) if code else mission_id(parts[0])
        found = list(self.events.get(stream, gt=version - 1, lte=version))
        event = found[0] if found else None
        if not isinstance(event, Mission.Event | Contingent.Event) or isinstance(
            event, Mission.Opened | Contingent.Opened
        ):
            raise EventNotFoundError(event_id)
        return event

    def correct_event(
        self, event_id: str, reason: str, changes: Mapping[str, Any], source: Any = None
    ) -> Recorded:
        """Record a correction: an event of the same kind as ``event_id``, with its fields
        and ``changes``, that names it as the one it replaces. ``source``: where the correction
        comes from (default: the original's)."""
        original = self.get_event(event_id)
        kind = kind_of(original)
        if isinstance(original, Mission.Retracted | Contingent.Retracted):
            raise InvalidInputError(
                f"event {original.event_id!r} is a retraction, which cannot itself be retracted "
                "or corrected: to put the retracted fact back, record it again"
            )
        keep = original.model_dump(
            mode="json",
            exclude={"originator_id", "originator_version", "timestamp", "corrects", "reason"},
        )
        fields = {**keep, **changes, "corrects": original.event_id, "reason": reason}
        if source is not None:
            fields["source"] = source
        return self.record(kind, fields)

"""The end of a suspension: the contributor took up again what it had suspended (issue 27).

An event of the contingent's stream (a ``Contingent.Event``, recorded, validated, stored and
read back like the others), in a module of its own only because ``events/contingent.py``
holds the aggregate and is at its size limit.
"""

from __future__ import annotations

from events.claims import Claimed
from events.contingent import Contingent


class SuspensionLifted(Contingent.Event, Claimed):
    """The contributor resumed the activities (or rotations) it had suspended, on ``valid``:
    it ends every suspension of this contingent announced on or before that date ("lifted"
    in the announcement ledger). Like the suspension, it changes no strength: a suspended
    contingent was still there. Record it only where a source says so; a suspension with
    none ends with the mission, or when the contributor's figures reach 0."""

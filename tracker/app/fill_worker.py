"""A worker of ``tracker.app.fill``: ``python -m tracker.app.fill_worker VIEW``, told the store
on its standard input, fills that view (an empty view fills in bulk, side by side)."""

from __future__ import annotations

import json
import sys

from events.errors import TrackerError
from tracker.app.core import TrackerCore


def main(name: str) -> int:
    """In a worker: open the store told on standard input and catch the view ``name`` up
    (an empty view fills in bulk)."""
    told = json.loads(sys.stdin.read())
    try:
        tracker = TrackerCore(told["db"], create=False, views_dir=told["views_dir"])
        try:
            tracker.view(name).catch_up(tracker)
        finally:
            tracker.close()
    except TrackerError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

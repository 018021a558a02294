"""The seeds: the project's own event files (JSON Lines), written by ``seeds.build`` from the
shared real data, every event with its source; ``seeds.toml`` lists them in load order.
Shipped inside the package, so ``tracker seed`` works from an installed wheel too."""

from pathlib import Path

DIRECTORY = Path(__file__).resolve().parent

"""User projections: classes named ``module:Class``, registered beside the store.

The list lives in ``<store>.projections.json`` (``tracker.db`` -> ``tracker.projections.json``),
so every tracker opened on that store keeps them caught up like the built-in ones.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

from events.errors import InvalidInputError
from projections.engine import Projection

BUILT_IN = ("strength", "audit", "announcements", "mandates")


def load_class(spec: str) -> type[Projection]:
    """The projection class named by ``module:Class`` (the module importable from here).

    Raises:
        InvalidInputError: the spec is malformed, the module or class missing, or the class
            not a projection with a name.
    """
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise InvalidInputError(
            f"projection {spec!r}: write it as module:Class, such as myviews:ByGender"
        )
    if os.getcwd() not in sys.path:  # "importable from here": the current folder too
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise InvalidInputError(
            f"projection {spec!r}: cannot import {module_name!r} ({error}) - run from the folder "
            "that holds it, or put it on PYTHONPATH"
        ) from None
    found = getattr(module, class_name, None)
    if not isinstance(found, type) or not issubclass(found, Projection):
        raise InvalidInputError(
            f"projection {spec!r}: {class_name!r} in {module_name!r} is not a subclass of "
            "projections.Projection"
        )
    if not isinstance(getattr(found, "name", None), str) or not found.name.isidentifier():
        raise InvalidInputError(
            f"projection {spec!r}: give the class a name, such as name = 'by_gender'"
        )
    return found


class Registry:
    """The user projections registered for one store (none for a store in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._specs: list[str] = []
        if path is not None and path.exists():
            self._specs = json.loads(path.read_text(encoding="utf-8"))

    @property
    def specs(self) -> list[str]:
        return list(self._specs)

    def add(self, spec: str, name: str) -> None:
        if name in BUILT_IN:
            raise InvalidInputError(f"projection name {name!r} is a built-in one: choose another")
        if spec in self._specs:
            raise InvalidInputError(f"projection {spec!r} is registered already")
        self._specs.append(spec)
        if self.path is not None:
            self.path.write_text(json.dumps(self._specs, indent=2) + "\n", encoding="utf-8")

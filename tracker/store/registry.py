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

BUILT_IN = ("strength", "audit", "announcements", "mandates", "estimate")


def load_class(spec: str, folder: str | None = None) -> type[Projection]:
    """The projection class named by ``module:Class``: the module importable from ``folder``
    (where it was found when it was registered), else from here.

    Raises:
        InvalidInputError: the spec is malformed, the module or class missing, or the class
            not a projection with a name.
    """
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise InvalidInputError(
            f"projection {spec!r}: write it as module:Class, such as myviews:ByGender"
        )
    for place in (os.getcwd(), folder):  # "importable from here": the current folder too
        if place and place not in sys.path:
            sys.path.insert(0, place)
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


def folder_of(spec: str) -> str | None:
    """The folder on ``sys.path`` the module of ``spec`` was imported from (None: it is
    installed, or built in), so the projection runs from any folder later on."""
    module = sys.modules.get(spec.partition(":")[0])
    file = getattr(module, "__file__", None)
    if not file:
        return None
    depth = spec.partition(":")[0].count(".") + (Path(file).name == "__init__.py")
    root = Path(file).resolve().parents[depth]
    if "site-packages" in root.parts or "dist-packages" in root.parts:
        return None
    return str(root)


class Registry:
    """The user projections registered for one store (none for a store in memory)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: list[dict[str, str | None]] = []
        if path is not None and path.exists():
            found = json.loads(path.read_text(encoding="utf-8"))
            # an entry is {"spec", "folder"}; a plain "module:Class" from before folders
            self._entries = [
                e if isinstance(e, dict) else {"spec": e, "folder": None} for e in found
            ]

    @property
    def specs(self) -> list[str]:
        return [str(e["spec"]) for e in self._entries]

    def folder(self, spec: str) -> str | None:
        """Where ``spec``'s module was found when it was registered."""
        return next((e.get("folder") for e in self._entries if e["spec"] == spec), None)

    def add(self, spec: str, name: str, folder: str | None = None) -> None:
        if name in BUILT_IN:
            raise InvalidInputError(f"projection name {name!r} is a built-in one: choose another")
        if spec in self.specs:
            raise InvalidInputError(f"projection {spec!r} is registered already")
        self._entries.append({"spec": spec, "folder": folder})
        if self.path is not None:
            self.path.write_text(json.dumps(self._entries, indent=2) + "\n", encoding="utf-8")

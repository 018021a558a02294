"""User projections: classes named ``module:Class``, registered beside the store.

The list lives in ``<store>.projections.json`` (``tracker.db`` -> ``tracker.projections.json``),
so every tracker opened on that store keeps them caught up like the built-in ones.

That list comes with the store, and whoever made the store wrote it: reading or verifying a
store never runs code that came with it (issue 29, 15: a store received with a
``received.projections.json`` naming ``helper:P`` and a ``helper.py`` beside it ran that file on
``tracker verify``). A listed projection runs only if its module is found, without running it,
in a folder the user trusts: one the user's own ``projections add`` found a class in (kept in
the user's list, ``trust_path()``, never beside a store), one given for the command
(``--trust-folder``, ``trust=``), an installed package's, or the tracker's own. A class the
user names on the command line (``projections add``, ``replay --projection``) is the user's:
it is imported from the current folder or the path, as ever (``load_class``).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import site
import sys
import sysconfig
from collections.abc import Collection, Iterable
from pathlib import Path

from events.errors import InvalidInputError
from projections.engine import Projection
from tracker.store.config import trust_path

BUILT_IN = ("strength", "audit", "announcements", "mandates", "estimate")


class UntrustedProjectionError(InvalidInputError):
    """Raised when a projection listed beside a store would import its code from a folder the
    user has not trusted (the store's, the current one): it is not imported."""


def load_class(spec: str, folder: str | None = None) -> type[Projection]:
    """The projection class the user names, ``module:Class``: the module importable from
    ``folder``, else from here (the current folder too).

    Raises:
        InvalidInputError: the spec is malformed, the module or class missing, or the class
            not a projection with a name.
    """
    module_name = _module_name(spec)
    for place in (os.getcwd(), folder):  # "importable from here": the current folder too
        if place and place not in sys.path:
            sys.path.insert(0, place)
    return _imported(spec, module_name)


def load_registered(spec: str, folder: str | None, trusted: Collection[Path]) -> type[Projection]:
    """The projection class ``spec`` listed beside a store (registered from ``folder``), once
    its module is found (not run) in a folder the user trusts: ``trusted``, an installed
    package's or the tracker's own. Never from the current folder, unless it is trusted.

    Raises:
        UntrustedProjectionError: the module would come from a folder not trusted.
        InvalidInputError: as ``load_class``.
    """
    module_name = _module_name(spec)
    top = module_name.partition(".")[0]
    if top in sys.modules:  # imported already: running it again runs nothing new
        return _imported(spec, module_name)
    # where it would come from, found without running it (nor putting ``folder`` on the
    # path, where a module of that folder could stand in for another one imported later)
    found = importlib.machinery.PathFinder.find_spec(top, [folder]) if folder else None
    from_folder = found is not None
    try:
        found = found or importlib.util.find_spec(top)
    except (ImportError, ValueError):
        found = None
    if found is None:
        raise InvalidInputError(
            f"projection {spec!r}: cannot import {module_name!r} (not found"
            f"{f' in {folder}' if folder else ''}) - put it back, or on PYTHONPATH"
        )
    for root in _roots(found):
        if not _trusted(root, trusted):
            raise UntrustedProjectionError(
                f"projection {spec!r} (listed beside the store) is not run: its code would "
                f"come from {root}, a folder you have not trusted - if you wrote it, or trust "
                f"whoever did, give --trust-folder {root}"
            )
    if from_folder and folder not in sys.path:
        sys.path.insert(0, str(folder))
    return _imported(spec, module_name)


def _module_name(spec: str) -> str:
    module_name, sep, class_name = spec.partition(":")
    if not sep or not module_name or not class_name:
        raise InvalidInputError(
            f"projection {spec!r}: write it as module:Class, such as myviews:ByGender"
        )
    return module_name


def _imported(spec: str, module_name: str) -> type[Projection]:
    class_name = spec.partition(":")[2]
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


def _roots(found: importlib.machinery.ModuleSpec) -> list[Path]:
    """The folders on the path a top-level module or package is imported from (a namespace
    package's: each of its parts')."""
    if found.submodule_search_locations:
        return [Path(place).resolve().parent for place in found.submodule_search_locations]
    if found.origin and found.has_location:
        return [Path(found.origin).resolve().parent]
    return []  # built into the interpreter


def _trusted(root: Path, trusted: Collection[Path]) -> bool:
    return root in trusted or any(root.is_relative_to(place) for place in _installed())


def _installed() -> list[Path]:
    """Where installed code lives (the standard library, site-packages), and the tracker's
    own folder."""
    paths = sysconfig.get_paths()
    places = [paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib") if key in paths]
    places += [*site.getsitepackages(), site.getusersitepackages()]
    places.append(str(Path(__file__).resolve().parents[2]))  # tracker/store/registry.py
    return [Path(place).resolve() for place in places]


def trusted_folders(given: Iterable[str | Path] = ()) -> set[Path]:
    """The folders the user trusts: their own list (``trust_path()``) and those ``given``."""
    listed: list[object] = []
    with contextlib.suppress(OSError, ValueError):  # no list yet, or not one: nothing of it
        listed = json.loads(trust_path().read_text(encoding="utf-8"))
    found = [str(f) for f in listed if isinstance(f, str)] if isinstance(listed, list) else []
    return {Path(folder).resolve() for folder in [*found, *map(str, given)]}


def trust(folder: str) -> None:
    """Add ``folder`` to the user's list of trusted folders (written whole, then renamed)."""
    path = trust_path()
    resolved = str(Path(folder).resolve())
    found = sorted(str(f) for f in trusted_folders())
    if resolved in found:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps([*found, resolved], indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


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
    """The user projections registered for one store (none for a store in memory); ``problem``:
    why the list beside the store could not be read (then it lists none, and is not written)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.problem: str | None = None
        self._entries: list[dict[str, str | None]] = []
        if path is not None and path.exists():
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
                # an entry is {"spec", "folder"}; a plain "module:Class" from before folders
                self._entries = [_entry(e) for e in found]
            except (OSError, ValueError, TypeError, KeyError) as error:
                self.problem = (
                    f"the list of projections {path} cannot be read ({type(error).__name__}): "
                    "none of it is run"
                )

    @property
    def specs(self) -> list[str]:
        return [str(e["spec"]) for e in self._entries]

    def folder(self, spec: str) -> str | None:
        """Where ``spec``'s module was found when it was registered."""
        return next((e.get("folder") for e in self._entries if e["spec"] == spec), None)

    def add(self, spec: str, name: str, folder: str | None = None) -> None:
        """Register ``spec`` (found in ``folder``), which the user named: ``folder`` joins the
        user's trusted folders, so the projection runs on later commands."""
        if self.problem:
            raise InvalidInputError(f"{self.problem} - mend or remove it first")
        if name in BUILT_IN:
            raise InvalidInputError(f"projection name {name!r} is a built-in one: choose another")
        if spec in self.specs:
            raise InvalidInputError(f"projection {spec!r} is registered already")
        if folder is not None:
            trust(folder)
        self._entries.append({"spec": spec, "folder": folder})
        if self.path is not None:
            self.path.write_text(json.dumps(self._entries, indent=2) + "\n", encoding="utf-8")


def _entry(found: object) -> dict[str, str | None]:
    """An entry of the list as written, checked: its spec a string, its folder one or null."""
    entry = found if isinstance(found, dict) else {"spec": found, "folder": None}
    spec, folder = entry["spec"], entry.get("folder")
    if not isinstance(spec, str) or not (folder is None or isinstance(folder, str)):
        raise TypeError("an entry is not {spec, folder}")
    return {"spec": spec, "folder": folder}

"""The files a command writes (an export, a chart, a map, a backup, a replay, a copy): never
the event store, one of its views (``<store>.<name>.db``, and those kept aside), the list of
the user's projections (``<store>.projections.json``) or of the stamps its exports wrote
(``<store>.stamps.jsonl``), nor the journals beside them (``-wal``, ``-shm``, ``-journal``),
however the path is spelled (relative, through a symbolic link, in another case); and written
beside (a temporary file in the same folder), then renamed into place, so a failure never
leaves half a file (issue 15: 'tracker export ... -o tracker.db' wrote the CSV over the event
store)."""

from __future__ import annotations

import fnmatch
import os
import shutil
import stat
import tempfile
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from events.errors import InvalidInputError
from tracker.store.anchors import stamps_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from tracker.store.config import StoreConfig

JOURNALS = ("-wal", "-shm", "-journal")
# a rebuild's, a corrupt file kept, a file set aside (and its journal) before its view was rebuilt
SIDE_FILES = (".rebuild", ".rebuild-journal", ".corrupt", ".aside*")


def _folded(path: Path) -> str:
    """The path as the file system finds it (links followed), compared without case."""
    return os.path.realpath(path).casefold()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # both there: the same file by any name (links, case)
    except OSError:
        return False


def _matches(target: Path, own: Path) -> bool:
    """Whether ``target`` is ``own`` (a name with ``*``: any file of that pattern)."""
    if "*" not in own.name:
        return _same_file(target, own) or _folded(target) == _folded(own)
    here = Path(os.path.realpath(target))
    same_folder = _same_file(here.parent, own.parent) or _folded(here.parent) == _folded(own.parent)
    return same_folder and fnmatch.fnmatchcase(here.name.casefold(), own.name.casefold())


def guarded(config: StoreConfig) -> list[tuple[Path, str]]:
    """The store's own files, as (path or pattern, what it is): the event store (SQLite),
    its view files and the list of the user's projections, and the journals beside them."""
    found: list[tuple[Path, str]] = []
    shown = config.display()
    if not config.in_memory and not config.postgres:
        found.append((Path(config.db), f"the event store {shown}"))
    view = config.view_path("*")
    if view is not None:
        found.append((view, f"a view's file of the store {shown}"))
        found += [(view.with_name(view.name + s), found[-1][1]) for s in SIDE_FILES]
    registry = config.registry_path()
    if registry is not None:
        found.append((registry, f"the list of the projections of the store {shown}"))
    stamps = stamps_path(config)
    if stamps is not None:
        found.append((stamps, f"the list of the stamps exports of the store {shown} wrote"))
    return found + [
        (path.with_name(path.name + journal), f"a journal of {what}")
        for path, what in found
        for journal in JOURNALS
    ]


def what_it_is(path: str | Path, config: StoreConfig) -> str | None:
    """What ``path`` is among the store's own files (None: none of them)."""
    return next((what for own, what in guarded(config) if _matches(Path(path), own)), None)


def check_output(path: str | Path, config: StoreConfig, option: str = "the output") -> Path:
    """``path`` as a file a command may write, or a one-line error.

    Raises:
        InvalidInputError: it is one of the store's own files, or its folder does not exist.
    """
    target = Path(path)
    what = what_it_is(target, config)
    if what is not None:
        raise InvalidInputError(f"{path}: that is {what} - give another file name for {option}")
    if not target.parent.is_dir():
        raise InvalidInputError(f"{path}: no such folder - create {target.parent} first")
    if target.is_dir():
        raise InvalidInputError(f"{path}: is a folder - give a file name for {option}")
    return target


@contextmanager
def written_beside(path: Path) -> Iterator[Path]:
    """A new temporary file in ``path``'s folder (with its suffix, so a chart keeps its
    format), renamed to ``path`` when the block ends well and removed when it does not. A
    link is followed (the file it names is replaced, the link kept); a pipe or a device
    (``/dev/stdout``, a FIFO) is written through, never replaced by a file."""
    if not special(path) and path.is_symlink():
        path = Path(os.path.realpath(path))
    handle, name = tempfile.mkstemp(
        prefix=f".{path.name}.", suffix=f".partial{path.suffix}", dir=path.parent
    )
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(partial, 0o666 & ~mask)  # as a file made the ordinary way (mkstemp: 0600)
        if special(path):
            with partial.open("rb") as written, path.open("wb") as through:
                shutil.copyfileobj(written, through)
            partial.unlink()
        else:
            os.replace(partial, path)
    except BaseException:
        with suppress(OSError):
            partial.unlink()
        raise


def special(path: Path) -> bool:
    """Whether ``path`` is (or links to) something other than a regular file or a folder: a
    pipe, a device, a socket."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))

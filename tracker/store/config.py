"""Where the store and the views live. Configuration alone chooses the backend:

- a path (``tracker.db``): the event store in that SQLite file, the views beside it
  (``tracker.strength.db``...);
- ``:memory:``: nothing on disk (tests);
- a URL ``postgresql://user:password@host:port/database[?schema=name]``: the event store on that
  PostgreSQL server (shared by a team), the views in local SQLite files, in ``views_dir`` (the
  current folder by default), named after the database (and schema).

A SQLite store that cannot be written (a read-only mount, a folder or file without write
permission: ``read_only``) is opened for reading only (``reading_only``): the events as they are
on disk, its views copied into a folder of the command's own and brought up to date there
(issue 29, 11: every command failed "unreadable ... not an event store", as SQLite could not
make the WAL's index beside a store it could not write).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.utils import get_topic

from events.base import PydanticJSONTranscoder, PydanticMapper
from events.errors import InvalidInputError, TrackerError
from projections.view_files import lock_timeout

DEFAULT_DB = "tracker.db"
MEMORY = ":memory:"
URL_SCHEMES = ("postgresql://", "postgres://")


APP_NAME = "Tracker"  # the application's name: the library reads TRACKER_KEY before KEY

# The library's settings the tracker fixes on every backend (the backend's own are added by
# ``StoreConfig.event_store_env``): events are pydantic models in plain JSON, neither
# encrypted nor compressed, with no snapshots; the aggregate cache is brought forward from the
# store on every read and copied before use (a writer racing others must see their events).
FIXED_SETTINGS: dict[str, str] = {
    "MAPPER_TOPIC": get_topic(PydanticMapper),
    "TRANSCODER_TOPIC": get_topic(PydanticJSONTranscoder),
    "CIPHER_TOPIC": "",
    "CIPHER_KEY": "",
    "COMPRESSOR_TOPIC": "",
    "IS_SNAPSHOTTING_ENABLED": "n",
    "ORIGINATOR_ID_TYPE": "uuid",
    "CREATE_TABLE": "y",
    # Aggregates loaded once are kept and brought forward with the events since: a writer
    # racing others reloads a long stream in time to win its next try.
    "AGGREGATE_CACHE_MAXSIZE": "2000",
    "AGGREGATE_CACHE_FASTFORWARD": "y",
    "AGGREGATE_CACHE_FASTFORWARD_SKIPPING": "n",
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "y",
}


def both_names(env: dict[str, str]) -> dict[str, str]:
    """``env`` under each key and under the key prefixed with the application's name."""
    prefix = APP_NAME.upper() + "_"
    return {**env, **{prefix + key: value for key, value in env.items()}}


@dataclass(frozen=True)
class StoreConfig:
    """``db``: a SQLite file, ``:memory:``, or a PostgreSQL URL; ``views_dir``: where the views
    of a PostgreSQL store live (default: the current folder)."""

    db: str
    views_dir: str | None = None
    read_only_views: str | None = None  # opened for reading only: its views' copies are here

    @classmethod
    def resolve(
        cls, db: str | Path | None = None, views_dir: str | Path | None = None
    ) -> StoreConfig:
        """``db`` if given, else ``TRACKER_DATABASE_URL``, else ``TRACKER_DB``, else
        ``./tracker.db``; ``views_dir`` if given, else ``TRACKER_VIEWS_DIR``."""
        chosen = (
            str(db)
            if db is not None
            else os.environ.get("TRACKER_DATABASE_URL")
            or os.environ.get("TRACKER_DB")
            or DEFAULT_DB
        )
        folder = views_dir if views_dir is not None else os.environ.get("TRACKER_VIEWS_DIR")
        return cls(chosen, str(folder) if folder else None)

    @property
    def in_memory(self) -> bool:
        return self.db == MEMORY

    @property
    def postgres(self) -> bool:
        return self.db.startswith(URL_SCHEMES)

    def display(self) -> str:
        """The store as it may be shown: never with its password."""
        if not self.postgres:
            return self.db
        parts = urlsplit(self.db)
        user = (
            f"{parts.username}:***@"
            if parts.password
            else f"{parts.username}@"
            if parts.username
            else ""
        )
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{user}{host}{port}{parts.path}"

    def exists(self) -> bool:
        return self.in_memory or self.postgres or Path(self.db).is_file()

    def read_only(self) -> bool:
        """Whether this SQLite store cannot be written by this process: its file, or its folder
        (where SQLite makes its journals), is not writable (a read-only mount, permissions)."""
        if self.in_memory or self.postgres or not Path(self.db).is_file():
            return False
        path = Path(self.db)
        return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))

    def reading_only(self, folder: str | Path) -> StoreConfig:
        """This store opened for reading only, its views copied into ``folder`` (with their
        journals, so a view left mid-write is rolled back in its copy) to be brought up to date
        there and never written back."""
        stem = self._stem()
        for view in stem.parent.glob(f"{stem.name}.*.db"):
            for path in (view, view.with_name(f"{view.name}-journal")):
                if path.is_file():
                    shutil.copyfile(path, Path(folder) / path.name)
        return replace(self, read_only_views=str(folder))

    def event_store_env(self) -> dict[str, str]:
        """Every setting of the eventsourcing library the tracker fixes, under both names the
        library reads (``TRACKER_KEY`` before ``KEY``). The library lays the environment
        under the settings an application is given, so none of these can be changed from
        the environment (issue 15: ``POSTGRES_ENABLE_DB_FUNCTIONS=y`` switched the chain off
        on PostgreSQL). Left to the environment: the library's pool sizes and timeouts."""
        env = dict(FIXED_SETTINGS)
        if self.in_memory:
            env["PERSISTENCE_MODULE"] = "tracker.store.memory:MemoryFactory"
        elif self.postgres:
            env.update(self._postgres_env())
        else:
            env["PERSISTENCE_MODULE"] = "eventsourcing.sqlite"
            env["SQLITE_DBNAME"] = self.db
            if self.read_only_views is not None:  # read as it is, nothing created
                env["SQLITE_DBNAME"] = read_only_uri(Path(self.db))
                env["CREATE_TABLE"] = "n"
            # how long a writer waits for another one's transaction before giving up
            env["SQLITE_LOCK_TIMEOUT"] = str(lock_timeout())
            env["APPLICATION_RECORDER_TOPIC"] = (
                "tracker.store.sqlite:ChainedSQLiteApplicationRecorder"
            )
        return both_names(env)

    def _postgres_env(self) -> dict[str, str]:
        parts = urlsplit(self.db)
        database = parts.path.lstrip("/")
        if not (parts.hostname and parts.username and database):
            raise InvalidInputError(
                f"database URL {self.display()!r}: give postgresql://user:password@host:port/database"
            )
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "APPLICATION_RECORDER_TOPIC": (
                "tracker.store.postgres:ChainedPostgresApplicationRecorder"
            ),
            "POSTGRES_DBNAME": database,
            "POSTGRES_HOST": parts.hostname,
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
            "POSTGRES_GET_PASSWORD_TOPIC": "",  # the password is the URL's
            "POSTGRES_CONNECT_TIMEOUT": "10",
            # Long imports do Python work inside their transaction (default 5 s is too short).
            "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "0",
            "POSTGRES_SCHEMA": parse_qs(parts.query).get("schema", [""])[0],
            # Off: the library's database function inserts without the chain's links and
            # without the table lock, so positions interleave under concurrent writers
            # (shared/notes/eventsourcing-9.5.md, pitfall 17).
            "POSTGRES_ENABLE_DB_FUNCTIONS": "n",
        }

    def _stem(self) -> Path:
        if self.postgres:
            parts = urlsplit(self.db)
            schema = parse_qs(parts.query).get("schema", [""])[0]
            name = parts.path.lstrip("/") + (f".{schema}" if schema else "")
            return Path(self.views_dir or ".") / name
        store = Path(self.db)
        return store.with_name(store.stem)

    def refusal(self, create: bool) -> str | None:
        """Why the SQLite file named is not to be opened as the store (None: it may be). A
        file of something else is never made into a store; an empty one only by a command
        that writes (nothing in it is lost)."""
        if self.in_memory or self.postgres or not Path(self.db).is_file():
            return None
        held = what_is_in(Path(self.db))
        if held is None or (create and held == EMPTY):
            return None
        if held == EMPTY:
            return (
                f"{self.db}: an empty file, not an event store - load MINUSMA's record into "
                "it with 'tracker seed', or name the store with --db"
            )
        return (
            f"{self.db}: {held}, not an event store - nothing was changed; name the store "
            "with --db, or a new file to start one"
        )

    def files(self) -> list[Path]:
        """Every file of a SQLite store: the store, its views, their journals, the list of
        user projections."""
        if self.in_memory or self.postgres:
            return []
        stem = self._stem()
        main = [Path(self.db), *stem.parent.glob(f"{stem.name}.*.db")]
        journals = [p.with_name(p.name + end) for p in main for end in JOURNALS]
        registry = self.registry_path()
        return [*main, *journals, *([registry] if registry else [])]

    def registry_path(self) -> Path | None:
        """Where the user projections of this store are listed."""
        if self.in_memory:
            return None
        stem = self._stem()
        return stem.with_name(f"{stem.name}.projections.json")

    def view_path(self, name: str) -> Path | None:
        if self.in_memory:
            return None
        stem = self._stem()
        if self.read_only_views is not None:
            return Path(self.read_only_views) / f"{stem.name}.{name}.db"
        return stem.with_name(f"{stem.name}.{name}.db")


def trust_path() -> Path:
    """The user's own list of the folders whose projections may run on any store
    (``tracker.store.registry``): in ``$TRACKER_CONFIG_DIR``, else the user's configuration
    folder (``$XDG_CONFIG_HOME``, else ``~/.config``) under ``peacekeeping-tracker``; never
    beside a store, whose files came with it."""
    folder = os.environ.get("TRACKER_CONFIG_DIR") or os.path.join(
        os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config"),
        "peacekeeping-tracker",
    )
    return Path(folder) / "trusted-folders.json"


# Where a store may be named, the first given winning: the command line, then the environment
# (issue "Hardening, round 3", 14: an explicit --db lost to TRACKER_DATABASE_URL, and
# 'tracker --db local.db record ...' wrote into the shared store).
STORE_SETTINGS = ("--db", "--database-url", "TRACKER_DATABASE_URL", "TRACKER_DB")


def choose_store(given: dict[str, str]) -> tuple[str | None, str | None]:
    """The store named by the settings ``given`` (``STORE_SETTINGS`` -> value; None: the
    default), and a note naming it when another setting named another store, left aside."""
    if "--db" in given and "--database-url" in given:
        raise InvalidInputError("--db and --database-url both name a store: give one of them")
    used = next((name for name in STORE_SETTINGS if given.get(name)), None)
    if used is None:
        return None, None
    db = given[used]
    others = [name for name in STORE_SETTINGS if given.get(name) not in (None, "", db)]
    if not others:
        return db, None
    return db, (
        f"the store used is {StoreConfig(db).display()} ({used}); {' and '.join(others)} "
        "named another, not used"
    )


def postgres_store_exists(env: dict[str, str], shown: str) -> bool:
    """Whether the PostgreSQL store of ``env`` has its tables (events and chain) already."""
    import psycopg  # only for a PostgreSQL store (the optional extra 'postgres')

    schema = env.get("POSTGRES_SCHEMA") or "public"
    try:
        with psycopg.connect(
            host=env["POSTGRES_HOST"],
            port=int(env["POSTGRES_PORT"]),
            dbname=env["POSTGRES_DBNAME"],
            user=env["POSTGRES_USER"],
            password=env["POSTGRES_PASSWORD"],
            connect_timeout=int(env["POSTGRES_CONNECT_TIMEOUT"]),
        ) as conn:
            # the events and their chain (a store made before the chain gets it on opening)
            row = conn.execute(
                "SELECT to_regclass(%s) IS NOT NULL AND to_regclass(%s) IS NOT NULL",
                [f"{schema}.tracker_events", f"{schema}.tracker_events_chain"],
            ).fetchone()
    except psycopg.Error as error:
        said = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        if env["POSTGRES_PASSWORD"]:
            said = said.replace(env["POSTGRES_PASSWORD"], "***")
        raise TrackerError(f"cannot reach the PostgreSQL store {shown}: {said}") from None
    return bool(row and row[0])


EMPTY = "nothing"
JOURNALS = ("-wal", "-shm", "-journal")


def what_is_in(path: Path) -> str | None:
    """None when the file ``path`` holds an event store; else what it holds: ``EMPTY`` (no
    byte, or a SQLite database with no table) or what it is instead."""
    # Read by SQLite alone, never by open(): closing a file descriptor of the store drops
    # every POSIX lock this process holds on it, its open connections' included (a server
    # then read an old state of the log once).
    if path.stat().st_size == 0:
        return EMPTY
    if StoreConfig(str(path)).read_only():
        connection = sqlite3.connect(read_only_uri(path), uri=True)
    else:
        connection = sqlite3.connect(path)
    try:
        names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        said = str(error)
        return "not a SQLite database" if "not a database" in said else f"unreadable ({said})"
    finally:
        connection.close()
    if "stored_events" in names:
        return None
    if not names:
        return EMPTY
    shown = ", ".join(sorted(names)[:3]) + (", ..." if len(names) > 3 else "")
    return f"a SQLite database of something else (it has {shown})"


def read_only_uri(path: Path) -> str:
    """The URI SQLite reads a store it cannot write with: as it is on disk (``immutable``: no
    lock taken, no index made beside it) when no writer left a WAL beside it; else read-only
    through that WAL and its index, which hold its latest events.

    Raises:
        TrackerError: a WAL is there without its index, which cannot be made.
    """
    uri = path.resolve().as_uri()
    if not Path(f"{path}-wal").exists():
        return f"{uri}?immutable=1"
    if not Path(f"{path}-shm").exists():
        raise TrackerError(
            f"{path}: its latest events are in {path.name}-wal, whose index ({path.name}-shm) "
            "is missing and cannot be made in a folder that cannot be written - copy the "
            "store's files to a writable folder and open it there"
        )
    return f"{uri}?mode=ro"

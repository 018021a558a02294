"""Nothing in the environment may turn integrity off (issue 15, item 8). The eventsourcing
library reads its settings from the environment, each under two names (``TRACKER_KEY``, then
``KEY``): ``POSTGRES_ENABLE_DB_FUNCTIONS=y`` made it insert through its database function,
without the chain's links and without the table lock. Every setting the tracker fixes is tried
here with a hostile value under both names, on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import postgres_store
from tests.helpers import source
from tracker import Tracker
from tracker.store.config import FIXED_SETTINGS, StoreConfig

# A value for each fixed setting that would change what the tracker relies on.
HOSTILE = {
    "MAPPER_TOPIC": "eventsourcing.persistence:Mapper",
    "TRANSCODER_TOPIC": "eventsourcing.persistence:JSONTranscoder",
    "CIPHER_TOPIC": "eventsourcing.cipher:AESCipher",
    "CIPHER_KEY": "mPpNfcN8DdX7xAgA6Ftqqg==",
    "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
    "IS_SNAPSHOTTING_ENABLED": "y",
    "ORIGINATOR_ID_TYPE": "text",
    "CREATE_TABLE": "n",
    "AGGREGATE_CACHE_MAXSIZE": "1",
    "AGGREGATE_CACHE_FASTFORWARD": "n",
    "AGGREGATE_CACHE_FASTFORWARD_SKIPPING": "y",
    "DEEPCOPY_FROM_AGGREGATE_CACHE": "n",
    "PERSISTENCE_MODULE": "eventsourcing.popo",
    "APPLICATION_RECORDER_TOPIC": "eventsourcing.sqlite:SQLiteApplicationRecorder",
    "SQLITE_DBNAME": "elsewhere.db",
    "SQLITE_LOCK_TIMEOUT": "0",
    "POSTGRES_DBNAME": "postgres",
    "POSTGRES_HOST": "192.0.2.1",
    "POSTGRES_PORT": "1",
    "POSTGRES_USER": "nobody",
    "POSTGRES_PASSWORD": "wrong",
    "POSTGRES_GET_PASSWORD_TOPIC": "os:getcwd",
    "POSTGRES_CONNECT_TIMEOUT": "1",
    "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "1",
    "POSTGRES_SCHEMA": "public",
    "POSTGRES_ENABLE_DB_FUNCTIONS": "y",
}
BACKEND_KEYS = {
    "memory": ["PERSISTENCE_MODULE"],
    "sqlite": [
        "PERSISTENCE_MODULE",
        "APPLICATION_RECORDER_TOPIC",
        "SQLITE_DBNAME",
        "SQLITE_LOCK_TIMEOUT",
    ],
    "postgres": [
        "PERSISTENCE_MODULE",
        "APPLICATION_RECORDER_TOPIC",
        *(key for key in HOSTILE if key.startswith("POSTGRES_")),
    ],
}


def hostile(backend: str, key: str) -> str:
    if backend == "memory" and key == "PERSISTENCE_MODULE":
        return "eventsourcing.sqlite"
    return HOSTILE[key]


CASES = [
    (backend, key, name)
    for backend, keys in BACKEND_KEYS.items()
    for key in [*FIXED_SETTINGS, *keys]
    for name in (key, f"TRACKER_{key}")
]


def test_every_fixed_setting_has_a_hostile_value_here() -> None:
    """The list in tracker/store/config.py is what this file tries: a new fixed setting
    needs its hostile value, and the settings of the integrity above all are in it."""
    fixed = set(FIXED_SETTINGS)
    for backend, keys in BACKEND_KEYS.items():
        env = StoreConfig(
            {"memory": ":memory:", "sqlite": "t.db", "postgres": "postgresql://u@h/d"}[backend]
        ).event_store_env()
        assert fixed | set(keys) == {k for k in env if not k.startswith("TRACKER_")}, backend
    assert fixed <= HOSTILE.keys()
    assert {"MAPPER_TOPIC", "TRANSCODER_TOPIC", "CIPHER_TOPIC", "COMPRESSOR_TOPIC"} <= fixed
    assert "POSTGRES_ENABLE_DB_FUNCTIONS" in BACKEND_KEYS["postgres"]


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in HOSTILE:
        monkeypatch.delenv(key, raising=False)
        monkeypatch.delenv(f"TRACKER_{key}", raising=False)


def open_store(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if backend == "postgres":
        yield from postgres_store(tmp_path, monkeypatch)
    else:
        yield ":memory:" if backend == "memory" else str(tmp_path / "tracker.db")


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize(("backend", "key", "name"), CASES)
def test_the_environment_cannot_change_a_fixed_setting(
    backend: str, key: str, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stores = open_store(backend, tmp_path, monkeypatch)
    db = next(stores)
    monkeypatch.chdir(tmp_path)
    expected = StoreConfig(db).event_store_env()[key]
    monkeypatch.setenv(name, hostile(backend, key))
    tracker = Tracker(db)
    try:
        assert tracker.env.get(key) == expected != hostile(backend, key)
        assert tracker.mapper.cipher is None
        assert tracker.mapper.compressor is None
        assert tracker.snapshots is None
        assert tracker.repository.fastforward
        # and it writes what it always writes: chained, readable, where it was asked to
        tracker.establish_mission(
            mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
        )
        if backend != "memory":
            verification = tracker.verify()
            assert (verification.ok, verification.events) == (True, 2)
            assert type(tracker.recorder).__name__.startswith("Chained")
        assert not (tmp_path / "elsewhere.db").exists()
        assert tracker.get_event("TESTMIS/2").name == "Test mission"  # type: ignore[union-attr]
    finally:
        tracker.close()
        for _ in stores:
            pass


@pytest.mark.usefixtures("clean_env")
@pytest.mark.parametrize("value", ["y", "n"])
@pytest.mark.parametrize(
    "name", ["POSTGRES_ENABLE_DB_FUNCTIONS", "TRACKER_POSTGRES_ENABLE_DB_FUNCTIONS"]
)
def test_postgres_events_are_chained_whatever_enable_db_functions_says(
    name: str, value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the library's database function the events were stored without links:
    'tracker verify' failed at the first of them."""
    stores = postgres_store(tmp_path, monkeypatch)
    db = next(stores)
    monkeypatch.setenv(name, value)
    tracker = Tracker(db)
    try:
        tracker.establish_mission(
            mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
        )
        tracker.deploy_contingent(
            mission="TESTMIS", contributor="BEN", valid="2021-01-01", count=50, source=source()
        )
        verification = tracker.verify()
        assert (verification.ok, verification.events) == (True, 4)
        assert tracker.head() == (4, verification.head)
    finally:
        tracker.close()
        for _ in stores:
            pass

from __future__ import annotations

import contextlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from events import timeline
from events.timeline import Change
from tests.helpers import source
from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
# The shared real data, beside the checkout (CI lays it there); never copied into the project.
SHARED = ROOT.parent / "shared" / "data"
UN_CSV_2013 = SHARED / "un-monthly" / "un_contributions_by_mission_country_2009-11_2013-12.csv"


def minusma_csv_2013() -> bytes:
    """The header and MINUSMA rows (Jul-Dec 2013) of the UN's CSV file, as bytes (CRLF kept);
    skips the test when the shared data is not beside the checkout (never in CI)."""
    if not UN_CSV_2013.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data beside the checkout: {UN_CSV_2013}")
        pytest.skip(f"the shared UN data is not beside the project ({UN_CSV_2013})")
    lines = UN_CSV_2013.read_bytes().split(b"\r\n")
    return b"\r\n".join([lines[0], *(line for line in lines[1:] if b",MINUSMA," in line)]) + b"\r\n"


@pytest.fixture(scope="session")
def un_pdf_files(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Every UN monthly PDF read and checked once for the whole session, in 2 processes (the
    machine has 2 cores), the longest first: file name -> its ``Report``, or the one-line
    refusal of a report with no mission column (19 of them). The undated 2019-10 report with
    its month, as the seed build reads it."""
    pdfs = SHARED / "un-monthly-pdf" / "pdf"
    if not pdfs.exists():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data beside the checkout: {SHARED}")
        pytest.skip(f"the shared UN PDFs are not beside the project ({SHARED})")
    from concurrent.futures import ProcessPoolExecutor

    from events.errors import InvalidInputError
    from seeds.build import UNDATED
    from tracker.importers.un_pdf import read

    paths = sorted(pdfs.glob("UN_country_contributions_*.pdf"), key=lambda p: -p.stat().st_size)
    started = time.perf_counter()
    found: dict[str, Any] = {}
    with ProcessPoolExecutor(max_workers=2) as pool:
        futures = {p.name: pool.submit(read, p, date=UNDATED.get(p.name)) for p in paths}
        for name, future in futures.items():
            error = future.exception()
            if error is not None and not isinstance(error, InvalidInputError):
                raise error
            found[name] = str(error) if error else future.result()
    took = time.perf_counter() - started
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    with capture.global_and_fixture_disabled() if capture else contextlib.nullcontext():
        print(f"\nun_pdf: read the {len(paths)} UN PDFs in {took:.1f} s with 2 workers")
    return dict(sorted(found.items()))


@pytest.fixture(scope="session")
def un_pdf_reports(un_pdf_files: dict[str, Any]) -> list[Any]:
    """The reports with a mission breakdown, as the seed build reads them."""
    from tracker.importers.un_pdf import Report

    return [report for report in un_pdf_files.values() if isinstance(report, Report)]


# .ci/run starts PostgreSQL and sets this; locally, without it, the PostgreSQL cases skip.
PG_URL = os.environ.get("TRACKER_TEST_DATABASE_URL")


def _pg_problem() -> str | None:
    if not PG_URL:
        return "TRACKER_TEST_DATABASE_URL is not set (.ci/run sets it after starting PostgreSQL)"
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure to reach the server is a reason to skip
        return f"PostgreSQL at TRACKER_TEST_DATABASE_URL cannot be reached: {type(error).__name__}"
    return None


PG_PROBLEM = _pg_problem()


def postgres_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh schema on the test server, as a store URL; its views in ``tmp_path``."""
    if PG_PROBLEM:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {PG_PROBLEM}")
        pytest.skip(PG_PROBLEM)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    assert PG_URL is not None
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    monkeypatch.setenv("TRACKER_VIEWS_DIR", str(tmp_path))
    try:
        yield f"{PG_URL}?schema={schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture(params=["sqlite", "postgres"])
def store(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An empty event store: a SQLite file, and a PostgreSQL schema on a real server."""
    if request.param == "sqlite":
        yield str(tmp_path / "tracker.db")
    else:
        yield from postgres_store(tmp_path, monkeypatch)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def tracker(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Tracker]:
    """A tracker with a test mission (TESTMIS, hosted by Mali): in memory, on SQLite, on
    PostgreSQL."""
    if request.param == "postgres":
        stores: Iterator[str] = postgres_store(tmp_path, monkeypatch)
        db = next(stores)
    else:
        stores = iter(())
        db = ":memory:" if request.param == "memory" else str(tmp_path / "tracker.db")
    app = Tracker(db)
    app.establish_mission(
        mission="TESTMIS", name="Test mission", host="MLI", valid="2020-01-01", source=source()
    )
    yield app
    app.close()
    for _ in stores:  # drops the schema
        pass


@pytest.fixture(scope="session")
def seed_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Per backend, a store seeded with MINUSMA's seeds once for the session (its views
    built), that each ``seeded_db`` copies: loading takes a few seconds, copying it well
    under 1 (the whole record of every mission: ``whole_record``)."""
    made: dict[str, Any] = {}
    yield made
    if "postgres" in made:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {made['postgres'][2]} CASCADE")


def _template(kind: str, made: dict[str, Any], factory: pytest.TempPathFactory) -> Any:
    if kind not in made:
        folder = factory.mktemp(f"seeded-{kind}")
        schema = f"seeds_{uuid.uuid4().hex[:12]}"
        if kind == "sqlite":
            db = str(folder / "tracker.db")
        else:
            import psycopg

            with psycopg.connect(PG_URL, autocommit=True) as conn:
                conn.execute(f"CREATE SCHEMA {schema}")
            db = f"{PG_URL}?schema={schema}"
        tracker = Tracker(db, views_dir=folder)
        tracker.load_seeds(SEEDS, missions=["MINUSMA"])
        tracker.catch_up()
        tracker.close()
        made[kind] = (db, folder, schema)
    return made[kind]


def _copy_postgres(template: str, target: str) -> None:
    """Every row of the template schema's tables into the target's (made by the tracker,
    with its triggers), and the sequences set past them."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=False) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
                "AND table_type = 'BASE TABLE'",
                [template],
            )
        ]
        for table in tables:
            conn.execute(
                f'INSERT INTO {target}."{table}" OVERRIDING SYSTEM VALUE '
                f'SELECT * FROM {template}."{table}"'
            )
            for (column,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                "AND table_name = %s AND (column_default LIKE 'nextval%%' OR is_identity = 'YES')",
                [target, table],
            ).fetchall():
                conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{target}.\"{table}\"', '{column}'), "
                    f'COALESCE((SELECT MAX("{column}") FROM {target}."{table}"), 0) + 1, false)'
                )
        conn.commit()


def copy_seeded(db: Path, made: dict[str, Any], factory: pytest.TempPathFactory) -> Path:
    """The session's seeded SQLite store (views caught up) copied to ``db``, its view files
    beside it named after it."""
    _, folder, _ = _template("sqlite", made, factory)
    db.parent.mkdir(parents=True, exist_ok=True)
    for path in Path(folder).glob("tracker*"):
        shutil.copyfile(path, db.with_name(db.stem + path.name.removeprefix("tracker")))
    return db


@pytest.fixture
def seeded_file_copy(
    tmp_path: Path, seed_templates: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A seeded SQLite store of this test's own, ``tmp_path/tracker.db``."""
    return copy_seeded(tmp_path / "tracker.db", seed_templates, tmp_path_factory)


@pytest.fixture
def seeded_db(
    store: str, seed_templates: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> str:
    """A store (SQLite, PostgreSQL) holding the seeds, as the --db the CLI takes: a copy of
    the session's seeded store, events, chain, recorded times and views."""
    postgres = store.startswith("postgres")
    db, folder, schema = _template(
        "postgres" if postgres else "sqlite", seed_templates, tmp_path_factory
    )
    if not postgres:
        return str(copy_seeded(Path(store), seed_templates, tmp_path_factory))
    Tracker(store).close()  # its tables, triggers and chain, empty
    target = store.rsplit("schema=", 1)[1]
    _copy_postgres(schema, target)
    views = Path(os.environ["TRACKER_VIEWS_DIR"])
    database = db.split("?", 1)[0].rsplit("/", 1)[1]
    for path in Path(folder).glob(f"{database}.{schema}.*"):
        suffix = path.name.removeprefix(f"{database}.{schema}")
        shutil.copyfile(path, views / f"{database}.{target}{suffix}")
    return store


@pytest.fixture(scope="session")
def seeded_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """One SQLite store holding MINUSMA's seeds, loaded once for the session: for tests that
    only read it."""
    tracker = Tracker(str(tmp_path_factory.mktemp("seeded") / "tracker.db"))
    tracker.load_seeds(SEEDS, missions=["MINUSMA"])
    yield tracker
    tracker.close()


@pytest.fixture(scope="session")
def whole_record(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tracker]:
    """One SQLite store holding every seed: the UN's whole record of every mission, 2009-2024
    (about 150,000 events), its views built, once for the session: for tests that read it."""
    tracker = Tracker(str(tmp_path_factory.mktemp("whole") / "tracker.db"))
    tracker.load_seeds(SEEDS)
    tracker.catch_up()
    yield tracker
    tracker.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True, scope="session")
def _own_trusted_folders(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The user's list of trusted folders (``tracker.store.registry``, which 'projections add'
    writes) is the session's own: no test writes the real one (issue 29, 15)."""
    os.environ["TRACKER_CONFIG_DIR"] = str(tmp_path_factory.mktemp("tracker-config"))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line saying how many PostgreSQL cases ran, so a CI log shows they ran for real."""
    counts = {
        outcome: sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if "postgres" in getattr(report, "nodeid", "")
            and getattr(report, "when", "call") == "call"
        )
        for outcome in ("passed", "failed", "skipped")
    }
    terminalreporter.write_line(
        f"PostgreSQL cases: {counts['passed']} passed, {counts['failed']} failed, "
        f"{counts['skipped']} skipped"
    )


@pytest.fixture
def applied(monkeypatch: pytest.MonkeyPatch) -> list[Change]:
    """Every change the fold applies from now on."""
    seen: list[Change] = []
    apply = timeline.State.apply

    def counting(self: timeline.State, change: Change) -> None:
        seen.append(change)
        apply(self, change)

    monkeypatch.setattr(timeline.State, "apply", counting)
    return seen

"""The web view (``tracker serve``): canned queries equal to the CLI's answers, checked dates,
names and sources, nothing of the files shown, and a server that follows the store (new
events, a rebuilt view file) and stops on SIGTERM with nothing left on its port."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, SEEDS
from tracker import Tracker
from tracker.cli import cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running ``tracker serve`` of the store ``db``."""

    db: Path
    port: int
    process: subprocess.Popen[str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def get(self, path: str) -> tuple[int, str]:
        """Status and body of ``path`` (redirects followed)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")

    def log(self) -> str:
        """What the server printed."""
        return (self.db.parent / "serve.log").read_text(encoding="utf-8")

    def rows(self, path: str) -> list[dict[str, object]]:
        status, body = self.get(path)
        assert status == 200, body
        rows: list[dict[str, object]] = json.loads(body)
        return rows


def seeded_store(folder: Path) -> Path:
    db = folder / "tracker.db"
    tracker = Tracker(db)
    tracker.load_seeds(SEEDS, missions=["MINUSMA"])
    tracker.close()
    return db


def start_server(db: Path) -> Server:
    port = free_port()
    # its output to a file: a pipe nobody reads could fill and stop the server
    log = (db.parent / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db), "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    server = Server(db, port, process)
    for _ in range(300):
        if process.poll() is not None:
            pytest.fail(f"tracker serve stopped: {server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail("tracker serve did not listen within 30 s")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGINT)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The seeded store, served (not changed by the tests that use it)."""
    server = start_server(seeded_store(tmp_path_factory.mktemp("web")))
    yield server
    stop_server(server)


def cli_json(db: Path, *args: str) -> object:
    result = CliRunner().invoke(cli, ["--db", str(db), *args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


BY_CONTRIBUTOR = "/strength/strength_by_contributor.json?mission=MINUSMA&_shape=array&on="


# dates with contributors at 0 (left), one with all at 0 (after the mission), a gap month and
# the days between reports: the web and the CLI held to one definition (issue 29, 8)
@pytest.mark.parametrize(
    "on",
    [
        "2013-12-31",
        "2016-06-30",
        "2018-06-30",
        "2021-10-31",
        "2022-11-25",
        "2023-06-30",
        "2023-12-20",
        "2023-12-31",
        "2024-06-30",
    ],
)
def test_strength_by_contributor_is_the_clis_answer(served: Server, on: str) -> None:
    rows = served.rows(BY_CONTRIBUTOR + on)
    countries = [r for r in rows if r["contributor"] is not None]
    # the contributors and their strength: the CLI's JSON, row for row
    expected = cli_json(served.db, "strength", "MINUSMA", "--on", on, "--by", "contributor")
    assert isinstance(expected, list)
    assert [{"contributor": r["contributor"], "strength": r["strength"]} for r in countries] == [
        {"contributor": e["contributor"], "strength": e["strength"]} for e in expected
    ]
    assert [r["figure_of"] for r in countries] == [e["figure_of"] for e in expected]
    # the day each figure was set, the total and the mission-wide figure: the API's
    answer = Tracker(served.db, create=False).strength(
        "MINUSMA", date.fromisoformat(on), by=["contributor"]
    )
    assert [r["figure_of"] for r in countries] == [row.since.isoformat() for row in answer.rows]
    (total,) = [r for r in rows if r["country"] == "Total"]
    assert total["strength"] == answer.total
    assert answer.figure_of is not None
    assert total["figure_of"] == answer.figure_of.isoformat()
    assert f"{answer.contributors} contributor(s) present" in str(total["note"])
    reported = [r for r in rows if r["country"] == "Reported for the whole mission"]
    assert answer.reported_total is not None
    assert reported[0]["sources"] == answer.reported_total.event_id
    # names beside the codes; every figure's events, which open their audit rows
    assert {"contributor": "DEU", "country": "Germany"}.items() <= next(
        r for r in countries if r["contributor"] == "DEU"
    ).items()
    assert all(str(r["sources"]).startswith("MINUSMA/") for r in countries)


@pytest.mark.parametrize("on", ["2018-06-30", "2023-09-30", "2022-11-30"])
def test_a_month_with_no_un_report_is_said_as_the_cli_says_it(served: Server, on: str) -> None:
    """The pages showed the total of a gap month with no word of the gap; now a last row says
    what the CLI's note says, and the sources come in order."""
    table = CliRunner().invoke(cli, ["--db", str(served.db), "strength", "MINUSMA", "--on", on])
    said = [line.strip() for line in table.output.splitlines() if "no UN report for" in line]
    for page in ("strength_by_contributor", "strength_by_location"):
        rows = served.rows(f"/strength/{page}.json?mission=MINUSMA&_shape=array&on={on}")
        gap = [
            r for r in rows if "Since the last UN report" in (r.get("country"), r.get("location"))
        ]
        assert [r["note"] for r in gap] == said
    for row in served.rows(BY_CONTRIBUTOR + on):
        ids = str(row["sources"]).split()
        assert ids == sorted(ids)


def test_strength_by_location_matches_the_cli(served: Server) -> None:
    rows = served.rows(
        "/strength/strength_by_location.json?mission=MINUSMA&on=2023-06-30&_shape=array"
    )
    places = [r for r in rows if r["location"] != "Total"]
    expected = cli_json(served.db, "strength", "MINUSMA", "--on", "2023-06-30", "--by", "location")
    assert isinstance(expected, list)
    assert [{"location": r["location"], "strength": r["strength"]} for r in places] == [
        {"location": e["location"], "strength": e["strength"]} for e in expected
    ]
    # the UN's figures give no place: everything is unassigned, and said to be
    assert [r["location"] for r in places] == [None]
    unassigned = next(r for r in places if r["location"] is None)
    assert "unassigned" in str(unassigned["note"])


@pytest.mark.parametrize(
    ("on", "said"),
    [
        (
            "30/06/2018",
            "on: '30/06/2018' is not a date: write it as YYYY-MM-DD, such as 2018-06-30",
        ),
        ("2023-02-30", "on: '2023-02-30' is not a real day: give a date as YYYY-MM-DD"),
        ("0025-01-01", "on: '0025-01-01': give a date from 1945-01-01 to 2099-12-31"),
    ],
)
def test_a_bad_date_is_an_error_never_the_latest_state(served: Server, on: str, said: str) -> None:
    status, body = served.get(BY_CONTRIBUTOR + quote(on))
    assert (status, json.loads(body)["error"]) == (400, said)
    # the page says so, and shows no figures at all
    status, page = served.get("/strength/strength_by_contributor?mission=MINUSMA&on=" + quote(on))
    assert status == 400
    assert said.replace("'", "&#39;") in page
    assert "0 results" in page
    assert "MINUSMA/DEU/" not in page


def test_an_unknown_mission_is_named(served: Server) -> None:
    status, body = served.get(BY_CONTRIBUTOR.replace("MINUSMA", "MINUSMX") + "2013-12-31")
    assert (status, json.loads(body)["error"]) == (
        400,
        "mission: 'MINUSMX' is not a mission of this store: the missions with figures are MINUSMA",
    )


def test_parameters_left_out_get_their_defaults(served: Server) -> None:
    status, page = served.get("/strength/strength_by_contributor")
    assert status == 200
    # the latest month end with a figure above 0 (the UN's liquidation remnant of 2024-10)
    assert 'name="on" value="2024-10-31"' in page
    assert 'value="MINUSMA"' in page
    status, page = served.get("/audit/audit_search")
    assert (status, "message-error" in page) == (200, False)  # a form to fill, not a mistake


def test_announcements_take_a_name_and_give_the_status(served: Server) -> None:
    rows = served.rows(
        "/announcements/announcements_of.json?mission=MINUSMA&contributor=Germany"
        "&on=2023-06-30&_shape=array"
    )
    expected = cli_json(
        served.db, "announcements", "MINUSMA", "--contributor", "DEU", "--on", "2023-06-30"
    )
    assert isinstance(expected, list)
    assert expected
    assert [(r["event_id"], r["status"], r["country"]) for r in rows] == [
        (e["event_id"], e["status"], "Germany") for e in expected
    ]
    status, body = served.get(
        "/announcements/announcements_of.json?mission=MINUSMA&contributor=Germny&on=2023-06-30"
    )
    assert (status, json.loads(body)["error"]) == (
        400,
        "contributor: unknown country 'Germny': give an ISO 3166 alpha-3 code such as 'CIV' "
        "or a country name",
    )


def test_search_takes_quotes_and_apostrophes(served: Server) -> None:
    found = served.rows("/audit/audit_search.json?_shape=array&q=" + quote("Côte d'Ivoire"))
    rows = [r for r in found if r["kind"] != "note"]  # the notes first (issue 27: cut at 100)
    expected = cli_json(served.db, "search", "Côte d'Ivoire", "--limit", "100")
    assert isinstance(expected, list)
    assert expected
    assert [r["event_id"] for r in rows] == [e["event_id"] for e in expected]
    phrase = served.rows("/audit/audit_search.json?_shape=array&q=" + quote('"46 stayed"'))
    detained = cli_json(served.db, "search", '"46 stayed"')
    assert isinstance(detained, list)
    assert [r["event_id"] for r in phrase] == [e["event_id"] for e in detained]
    assert len(phrase) == 1
    status, body = served.get("/audit/audit_search.json?q=" + quote('"46 stayed'))
    assert status == 400
    assert "close every double quote" in json.loads(body)["error"]


def test_an_event_id_opens_its_audit_row_with_its_source(served: Server) -> None:
    status, page = served.get("/strength/strength_by_contributor?mission=MINUSMA&on=2013-12-31")
    assert status == 200
    assert '<a href="/-/event/MINUSMA/DEU/10">MINUSMA/DEU/10</a>' in page
    status, row = served.get("/-/event/MINUSMA/DEU/10")
    assert status == 200
    assert "audit_events" in row
    assert "Contribution of Uniformed Personnel" in row
    # the UN's own file and line the figure comes from
    assert "un_contributions_by_mission_country_2009-11_2013-12.csv, line" in row
    assert str(ROOT) not in row
    status, _ = served.get("/-/event/MINUSMA/XXX/1")
    assert status == 404


def test_the_browsed_table_is_the_current_state(served: Server) -> None:
    # strength_current sums to the CLI's answer on a date; the bitemporal table does not
    day = "2023-06-30"
    where = f"valid_from <= '{day}' and (valid_to is null or valid_to > '{day}')"
    sql = "select sum(strength) as s from {table} where contributor = 'DEU' and " + where
    current = served.rows(
        "/strength.json?_shape=array&sql=" + quote(sql.format(table="strength_current"))
    )
    every = served.rows(
        "/strength.json?_shape=array&sql=" + quote(sql.format(table="strength_intervals"))
    )
    expected = cli_json(served.db, "strength", "MINUSMA", "--on", day, "--by", "contributor")
    assert isinstance(expected, list)
    deu = next(e["strength"] for e in expected if e["contributor"] == "DEU")
    assert current == [{"s": deu}]
    assert every[0]["s"] != deu  # superseded rows: why it is the expert's table


def test_bookkeeping_is_hidden_and_no_file_path_is_shown(served: Server) -> None:
    status, body = served.get("/strength.json")
    tables = {t["name"]: t["hidden"] for t in json.loads(body)["tables"]}
    for bookkeeping in ("_tracking", "_projection", "strength_dirty", "strength_derived"):
        assert tables[bookkeeping] is True, bookkeeping
    assert [
        name for name, hidden in tables.items() if name.startswith("_strength_box") and not hidden
    ] == []
    assert tables["strength_intervals"] is False
    assert "strength_current" in {v["name"] for v in json.loads(body)["views"]}
    folder = str(served.db.parent)
    pages = [
        "/",
        "/strength",
        "/audit",
        "/-/databases.json",
        "/-/plugins.json",
        "/-/metadata.json",
        "/-/versions.json",
        "/_internal/databases.json",
        "/strength.json?sql=" + quote("select * from pragma_database_list"),
        "/audit.json?sql=" + quote("select * from pragma_database_list()"),
        "/strength/strength_by_contributor.json?mission=MINUSMA&on=2013-12-31",
    ]
    for path in pages:
        status, body = served.get(path)
        assert folder not in body, path
        assert "tracker.strength.db" not in body, path
    status, body = served.get(
        "/strength.json?_shape=array&sql=" + quote("select * from pragma_database_list")
    )
    assert (status, json.loads(body)) == (200, [])


def test_the_licence_names_the_sources_and_claims_no_open_licence(served: Server) -> None:
    _status, page = served.get("/")
    assert "UN&#39;s terms of use" in page or "UN's terms of use" in page
    assert "Cil, Fjelde, Hultman &amp; Nilsson" in page
    assert "Geo-PKO v2.3" in page
    assert "Providing for Peacekeeping" in page
    assert "no open licence" in page
    assert "CC-BY" not in page
    assert "Creative Commons" not in page


def test_the_server_follows_new_events_and_a_rebuilt_view(tmp_path: Path) -> None:
    server = start_server(seeded_store(tmp_path))
    try:
        # a month with no UN breakdown (2014-09..12): a figure recorded for it counts
        day = "2014-10-31"

        def api_figure() -> int | None:
            api = Tracker(server.db, create=False)
            rows = api.strength("MINUSMA", date.fromisoformat(day), ["contributor"]).rows
            api.close()
            return next(r.strength for r in rows if r.contributor == "DEU")

        before = api_figure()
        deu = [r for r in server.rows(BY_CONTRIBUTOR + day) if r["contributor"] == "DEU"]
        assert deu[0]["strength"] == before
        # a stale view file, then a rebuild renames a new file into place: the server reads it
        with sqlite3.connect(tmp_path / "tracker.strength.db") as conn:
            conn.execute("UPDATE strength_intervals SET strength = 99999 WHERE contributor = 'DEU'")
        tampered = [r for r in server.rows(BY_CONTRIBUTOR + day) if r["contributor"] == "DEU"]
        assert tampered[0]["strength"] >= 99999  # the server reads the file live
        rebuilt = CliRunner().invoke(
            cli, ["--db", str(server.db), "projections", "rebuild", "strength"]
        )
        assert rebuilt.exit_code == 0, rebuilt.output
        again = [r for r in server.rows(BY_CONTRIBUTOR + day) if r["contributor"] == "DEU"]
        assert again[0]["strength"] == before
        # a new event, recorded by another process: shown without a restart
        recorded = subprocess.run(
            [
                sys.executable,
                "-m",
                "tracker",
                "--db",
                str(server.db),
                "record",
                "strength-reported",
                "--mission",
                "MINUSMA",
                "--contributor",
                "Germany",
                "--valid",
                day,
                "--strength",
                "70",
                "--personnel-type",
                "troops",
                "--source-title",
                "Test",
                "--published-on",
                day,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert recorded.returncode == 0, recorded.stderr
        after = [r for r in server.rows(BY_CONTRIBUTOR + day) if r["contributor"] == "DEU"]
        assert after[0]["strength"] == api_figure() != before
        # and one written through the Python API, which leaves the views behind: caught up
        api = Tracker(server.db, create=False)
        api.report_strength(
            mission="MINUSMA",
            contributor="DEU",
            valid=day,
            strength=80,
            personnel_type="troops",
            source={"title": "Test", "published_on": day},
        )
        api.close()
        last = [r for r in server.rows(BY_CONTRIBUTOR + day) if r["contributor"] == "DEU"]
        assert last[0]["strength"] == api_figure() != after[0]["strength"]
        assert "Traceback" not in server.log()
        assert "warning" not in server.log()
    finally:
        stop_server(server)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_server_and_frees_its_port(tmp_path: Path, stop: signal.Signals) -> None:
    server = start_server(seeded_store(tmp_path))
    assert server.get("/")[0] == 200
    server.process.send_signal(stop)
    server.process.wait(timeout=30)
    err = server.log()
    assert server.process.returncode == 0, err
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", server.port), timeout=2),
    ):
        pass
    assert "Traceback" not in err


def test_a_port_in_use_is_a_one_line_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            cli, ["--db", str(seeded_store(tmp_path)), "serve", "--port", str(port)]
        )
    assert result.exit_code == 2
    assert result.output == (
        f"Error: cannot serve on 127.0.0.1:{port}: Address already in use - choose another --port\n"
    )

"""Hardening, round 3, item 9 (in part): the web view's SQL is bounded in memory as in time
(a value past 10 MB is refused at once, not built: ``select hex(zeroblob(150000000))`` took
1.5 GB and 14 s), and the paths that answered 500 with a traceback answer without one."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.test_hardening_follow_serve import raw_get
from tests.test_web import Server, seeded_store, start_server, stop_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(seeded_store(tmp_path_factory.mktemp("weblimits")))
    yield server
    stop_server(server)


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1])


def test_a_huge_value_is_refused_at_once_without_the_memory(served: Server) -> None:
    before = _rss_kb(served.process.pid)
    sql = quote("select hex(zeroblob(150000000))")
    started = time.perf_counter()
    status, body = raw_get(served, f"/strength.json?sql={sql}")
    took = time.perf_counter() - started
    assert status == 400, body[:300]
    assert "too big" in body
    assert took < 5, f"{took:.1f} s"
    assert _rss_kb(served.process.pid) - before < 200_000  # not the 1.5 GB it took
    assert "Traceback" not in body


@pytest.mark.parametrize("path", ["//-/databases.json", "/-/static-plugins/x/../.."])
def test_paths_that_failed_answer_without_a_traceback(served: Server, path: str) -> None:
    status, body = raw_get(served, path)
    assert status < 500, body[:300]
    assert "Traceback" not in body
    time.sleep(0.2)
    assert "Traceback" not in served.log()


def test_the_canned_pages_still_answer(served: Server) -> None:
    status, _ = served.get("/strength/strength_by_contributor?mission=MINUSMA&on=2022-11-30")
    assert status == 200


def test_heavy_queries_hold_a_canned_page_back_a_bounded_time(served: Server) -> None:
    """Five queries that would run for minutes are each stopped at the time limit, so a canned
    page asked after them waits at most five limits (a worker pool is not there yet: the
    queries run one at a time, in the server's thread)."""
    import threading

    from tracker.faces.web import SQL_TIME_LIMIT_MS

    heavy = quote(
        "with recursive n(i) as (select 1 union all select i + 1 from n) "
        "select count(*) from n where i < 1000000000"
    )
    answers: list[int] = []
    threads = [
        threading.Thread(
            target=lambda: answers.append(raw_get(served, f"/strength.json?sql={heavy}")[0])
        )
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # they are queued first
    started = time.perf_counter()
    status, _ = served.get("/strength/strength_by_contributor?mission=MINUSMA&on=2022-11-30")
    waited = time.perf_counter() - started
    for thread in threads:
        thread.join(timeout=60)
    assert status == 200
    assert sorted(answers) == [400] * 5  # each stopped at the limit, said as an error
    assert waited < 5 * SQL_TIME_LIMIT_MS / 1000 + 3, f"{waited:.1f} s"

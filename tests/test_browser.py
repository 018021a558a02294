"""The web view in a real browser (Debian's headless Chromium, driven by Selenium), as a person
uses it: the home page, each question with a good and a bad date, a filled form, a search with
an apostrophe, a source followed from a result to its audit row. Screenshots are kept in the
test's folder and copied to /tmp/web-screenshots/ for review."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.test_web import Server, seeded_store, start_server, stop_server
from tracker import Tracker

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SHOTS = Path("/tmp/web-screenshots")
# No network here: without these Chromium keeps trying to reach its services.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1600",
)


def _missing() -> str | None:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            return f"{path} is missing (apt-get install chromium chromium-driver; .ci/run does)"
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install --group test)"
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    missing = _missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium')}")
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    served = start_server(seeded_store(tmp_path_factory.mktemp("browser")))
    yield served
    stop_server(served)


def shot(driver: Any, folder: Path, name: str) -> Path:
    """A screenshot of the whole page, kept and copied for review."""
    width = driver.execute_script("return document.body.scrollWidth")
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(max(width, 1280), min(max(height, 800), 4000))
    path = folder / f"{name}.png"
    driver.save_screenshot(str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)
    driver.set_window_size(1280, 1600)
    return path


def text(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return str(driver.find_element(By.TAG_NAME, "body").text)


def result_rows(driver: Any) -> list[list[str]]:
    from selenium.webdriver.common.by import By

    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in driver.find_elements(By.CSS_SELECTOR, "table.rows-and-columns tbody tr")
    ]


def click(driver: Any, element: Any) -> None:
    """Click ``element`` and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(driver, 20).until(expected_conditions.staleness_of(page))


def ask(driver: Any, fields: dict[str, str]) -> None:
    """Fill the query form's fields as a person would, and submit it."""
    from selenium.webdriver.common.by import By

    for name, value in fields.items():
        box = driver.find_element(By.CSS_SELECTOR, f"form.sql input[name='{name}']")
        box.clear()
        box.send_keys(value)
    click(driver, driver.find_element(By.CSS_SELECTOR, "form.sql input[type='submit']"))


def test_a_person_uses_the_web_view(browser: Any, server: Server, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    # The home page says what the site answers, one link per question
    browser.get(server.url + "/")
    home = text(browser)
    assert "Questions this site answers" in home
    assert "Sources and terms of use" in home
    questions = browser.find_elements(By.CSS_SELECTOR, "ul.tracker-questions a")
    links = {a.text: a.get_attribute("href") for a in questions}
    assert len(links) == 4, links
    shot(browser, tmp_path, "home")

    # Each strength question: defaults first, then a good date, then a bad one
    for question in ("strength by contributing country", "Where were the personnel"):
        browser.get(server.url + "/")
        click(browser, browser.find_element(By.PARTIAL_LINK_TEXT, question))
        assert "on=2024-10-31" in browser.current_url  # the latest month end with figures
        assert result_rows(browser)
        ask(browser, {"on": "2013-12-31"})
        rows = result_rows(browser)
        total = next(row for row in rows if "Total" in row)
        assert "6439" in total
        ask(browser, {"on": "30/06/2018"})
        page = text(browser)
        assert "on: '30/06/2018' is not a date: write it as YYYY-MM-DD, such as 2018-06-30" in page
        assert result_rows(browser) == []  # never the latest state
        assert "0 results" in page
    shot(browser, tmp_path, "bad-date")

    # Announcements: a country by name, a date of status; then a date that is not one
    (url,) = [href for label, href in links.items() if "announce" in label]
    browser.get(url)
    ask(browser, {"contributor": "Germany", "on": "2023-06-30"})
    rows = result_rows(browser)
    # the suspension of August 2022, lifted in September (a sourced resumption), and the full
    # withdrawal: the ledger's own statuses, as the Python API gives them
    ledger = Tracker(server.db, create=False).announcements(
        "MINUSMA", contributor="DEU", on=date(2023, 6, 30)
    )
    assert [s.status for s in ledger][:1] == ["lifted"]
    assert [row[1:4] for row in rows] == [["DEU", "Germany", s.status] for s in ledger]
    ask(browser, {"on": "2023-13-01"})
    assert "on: '2023-13-01' is not a real day" in text(browser)
    assert result_rows(browser) == []

    # A search with an apostrophe finds Côte d'Ivoire's events, with no FTS5 error
    (url,) = [href for label, href in links.items() if "come from" in label]
    browser.get(url)
    ask(browser, {"q": "Côte d'Ivoire"})
    found = result_rows(browser)
    assert found
    assert any(row[1].startswith("MINUSMA/CIV/") for row in found)
    assert "syntax error" not in text(browser)
    shot(browser, tmp_path, "search")

    # From a result row, its source: the event id opens the audit row with title and address
    browser.get(server.url + "/strength/strength_by_contributor?mission=MINUSMA&on=2013-12-31")
    shot(browser, tmp_path, "strength-by-contributor")
    click(browser, browser.find_element(By.LINK_TEXT, "MINUSMA/DEU/10"))
    audit = text(browser)
    assert "/audit/audit_events/" in browser.current_url
    assert "MINUSMA/DEU/10" in audit
    assert "What it says\nstrength 6 individual police" in audit
    assert (
        "Contribution of Uniformed Personnel to UN by Mission, Country and Personnel Type" in audit
    )
    assert browser.find_element(By.PARTIAL_LINK_TEXT, "https://github.com/IPIDataLab")
    shot(browser, tmp_path, "audit-row")

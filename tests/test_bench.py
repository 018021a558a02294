"""The benchmark harness (bench/): the generator is deterministic and every event it makes passes
the product's own import; a tiny run of the harness writes every key bench/results.json needs."""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from tracker import Tracker

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_KEYS = (
    "events",
    "import_events_per_s",
    "import_ratio_vs_raw",
    "rebuild_events_per_s",
    "rebuild_ratio_vs_raw",
    "asof_p50_ms",
    "asof_p99_ms",
    "asof_speedup_vs_duckdb",
    "knownat_p99_ms",
    "catchup_ms",
    "import_peak_rss_mb",
    "rebuild_peak_rss_mb",
    "cost_growth_1m_vs_100k",
    "cli_strength_s",
    # issue 19: the peers in the same run, and the real record
    "import_vs_library_save",
    "rebuild_vs_library_read",
    "cli_vs_python_start",
    "pdf_vs_pdfplumber",
    "real_import_s",
    "real_views_s",
    # what the design itself costs: the floors (bench/floors.py)
    "import_floor_vs_library_save",
    "import_floor_unchecked_vs_library_save_cpu",
    "rebuild_floor_vs_library_read",
    # issue 25: the seeds into a new store, the real record against the library, its views
    "seed_all_s",
    "seed_minusma_s",
    "seed_all_library_save_s",
    "seed_minusma_library_save_s",
    "real_import_vs_library_save",
    "real_library_save_s",
    "real_views_events_per_s",
    "real_strength_rebuild_events_per_s",
)


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


generate = bench_module("generate").generate


def generated(events: int, seed: int = 1) -> list[str]:
    out = io.StringIO()
    assert generate(events, out, seed) == events
    return out.getvalue().splitlines()


def test_generator_is_deterministic_by_seed() -> None:
    first = generated(2000)
    assert len(first) == 2000
    assert generated(2000) == first
    assert generated(2000, seed=2) != first
    # made-up missions only: nothing is presented as real
    assert {json.loads(line)["mission"] for line in first} <= {f"TEST{n:02d}" for n in range(1, 16)}


def test_generated_events_pass_the_real_import(tmp_path: Path) -> None:
    lines = generated(4000)
    tracker = Tracker(tmp_path / "bench.db")
    result = tracker.import_events(lines, "generated.jsonl")
    assert result.count == 4000
    assert {"StrengthReported", "Deployed", "Withdrawn", "DeploymentAnnounced"} <= set(result.kinds)
    events = [json.loads(line) for line in lines]
    assert any("corrects" in e for e in events)  # corrections
    latest: dict[tuple[str, str], str] = {}
    backdated = 0
    for e in events:
        if e["type"] in ("strength-reported", "deployed", "withdrawn", "moved"):
            key = (e["mission"], e["contributor"])
            backdated += e["valid"] < latest.get(key, "")
            latest[key] = max(latest.get(key, ""), e["valid"])
    assert backdated > 0
    answer = tracker.strength("TEST01", date(2000, 12, 31), by=["contributor"])
    assert answer.rows


def test_a_tiny_run_of_the_harness_writes_every_key(tmp_path: Path) -> None:
    pytest.importorskip("duckdb", reason="the harness compares with DuckDB: make bench installs it")
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "2000",
            *("--samples", "8", "--appends", "1", "--repeats", "1", "--cli-runs", "2"),
            *("--real-pdfs", "1", "--real-missions", "MINUSMA"),
            *("--quiet", "--out", str(out)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text())
    assert set(REQUIRED_KEYS) <= set(results)
    assert results["events"] == 2000
    assert results["duckdb_mismatches"] == 0  # DuckDB's answers equal the tracker's
    assert results["real_duckdb_mismatches"] == 0  # on the real record too
    assert results["real_duckdb_checked_answers"] == 8
    assert results["stored_rows"] > results["events"]  # every stream's opening is stored too
    assert results["import_vs_library_save"] > 0
    # the floors did the same work as the product: every event, every row of the view
    assert results["runs"]["2000"]["import_floor_parts_cpu_s"]["check"] > 0
    assert results["rebuild_floor_rows"] > results["events"]
    assert results["rebuild_floor_s"] > results["rebuild_floor_write_s"] > 0
    assert results["pdf_vs_pdfplumber"] > 0
    # the seeds: the whole record holds more rows than MINUSMA's alone, each with its peer
    assert results["seed_all_rows"] > results["seed_minusma_rows"] > 0
    assert results["seed_minusma_library_save_s"] > 0
    # the library saved the very rows the real record's import stored (events and openings)
    assert results["real_record"]["library_save_rows"] > results["real_events"]
    assert results["real_views_events_per_s"] == results["real_events"] / results["real_views_s"]
    assert results["targets"]["real_views_events_per_s"] in ("ok", "MISSED")
    assert results["cost_growth_1m_vs_100k"] is None  # only one size ran
    assert "import / raw" in done.stdout  # the table


def test_the_catch_up_step_runs_again_on_the_same_store(tmp_path: Path) -> None:
    """A second catch-up on a store that had one asks each cell's level where it appends
    (it used to carry the level from before the first run, and refused its own answers)."""
    lines = generated(2000)
    store = tmp_path / "bench.db"
    tracker = Tracker(store)
    tracker.import_events(lines, "generated.jsonl")
    tracker.close()
    counts: dict[str, int] = {}
    for line in lines:
        event = json.loads(line)
        if event["type"] in ("strength-reported", "deployed", "withdrawn", "moved"):
            counts[event["mission"]] = counts.get(event["mission"], 0) + 1
    mission = min(counts, key=lambda m: (-counts[m], m))  # as the queries step picks it
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        *("--step", "catchup", "--store", str(store), "--mission", mission),
        *("--appends", "2", "--repeats", "1"),
    ]
    for _ in range(2):
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr + done.stdout
        assert json.loads(done.stdout)["mission"] == mission

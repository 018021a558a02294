"""The plain formats every answer can take: CSV (safe in a spreadsheet, blanks only for
unknown figures), JSON (one array) and NDJSON (one object a line), and how a stamp travels
with them without breaking a loader: as columns of every row (CSV, NDJSON) or, asked for, a
JSON envelope ``{"stamp": ..., "rows": [...]}``."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "ndjson")
STAMP_COLUMNS = ("log_position", "chain_hash", "view_version")


def as_json(records: Any) -> str:
    """JSON; dates as ISO dates (YYYY-MM-DD)."""
    return json.dumps(records, ensure_ascii=False, default=_iso)


def _iso(value: Any) -> str:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def as_csv(records: list[dict[str, Any]], fields: list[str] | None = None) -> str:
    """CSV of plain records (header first); text a spreadsheet would run as a formula is
    quoted, and an unknown figure is an empty cell."""
    names = fields if fields is not None else list(records[0]) if records else []
    if not names:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for record in records:
        writer.writerow({k: "" if v is None else _safe_cell(v) for k, v in record.items()})
    return out.getvalue()


def _safe_cell(value: Any) -> Any:
    """Keep spreadsheet programs from running a field as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_ndjson(records: list[dict[str, Any]]) -> str:
    """One JSON object a line."""
    return "".join(as_json(record) + "\n" for record in records)


def stamped(records: list[dict[str, Any]], stamp: dict[str, Any]) -> list[dict[str, Any]]:
    """Every record with the stamp's log position, chain hash and view version beside it."""
    extra = {
        "log_position": stamp.get("log_position"),
        "chain_hash": stamp.get("chain_hash"),
        "view_version": stamp.get("version"),
    }
    return [{**record, **extra} for record in records]


def write_records(
    out: TextIO,
    records: list[dict[str, Any]],
    fmt: str,
    stamp: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> None:
    """Write plain records as CSV, JSON or NDJSON; with a stamp: columns of every row (CSV,
    NDJSON) or an envelope (JSON)."""
    if fmt == "json":
        out.write(as_json(records if stamp is None else {"stamp": stamp, "rows": records}) + "\n")
        return
    if stamp is not None:
        records = stamped(records, stamp)
        fields = [*fields, *STAMP_COLUMNS] if fields is not None else None
    if fmt == "ndjson":
        out.write(as_ndjson(records))
    else:
        out.write(as_csv(records, fields))


def sidecar(path: str) -> str:
    """Where the stamp of an export written to ``path`` goes: beside it."""
    return f"{path}.stamp.json"

"""Where a record sits in its file, for error messages.

Only called on the error path, so a plain Python scan is fine: DuckDB's readers
do not report line numbers, and a CSV record with a quoted multi-line cell (an
XML `EventData`) makes row index and line number differ.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path


def record_line(path: Path, kind: str, index: int) -> int | None:
    """1-based line where data record *index* (0-based) starts; None for Parquet."""
    if kind == "csv":
        return _csv_line(path, index)
    if kind == "json":
        return _json_line(path, index)
    return None


def _csv_line(path: Path, index: int) -> int | None:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        start = 1
        record = -1  # the header is record -1
        for row in reader:
            if row or record < 0:
                if record == index:
                    return start
                record += 1
            start = reader.line_num + 1
    return None


def _json_line(path: Path, index: int) -> int | None:
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if not stripped.startswith("["):
        # JSON lines: one record per non-blank line.
        count = -1
        for number, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                count += 1
                if count == index:
                    return number
        return None
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    for current in range(index + 1):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if current == index:
            return text.count("\n", 0, pos) + 1
        _, pos = decoder.raw_decode(text, pos)
    return None

"""Expected against actual rows as text: `-` expected but not found, `+` found but not
expected, two spaces for rows that matched. Plain text so the same lines go to the
terminal (coloured there) and into JUnit failure bodies."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sentinel_deploy.objects.query_result import QueryResult
from sentinel_deploy.testing.cases import Expectation
from sentinel_deploy.testing.matching import Verdict

MAX_ROWS = 20
MAX_CELL = 80


def diff_lines(expect: Expectation, result: QueryResult, verdict: Verdict) -> list[str]:
    actual = result.as_dicts()
    if expect.rows is None or verdict.missing_columns:
        return _listing(actual, result.column_names())
    columns = list(dict.fromkeys(k for row in expect.rows for k in row))
    lines = [f"  columns compared: {', '.join(columns)}"
             + ("  (order matters)" if expect.ordered else "")]
    matched = set(verdict.pairs.values())
    body: list[str] = []
    for i, row in enumerate(expect.rows):
        mark = "  " if i in verdict.pairs else "- "
        body.append(mark + _render(row, list(row)))
    for j, row in enumerate(actual):
        if j not in matched:
            body.append("+ " + _render(row, columns))
    lines += body[:MAX_ROWS]
    if len(body) > MAX_ROWS:
        lines.append(f"  … {len(body) - MAX_ROWS} more line(s)")
    return lines


def _listing(rows: list[dict[str, Any]], columns: list[str]) -> list[str]:
    if not rows:
        return ["  (the result is empty)"]
    lines = [f"  result rows (non-empty columns of {len(columns)}):"]
    lines += ["+ " + _render(row, [c for c in columns if row.get(c) not in (None, "")])
              for row in rows[:MAX_ROWS]]
    if len(rows) > MAX_ROWS:
        lines.append(f"  … {len(rows) - MAX_ROWS} more row(s)")
    return lines


def _render(row: dict[str, Any], columns: list[str]) -> str:
    return "  ".join(f"{c}={cell(row.get(c))}" for c in columns)


def cell(value: Any) -> str:
    if value is None:
        text = "null"
    elif isinstance(value, datetime):
        value = value.astimezone(UTC) if value.tzinfo else value
        text = value.strftime("%Y-%m-%dT%H:%M:%S.%f").rstrip("0").rstrip(".") + "Z"
    elif isinstance(value, dict | list):
        text = json.dumps(value, separators=(",", ":"))
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    if text == "" or text != text.strip() or " " in text:
        text = json.dumps(text)  # quote so a trailing space or an empty value is visible
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"

"""A test case's rows into a LocalWorkspace, with errors pointing into the case file.

Inline rows go through a temporary JSON-lines file so they convert exactly as
data files do (the engine's typed loader), and are loaded leniently so each
bad value comes back as a Diagnostic with its column; it is then turned into
an error naming the case file, the row's line and the field. A data file is
loaded strictly through a temporary link named `<Table>__case.<ext>` (the
loader routes files by name), and its errors are re-pointed at the real file.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity, UserError
from sentinel_deploy.testing.cases import TestCase


def load_case_data(ws: LocalWorkspace, case: TestCase) -> list[Diagnostic]:
    """Load every table of *case*; return warnings (unknown columns and the like)."""
    warnings: list[Diagnostic] = []
    if case.data_dir is not None:
        warnings += ws.load_dir(case.data_dir)
    with tempfile.TemporaryDirectory(prefix="sd-case-") as tmp:
        for table, source in case.tables.items():
            if isinstance(source, Path):
                warnings += _load_file(ws, table, source, Path(tmp))
            else:
                warnings += _load_rows(ws, case, table, source, Path(tmp))
    for file in case.watchlists:
        ws.load_watchlist(file)
    return warnings


def _load_file(ws: LocalWorkspace, table: str, source: Path, tmp: Path) -> list[Diagnostic]:
    link = tmp / f"{table}__case{source.suffix.lower()}"
    try:
        os.symlink(source, link)
    except OSError:
        shutil.copyfile(source, link)
    try:
        found = ws.load_file(link)
    except UserError as exc:
        raise UserError(exc.message, file=source, line=exc.line, hint=exc.hint) from None
    return [_relocated(w, source) for w in found]


def _load_rows(ws: LocalWorkspace, case: TestCase, table: str, rows: list[dict[str, Any]],
               tmp: Path) -> list[Diagnostic]:
    if not rows:
        ws.load_rows(table, [])
        return []
    file = tmp / f"{table}__case.jsonl"
    with file.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, default=_json_value) + "\n")
    try:
        found = ws.load_file(file, lenient=True)
    except UserError as exc:
        raise UserError(f"data.{table}: {exc.message}", file=case.file,
                        line=case.line_of(f"data.{table}"), hint=exc.hint) from None
    warnings: list[Diagnostic] = []
    for w in found:
        if w.code == "LOCAL_BAD_VALUE" and w.line is not None:
            # JSON lines: line N of the temporary file is row N-1 of the case.
            index = w.line - 1
            key = _key_for(rows[index], w.field)
            path = f"data.{table}[{index}]" + (f".{key}" if key else "")
            value = rows[index].get(key) if key else None
            raise UserError(
                f"{path}: {value!r} is not a valid {_type_in(w.message)} for "
                f"{table}.{w.field}",
                file=case.file, line=case.line_of(path),
                hint="fix the value; the column's type comes from the table catalog")
        warnings.append(Diagnostic(code=w.code, message=f"data.{table}: {w.message}",
                                   file=case.file, line=case.line_of(f"data.{table}"),
                                   severity=w.severity))
    return warnings


def _key_for(row: dict[str, Any], column: str | None) -> str | None:
    if column is None:
        return None
    if column in row:
        return column
    return next((k for k in row if k.lower() == column.lower()), column)


def _type_in(message: str) -> str:
    # "column 'X': 'v' is not a valid long (...)" -> "long"
    marker = "is not a valid "
    start = message.find(marker)
    return message[start + len(marker):].split(" ", 1)[0] if start >= 0 else "value"


def _relocated(warning: Diagnostic, file: Path) -> Diagnostic:
    return Diagnostic(code=warning.code, message=warning.message, file=file,
                      line=warning.line, field=warning.field,
                      severity=warning.severity or Severity.WARNING)


def _json_value(value: Any) -> Any:
    # YAML reads unquoted timestamps as datetime/date; keep them ISO text.
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)

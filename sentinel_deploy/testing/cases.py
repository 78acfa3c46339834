"""Test cases: one YAML file per case in `<rule>.tests/` beside the rule file.

    name: short title                      (default: the file name)
    description: why this case exists      (optional)
    now: 2024-05-01T12:00:00Z              (required: pins now()/ago() and the window's end)
    period: 10m                            (optional: the window's length; default queryPeriod)
    data:                                  (optional: no data = every table empty)
      DeviceProcessEvents:                 inline rows; any subset of the table's columns
        - {TimeGenerated: ..., FileName: mount}
      Syslog: syslog_rows.csv              or a data file next to the case (JSON/JSONL/CSV/Parquet)
    data: case_data/                       or a folder, loaded like `backtest --data`
    watchlists: [hosts.csv]                (optional: CSVs for _GetWatchlist; alias = file stem)
    expect:
      count: 2                             number of result rows
      rows:                                the result rows, on the columns named (any order)
        - {TargetProc: /proc/4242}
      ordered: true                        (optional: rows must come in this order)

Every structural problem is a UserError naming the file and line, so a bad case
is reported as one message and never reaches the engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sentinel_deploy.engine.naming import file_kind
from sentinel_deploy.input.yaml_source import SourceMap, decode_source, load_yaml_with_positions
from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.durations import DurationError, parse_duration

CASE_SUFFIXES = (".yaml", ".yml")
_TOP_KEYS = {"name", "description", "now", "period", "data", "watchlists", "expect"}
_EXPECT_KEYS = {"count", "rows", "ordered"}


@dataclass(slots=True)
class Expectation:
    count: int | None = None
    rows: list[dict[str, Any]] | None = None
    ordered: bool = False


@dataclass(slots=True)
class TestCase:
    __test__ = False  # not a pytest class, whatever its name

    file: Path
    name: str
    now: datetime
    expect: Expectation
    description: str = ""
    period: timedelta | None = None
    #: table -> inline rows, or -> a data file; see `data_dir` for a whole folder.
    tables: dict[str, list[dict[str, Any]] | Path] = field(default_factory=dict)
    data_dir: Path | None = None
    watchlists: list[Path] = field(default_factory=list)
    source_map: SourceMap = field(default_factory=SourceMap)

    def line_of(self, path: str) -> int | None:
        return self.source_map.line_of(path)


def case_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in CASE_SUFFIXES)


def load_case(file: Path) -> TestCase:
    text = decode_source(file.read_bytes(), file)
    data, smap = load_yaml_with_positions(text, file)

    def fail(message: str, path: str | None, hint: str | None = None) -> UserError:
        return UserError(message, file=file, line=smap.line_of(path) if path else 1, hint=hint)

    if not isinstance(data, dict):
        raise fail("a test case must be a YAML mapping with `now`, `data` and `expect`", None,
                   hint="see docs/testing.md for the case format")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} in a test case", unknown[0],
                   hint=f"keys are {', '.join(sorted(_TOP_KEYS))}")
    if "now" not in data:
        raise fail("the case has no `now`", None,
                   hint="add e.g. now: 2024-05-01T12:00:00Z (the instant the rule runs)")
    case = TestCase(
        file=file,
        name=str(data.get("name") or file.stem),
        description=str(data.get("description") or ""),
        now=_instant(data["now"], lambda m: fail(m, "now", hint="write an ISO 8601 instant "
                                                  "such as 2024-05-01T12:00:00Z")),
        expect=_expectation(data.get("expect"), fail),
        source_map=smap,
    )
    if data.get("period") is not None:
        try:
            case.period = parse_duration(data["period"])
        except DurationError as exc:
            raise fail(f"period: {exc}", "period", hint="write e.g. 10m, 1h, 1d") from None
    _data(case, data.get("data"), fail)
    for i, item in enumerate(_list(data.get("watchlists"), "watchlists", fail)):
        case.watchlists.append(_relative_file(file, item, f"watchlists[{i}]", fail, {"csv"}))
    return case


def _instant(value: Any, fail: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        parsed = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise fail(f"now: {value!r} is not a date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _expectation(value: Any, fail: Any) -> Expectation:
    if not isinstance(value, dict) or not ({"count", "rows"} & set(value)):
        raise fail("the case has no expectation", "expect" if value is not None else None,
                   hint="add `expect: {count: 0}` for no results, or `count` and/or `rows`")
    unknown = sorted(set(value) - _EXPECT_KEYS)
    if unknown:
        raise fail(f"unknown key {unknown[0]!r} under expect", f"expect.{unknown[0]}",
                   hint="expect takes count, rows and ordered")
    out = Expectation(ordered=bool(value.get("ordered", False)))
    count = value.get("count")
    if count is not None:
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise fail(f"expect.count must be a whole number ≥ 0, not {count!r}",
                       "expect.count")
        out.count = count
    if "rows" in value:
        rows = value["rows"] if value["rows"] is not None else []
        if not isinstance(rows, list) or not all(isinstance(r, dict) and r for r in rows):
            raise fail("expect.rows must be a list of mappings (column: value)", "expect.rows",
                       hint="e.g. rows: [{TargetProc: /proc/4242}]")
        out.rows = rows
    if out.count is not None and out.rows is not None and out.count != len(out.rows):
        raise fail(f"expect.count is {out.count} but expect.rows lists {len(out.rows)} row(s)",
                   "expect.count", hint="rows lists every result row; make the two agree")
    return out


def _data(case: TestCase, value: Any, fail: Any) -> None:
    if value is None:
        return
    if isinstance(value, str):
        folder = (case.file.parent / value).resolve()
        if not folder.is_dir():
            raise fail(f"data: folder {value!r} not found next to the case", "data",
                       hint="give a folder of data files, or a mapping table -> rows")
        case.data_dir = folder
        return
    if not isinstance(value, dict):
        raise fail("data must map table names to rows (or to a data file)", "data")
    for table, rows in value.items():
        path = f"data.{table}"
        if isinstance(rows, str):
            case.tables[table] = _relative_file(case.file, rows, path, fail, None)
        elif rows is None:
            case.tables[table] = []
        elif isinstance(rows, list) and all(isinstance(r, dict) for r in rows):
            case.tables[table] = rows
        else:
            raise fail(f"data.{table} must be a list of rows (mappings) or a data file name",
                       path, hint="e.g. - {TimeGenerated: 2024-05-01T11:00:00Z, Computer: pc1}")


def _list(value: Any, path: str, fail: Any) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(f"{path} must be a list", path)
    return value


def _relative_file(case_file: Path, name: Any, path: str, fail: Any,
                   kinds: set[str] | None) -> Path:
    target = (case_file.parent / str(name)).resolve()
    kind = file_kind(target)
    if kind is None or (kinds is not None and kind not in kinds):
        allowed = ", ".join(sorted(kinds)) if kinds else "csv, json, jsonl, parquet"
        raise fail(f"{path}: {name!r} is not a data file ({allowed})", path)
    if not target.is_file():
        raise fail(f"{path}: data file {name!r} not found next to the case", path,
                   hint=f"paths are relative to {case_file.parent}")
    return target

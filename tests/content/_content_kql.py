"""Run a detection's KQL over test-case rows with duckdb-kql (stand-in for `sentinel-deploy test`).

A test case is one YAML file beside its rule, in `<rule>.tests/`:

    name, description, now (pins now()/ago()), data: {Table: [rows] | "file.jsonl"},
    expect: {count: N, rows: [{Column: value}, ...]}

Tables are created typed from the packaged catalog (the schema files' columns), so
a column a row leaves out is null, as in a real workspace. Run this file to print
the seed-versus-shipped table of docs/content/T1564.013-seed-gaps.md.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb_kql
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULE_FILE = ROOT / "analytics" / "linux" / "bind_mount_hides_process.yaml"
CASES_DIR = RULE_FILE.with_suffix(".tests")
CATALOG = ROOT / "sentinel_deploy" / "data" / "catalog.json"

_DUCK = {
    "string": "VARCHAR", "int": "INTEGER", "long": "BIGINT", "real": "DOUBLE",
    "bool": "BOOLEAN", "datetime": "TIMESTAMPTZ", "timespan": "INTERVAL",
    "guid": "VARCHAR", "dynamic": "JSON",
}

# The seed's query exactly as published (../shared/seed/000_186620c61e349e53.txt).
SEED_QUERY = (Path(__file__).parent / "seed_T1564.013.kql").read_text(encoding="utf-8")


@dataclass
class Case:
    file: Path
    name: str
    now: datetime
    tables: dict[str, list[dict[str, Any]]]
    expect: dict[str, Any]

    @property
    def benign(self) -> bool:
        return self.expect.get("count") == 0


def as_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def table_columns(table: str) -> list[tuple[str, str]]:
    catalog = json.loads(CATALOG.read_text(encoding="utf-8"))
    return [(name, kql_type) for name, kql_type in catalog["tables"][table]["columns"]]


def load_case(file: Path) -> Case:
    doc = yaml.safe_load(file.read_text(encoding="utf-8"))
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, rows in doc["data"].items():
        if isinstance(rows, str):  # a data file relative to the case file
            lines = (file.parent / rows).read_text(encoding="utf-8").splitlines()
            rows = [json.loads(line) for line in lines if line.strip()]
        tables[table] = list(rows)
    return Case(file=file, name=doc["name"], now=as_datetime(doc["now"]), tables=tables,
                expect=doc.get("expect") or {})


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    return [load_case(f) for f in sorted(directory.glob("*.yaml"))]


def _cell(value: Any, kql_type: str) -> Any:
    if value is None:
        return None
    if kql_type == "datetime":
        return as_datetime(value)
    if kql_type == "dynamic":
        return value if isinstance(value, str) else json.dumps(value)
    return value


def connect(tables: dict[str, list[dict[str, Any]]],
            window: tuple[datetime, datetime] | None = None):
    """A duckdb-kql connection holding `tables`.

    `window` keeps the rows with start <= TimeGenerated <= end.
    """
    con = duckdb_kql.connect()
    for table, rows in tables.items():
        columns = table_columns(table)
        known = {name for name, _ in columns}
        for row in rows:
            unknown = set(row) - known
            if unknown:
                raise ValueError(f"{table} has no column(s) {sorted(unknown)}")
        if window is not None:
            start, end = window
            rows = [r for r in rows if start <= as_datetime(r["TimeGenerated"]) <= end]
        ddl = ", ".join(f'"{name}" {_DUCK[t]}' for name, t in columns)
        con.execute(f'CREATE TABLE "{table}" ({ddl})')
        if rows:
            marks = ", ".join("?" for _ in columns)
            con.executemany(f'INSERT INTO "{table}" VALUES ({marks})',
                            [[_cell(r.get(name), t) for name, t in columns] for r in rows])
    return con


def run(query: str, tables: dict[str, list[dict[str, Any]]], now: datetime,
        period: timedelta | None = None) -> list[dict[str, Any]]:
    window = (now - period, now) if period is not None else None
    con = connect(tables, window)
    rel = duckdb_kql.kql(con, query, query_now=now)
    names = rel.columns
    return [dict(zip(names, values, strict=True)) for values in rel.fetchall()]


def rendered_rule():
    """(query, queryPeriod) of the shipped rule, Jinja rendered by the project's loader."""
    from sentinel_deploy.input.rule_loader import load_rule_file

    doc = load_rule_file(RULE_FILE)
    if not doc.ok:
        raise AssertionError("\n".join(str(d) for d in doc.diagnostics))
    return doc.rule.query, doc.rule.queryPeriod


def _key(row: dict[str, Any]) -> tuple[Any, ...]:
    return (as_datetime(row["TimeGenerated"]), row["DeviceName"], row["ProcessCommandLine"])


def results_by_row(query: str, case: Case, period: timedelta | None = None
                   ) -> dict[tuple[Any, ...], list[dict[str, Any]]]:
    """The query's result rows over the case, keyed by the input row they came from.

    Both queries project TimeGenerated, DeviceName and ProcessCommandLine, which the
    test data keeps unique, so one run attributes every result to its row.
    """
    rows = case.tables.get("DeviceProcessEvents", [])
    keys = [_key(r) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError(f"{case.file.name}: rows must differ in time, device or command line")
    out: dict[tuple[Any, ...], list[dict[str, Any]]] = {k: [] for k in keys}
    for result in run(query, case.tables, case.now, period):
        out[_key(result)].append(result)
    return out


def gap_table() -> list[dict[str, Any]]:
    """One entry per DeviceProcessEvents row of every case: what the seed and the rule do."""
    query, period = rendered_rule()
    out = []
    for case in load_cases():
        seed_results = results_by_row(SEED_QUERY, case)
        rule_results = results_by_row(query, case, period)
        for row in case.tables.get("DeviceProcessEvents", []):
            seed = seed_results[_key(row)]
            ours = rule_results[_key(row)]
            out.append({
                "case": case.file.name,
                "command": row.get("ProcessCommandLine"),
                "file": row.get("FileName"),
                "expected": not case.benign,
                "seed": bool(seed),
                "seed_target": seed[0]["TargetProc"] if seed else "",
                "rule": bool(ours),
                "rule_target": ours[0]["TargetProc"] if ours else "",
            })
    return out


def _markdown(entries: list[dict[str, Any]]) -> str:
    def cell(fires: bool, target: str) -> str:
        return ("fires" + (f" `{target}`" if target else "")) if fires else "-"

    lines = ["| case | FileName | ProcessCommandLine | expected | seed | shipped rule |",
             "|---|---|---|---|---|---|"]
    for e in entries:
        cmd = str(e["command"]).replace("|", "\\|")
        seed = cell(e["seed"], e["seed_target"])
        rule = cell(e["rule"], e["rule_target"])
        expected = "fire" if e["expected"] else "quiet"
        if "time_scoping" in e["case"]:
            expected = "quiet (older than 1h)"
            seed += " (its 24h window)"
        elif e["seed"] != e["expected"]:
            seed = f"**{seed}** ✗"
        elif e["seed"] and e["seed_target"] != e["rule_target"]:
            seed = f"**{seed}** ✗ wrong target"
        if e["rule"] != e["expected"]:
            rule = f"**{rule}** ✗"
        lines.append(f"| {e['case'].split('_')[0]} | {e['file']} | `{cmd}` | "
                     f"{expected} | {seed} | {rule} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(_markdown(gap_table()))

"""The shipped T1564.013 rule over its test cases (stand-in until `sentinel-deploy test` exists).

Each case's rows are cut to the rule's window [now - queryPeriod, now] before loading,
as a scheduled run would see them, and the rendered query runs with now() pinned.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _content_kql import (
    CASES_DIR,
    ROOT,
    RULE_FILE,
    as_datetime,
    load_case,
    load_cases,
    rendered_rule,
    results_by_row,
    run,
)

CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
DEMO_DIR = ROOT / "workspace" / "local" / "data"
DEMO_NOW = datetime(2023, 10, 26, tzinfo=UTC)


@pytest.fixture(scope="module")
def rule():
    return rendered_rule()


def _matches(expected: dict, actual: dict) -> bool:
    return all(str(actual.get(k)) == str(v) for k, v in expected.items())


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.stem)
def test_case(case_file: Path, rule) -> None:
    query, period = rule
    case = load_case(case_file)
    results = run(query, case.tables, case.now, period)
    if "count" in case.expect:
        assert len(results) == case.expect["count"], results
    for expected in case.expect.get("rows", []):
        assert any(_matches(expected, r) for r in results), (expected, results)


def test_cases_cover_the_seed_and_benign_families() -> None:
    cases = load_cases()
    attack = [c for c in cases if not c.benign]
    benign = [c for c in cases if c.benign]
    assert sum(c.file.name.split("_")[1] == "seed" for c in attack) == 4
    assert len(benign) >= 6
    # Every row of an attack case is expected to fire, with a TargetProc given.
    for c in attack:
        rows = c.tables["DeviceProcessEvents"]
        assert c.expect["count"] == len(rows) == len(c.expect["rows"]), c.file.name
        assert all(r.get("TargetProc") for r in c.expect["rows"]), c.file.name


def test_every_attack_row_fires_with_its_own_target(rule) -> None:
    """Row by row, so one row of a grouped case cannot mask another's miss."""
    query, period = rule
    for case in load_cases():
        if case.benign:
            continue
        by_row = results_by_row(query, case, period)
        for row, expected in zip(case.tables["DeviceProcessEvents"], case.expect["rows"],
                                 strict=True):
            out = by_row[(as_datetime(row["TimeGenerated"]), row["DeviceName"],
                          row["ProcessCommandLine"])]
            assert len(out) == 1 and _matches(expected, out[0]), (row["ProcessCommandLine"], out)


def test_rule_shape() -> None:
    from sentinel_deploy.input.rule_loader import load_rule_file
    from sentinel_deploy.validation.rule_checks import check_document

    doc = load_rule_file(RULE_FILE)
    assert doc.ok, doc.diagnostics
    assert check_document(doc) == []
    r = doc.rule
    assert "ago(1h)" in r.query and "{{" not in r.query
    projected = re.search(r"\| project (.*)", r.query, re.S).group(1)
    columns = {c.strip() for c in projected.split(",")}
    used = {f.columnName for m in r.entityMappings for f in m.fieldMappings}
    used |= set(r.customDetails.values())
    ado = r.alertDetailsOverride
    for text in (ado.alertDisplayNameFormat, ado.alertDescriptionFormat):
        names = re.findall(r"\{\{(\w+)\}\}", text)
        assert len(names) <= 3
        used |= set(names)
    assert used <= columns, used - columns
    assert len(r.customDetails) <= 20 and all(len(k) <= 20 for k in r.customDetails)


def test_demo_data(rule) -> None:
    query, period = rule
    sample = DEMO_DIR / "DeviceProcessEvents__M365_Linux_sample.csv"
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == (
        "76eabfc6f5271e520550cde9fa680958c98047b4b4c253d06e12204fe90ea43e")
    lines = (DEMO_DIR / "DeviceProcessEvents__bind_mount_demo.jsonl").read_text().splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    times = [as_datetime(r["TimeGenerated"]) for r in rows]
    assert all(DEMO_NOW - period <= t <= DEMO_NOW for t in times)
    out = run(query, {"DeviceProcessEvents": rows}, DEMO_NOW, period)
    assert sorted(r["TargetProc"] for r in out) == ["/host_proc/2718", "/proc/31337", "/proc/4242",
                                                     "/proc/5151"]

"""The shipped T1564.013 rule over its test cases, through the `sentinel-deploy test` runner.

The runner loads each case into tables typed from the catalog, applies the rule's
window [now - queryPeriod, now] outside the KQL and pins now(); see docs/testing.md.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sentinel_deploy.catalog import load_catalog
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.input.rule_loader import load_rule_file
from sentinel_deploy.testing.cases import TestCase, case_files, load_case
from sentinel_deploy.testing.matching import row_matches
from sentinel_deploy.testing.results import RuleReport, Status
from sentinel_deploy.testing.runner import run_rule

ROOT = Path(__file__).resolve().parents[2]
RULE_FILE = ROOT / "analytics" / "linux" / "bind_mount_hides_process.yaml"
CASE_FILES = case_files(RULE_FILE.with_suffix(".tests"))
DEMO_DIR = ROOT / "workspace" / "local" / "data"
DEMO_NOW = datetime(2023, 10, 26, tzinfo=UTC)


@pytest.fixture(scope="module")
def rule():
    doc = load_rule_file(RULE_FILE)
    assert doc.ok, doc.diagnostics
    return doc


@pytest.fixture(scope="module")
def report(rule) -> RuleReport:
    return run_rule(rule, CASE_FILES, load_catalog())


def _cases() -> list[TestCase]:
    return [load_case(f) for f in CASE_FILES]


def _benign(case: TestCase) -> bool:
    return case.expect.count == 0


@pytest.mark.parametrize("index", range(len(CASE_FILES)),
                         ids=[f.stem for f in CASE_FILES])
def test_case(report: RuleReport, index: int) -> None:
    case = report.cases[index]
    assert case.status is Status.PASSED, "\n".join([case.message, *case.diff])


def test_all_cases_share_one_translation(report: RuleReport) -> None:
    assert report.translations == 1


def test_cases_cover_the_seed_and_benign_families() -> None:
    cases = _cases()
    attack = [c for c in cases if not _benign(c)]
    benign = [c for c in cases if _benign(c)]
    assert sum(c.file.name.split("_")[1] == "seed" for c in attack) == 4
    assert len(benign) >= 6
    # Every row of an attack case is expected to fire, with a TargetProc given.
    for c in attack:
        rows = c.tables["DeviceProcessEvents"]
        assert isinstance(rows, list) and c.expect.rows is not None
        assert c.expect.count == len(rows) == len(c.expect.rows), c.file.name
        assert all(r.get("TargetProc") for r in c.expect.rows), c.file.name


def test_every_attack_row_fires_with_its_own_target(rule) -> None:
    """Row by row, so one row of a grouped case cannot mask another's miss."""
    with LocalWorkspace(load_catalog()) as ws:
        prepared = ws.prepare(rule.rule.query)
        for case in _cases():
            if _benign(case):
                continue
            rows = case.tables["DeviceProcessEvents"]
            assert isinstance(rows, list) and case.expect.rows is not None
            for row, expected in zip(rows, case.expect.rows, strict=True):
                ws.clear_rows()
                ws.load_rows("DeviceProcessEvents", [row])
                out = prepared.run(case.now, rule.rule.queryPeriod).as_dicts()
                assert len(out) == 1 and row_matches(expected, out[0]), (
                    row["ProcessCommandLine"], out)
        assert ws.translations == 1


def test_rule_shape() -> None:
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
    sample = DEMO_DIR / "DeviceProcessEvents__M365_Linux_sample.csv"
    assert hashlib.sha256(sample.read_bytes()).hexdigest() == (
        "76eabfc6f5271e520550cde9fa680958c98047b4b4c253d06e12204fe90ea43e")
    with LocalWorkspace(load_catalog()) as ws:
        ws.load_file(DEMO_DIR / "DeviceProcessEvents__bind_mount_demo.jsonl")
        period = rule.rule.queryPeriod
        # Every demo row is inside the rule's window at the demo's pinned now.
        assert ws.run("DeviceProcessEvents | count", now=DEMO_NOW, timespan=None).rows == \
            ws.run("DeviceProcessEvents | count", now=DEMO_NOW, timespan=period).rows
        out = ws.run(rule.rule.query, now=DEMO_NOW, timespan=period).as_dicts()
    assert sorted(r["TargetProc"] for r in out) == ["/host_proc/2718", "/proc/31337",
                                                     "/proc/4242", "/proc/5151"]

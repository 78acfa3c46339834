"""`sentinel-deploy test`: the runner, its diff, JUnit XML and one message per bad input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from _testing_helpers import CASES, RULE, write
from typer.testing import CliRunner

from sentinel_deploy.catalog import load_catalog
from sentinel_deploy.cli.app import app
from sentinel_deploy.input.rule_loader import load_rule_file
from sentinel_deploy.testing.cases import case_files
from sentinel_deploy.testing.results import Status
from sentinel_deploy.testing.runner import run_rule

runner = CliRunner()
NOW = "2024-05-01T12:00:00Z"


def _run(*args: str):
    return runner.invoke(app, ["test", *args])


def _only_case(rule: Path, text: str) -> Path:
    tests = rule.with_suffix(".tests")
    for old in tests.glob("*.yaml"):
        old.unlink()
    return write(tests / "case.yaml", text)


def _mount_case(extra_row: str = "", table: str = "DeviceProcessEvents",
                time: str = "'2024-05-01T11:30:00Z'", expect: str = "count: 1") -> str:
    return f"""name: one mount
now: {NOW}
data:
  {table}:
    - TimeGenerated: {time}
      DeviceName: web-01.contoso.com
      FileName: mount
      ProcessCommandLine: mount --bind /tmp/x /proc/4242
{extra_row}expect:
  {expect}
"""


def test_shipped_cases_pass_with_one_translation() -> None:
    doc = load_rule_file(RULE)
    report = run_rule(doc, case_files(CASES), load_catalog())
    assert [c.status for c in report.cases] == [Status.PASSED] * len(report.cases)
    assert len(report.cases) >= 14
    assert report.translations == 1  # prepared once, reused for every case


def test_cli_passes_and_prints_the_summary(bind_rule: Path) -> None:
    result = _run(str(bind_rule))
    assert result.exit_code == 0, result.output
    assert "2 passed, 0 failed" in result.output


def test_wrong_expectation_prints_a_diff_and_exits_1(bind_rule: Path) -> None:
    case = bind_rule.with_suffix(".tests") / "01_seed_empty_dir_over_proc_pid.yaml"
    case.write_text(case.read_text().replace("TargetProc: /proc/4242", "TargetProc: /proc/9"))
    result = _run(str(bind_rule))
    assert result.exit_code == 1
    assert "1 passed, 1 failed" in result.output
    assert "- TargetProc=/proc/9" in result.output  # expected, not found
    assert "+ TargetProc=/proc/4242" in result.output  # found, not expected


def test_count_mismatch_lists_the_rows(bind_rule: Path) -> None:
    case = bind_rule.with_suffix(".tests") / "10_benign_container_volumes.yaml"
    case.write_text(case.read_text().replace("count: 0", "count: 2"))
    result = _run(str(bind_rule))
    assert result.exit_code == 1
    assert "expected 2 row(s), got 0" in result.output


def test_junit_xml(bind_rule: Path, project: Path) -> None:
    case = bind_rule.with_suffix(".tests") / "10_benign_container_volumes.yaml"
    case.write_text(case.read_text().replace("count: 0", "count: 3"))
    write(bind_rule.with_suffix(".tests") / "99_broken.yaml", "name: broken\nexpect: {count: 0}\n")
    out = project / "reports" / "junit.xml"
    result = _run(str(bind_rule), "--junit", str(out))
    assert result.exit_code == 1
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "Linux process hidden by a mount over its /proc entry (bind mount)"
    cases = suite.findall("testcase")
    assert [c.get("classname") for c in cases] == ["bind"] * 3
    passed, failed, broken = cases
    assert passed.find("failure") is None and passed.find("error") is None
    failure = failed.find("failure")
    assert failure is not None and failure.get("message") == "expected 3 row(s), got 0"
    assert "(the result is empty)" in (failure.text or "")
    error = broken.find("error")
    assert error is not None and "no `now`" in (error.get("message") or "")


@pytest.mark.parametrize(("case", "expected"), [
    (_mount_case(table="DeviceProcessEvent"),
     ["case.yaml:4", "does not read table 'DeviceProcessEvent'", "DeviceProcessEvents"]),
    (_mount_case(extra_row="      ProcessId: not-a-number\n"),
     ["case.yaml:9", "data.DeviceProcessEvents[0].ProcessId", "'not-a-number'", "valid long"]),
    (_mount_case(time="'2024-13-45 25:00'"),
     ["case.yaml:5", "data.DeviceProcessEvents[0].TimeGenerated", "valid datetime"]),
    ("name: x\nnow: [1\n", ["case.yaml:3", "malformed YAML"]),
    (f"now: {NOW}\nexpect: {{cont: 1}}\n", ["case.yaml:2", "no expectation"]),
    (f"now: {NOW}\ndata: empty/\nexpect: {{count: 0}}\n", ["no data files in", "empty"]),
    ("now: tomorrow\nexpect: {count: 0}\n", ["case.yaml:1", "'tomorrow' is not a date"]),
    # Unquoted, YAML itself reads these as timestamps that cannot exist.
    ("now: 2024-13-01T12:00:00Z\nexpect: {count: 0}\n",
     ["case.yaml:1", "'2024-13-01T12:00:00Z'", "month must be in 1..12"]),
    (_mount_case(time="2024-02-30T11:00:00Z"),
     ["case.yaml:5", "'2024-02-30T11:00:00Z'", "day is out of range"]),
])
def test_bad_input_is_one_clear_message(bind_rule: Path, case: str, expected: list[str]) -> None:
    (bind_rule.parent / "bind.tests" / "empty").mkdir(parents=True, exist_ok=True)
    _only_case(bind_rule, case)
    result = _run(str(bind_rule))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "0 passed, 0 failed, 1 error" in result.output
    flat = " ".join(result.output.split())
    for text in expected:
        assert text in flat, (text, result.output)


def test_rule_the_engine_cannot_run_is_skipped(project: Path) -> None:
    rule = write(project / "rules" / "unpack.yaml", """id: 3d1c4a3e-0000-4000-8000-000000000001
name: bag_unpack rule
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: SecurityEvent | evaluate bag_unpack(EventData)
""")
    for n in (1, 2):
        write(rule.with_suffix(".tests") / f"{n}.yaml", f"now: {NOW}\nexpect: {{count: 0}}\n")
    result = _run(str(rule))
    assert result.exit_code == 0, result.output
    assert "0 passed, 0 failed, 2 skipped" in result.output
    flat = " ".join(result.output.split())
    assert "the local engine cannot run this query (evaluate bag_unpack)" in flat
    assert "Log Analytics workspace" in flat and "in this wave" not in flat


def test_a_case_file_path_runs_that_case_only(bind_rule: Path) -> None:
    case = bind_rule.with_suffix(".tests") / "10_benign_container_volumes.yaml"
    result = _run(str(case))
    assert result.exit_code == 0, result.output
    assert "1 passed, 0 failed" in result.output


def test_unknown_column_warns_and_resets_the_workspace(bind_rule: Path) -> None:
    tests = bind_rule.with_suffix(".tests")
    write(tests / "00_extra.yaml", _mount_case(extra_row="      NotAColumn: 1\n"))
    doc = load_rule_file(bind_rule)
    report = run_rule(doc, case_files(tests), load_catalog())
    assert [c.status for c in report.cases] == [Status.PASSED] * 3
    assert any("NotAColumn" in w.message for w in report.cases[0].warnings)
    # The extra column changed the table's shape: the query was recompiled for that
    # case (2), and the next case got a fresh workspace and translation (3), after
    # which the clean workspace was reused again.
    assert report.translations == 3


def test_ordered_rows(bind_rule: Path) -> None:
    rows = """    - TimeGenerated: '2024-05-01T11:40:00Z'
      FileName: mount
      ProcessCommandLine: mount --bind /tmp/x /proc/2
"""
    expect = ("rows: [{TargetProc: /proc/2}, {TargetProc: /proc/4242}]\n  ordered: true")
    _only_case(bind_rule, _mount_case(extra_row=rows, expect=expect))
    assert _run(str(bind_rule)).exit_code == 1  # the rule does not sort
    _only_case(bind_rule, _mount_case(extra_row=rows, expect=expect.replace("true", "false")))
    assert _run(str(bind_rule)).exit_code == 0


def test_a_rule_without_cases_that_does_not_load_fails_the_run(bind_rule: Path) -> None:
    broken = write(bind_rule.parent / "broken.yaml", "name: x\nquery: [unclosed\n")
    result = _run(str(bind_rule), str(broken))
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert "the rule does not load" in flat and "malformed YAML" in flat


def test_table_name_differing_only_in_case_is_named_before_the_rows_load(bind_rule: Path) -> None:
    _only_case(bind_rule, _mount_case(table="deviceprocessevents"))
    result = _run(str(bind_rule))
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert "does not read table 'deviceprocessevents'" in flat
    assert "did you mean DeviceProcessEvents?" in flat

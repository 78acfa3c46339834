"""Bad input through `sentinel-deploy validate`: each gets a clear diagnostic, none a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinel_deploy.cli.app import app

RULE = """\
id: 6a7f3b9e-2d3c-4f55-9f0b-2a1e5b6c7d80
name: Test rule
severity: Medium
queryFrequency: 1h
queryPeriod: 1d
triggerOperator: gt
triggerThreshold: 0
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sentinel-deploy.toml").write_text('rules = ["analytics"]\n', encoding="utf-8")
    (tmp_path / "analytics").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(project: Path, body: bytes | str, *args: str) -> tuple[int, dict]:
    data = body.encode("utf-8") if isinstance(body, str) else body
    (project / "analytics" / "rule.yaml").write_bytes(data)
    result = CliRunner().invoke(app, ["validate", "--output", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    start = result.stdout.index("{")
    return result.exit_code, json.loads(result.stdout[start:])


def codes(report: dict) -> set[str]:
    return {d["code"] for d in report["diagnostics"]}


def test_query_of_10001_characters(project):
    query = "SigninLogs\n| where UserPrincipalName in (" + ", ".join(
        f"'{i:06}'" for i in range(900)) + ")\n// "
    query += "x" * (10_001 - len(query))
    assert len(query) == 10_001
    code, report = run(project, RULE + "query: |-\n  " + query.replace("\n", "\n  ") + "\n")
    assert code == 1
    limit = [d for d in report["diagnostics"] if "10,000" in d["message"]]
    assert limit and limit[0]["field"] == "query", codes(report)
    assert not any(d["code"] == "SD-KQL-INTERNAL" for d in report["diagnostics"])


def test_empty_query(project):
    code, report = run(project, RULE + "query: ''\n")
    assert code == 1 and report["diagnostics"]


def test_unbalanced_quotes(project):
    code, report = run(project, RULE + "query: |\n  SigninLogs\n  | where X == 'open\n")
    assert code == 1
    kql = [d for d in report["diagnostics"] if d["code"].startswith(("KS", "SD-KQL"))]
    assert kql and all(d.get("line", 0) >= 9 for d in kql)


def test_query_that_is_a_list(project):
    code, report = run(project, RULE + "query:\n  - SigninLogs\n  - take 1\n")
    assert code == 1
    assert any(d.get("field") == "query" for d in report["diagnostics"])


def test_non_utf8_bytes(project):
    code, report = run(project, RULE.encode() + b"query: |\n  SigninLogs \xff\xfe\n")
    assert code == 1
    assert any("UTF-8" in d["message"] for d in report["diagnostics"])


def test_one_megabyte_rule_file(project):
    filler = "".join(f"# padding line {i:07} " + "x" * 40 + "\n" for i in range(17_500))
    body = RULE + filler + "query: |\n  SigninLogs\n  | take 1\n"
    assert len(body) > 1_000_000
    code, report = run(project, body)
    assert report["summary"]["files_checked"] == 1
    assert code in (0, 1)


def test_sarif_places_kql_findings_in_the_file(project):
    body = RULE + "query: |\n  SigninLogs\n  | where NoSuchColumn == 1\n"
    (project / "analytics" / "rule.yaml").write_text(body, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--output", "sarif"])
    assert result.exit_code == 1
    sarif = json.loads(result.stdout[result.stdout.index("{"):])
    [hit] = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "KS142"]
    region = hit["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (10, 11)


def test_warnings_pass_unless_strict(project):
    body = RULE + "query: |\n  SigninLogs\n  | summarize makeset(IPAddress)\n"
    (project / "analytics" / "rule.yaml").write_text(body, encoding="utf-8")
    assert CliRunner().invoke(app, ["validate"]).exit_code == 0
    assert CliRunner().invoke(app, ["validate", "--strict"]).exit_code == 1

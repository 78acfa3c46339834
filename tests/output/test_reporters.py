"""Reporters: human lines, JSON document, and SARIF 2.1.0 structure GitHub accepts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.output import FORMATS, make_reporter


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "rules" / "sub").mkdir(parents=True)
    return tmp_path


@pytest.fixture
def diagnostics(root: Path) -> list[Diagnostic]:
    a = root / "rules" / "a.yaml"
    b = root / "rules" / "sub" / "b.yaml"
    return [
        Diagnostic("SD105", "severity 'Severe' is not valid", file=a, line=4, column=1,
                   field="severity", hint="use one of: Informational, Low, Medium, High"),
        Diagnostic("SD150", "connectorId 'X' is not in the known connector list", file=b,
                   line=7, column=7, field="requiredDataConnectors[0].connectorId",
                   severity=Severity.WARNING),
        Diagnostic("SD100", "incomplete rule: missing query", file=a, line=1),
        Diagnostic("SD001", "cannot read the file"),
    ]


def files(root: Path) -> list[Path]:
    return [root / "rules" / "a.yaml", root / "rules" / "sub" / "b.yaml",
            root / "rules" / "c.yaml"]


def render(name: str, root: Path, diagnostics: list[Diagnostic], **kw: object) -> str:
    out = io.StringIO()
    make_reporter(name, root, **kw).report(diagnostics, files(root), out)  # type: ignore[arg-type]
    return out.getvalue()


def test_human_grouped_by_file(root: Path, diagnostics: list[Diagnostic]) -> None:
    text = render("human", root, diagnostics, color=False)
    lines = text.splitlines()
    assert "rules/a.yaml:4:1: error SD105 [severity]: severity 'Severe' is not valid" in text
    assert "    hint: use one of: Informational, Low, Medium, High" in lines
    assert "rules/sub/b.yaml:7:7: warning SD150 [requiredDataConnectors[0].connectorId]:" in text
    # a.yaml's header once, its two findings in line order beneath it
    header = lines.index("rules/a.yaml")
    assert "a.yaml:1:" in lines[header + 1] and "a.yaml:4:1" in lines[header + 2]
    assert lines[-1] == "3 rule files checked: 3 errors in 2 files, 1 warning"
    assert "\x1b[" not in text


def test_json_document(root: Path, diagnostics: list[Diagnostic]) -> None:
    doc = json.loads(render("json", root, diagnostics))
    assert doc["summary"] == {"files_checked": 3, "files_with_errors": 2, "errors": 3,
                              "warnings": 1, "infos": 0, "ok": False}
    first = next(d for d in doc["diagnostics"] if d["code"] == "SD105")
    assert first == {"code": "SD105", "message": "severity 'Severe' is not valid",
                     "file": "rules/a.yaml", "line": 4, "column": 1, "field": "severity",
                     "severity": "error",
                     "hint": "use one of: Informational, Low, Medium, High"}


def test_json_when_clean(root: Path) -> None:
    doc = json.loads(render("json", root, []))
    assert doc["diagnostics"] == [] and doc["summary"]["ok"] is True


def test_sarif_structure(root: Path, diagnostics: list[Diagnostic]) -> None:
    doc = json.loads(render("sarif", root, diagnostics,
                            rule_descriptions={"SD105": "The severity is one of ..."}))
    assert doc["version"] == "2.1.0" and doc["$schema"].endswith("sarif-2.1.0.json")
    [run] = doc["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sentinel-deploy" and driver["version"]
    rule_ids = [r["id"] for r in driver["rules"]]
    assert rule_ids == sorted({d.code for d in diagnostics})
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("error", "warning", "note")
    assert next(r for r in driver["rules"] if r["id"] == "SD105")["shortDescription"] == {
        "text": "The severity is one of ..."}
    assert len(run["results"]) == len(diagnostics)
    for result in run["results"]:
        assert result["ruleId"] in rule_ids
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        assert result["message"]["text"]
        for location in result.get("locations", []):
            physical = location["physicalLocation"]
            uri = physical["artifactLocation"]["uri"]
            assert not uri.startswith("/") and "\\" not in uri
            assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
            assert physical["region"]["startLine"] >= 1
    warning = next(r for r in run["results"] if r["ruleId"] == "SD150")
    assert warning["level"] == "warning"
    assert warning["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "rules/sub/b.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 7, "startColumn": 7}}
    no_file = next(r for r in run["results"] if r["ruleId"] == "SD001")
    assert "locations" not in no_file
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    assert [a["location"]["uri"] for a in run["artifacts"]] == [
        "rules/a.yaml", "rules/sub/b.yaml", "rules/c.yaml"]


def test_every_format_writes_something(root: Path) -> None:
    for name in FORMATS:
        assert render(name, root, [])
    with pytest.raises(ValueError, match="unknown output format"):
        make_reporter("xml")

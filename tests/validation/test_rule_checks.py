"""Each rule check on a small rule file: the code it reports and the line it points at."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_deploy.input.rule_loader import load_rules
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.rule_checks import CHECKS, check_catalog, check_rules

VALID = """\
id: 0b2f2a51-5a7e-4bbd-9e53-0cdb1e8f2a11
name: Test rule
description: A rule for tests.
severity: Medium
requiredDataConnectors:
  - connectorId: AzureActiveDirectory
    dataTypes:
      - SigninLogs
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics:
  - InitialAccess
relevantTechniques:
  - T1078
query: |
  SigninLogs
  | where ResultType == 0
entityMappings:
  - entityType: Account
    fieldMappings:
      - identifier: FullName
        columnName: UserPrincipalName
version: 1.0.0
kind: Scheduled
"""


def run(tmp_path: Path, text: str, name: str = "rule.yaml") -> list[Diagnostic]:
    file = tmp_path / name
    file.write_text(text, encoding="utf-8")
    docs = load_rules([file])
    assert all(doc.rule is not None for doc in docs), [d.diagnostics for d in docs]
    return check_rules(docs)


def edit(*pairs: tuple[str, str]) -> str:
    text = VALID
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


def line_of(text: str, snippet: str) -> int:
    return text[: text.index(snippet)].count("\n") + 1


def test_valid_rule_has_no_findings(tmp_path: Path) -> None:
    assert run(tmp_path, VALID) == []


def test_codes_are_unique_and_described() -> None:
    codes = [c.code for c in CHECKS]
    assert len(codes) == len(set(codes))
    assert all(title for _, title in check_catalog().values())


LONG = "x" * 257
CASES = [
    # (case, edits, code, snippet on the reported line)
    ("id not a guid", [("id: 0b2f2a51-5a7e-4bbd-9e53-0cdb1e8f2a11", "id: not-a-guid")],
     "SD101", "id: not-a-guid"),
    ("name too long", [("name: Test rule", f"name: {LONG}")], "SD103", "name: x"),
    ("description too long", [("description: A rule for tests.", "description: " + "d" * 5001)],
     "SD104", "description: d"),
    ("severity unknown", [("severity: Medium", "severity: Critical")], "SD105", "severity:"),
    ("severity wrong case", [("severity: Medium", "severity: medium")], "SD105", "severity:"),
    ("query too long", [("  | where ResultType == 0\n", "  | where ResultType == 0\n"
                         + "  | where x == 1\n" * 700)], "SD106", "query: |"),
    ("kind unknown", [("kind: Scheduled", "kind: Fusion")], "SD107", "kind: Fusion"),
    ("unknown key", [("kind: Scheduled", "kind: Scheduled\ntactic:\n  - Execution")],
     "SD108", "tactic:"),
    ("frequency too short", [("queryFrequency: 1h", "queryFrequency: 1m")], "SD110",
     "queryFrequency"),
    ("period too long", [("queryPeriod: 1h", "queryPeriod: 15d")], "SD110", "queryPeriod"),
    ("period below frequency", [("queryFrequency: 1h", "queryFrequency: 2h")], "SD111",
     "queryPeriod"),
    ("long period runs too often", [("queryFrequency: 1h", "queryFrequency: 30m"),
                                    ("queryPeriod: 1h", "queryPeriod: 2d")],
     "SD112", "queryFrequency"),
    ("trigger operator", [("triggerOperator: gt", "triggerOperator: greater")], "SD114",
     "triggerOperator"),
    ("trigger threshold", [("triggerThreshold: 0", "triggerThreshold: 10001")], "SD115",
     "triggerThreshold"),
    ("suppression too long", [("kind: Scheduled", "kind: Scheduled\nsuppressionEnabled: true\n"
                                                   "suppressionDuration: 2d")],
     "SD116", "suppressionDuration"),
    ("suppression without duration", [("kind: Scheduled",
                                       "kind: Scheduled\nsuppressionEnabled: true")],
     "SD116", "suppressionEnabled"),
    ("tactic unknown", [("  - InitialAccess", "  - PreAttack")], "SD120", "  - PreAttack"),
    ("tactic with blank", [("  - InitialAccess", "  - Initial Access")], "SD120",
     "  - Initial Access"),
    ("technique malformed", [("  - T1078", "  - T1078.4")], "SD121", "  - T1078.4"),
    ("technique without its tactic", [("  - T1078", "  - T1486")], "SD122", "  - T1486"),
    ("technique unknown", [("  - T1078", "  - T1078\n  - T9999")], "SD123", "  - T9999"),
    ("tactic case", [("  - InitialAccess", "  - initialaccess")], "SD124", "  - initialaccess"),
    ("entity type unknown", [("entityType: Account", "entityType: User")], "SD131",
     "entityType: User"),
    ("identifier invalid", [("identifier: FullName", "identifier: Email")], "SD132",
     "identifier: Email"),
    ("identifier repeated", [("        columnName: UserPrincipalName",
                              "        columnName: UserPrincipalName\n"
                              "      - identifier: FullName\n        columnName: Other")],
     "SD132", "      - identifier: FullName\n        columnName: Other"),
    ("required identifier missing", [("identifier: FullName", "identifier: UPNSuffix")],
     "SD133", "entityType: Account"),
    ("column name invalid", [("columnName: UserPrincipalName", "columnName: User-Name")],
     "SD134", "columnName: User-Name"),
    ("custom detail key", [("kind: Scheduled", "kind: Scheduled\ncustomDetails:\n"
                                               "  1Bad: Column")], "SD140", "  1Bad"),
    ("custom detail key too long", [("kind: Scheduled", "kind: Scheduled\ncustomDetails:\n"
                                                        "  ABCDEFGHIJKLMNOPQRSTU: Column")],
     "SD140", "  ABCDEFGHIJ"),
    ("custom detail column", [("kind: Scheduled", "kind: Scheduled\ncustomDetails:\n"
                                                  "  Good: bad column")], "SD140", "  Good"),
    ("too many placeholders", [("kind: Scheduled", "kind: Scheduled\nalertDetailsOverride:\n"
                                "  alertDisplayNameFormat: '{{a}} {{b}} {{c}} {{d}}'")],
     "SD141", "  alertDisplayNameFormat"),
    ("description format too long", [("kind: Scheduled",
                                      "kind: Scheduled\nalertDetailsOverride:\n"
                                      "  alertDescriptionFormat: " + "y" * 5001)],
     "SD141", "  alertDescriptionFormat"),
    ("aggregation kind", [("kind: Scheduled", "kind: Scheduled\neventGroupingSettings:\n"
                                              "  aggregationKind: PerResult")],
     "SD142", "  aggregationKind"),
    ("lookback too long", [("kind: Scheduled", "kind: Scheduled\nincidentConfiguration:\n"
                            "  createIncident: true\n  groupingConfiguration:\n"
                            "    enabled: true\n    lookbackDuration: 8d")],
     "SD143", "    lookbackDuration"),
    ("matching method", [("kind: Scheduled", "kind: Scheduled\nincidentConfiguration:\n"
                          "  groupingConfiguration:\n    matchingMethod: Some")],
     "SD143", "    matchingMethod"),
    ("group by unknown entity", [("kind: Scheduled", "kind: Scheduled\nincidentConfiguration:\n"
                                  "  groupingConfiguration:\n    matchingMethod: Selected\n"
                                  "    groupByEntities:\n      - Person")],
     "SD143", "      - Person"),
    ("unknown connector", [("connectorId: AzureActiveDirectory", "connectorId: BrandNew")],
     "SD150", "connectorId: BrandNew"),
    ("min results above max", [("kind: Scheduled", "kind: Scheduled\nsentinelDeploy:\n"
                                "  maxResults: 50\n  minResults: 100")],
     "SD160", "  minResults: 100"),
    ("negative max results", [("kind: Scheduled", "kind: Scheduled\nsentinelDeploy:\n"
                               "  maxResults: -1")], "SD160", "  maxResults: -1"),
]


@pytest.mark.parametrize(("edits", "code", "snippet"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_check_reports_code_at_line(tmp_path: Path, edits: list[tuple[str, str]], code: str,
                                    snippet: str) -> None:
    text = edit(*edits)
    found = [d for d in run(tmp_path, text) if d.code == code]
    assert found, f"{code} not reported"
    assert found[0].line == line_of(text, snippet)
    assert found[0].file == tmp_path / "rule.yaml"
    assert found[0].message


def test_every_check_has_a_case() -> None:
    tested = {c[2] for c in CASES} | {"SD100", "SD113", "SD130", "SD135"}
    assert {c.code for c in CHECKS} <= tested


def test_severities(tmp_path: Path) -> None:
    text = edit(("connectorId: AzureActiveDirectory", "connectorId: BrandNew"),
                ("  - InitialAccess", "  - initialaccess"))
    assert {d.code: d.severity for d in run(tmp_path, text)} == {
        "SD150": Severity.WARNING, "SD124": Severity.WARNING}


def test_all_problems_reported_not_just_the_first(tmp_path: Path) -> None:
    text = edit(("severity: Medium", "severity: Critical"), ("queryFrequency: 1h",
                "queryFrequency: 1m"), ("columnName: UserPrincipalName", "columnName: a b"))
    assert {d.code for d in run(tmp_path, text)} == {"SD105", "SD110", "SD134"}


def test_moved_stub_is_incomplete(tmp_path: Path) -> None:
    text = ("id: 8ce98f23-4a0b-4efd-ab0f-a1d06fcc94f4\nname: Old rule\ndescription: |\n"
            "  'As part of content migration, this file is moved to new location.'\n")
    [d] = run(tmp_path, text)
    assert d.code == "SD100" and d.line == 1
    assert d.message == ("incomplete rule: missing severity, query, queryFrequency, queryPeriod, "
                         "triggerOperator, triggerThreshold")
    assert d.hint and "moved" in d.hint


def test_nrt_needs_no_schedule_and_warns_about_one(tmp_path: Path) -> None:
    nrt = edit(("kind: Scheduled", "kind: NRT"))
    for key in ("queryFrequency: 1h\n", "queryPeriod: 1h\n", "triggerOperator: gt\n",
                "triggerThreshold: 0\n"):
        nrt_without = nrt.replace(key, "", 1)
        nrt = nrt_without
    assert run(tmp_path, nrt) == []
    found = run(tmp_path, edit(("kind: Scheduled", "kind: NRT")))
    assert {d.code for d in found} == {"SD113"}
    assert all(d.severity is Severity.WARNING for d in found)
    assert found[0].line == line_of(VALID, "queryFrequency")


def test_scheduled_rule_missing_trigger(tmp_path: Path) -> None:
    [d] = run(tmp_path, VALID.replace("triggerThreshold: 0\n", ""))
    assert d.code == "SD100" and "triggerThreshold" in d.message


def test_empty_entity_mappings_is_a_warning(tmp_path: Path) -> None:
    text = edit(("entityMappings:\n  - entityType: Account\n    fieldMappings:\n"
                 "      - identifier: FullName\n        columnName: UserPrincipalName\n",
                 "entityMappings: []\n"))
    [d] = run(tmp_path, text)
    assert (d.code, d.severity, d.line) == ("SD135", Severity.WARNING,
                                            line_of(text, "entityMappings"))


@pytest.mark.parametrize(("edits", "snippet"), [
    ([("        columnName: UserPrincipalName\n",
       "        columnName: UserPrincipalName\n" + "".join(
           f"      - identifier: {i}\n        columnName: C{i}\n"
           for i in ("Name", "Sid", "PUID")))], "    fieldMappings"),
])
def test_mapping_counts(tmp_path: Path, edits: list[tuple[str, str]], snippet: str) -> None:
    text = edit(*edits)
    found = [d for d in run(tmp_path, text) if d.code == "SD130"]
    assert found and found[0].line == line_of(text, snippet)


def test_eleven_entity_mappings(tmp_path: Path) -> None:
    extra = "".join("  - entityType: IP\n    fieldMappings:\n      - identifier: Address\n"
                    f"        columnName: Ip{i}\n" for i in range(10))
    text = edit(("version: 1.0.0", extra + "version: 1.0.0"))
    [d] = run(tmp_path, text)
    assert d.code == "SD130" and "11 entries" in d.message


def test_filehash_needs_both_identifiers(tmp_path: Path) -> None:
    text = edit(("entityType: Account\n    fieldMappings:\n      - identifier: FullName",
                 "entityType: FileHash\n    fieldMappings:\n      - identifier: Value"))
    [d] = run(tmp_path, text)
    assert d.code == "SD133" and d.field == "entityMappings[0].entityType"


def test_duplicate_ids_reported_in_both_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(VALID)
    (tmp_path / "b.yaml").write_text("# a comment\n" + VALID.replace("Test rule", "Other"))
    found = check_rules(load_rules([tmp_path]))
    assert sorted((d.code, d.file.name, d.line) for d in found) == [
        ("SD102", "a.yaml", 1), ("SD102", "b.yaml", 2)]
    assert "b.yaml" in next(d.message for d in found if d.file.name == "a.yaml")


def test_documents_that_failed_to_load_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("id: [unclosed\n")
    (tmp_path / "good.yaml").write_text(VALID)
    docs = load_rules([tmp_path])
    assert check_rules(docs) == []

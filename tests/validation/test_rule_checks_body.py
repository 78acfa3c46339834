"""`validate_body`: the same limits applied to an alertRules API body, as the emulator's 400s."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sentinel_deploy.validation.rule_checks import validate_body

BODY: dict[str, Any] = {
    "kind": "Scheduled",
    "properties": {
        "displayName": "Test rule",
        "description": "A rule for tests.",
        "severity": "Medium",
        "query": "SigninLogs | where ResultType == 0",
        "queryFrequency": "PT1H",
        "queryPeriod": "PT1H",
        "triggerOperator": "GreaterThan",
        "triggerThreshold": 0,
        "tactics": ["InitialAccess"],
        "techniques": ["T1078"],
        "subTechniques": ["T1078.004"],
        "entityMappings": [{"entityType": "Account", "fieldMappings": [
            {"identifier": "FullName", "columnName": "UserPrincipalName"}]}],
        "customDetails": {"Count": "count_"},
        "alertDetailsOverride": {"alertDisplayNameFormat": "Sign-in by {{UserPrincipalName}}"},
        "eventGroupingSettings": {"aggregationKind": "SingleAlert"},
        "incidentConfiguration": {"createIncident": True, "groupingConfiguration": {
            "enabled": False, "reopenClosedIncident": False, "lookbackDuration": "PT5H",
            "matchingMethod": "AllEntities", "groupByEntities": [], "groupByAlertDetails": [],
            "groupByCustomDetails": []}},
        "suppressionDuration": "PT5H",
        "suppressionEnabled": False,
        "enabled": True,
    },
}


def body_with(**props: Any) -> dict[str, Any]:
    body = copy.deepcopy(BODY)
    body["properties"].update(props)
    return body


def test_valid_body() -> None:
    assert validate_body(copy.deepcopy(BODY)) == []


@pytest.mark.parametrize(("props", "code", "path"), [
    ({"displayName": "x" * 257}, "SD103", "properties.displayName"),
    ({"severity": "Severe"}, "SD105", "properties.severity"),
    ({"query": "q" * 10_001}, "SD106", "properties.query"),
    ({"queryFrequency": "PT1M"}, "SD110", "properties.queryFrequency"),
    ({"queryPeriod": "P15D"}, "SD110", "properties.queryPeriod"),
    ({"queryFrequency": "PT2H"}, "SD111", "properties.queryPeriod"),
    ({"queryFrequency": "PT30M", "queryPeriod": "P2D"}, "SD112", "properties.queryFrequency"),
    ({"triggerOperator": "Bigger"}, "SD114", "properties.triggerOperator"),
    ({"triggerThreshold": -1}, "SD115", "properties.triggerThreshold"),
    ({"suppressionDuration": "P2D"}, "SD116", "properties.suppressionDuration"),
    ({"tactics": ["PreAttack"]}, "SD120", "properties.tactics[0]"),
    ({"subTechniques": ["T1078.4"]}, "SD121", "properties.subTechniques[0]"),
    ({"techniques": ["T1486"], "subTechniques": []}, "SD122", "properties.techniques[0]"),
    ({"entityMappings": [{"entityType": "IP", "fieldMappings": []}]}, "SD130",
     "properties.entityMappings[0].fieldMappings"),
    ({"entityMappings": [{"entityType": "IP", "fieldMappings": [
        {"identifier": "Adress", "columnName": "Ip"}]}]}, "SD132",
     "properties.entityMappings[0].fieldMappings[0].identifier"),
    ({"customDetails": {"bad key": "Col"}}, "SD140", "properties.customDetails.bad key"),
    ({"alertDetailsOverride": {"alertDescriptionFormat": "{{a}}{{b}}{{c}}{{d}}"}}, "SD141",
     "properties.alertDetailsOverride.alertDescriptionFormat"),
    ({"eventGroupingSettings": {"aggregationKind": "Many"}}, "SD142",
     "properties.eventGroupingSettings.aggregationKind"),
])
def test_body_limits(props: dict[str, Any], code: str, path: str) -> None:
    problems = validate_body(body_with(**props))
    assert f"{code} {path}" in [p.split(":")[0] for p in problems], problems


def test_kind_and_missing_schedule() -> None:
    body = body_with()
    body["kind"] = "Fusion"
    assert any(p.startswith("SD107 kind:") for p in validate_body(body))
    body = body_with()
    del body["properties"]["queryFrequency"]
    assert validate_body(body) == ["SD100: incomplete rule: missing queryFrequency"]


def test_nrt_body_needs_no_schedule() -> None:
    body = copy.deepcopy(BODY)
    body["kind"] = "NRT"
    for key in ("queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold"):
        del body["properties"][key]
    assert validate_body(body) == []


def test_warnings_are_not_api_errors() -> None:
    # Unknown technique and odd tactic case are our advice, not the service's 400.
    assert validate_body(body_with(tactics=["initialaccess"], techniques=["T1078", "T9999"],
                                   subTechniques=[], entityMappings=[])) == []


def test_wrong_types_do_not_crash() -> None:
    problems = validate_body(body_with(displayName=5, entityMappings="x", customDetails=[],
                                       tactics="InitialAccess", triggerThreshold="1"))
    assert problems
    assert not any("SD199" in p for p in problems)

"""SD201-SD204: the rule's parts must name columns of the query's result."""

from __future__ import annotations

import pytest
from test_lints_helpers import analyzer, lint, rule_file

from sentinel_deploy.validation.kql import SyntaxOnlyAnalyzer

MAP_IP = """
entityMappings:
  - entityType: IP
    fieldMappings:
      - identifier: Address
        columnName: IPAddress
"""


@pytest.fixture(scope="module")
def kusto():
    return analyzer()


def codes(found):
    return [d.code for d in found]


def test_mapping_to_a_result_column_passes(tmp_path, kusto):
    doc = rule_file(tmp_path, "SigninLogs | project IPAddress, UserPrincipalName", MAP_IP)
    assert codes(lint(doc, kusto)) == []


def test_mapping_to_a_projected_away_column_is_an_error_at_its_line(tmp_path, kusto):
    doc = rule_file(tmp_path, "SigninLogs | project UserPrincipalName", MAP_IP)
    [found] = lint(doc, kusto)
    assert found.code == "SD201" and found.is_error
    assert "projected away" in found.message or "projects away" in found.message
    assert found.line == doc.text.split("\n").index("        columnName: IPAddress") + 1


def test_unknown_mapping_column_suggests_the_close_one(tmp_path, kusto):
    doc = rule_file(tmp_path, "SigninLogs | project IPAddress",
                    MAP_IP.replace("columnName: IPAddress", "columnName: IpAddress"))
    [found] = lint(doc, kusto)
    assert found.code == "SD201" and "'IPAddress'" in (found.hint or "")


def test_computed_then_dropped_column_is_projected_away(tmp_path, kusto):
    doc = rule_file(tmp_path, "SigninLogs | extend Addr = IPAddress | project UserPrincipalName",
                    MAP_IP.replace("IPAddress", "Addr"))
    assert "projects away" in lint(doc, kusto)[0].message


def test_custom_details_and_override_placeholders(tmp_path, kusto):
    extra = """
customDetails:
  User: UserPrincipalName
  Result: ResultCode
alertDetailsOverride:
  alertDisplayNameFormat: Sign-in by {{UserPrincipalName}} from {{Country}}
  alertSeverityColumnName: Sev
"""
    doc = rule_file(tmp_path, "let threshold = 5;\nSigninLogs | project UserPrincipalName",
                    extra)
    found = lint(doc, kusto)
    assert codes(found) == ["SD202", "SD203", "SD203"]
    assert {d.field for d in found} == {"customDetails.Result",
                                        "alertDetailsOverride.alertDisplayNameFormat",
                                        "alertDetailsOverride.alertSeverityColumnName"}


def test_let_name_in_a_placeholder_is_not_called_projected_away(tmp_path, kusto):
    extra = "alertDetailsOverride:\n  alertDisplayNameFormat: over {{threshold}}\n"
    doc = rule_file(tmp_path, "let threshold = 5;\nSigninLogs | project IPAddress", extra)
    [found] = lint(doc, kusto)
    assert "projects away" not in found.message


def test_nothing_is_claimed_when_only_syntax_was_checked(tmp_path):
    doc = rule_file(tmp_path, "SigninLogs | project UserPrincipalName", MAP_IP)
    assert codes(lint(doc, SyntaxOnlyAnalyzer("test"))) == []


def test_nothing_is_claimed_for_an_open_watchlist(tmp_path, kusto):
    doc = rule_file(tmp_path, "_GetWatchlist('unknown') | project SearchKey, Anything",
                    MAP_IP.replace("IPAddress", "Whatever"))
    assert codes(lint(doc, kusto)) == []


def test_legacy_custom_entity_must_be_mapped(tmp_path, kusto):
    query = "SigninLogs\n// HostCustomEntity in a comment is fine\n" \
            "| extend IPCustomEntity = IPAddress"
    doc = rule_file(tmp_path, query)
    [found] = lint(doc, kusto)
    assert found.code == "SD204" and "IPCustomEntity" in found.message
    assert found.column == 12 and "extend IPCustomEntity" in (found.excerpt or "")
    mapped = rule_file(tmp_path, query, MAP_IP.replace("IPAddress", "IPCustomEntity"))
    assert codes(lint(mapped, kusto)) == []

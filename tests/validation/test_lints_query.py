"""SD210-SD220: operators Sentinel refuses, NRT limits, deprecated names, time windows."""

from __future__ import annotations

import pytest
from test_lints_helpers import analyzer, lint, rule_file

from sentinel_deploy.validation.lints.timewindow import parse_timespan


@pytest.fixture(scope="module")
def kusto():
    return analyzer()


def codes(found):
    return [d.code for d in found]


@pytest.mark.parametrize("query", ["search * | take 1", "union * | take 1",
                                   "union isfuzzy=true * | take 1",
                                   "SigninLogs | take 1 | union kind=outer *"])
def test_wildcard_sources_are_rejected(tmp_path, kusto, query):
    assert "SD210" in codes(lint(rule_file(tmp_path, query), kusto))


def test_operators_in_strings_and_comments_do_not_count(tmp_path, kusto):
    query = 'SigninLogs\n// union * and | join here\n| where ResultType != "union *"'
    assert codes(lint(rule_file(tmp_path, query, kind="NRT"), kusto)) == []


def test_nrt_rules_may_not_join_or_union(tmp_path, kusto):
    query = "SigninLogs\n| join kind=inner (SigninLogs) on IPAddress\n| union SigninLogs"
    found = lint(rule_file(tmp_path, query, kind="NRT"), kusto)
    assert codes(found) == ["SD211", "SD211"]
    assert [d.line for d in found] == [found[0].line, found[0].line + 1]
    assert codes(lint(rule_file(tmp_path, query), kusto)) == []


def test_deprecated_names_warn_with_the_replacement(tmp_path, kusto):
    query = ("SigninLogs\n"
             "| summarize s = makeset(IPAddress), p = parsejson('{}') by UserPrincipalName")
    found = lint(rule_file(tmp_path, query), kusto)
    assert codes(found) == ["SD212", "SD212"]
    assert "make_set" in found[0].message and not found[0].is_error
    assert "parse_json" in found[1].message


@pytest.mark.parametrize(("query", "warned"), [
    ("SigninLogs | where TimeGenerated > ago(14d)", True),
    ("SigninLogs | where TimeGenerated >= ago(1d)", False),
    ("let lookback = 7d;\nSigninLogs | where TimeGenerated > ago(lookback)", True),
    ("SigninLogs | where TimeGenerated between (ago(2d) .. now())", True),
    ("SigninLogs | where ago(3d) < TimeGenerated", True),
    ("SigninLogs | where TimeGenerated > startofday(ago(14d))", False),  # not a shape we read
    ("SigninLogs | extend Old = Created < ago(30d)", False),  # not TimeGenerated
])
def test_time_filter_longer_than_query_period(tmp_path, kusto, query, warned):
    found = [d for d in lint(rule_file(tmp_path, query, period="1d"), kusto) if d.code == "SD220"]
    assert bool(found) is warned
    if warned:
        assert "queryPeriod is 1d" in found[0].message and found[0].column is not None


def test_timespans():
    assert parse_timespan("14d").days == 14
    assert parse_timespan("1.5h").total_seconds() == 5400
    assert parse_timespan("2days").days == 2
    assert parse_timespan("xyz") is None

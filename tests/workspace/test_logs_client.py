"""azure-monitor-query's LogsQueryClient over real HTTP to the emulator's query API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from workspace_env import NOW, WORKSPACE_ID

from sentinel_deploy.emulator import Emulator
from sentinel_deploy.objects.query_result import QueryFailed
from sentinel_deploy.workspace import LogsClient, WorkspaceError


def test_query_with_a_duration_returns_typed_rows(logs: LogsClient, emulator: Emulator) -> None:
    result = logs.query(WORKSPACE_ID, "SigninLogs | where ResultType == 50126 "
                        "| extend Window = 1h | project TimeGenerated, UserPrincipalName, "
                        "ResultType, Props, Window | order by TimeGenerated desc",
                        timedelta(hours=1))
    assert [(c.name, c.type) for c in result.columns] == [
        ("TimeGenerated", "datetime"), ("UserPrincipalName", "string"), ("ResultType", "long"),
        ("Props", "dynamic"), ("Window", "timespan")]
    assert result.rows == [
        (NOW - timedelta(minutes=10), "alice@contoso.com", 50126, {"ip": "10.0.0.1"},
         timedelta(hours=1)),
        (NOW - timedelta(minutes=20), "alice@contoso.com", 50126, None, timedelta(hours=1)),
    ]
    sent = emulator.requests[-1]
    assert sent.path == f"/v1/workspaces/{WORKSPACE_ID}/query"
    assert sent.body["timespan"] == "PT3600.0S"


def test_query_with_start_and_end(logs: LogsClient) -> None:
    window = (NOW - timedelta(days=4), NOW + timedelta(minutes=1))
    result = logs.query(WORKSPACE_ID, "SigninLogs | summarize n = count() by UserPrincipalName "
                        "| order by UserPrincipalName asc", window)
    assert result.as_dicts() == [{"UserPrincipalName": "alice@contoso.com", "n": 2},
                                 {"UserPrincipalName": "bob@contoso.com", "n": 1}]
    narrow = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2000, 1, 2, tzinfo=UTC))
    assert len(logs.query(WORKSPACE_ID, "SigninLogs", narrow)) == 0


def test_unknown_table_is_a_semantic_error(logs: LogsClient) -> None:
    with pytest.raises(QueryFailed) as err:
        logs.query(WORKSPACE_ID, "NoSuchTable | take 1", timedelta(hours=1))
    assert err.value.code == "SemanticError"
    assert "NoSuchTable" in err.value.message


def test_syntax_error(logs: LogsClient) -> None:
    with pytest.raises(QueryFailed) as err:
        logs.query(WORKSPACE_ID, "SigninLogs | where ((", timedelta(hours=1))
    assert err.value.code == "SyntaxError"


def test_partial_result_is_a_failure(logs: LogsClient) -> None:
    with pytest.raises(QueryFailed) as err:
        logs.query(WORKSPACE_ID, "range x from 1 to 500 step 1", None)
    assert err.value.code == "PartialError"
    assert "record count limit 100" in err.value.message


def test_unreachable_endpoint_is_a_workspace_error() -> None:
    emu = Emulator().start()
    url = emu.url
    emu.stop()
    with LogsClient(endpoint=url) as client, pytest.raises(WorkspaceError) as err:
        client.query(WORKSPACE_ID, "SigninLogs", timedelta(hours=1))
    assert err.value.status is None

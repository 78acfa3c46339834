"""The query API at the HTTP level: response shape and error envelopes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from emulator_http import call

from sentinel_deploy.emulator import Emulator

QUERY = "/v1/workspaces/11111111-2222-3333-4444-555555555555/query"


def test_missing_bearer_token_is_401(emulator: Emulator) -> None:
    status, _, body = call(emulator, "POST", QUERY, {"query": "SigninLogs"}, auth=False)
    assert status == 401
    assert body["error"]["code"] == "AuthenticationFailed"


def test_rows_come_back_with_kql_types_and_wire_values(emulator: Emulator) -> None:
    status, _, body = call(emulator, "POST", QUERY, {
        "query": "SigninLogs | extend Window = 1h | project TimeGenerated, UserPrincipalName, "
                 "ResultType, Props, Window",
        "timespan": "PT3600.0S"})
    assert status == 200
    (table,) = body["tables"]
    assert table["name"] == "PrimaryResult"
    assert [(c["name"], c["type"]) for c in table["columns"]] == [
        ("TimeGenerated", "datetime"), ("UserPrincipalName", "string"), ("ResultType", "long"),
        ("Props", "dynamic"), ("Window", "timespan")]
    (row,) = table["rows"]  # the 3-day-old row is outside the timespan
    assert row[0].endswith("Z")
    assert row[1:] == ["alice@contoso.com", 50126, '{"ip": "10.0.0.1"}', "01:00:00"]


def test_start_end_timespan_and_get_form(emulator: Emulator) -> None:
    now = datetime.now(UTC)
    span = f"{(now - timedelta(days=4)).isoformat()}/{now.isoformat()}".replace("+00:00", "Z")
    status, _, body = call(emulator, "POST", QUERY,
                           {"query": "SigninLogs | count", "timespan": span})
    assert status == 200 and body["tables"][0]["rows"] == [[2]]
    status, _, body = call(emulator, "GET", QUERY + "?query=SigninLogs%20%7C%20count")
    assert status == 200 and body["tables"][0]["rows"] == [[2]]


def test_semantic_and_syntax_errors_look_like_the_service(emulator: Emulator) -> None:
    status, _, body = call(emulator, "POST", QUERY, {"query": "NoSuchTable | take 1"})
    assert status == 400
    assert body["error"]["code"] == "BadArgumentError"
    assert body["error"]["innererror"]["code"] == "SemanticError"
    assert "NoSuchTable" in body["error"]["innererror"]["message"]
    status, _, body = call(emulator, "POST", QUERY, {"query": "SigninLogs | where (("})
    assert status == 400 and body["error"]["innererror"]["code"] == "SyntaxError"


def test_bad_timespan_and_body(emulator: Emulator) -> None:
    status, _, body = call(emulator, "POST", QUERY, {"query": "SigninLogs", "timespan": "1h"})
    assert status == 400 and body["error"]["code"] == "BadArgumentError"
    status, _, body = call(emulator, "POST", QUERY, {"timespan": "PT1H"})
    assert status == 400


def test_more_rows_than_the_limit_is_a_partial_result(emulator: Emulator) -> None:
    status, _, body = call(emulator, "POST", QUERY, {"query": "range x from 1 to 8 step 1"})
    assert status == 200
    assert len(body["tables"][0]["rows"]) == 5
    assert body["error"]["code"] == "PartialError"

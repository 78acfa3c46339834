"""The ARM side at the HTTP level, for behaviour the SDK clients hide."""

from __future__ import annotations

import json
from pathlib import Path

from emulator_http import API, RULES, call, scheduled_body

from sentinel_deploy.emulator import Emulator


def test_missing_bearer_token_is_401(emulator: Emulator) -> None:
    status, headers, body = call(emulator, "GET", f"{RULES}{API}", auth=False)
    assert status == 401
    assert body["error"]["code"] == "AuthenticationFailed"
    assert headers["WWW-Authenticate"].startswith("Bearer")
    status, _, _ = call(emulator, "GET", f"{RULES}{API}",
                        headers={"Authorization": "Basic dXNlcjpwdw=="}, auth=False)
    assert status == 401


def test_missing_api_version_is_400(emulator: Emulator) -> None:
    status, _, body = call(emulator, "GET", RULES)
    assert status == 400
    assert body["error"]["code"] == "MissingApiVersionParameter"


def test_put_create_then_update_with_if_match(emulator: Emulator) -> None:
    status, headers, created = call(emulator, "PUT", f"{RULES}/r1{API}", scheduled_body())
    assert status == 201
    assert created["type"] == "Microsoft.SecurityInsights/alertRules"
    assert created["id"].endswith("/alertRules/r1") and created["name"] == "r1"
    assert created["etag"].startswith('"') and headers["ETag"] == created["etag"]
    assert created["properties"]["queryFrequency"] == "PT1H10M"
    assert created["properties"]["lastModifiedUtc"].endswith("Z")

    status, _, stale = call(emulator, "PUT", f"{RULES}/r1{API}", scheduled_body(),
                            headers={"If-Match": '"not-the-etag"'})
    assert status == 412
    assert stale["error"]["code"] == "PreconditionFailed"

    status, _, updated = call(emulator, "PUT", f"{RULES}/r1{API}", scheduled_body(),
                              headers={"If-Match": created["etag"]})
    assert status == 200
    assert updated["etag"] != created["etag"]


def test_get_and_delete_absent_rule(emulator: Emulator) -> None:
    status, _, body = call(emulator, "GET", f"{RULES}/nope{API}")
    assert status == 404
    assert body["error"]["code"] == "NotFound"
    assert call(emulator, "DELETE", f"{RULES}/nope{API}")[0] == 204


def test_structural_problems_are_arm_400s(emulator: Emulator) -> None:
    status, _, body = call(emulator, "PUT", f"{RULES}/r1{API}", {"kind": "Fusion",
                                                                "properties": {}})
    assert status == 400 and body["error"]["code"] == "BadRequest"
    assert "Fusion" in body["error"]["message"]
    no_query = scheduled_body()
    del no_query["properties"]["query"]
    status, _, body = call(emulator, "PUT", f"{RULES}/r1{API}", no_query)
    assert status == 400 and "'query'" in body["error"]["message"]
    status, _, body = call(emulator, "PUT", f"{RULES}/r1{API}",
                           scheduled_body(queryFrequency="70m"))
    assert status == 400 and "queryFrequency" in body["error"]["message"]


def test_rule_validator_is_consulted(state_dir: Path) -> None:
    def at_least_5m(rule: dict) -> list[str]:
        if rule["properties"]["queryFrequency"] == "PT1M":
            return ["queryFrequency must be at least 5 minutes", "and another thing"]
        return []

    with Emulator(state_dir=state_dir, rule_validator=at_least_5m) as emu:
        too_often = scheduled_body(queryFrequency="PT1M")
        status, _, body = call(emu, "PUT", f"{RULES}/r1{API}", too_often)
        assert status == 400
        assert body["error"]["message"].startswith("queryFrequency must be at least 5 minutes")
        assert len(body["error"]["details"]) == 2
        assert call(emu, "PUT", f"{RULES}/r1{API}", scheduled_body())[0] == 201


def test_state_is_one_json_file_per_workspace(emulator: Emulator, state_dir: Path) -> None:
    call(emulator, "PUT", f"{RULES}/r1{API}", scheduled_body())
    call(emulator, "PUT", f"{RULES.replace('ws-1', 'ws-2')}/r1{API}", scheduled_body())
    files = sorted(state_dir.glob("*.json"))
    assert len(files) == 2
    stored = json.loads(files[0].read_text())
    assert set(stored["rules"]) == {"r1"}
    status, _, listed = call(emulator, "GET", f"{RULES}{API}")
    assert status == 200 and [r["name"] for r in listed["value"]] == ["r1"]


def test_unknown_path_is_404(emulator: Emulator) -> None:
    assert call(emulator, "GET", "/nothing/here")[0] == 404

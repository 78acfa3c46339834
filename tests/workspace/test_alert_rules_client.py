"""The real management SDK over real HTTP to the in-process emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest
from workspace_env import SUBSCRIPTION

from sentinel_deploy.emulator import Emulator
from sentinel_deploy.emulator.state import workspace_key
from sentinel_deploy.workspace import AlertRulesClient, EtagConflict, WorkspaceError


def test_lifecycle_create_get_update_conflict_list_delete(
        rules: AlertRulesClient, rule_body: dict[str, Any], emulator: Emulator) -> None:
    assert rules.get("spray") is None

    created = rules.put("spray", rule_body)
    assert created["name"] == "spray" and created["kind"] == "Scheduled"
    assert created["etag"]

    fetched = rules.get("spray")
    assert fetched is not None and fetched["etag"] == created["etag"]
    # The service's normalized durations, not what was sent.
    assert fetched["properties"]["queryFrequency"] == "PT1H10M"
    assert fetched["properties"]["queryPeriod"] == "P1D"
    assert fetched["properties"]["incidentConfiguration"]["groupingConfiguration"][
        "lookbackDuration"] == "PT5H"

    rule_body["properties"]["severity"] = "High"
    updated = rules.put("spray", rule_body, etag=created["etag"])
    assert updated["etag"] != created["etag"]
    assert updated["properties"]["severity"] == "High"
    assert [r.status for r in emulator.requests if r.method == "PUT"] == [201, 200]

    with pytest.raises(EtagConflict) as conflict:
        rules.put("spray", rule_body, etag=created["etag"])
    assert conflict.value.status == 412 and conflict.value.code == "PreconditionFailed"

    listed = rules.list()
    assert list(listed) == ["spray"]
    assert listed["spray"]["etag"] == updated["etag"]
    assert listed["spray"]["properties"]["techniques"] == ["T1110"]
    assert listed["spray"] == rules.get("spray")  # the model round trip in list() loses nothing

    rules.delete("spray")
    assert rules.get("spray") is None
    assert emulator.requests[-1].status == 404
    rules.delete("spray")  # already gone: still fine
    assert emulator.requests[-1].status == 204
    assert rules.list() == {}


def test_create_is_201_and_update_is_200_on_the_wire(
        rules: AlertRulesClient, rule_body: dict[str, Any], emulator: Emulator) -> None:
    first = rules.put("r", rule_body)
    second = rules.put("r", rule_body)
    assert first["etag"] != second["etag"]
    puts = [r for r in emulator.requests if r.method == "PUT"]
    assert [r.status for r in puts] == [201, 200]
    assert [r.query["api-version"] for r in puts] == [["2025-10-01-preview"]] * 2


def test_kind_and_techniques_survive_the_sdk(
        rules: AlertRulesClient, rule_body: dict[str, Any], emulator: Emulator) -> None:
    rules.put("spray", rule_body, etag=None)
    sent = emulator.requests[-1].body
    assert sent["kind"] == "Scheduled"
    assert sent["properties"]["techniques"] == ["T1110"]
    assert sent["properties"]["subTechniques"] == ["T1110.003"]
    assert sent["properties"]["queryFrequency"] == "PT70M"  # sent as given
    assert "etag" not in sent
    assert emulator.requests[-1].headers["Authorization"].startswith("Bearer ")

    stored = emulator.store.get(workspace_key(SUBSCRIPTION, "rg-sec", "ws-sec"), "spray")
    assert stored is not None
    assert stored["kind"] == "Scheduled"
    assert stored["properties"]["techniques"] == ["T1110"]
    assert stored["properties"]["subTechniques"] == ["T1110.003"]


def test_etag_goes_in_the_body(rules: AlertRulesClient, rule_body: dict[str, Any],
                               emulator: Emulator) -> None:
    created = rules.put("spray", rule_body)
    echoed = dict(created)  # a body copied from a GET: read-only members are stripped
    rules.put("spray", echoed, etag=created["etag"])
    sent = emulator.requests[-1].body
    assert sent["etag"] == created["etag"]
    assert not {"id", "name", "type"} & set(sent)


def test_body_without_kind_is_refused_before_sending(rules: AlertRulesClient,
                                                     rule_body: dict[str, Any]) -> None:
    del rule_body["kind"]
    with pytest.raises(ValueError, match="kind"):
        rules.put("spray", rule_body)


def test_validator_400_becomes_workspace_error(rules: AlertRulesClient,
                                               rule_body: dict[str, Any]) -> None:
    rule_body["properties"]["queryFrequency"] = "PT1M"
    with pytest.raises(WorkspaceError) as err:
        rules.put("spray", rule_body)
    assert err.value.status == 400 and err.value.code == "BadRequest"
    assert "Query frequency must be between 5 minutes and 14 days." in str(err.value)
    assert "\n" not in str(err.value)  # one line for the CLI


def test_rules_survive_an_emulator_restart(emulator: Emulator, state_dir: Any,
                                           rule_body: dict[str, Any]) -> None:
    with AlertRulesClient(SUBSCRIPTION, "rg-sec", "ws-sec", base_url=emulator.url) as client:
        created = client.put("spray", rule_body)
    emulator.stop()
    with Emulator(state_dir=state_dir) as again, \
            AlertRulesClient(SUBSCRIPTION, "rg-sec", "ws-sec", base_url=again.url) as client:
        fetched = client.get("spray")
        assert fetched is not None and fetched["etag"] == created["etag"]
        assert client.put("spray", rule_body, etag=created["etag"])["etag"] != created["etag"]


def test_unreachable_emulator_is_a_clean_error(rule_body: dict[str, Any]) -> None:
    emu = Emulator().start()
    url = emu.url
    emu.stop()
    started = time.perf_counter()
    with AlertRulesClient(SUBSCRIPTION, "rg", "ws", base_url=url) as client, \
            pytest.raises(WorkspaceError) as err:
        client.get("anything")
    assert err.value.status is None and err.value.code == "ServiceRequestError"
    assert time.perf_counter() - started < 2  # no retry back-off against the emulator


def test_plain_http_to_a_remote_host_is_refused() -> None:
    with pytest.raises(WorkspaceError, match="plain http"):
        AlertRulesClient(SUBSCRIPTION, "rg", "ws", base_url="http://management.example.com")

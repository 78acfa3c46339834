from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from workspace_env import NOW, SUBSCRIPTION, rejects_one_minute

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.emulator import Emulator
from sentinel_deploy.emulator.table_runner import TableRunner
from sentinel_deploy.workspace import AlertRulesClient, LogsClient


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "emulator-state"


@pytest.fixture
def emulator(state_dir: Path) -> Iterator[Emulator]:
    runner = TableRunner().add_table(
        "SigninLogs",
        [Column("TimeGenerated", "datetime"), Column("UserPrincipalName", "string"),
         Column("ResultType", "long"), Column("Props", "dynamic")],
        [(NOW - timedelta(minutes=10), "alice@contoso.com", 50126, {"ip": "10.0.0.1"}),
         (NOW - timedelta(minutes=20), "alice@contoso.com", 50126, None),
         (NOW - timedelta(days=3), "bob@contoso.com", 0, None)],
    )
    with Emulator(state_dir=state_dir, query_runner=runner, rule_validator=rejects_one_minute,
                  row_limit=100) as emu:
        yield emu


@pytest.fixture
def rules(emulator: Emulator) -> Iterator[AlertRulesClient]:
    with AlertRulesClient(SUBSCRIPTION, "rg-sec", "ws-sec", base_url=emulator.url) as client:
        yield client


@pytest.fixture
def logs(emulator: Emulator) -> Iterator[LogsClient]:
    with LogsClient(endpoint=emulator.url) as client:
        yield client


@pytest.fixture
def rule_body() -> dict[str, Any]:
    return {
        "kind": "Scheduled",
        "properties": {
            "displayName": "Password spray", "description": "Many failures for one user.",
            "query": "SigninLogs | where ResultType == 50126", "severity": "Medium",
            "enabled": True, "queryFrequency": "PT70M", "queryPeriod": "PT24H",
            "triggerOperator": "GreaterThan", "triggerThreshold": 0,
            "suppressionEnabled": False, "suppressionDuration": "PT5H",
            "tactics": ["CredentialAccess"], "techniques": ["T1110"],
            "subTechniques": ["T1110.003"],
            "incidentConfiguration": {
                "createIncident": True,
                "groupingConfiguration": {"enabled": False, "reopenClosedIncident": False,
                                          "lookbackDuration": "PT300M",
                                          "matchingMethod": "AllEntities"}},
        },
    }

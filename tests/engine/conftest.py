from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.types import normalize_kql_type

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
RAW_CURRENT = SHARED / "schemas" / "raw" / "current"


def _raw_table(name: str) -> TableSchema:
    data = json.loads((RAW_CURRENT / f"{name}.json").read_text(encoding="utf-8"))
    return TableSchema(
        name, tuple(Column(p["Name"], normalize_kql_type(p["Type"])) for p in data["Properties"])
    )


@pytest.fixture
def sample_catalog() -> Catalog:
    """The three current raw schemas plus a SecurityEvent subset, built by hand."""
    if not RAW_CURRENT.is_dir():
        pytest.skip(reason=f"shared schemas not found at {RAW_CURRENT} (../shared is absent)")
    catalog = Catalog()
    for name in ("DeviceProcessEvents", "Syslog", "CommonSecurityLog"):
        catalog.tables[name] = _raw_table(name)
    catalog.tables["SecurityEvent"] = TableSchema("SecurityEvent", (
        Column("TimeGenerated", "datetime"), Column("Account", "string"),
        Column("Computer", "string"), Column("EventID", "int"),
        Column("IpAddress", "string"), Column("CommandLine", "string"),
        Column("Type", "string"),
    ))
    return catalog


@pytest.fixture
def samples() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip(reason=f"sample data not found at {SAMPLES} (../shared is absent)")
    return SAMPLES


@pytest.fixture
def small_catalog() -> Catalog:
    return Catalog(tables={
        "Events": TableSchema("Events", (
            Column("TimeGenerated", "datetime"), Column("Computer", "string"),
            Column("Count", "long"), Column("Score", "real"), Column("Ok", "bool"),
            Column("Props", "dynamic"), Column("Id", "guid"), Column("Took", "timespan"),
            Column("Level", "int"), Column("Type", "string"),
        )),
        "Static": TableSchema("Static", (Column("Name", "string"), Column("Value", "long"))),
    })


@pytest.fixture
def ws(small_catalog: Catalog) -> LocalWorkspace:
    workspace = LocalWorkspace(small_catalog)
    yield workspace
    workspace.close()

"""`sentinel-deploy catalog`: packaged tables, the user's schemas/, and near misses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinel_deploy.cli.app import app

SCHEMAS = """\
tables:
  MyApp_CL:
    TimeGenerated: datetime
    UserName: string
watchlists:
  VIPUsers:
    columns: {UserPrincipalName: string}
    searchKey: UserPrincipalName
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "sentinel-deploy.toml").write_text('rules = ["analytics"]\n', encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "myapp.yaml").write_text(SCHEMAS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["catalog", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.stdout


def test_packaged_table_and_user_schemas_are_shown_with_their_columns(project: Path) -> None:
    code, out = run("DeviceProcessEvents", "MyApp_CL", "VIPUsers", "--output", "json")
    assert code == 0
    found = {e["name"]: e for e in json.loads(out)["found"]}
    dpe = {c["name"]: c["type"] for c in found["DeviceProcessEvents"]["columns"]}
    assert dpe["ProcessCommandLine"] == "string" and dpe["Timestamp"] == "datetime"
    assert [c["name"] for c in found["MyApp_CL"]["columns"]][:2] == ["TimeGenerated", "UserName"]
    # A watchlist returns _GetWatchlist's fixed columns, then its own.
    assert [c["name"] for c in found["VIPUsers"]["columns"]] == [
        "_DTItemId", "LastUpdatedTimeUTC", "SearchKey", "WatchlistItem", "UserPrincipalName"]


def test_a_case_slip_is_not_found_and_the_right_name_suggested(project: Path) -> None:
    code, out = run("deviceprocessevents")
    assert code == 1
    assert "not in the catalog" in out and "DeviceProcessEvents" in out


def test_functions_show_their_parameters(project: Path) -> None:
    code, out = run("imDns")
    assert code == 0
    assert "starttime:datetime" in out and "EventType" in out


def test_without_names_it_summarizes(project: Path) -> None:
    code, out = run()
    assert code == 0
    assert "1 watchlists" in out and "tables" in out

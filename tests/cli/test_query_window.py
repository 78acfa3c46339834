"""`query --window`: the templated look-back follows the window; wide results stay readable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinel_deploy.cli import console
from sentinel_deploy.cli.app import app

RULE = Path("analytics/linux/bind_mount_hides_process.yaml")
# An attack five hours before the local workspace's `now` (2023-10-26T00:00Z):
# outside the rule's queryPeriod (1h), inside a 1d window.
OLDER = {
    "TimeGenerated": "2023-10-25T19:00:00Z", "Timestamp": "2023-10-25T19:00:00Z",
    "DeviceId": "0000000000000000000000000000000000000abc", "DeviceName": "web-07",
    "ActionType": "ProcessCreated", "AccountName": "root", "AccountDomain": "web-07",
    "FileName": "mount", "FolderPath": "/usr/bin/mount", "ProcessId": 777,
    "ProcessCommandLine": "mount --bind /tmp/x /proc/777",
    "InitiatingProcessFileName": "bash", "InitiatingProcessCommandLine": "bash",
    "InitiatingProcessAccountName": "root",
}


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_window_wider_than_query_period_renders_the_lookback_with_it(project: Path) -> None:
    data = project / "data" / "DeviceProcessEvents__older.jsonl"
    data.write_text(json.dumps(OLDER) + "\n", encoding="utf-8")
    narrow = invoke("query", str(RULE), "--window", "1h", "--output", "json")
    wide = invoke("query", str(RULE), "--window", "1d", "--output", "json")
    assert narrow.exit_code == 0 and wide.exit_code == 0, wide.output
    procs = lambda result: sorted(r["TargetProc"] for r in json.loads(result.stdout))  # noqa: E731
    assert "/proc/777" not in procs(narrow)
    assert procs(wide) == sorted([*procs(narrow), "/proc/777"])
    assert "rendered as 1d" in wide.stderr


def test_a_literal_lookback_shorter_than_the_window_is_pointed_out(project: Path) -> None:
    rule = project / RULE
    text = rule.read_text(encoding="utf-8").replace("ago({{ query_period }})", "ago(1h)")
    rule.write_text(text, encoding="utf-8")
    result = invoke("query", str(RULE), "--window", "1d")
    assert result.exit_code == 0, result.output
    assert "filters TimeGenerated to the last 1h" in result.stderr


def test_rows_too_wide_for_the_terminal_print_as_records(project: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console.stdout, "width", 80)
    result = invoke("query", str(RULE), "--window", "1h")
    assert result.exit_code == 0, result.output
    assert "── row 1 ──" in result.stdout
    # Each value on one line, whole: nothing folded into two-letter columns.
    assert any(line.split() == ["TargetProc", "/proc/4242"]
               for line in result.stdout.splitlines())
    monkeypatch.setattr(console.stdout, "width", 1000)
    wide = invoke("query", str(RULE), "--window", "1h")
    assert "── row 1 ──" not in wide.stdout and "TargetProc" in wide.stdout


@pytest.mark.parametrize("command", ["query", "deploy"])
@pytest.mark.parametrize("window", ["0m", "0s"])
def test_empty_window_is_refused_not_replaced_by_query_period(project: Path, command: str,
                                                             window: str) -> None:
    args = [command, str(RULE)] if command == "query" else [command]
    result = invoke(*args, "--window", window)
    assert result.exit_code == 2, result.output
    assert "is not a window of time" in result.output and "30m" in result.output

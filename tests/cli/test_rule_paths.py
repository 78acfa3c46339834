"""Which rules a command acts on: a folder without rules is an error, not a green "0 rules"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinel_deploy.cli.app import app

runner = CliRunner()


@pytest.mark.parametrize("command", ["validate", "render", "test", "deploy"])
def test_folder_without_rule_files_is_an_error(project: Path, command: str) -> None:
    # A mistyped path that exists (here the data folder) would otherwise pass CI.
    result = runner.invoke(app, [command, "data"], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "no rule files (*.yaml, *.yml) in data" in result.output
    assert not (project / "state").exists()  # deploy wrote nothing


def test_configured_rules_folder_without_rules_is_an_error(project: Path) -> None:
    for rule in (project / "analytics").rglob("*.yaml"):
        rule.unlink()
    result = runner.invoke(app, ["validate"], catch_exceptions=False)
    assert result.exit_code == 2
    assert "no rule files" in result.output and "sentinel-deploy.toml" in result.output


@pytest.mark.parametrize("command", [["query"], ["backtest", "--data", "data",
                                                "--from", "2023-10-25", "--to", "2023-10-26"]])
def test_one_rule_commands_given_a_folder_say_so(project: Path, command: list[str]) -> None:
    result = runner.invoke(app, [command[0], "analytics", *command[1:]], catch_exceptions=False)
    assert result.exit_code == 2, result.output
    assert "analytics is a folder; these commands take one rule file" in result.output

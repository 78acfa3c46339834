"""The main job end to end on the embedded default, through the CLI.

Everything is real: the CLI, the rule files, the emulator on 127.0.0.1, the
Azure SDK clients speaking HTTP to it, and duckdb-kql answering the queries.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sentinel_deploy.cli.app import app
from sentinel_deploy.emulator import Emulator
from sentinel_deploy.workspace.arm import AlertRulesClient

RULE = Path("analytics/linux/bind_mount_hides_process.yaml")
runner = CliRunner()


def stored_rules(project: Path) -> dict[str, dict]:
    """What the workspace holds, read back through the real SDK client."""
    with Emulator(state_dir=project / "state") as emulator, AlertRulesClient(
        "00000000-0000-0000-0000-000000000000", "sentinel-deploy-local", "local",
        base_url=emulator.url,
    ) as client:
        return client.list()


def invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def rule_id(project: Path) -> str:
    import yaml

    return yaml.safe_load((project / RULE).read_text(encoding="utf-8"))["id"]


def test_deploy_creates_disabled_checks_then_enables(project: Path) -> None:
    result = invoke("deploy", "--env", "local")
    assert result.exit_code == 0, result.output
    assert "enabled" in result.output
    rules = stored_rules(project)
    rule = rules[rule_id(project)]
    assert rule["kind"] == "Scheduled"
    assert rule["properties"]["enabled"] is True
    assert rule["properties"]["techniques"] == ["T1564"]
    assert rule["properties"]["subTechniques"] == ["T1564.013"]
    # The Jinja `ago({{ query_period }})` reached the workspace rendered.
    assert "ago(1h)" in rule["properties"]["query"]


def test_second_deploy_writes_nothing(project: Path) -> None:
    assert invoke("deploy").exit_code == 0
    state = next((project / "state").glob("*.json"))
    before = state.read_bytes()
    etag = stored_rules(project)[rule_id(project)]["etag"]
    result = invoke("deploy")
    assert result.exit_code == 0, result.output
    assert "unchanged" in result.output
    assert state.read_bytes() == before
    assert stored_rules(project)[rule_id(project)]["etag"] == etag


def test_dry_run_writes_nothing(project: Path) -> None:
    result = invoke("deploy", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would create" in result.output and "would enable" in result.output
    assert stored_rules(project) == {}


def test_dry_run_leaves_the_disk_untouched(project: Path) -> None:
    # The default state_dir: nothing under .sentinel-deploy/, not even an empty folder.
    (project / "sentinel-deploy.toml").write_text(
        (project / "sentinel-deploy.toml").read_text().replace('state_dir = "state"\n', ""))
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    result = invoke("deploy", "--dry-run")
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert not (project / ".sentinel-deploy").exists()


def test_dry_run_of_a_new_rule_gives_the_reason_of_a_failed_check(project: Path) -> None:
    text = (project / RULE).read_text(encoding="utf-8")
    (project / RULE).write_text(text + "sentinelDeploy:\n  maxResults: 2\n", encoding="utf-8")
    dry = invoke("deploy", "--dry-run")
    assert dry.exit_code == 1, dry.output
    flat = " ".join(dry.output.split())
    assert "would stay disabled: 4 rows over 1h exceeds the limit of 2" in flat
    real = invoke("deploy")
    assert real.exit_code == 1, real.output
    assert "4 rows over 1h exceeds the limit of 2" in " ".join(real.output.split())


def test_noisy_rule_stays_disabled(project: Path) -> None:
    text = (project / RULE).read_text(encoding="utf-8")
    (project / RULE).write_text(text + "sentinelDeploy:\n  maxResults: 2\n", encoding="utf-8")
    result = invoke("deploy")
    assert result.exit_code == 1
    assert "held disabled" in result.output
    assert "4 rows" in result.output and "exceeds the limit of 2" in result.output
    assert stored_rules(project)[rule_id(project)]["properties"]["enabled"] is False


def _unrunnable(project: Path, tail: str = "| evaluate bag_unpack(AdditionalFields)") -> Path:
    """A valid rule whose query uses a construct the local engine lacks."""
    return _extra_rule(project, "unrunnable", "0f7c2a55-3c1e-4c7e-9a64-2b9d8f6a1c11",
                       f"DeviceProcessEvents\n{tail}", column="DeviceName")


def test_rule_the_local_engine_cannot_run_stays_disabled_and_says_why(project: Path) -> None:
    _unrunnable(project)
    expected = ("the local engine cannot run this query (evaluate bag_unpack): test it "
                "against an Azure workspace: add one under [environments.<name>] with kind = "
                "\"azure\" in sentinel-deploy.toml, then use --env <name>")
    dry = invoke("deploy", "--dry-run")
    assert dry.exit_code == 1
    assert f"would stay disabled: {expected}" in " ".join(dry.output.split())
    result = invoke("deploy")
    assert result.exit_code == 1
    rules = stored_rules(project)
    assert rules["0f7c2a55-3c1e-4c7e-9a64-2b9d8f6a1c11"]["properties"]["enabled"] is False
    assert rules[rule_id(project)]["properties"]["enabled"] is True
    flat = " ".join(result.output.split())
    assert expected in flat
    # The query is valid KQL: nothing may send the user to fix it, nor quote engine internals.
    for wrong in ("fix the query", "in this wave", "EvaluateOperator", "query failed"):
        assert wrong not in flat, wrong


def test_local_engine_gap_names_the_azure_environment_and_the_construct(project: Path) -> None:
    config = project / "sentinel-deploy.toml"
    config.write_text(config.read_text(encoding="utf-8") + """
[environments.prod]
kind = "azure"
subscription_id = "00000000-0000-0000-0000-000000000000"
resource_group = "rg"
workspace_name = "law"
workspace_id = "00000000-0000-0000-0000-000000000000"
""", encoding="utf-8")
    _unrunnable(project, "| extend Cell = geo_point_to_s2cell(1.5, 2.5)")
    result = invoke("deploy", "--env", "local")
    assert result.exit_code == 1
    flat = " ".join(result.output.split())
    assert ("the local engine cannot run this query (geo_point_to_s2cell()): test it against "
            "an Azure workspace (--env prod)") in flat
    assert "in this wave" not in flat and "translate/" not in flat


def test_query_of_a_rule_the_local_engine_cannot_run(project: Path) -> None:
    path = _unrunnable(project, "| evaluate pivot(FileName)")
    result = invoke("query", str(path))
    assert result.exit_code == 2
    flat = " ".join(result.output.split())
    assert "the local engine cannot run this query (evaluate pivot)" in flat
    assert "test it against an Azure workspace: add one under [environments.<name>]" in flat
    assert "fix the query" not in flat and "in this wave" not in flat


def test_invalid_rule_means_nothing_is_deployed(project: Path) -> None:
    (project / "analytics" / "broken.yaml").write_text(
        "id: not-a-guid\nname: x\nseverity: Critical\nquery: |\n  DeviceProcessEvents\n",
        encoding="utf-8")
    result = invoke("deploy")
    assert result.exit_code == 1
    assert "nothing was deployed" in result.output
    assert "broken.yaml" in result.output
    assert stored_rules(project) == {}


def test_malformed_yaml_is_one_clear_message(project: Path) -> None:
    (project / "analytics" / "bad.yaml").write_text("id: x\nname: [unclosed\n", encoding="utf-8")
    result = invoke("validate")
    assert result.exit_code == 1
    assert "bad.yaml:3" in result.output or "bad.yaml:2" in result.output
    assert "Traceback" not in result.output


def test_unknown_environment(project: Path) -> None:
    result = invoke("deploy", "--env", "staging")
    assert result.exit_code == 2
    assert "unknown environment 'staging'" in result.output
    assert "Traceback" not in result.output


def test_missing_data_folder(project: Path) -> None:
    (project / "sentinel-deploy.toml").write_text(
        (project / "sentinel-deploy.toml").read_text().replace('data = ["data"]',
                                                                'data = ["nowhere"]'))
    result = invoke("deploy")
    assert result.exit_code == 2
    assert "nowhere" in result.output and "does not exist" in result.output


def test_undefined_template_variable_names_file_line_and_variable(project: Path) -> None:
    target = project / "analytics" / "templated.yaml"
    target.write_text("""id: 7d0c8c3e-2f4b-4a3c-9a57-5f0e2b6c9d41
name: Templated
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
query: |
  DeviceProcessEvents
  | where DeviceName in ({{ no_such_hosts | kql_list }})
""", encoding="utf-8")
    result = invoke("render")
    assert result.exit_code == 1
    assert "templated.yaml:10" in result.output
    assert "no_such_hosts" in result.output
    assert "[environments.local.vars]" in result.output
    # A slip of the name gets the close match from the environment's variables.
    target.write_text(target.read_text(encoding="utf-8").replace("no_such_hosts",
                                                                 "allowed_admin_host"),
                      encoding="utf-8")
    result = invoke("render")
    assert "did you mean `allowed_admin_hosts`?" in result.output


def test_render_writes_api_bodies(project: Path, tmp_path: Path) -> None:
    result = invoke("render", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    body = json.loads((tmp_path / "out" / f"{rule_id(project)}.json").read_text())
    props = body["properties"]
    assert body["kind"] == "Scheduled"
    assert props["queryFrequency"] == "PT1H" and props["queryPeriod"] == "PT1H"
    assert props["triggerOperator"] == "GreaterThan"
    assert props["displayName"].startswith("Linux process hidden")


def test_query_prints_rows(project: Path) -> None:
    result = invoke("query", str(RULE), "--window", "1h")
    assert result.exit_code == 0, result.output
    assert "4 row(s)" in result.output
    result = invoke("query", str(RULE), "--window", "1h", "--output", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert sorted(r["TargetProc"] for r in rows) == [
        "/host_proc/2718", "/proc/31337", "/proc/4242", "/proc/5151"]


@pytest.mark.parametrize("window", ["banana", "0x"])
def test_bad_window(project: Path, window: str) -> None:
    result = invoke("query", str(RULE), "--window", window)
    assert result.exit_code == 2
    assert "--window" in result.output


def _extra_rule(project: Path, name: str, rule_guid: str, query: str,
                column: str = "Computer") -> Path:
    path = project / "analytics" / f"{name}.yaml"
    path.write_text(f"""
id: {rule_guid}
name: {name}
description: test
severity: Low
queryFrequency: 1h
queryPeriod: 1h
triggerOperator: gt
triggerThreshold: 0
tactics: [Discovery]
relevantTechniques: [T1082]
query: |
{"".join(f"  {line}{chr(10)}" for line in query.splitlines())}entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: HostName
        columnName: {column}
""", encoding="utf-8")
    return path


def test_failing_update_keeps_the_enabled_version(project: Path) -> None:
    assert invoke("deploy").exit_code == 0
    before = stored_rules(project)[rule_id(project)]
    text = (project / RULE).read_text(encoding="utf-8").replace("severity: High",
                                                                 "severity: Medium")
    (project / RULE).write_text(text + "sentinelDeploy:\n  maxResults: 2\n", encoding="utf-8")
    result = invoke("deploy")
    assert result.exit_code == 1, result.output
    flat = " ".join(result.output.split())
    assert "held: update not applied, old version still enabled" in flat
    assert "exceeds the limit of 2" in flat
    assert stored_rules(project)[rule_id(project)] == before


def test_new_settings_failing_on_an_enabled_rule_do_not_claim_an_update(project: Path) -> None:
    assert invoke("deploy").exit_code == 0
    before = stored_rules(project)[rule_id(project)]
    text = (project / RULE).read_text(encoding="utf-8")
    (project / RULE).write_text(text + "sentinelDeploy:\n  minResults: 100\n",
                                encoding="utf-8")
    result = invoke("deploy")
    assert result.exit_code == 1, result.output  # the new expectation is not met
    flat = " ".join(result.output.split())
    assert ("enabled rule left as is: check with the new settings failed: 4 rows over 1h, "
            "fewer than the expected minimum of 100") in flat
    assert "update not applied" not in flat and "held (old version enabled)" not in flat
    assert stored_rules(project)[rule_id(project)] == before


def test_check_on_empty_tables_warns_and_names_them(project: Path) -> None:
    _extra_rule(project, "empty_syslog", "5b1f3c44-8a0e-4d5e-9b7a-3c2d1e0f9a88",
                'Syslog\n| where ProcessName == "sudo"\n| project TimeGenerated, Computer')
    _extra_rule(project, "quiet_on_data", "6c2a4d55-9b1f-4e6f-8c8b-4d3e2f1a0b99",
                'DeviceProcessEvents\n| where FileName == "no-such-binary"\n'
                "| project TimeGenerated, Computer = DeviceName")
    result = invoke("deploy")
    assert result.exit_code == 0, result.output  # a warning, not a failure
    warnings = [" ".join(line.split()) for line in result.output.splitlines()
                if line.startswith("warning:")]
    assert len(warnings) == 1, result.output  # the query over real rows finding none is fine
    assert "empty_syslog" in warnings[0] and "(Syslog held no rows over 1h)" in warnings[0]
    assert "proved only that the query runs" in warnings[0]


def test_render_skips_invalid_rules_and_prints_their_diagnostics(project: Path,
                                                                 tmp_path: Path) -> None:
    # Loads fine, but the API would refuse it: severity and trigger operator out of range.
    _extra_rule(project, "refused", "8e3b5f66-0c2a-4f70-9d9c-5e4f3a2b1c00",
                "DeviceProcessEvents\n| project TimeGenerated, Computer = DeviceName")
    path = project / "analytics" / "refused.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("severity: Low",
                                                             "severity: Critical"),
                    encoding="utf-8")
    result = invoke("render")
    assert result.exit_code == 1
    # Same shape as `validate`: file, then "  file:line: error SDxxx [field]: message".
    assert "refused.yaml:5" in result.stderr and "error SD1" in result.stderr
    assert "[severity]" in result.stderr
    bodies = json.loads(result.stdout)
    assert [b["id"] for b in bodies] == [rule_id(project)]  # the valid rule still rendered

    out = tmp_path / "out"
    result = invoke("render", "--out", str(out))
    assert result.exit_code == 1
    assert sorted(p.name for p in out.iterdir()) == [f"{rule_id(project)}.json"]


def test_azure_credential_failure_is_reported_once(project: Path) -> None:
    """No Azure sign-in on this machine: one message with the hint, not two copies.

    A real process, because the duplicate came from Python's last-resort logging
    handler writing azure.identity's warning to the real stderr.
    """
    import os
    import subprocess
    import sys

    config = project / "sentinel-deploy.toml"
    config.write_text(config.read_text(encoding="utf-8") + """
[environments.prod]
kind = "azure"
subscription_id = "00000000-0000-0000-0000-000000000000"
resource_group = "rg-sentinel"
workspace_name = "law-sentinel"
workspace_id = "00000000-0000-0000-0000-000000000000"
[environments.prod.vars]
allowed_admin_hosts = ["jump-prod-01"]
""", encoding="utf-8")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AZURE_", "IDENTITY_", "MSI_"))}
    done = subprocess.run([sys.executable, "-m", "sentinel_deploy", "deploy", "--env", "prod"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert done.stderr.count("DefaultAzureCredential failed") == 1, done.stderr
    assert "az login" in done.stderr

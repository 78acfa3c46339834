"""The deploy flow's safety properties, against the emulator through the real SDK clients."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sentinel_deploy.actions.deploy import Outcome, Workspace, deploy
from sentinel_deploy.actions.session import Session
from sentinel_deploy.workspace.arm import AlertRulesClient
from sentinel_deploy.workspace.connect import open_workspace

RULE = Path("analytics/linux/bind_mount_hides_process.yaml")


def run(session: Session, workspace: Workspace | None = None, **kw: Any):
    docs = session.load_rules([])
    if workspace is not None:
        return deploy(session, docs, workspace, **kw)
    with open_workspace(session) as ws:
        return deploy(session, docs, ws, **kw)


def edit_rule(session: Session, old: str, new: str) -> None:
    path = session.config.root / RULE
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


class InterleavedWriter:
    """Another operator edits the rule in the portal between our read and our write."""

    def __init__(self, ours: AlertRulesClient, theirs: AlertRulesClient) -> None:
        self.ours, self.theirs = ours, theirs

    def list(self) -> dict[str, dict[str, Any]]:
        return self.ours.list()

    def put(self, rule_id: str, body: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
        current = self.theirs.get(rule_id)
        assert current is not None
        current["properties"]["description"] = "edited in the portal"
        self.theirs.put(rule_id, current, current["etag"])
        return self.ours.put(rule_id, body, etag)


def test_concurrent_edit_is_not_overwritten_and_not_enabled(session: Session) -> None:
    [first] = run(session).rules
    assert first.outcome is Outcome.ENABLED
    edit_rule(session, "severity: High", "severity: Medium")
    with open_workspace(session) as ws:
        rules = ws.rules
        assert isinstance(rules, AlertRulesClient)
        with AlertRulesClient(rules.subscription_id, rules.resource_group, rules.workspace_name,
                              base_url=rules.base_url) as theirs:
            racing = Workspace(InterleavedWriter(rules, theirs), ws.logs, ws.workspace_id, ws.now)
            [report] = run(session, racing).rules
            stored = rules.get(first.rule_id)
    assert report.outcome is Outcome.FAILED
    assert "412" in report.detail or "etag" in report.detail.lower()
    assert stored is not None
    assert stored["properties"]["description"] == "edited in the portal"
    assert stored["properties"]["severity"] == "High"


def test_disabling_in_the_file_turns_the_rule_off_without_a_check(session: Session) -> None:
    run(session)
    path = session.config.root / RULE
    path.write_text(path.read_text(encoding="utf-8") + "enabled: false\n", encoding="utf-8")
    [report] = run(session).rules
    assert report.outcome is Outcome.DEPLOYED_DISABLED
    assert report.check is None
    with open_workspace(session) as ws:
        assert ws.rules.list()[report.rule_id]["properties"]["enabled"] is False


def test_held_rule_is_rechecked_but_not_rewritten(session: Session) -> None:
    path = session.config.root / RULE
    path.write_text(path.read_text(encoding="utf-8") + "sentinelDeploy:\n  maxResults: 1\n",
                    encoding="utf-8")
    [first] = run(session).rules
    assert first.outcome is Outcome.HELD_DISABLED
    state = next((session.config.root / "state").glob("*.json"))
    before = state.read_bytes()
    [second] = run(session).rules
    assert second.outcome is Outcome.HELD_DISABLED and second.action == "unchanged"
    assert state.read_bytes() == before  # checked again, nothing written


def test_window_option_changes_what_the_check_sees(session: Session) -> None:
    [narrow] = run(session, dry_run=True, window=None).rules
    assert narrow.check is not None and narrow.check.rows == 4
    from datetime import timedelta

    [tiny] = run(session, dry_run=True, window=timedelta(minutes=5)).rules
    assert tiny.check is not None and tiny.check.rows is not None and tiny.check.rows < 4


class RecordingRules:
    """The real client, with every PUT written down (what was sent, with which etag)."""

    def __init__(self, inner: AlertRulesClient) -> None:
        self.inner = inner
        self.puts: list[tuple[bool, str | None]] = []

    def list(self) -> dict[str, dict[str, Any]]:
        return self.inner.list()

    def put(self, rule_id: str, body: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
        self.puts.append((body["properties"]["enabled"], etag))
        return self.inner.put(rule_id, body, etag)


def _recorded_run(session: Session, **kw: Any):
    with open_workspace(session) as ws:
        assert isinstance(ws.rules, AlertRulesClient)
        rules = RecordingRules(ws.rules)
        report = run(session, Workspace(rules, ws.logs, ws.workspace_id, ws.now), **kw)
        stored = ws.rules.list()
    return report, rules.puts, stored


def test_failing_update_of_an_enabled_rule_writes_nothing(session: Session) -> None:
    [first] = run(session).rules
    assert first.outcome is Outcome.ENABLED
    state = next((session.config.root / "state").glob("*.json"))
    before = state.read_bytes()
    # A content change whose check fails: 4 rows over the window, at most 1 allowed.
    edit_rule(session, "severity: High", "severity: Medium")
    path = session.config.root / RULE
    path.write_text(path.read_text(encoding="utf-8") + "sentinelDeploy:\n  maxResults: 1\n",
                    encoding="utf-8")
    report, puts, stored = _recorded_run(session)
    [held] = report.rules
    assert held.action == "update" and held.outcome is Outcome.HELD_ENABLED
    assert held.detail.startswith("held: update not applied, old version still enabled")
    assert "exceeds the limit of 1" in held.detail
    assert not report.ok
    assert puts == []
    assert state.read_bytes() == before
    assert stored[first.rule_id]["properties"]["enabled"] is True
    assert stored[first.rule_id]["properties"]["severity"] == "High"


def test_passing_update_of_an_enabled_rule_is_one_put_with_the_etag(session: Session) -> None:
    run(session)
    with open_workspace(session) as ws:
        etag = next(iter(ws.rules.list().values()))["etag"]
    edit_rule(session, "severity: High", "severity: Medium")
    report, puts, stored = _recorded_run(session)
    [updated] = report.rules
    assert updated.outcome is Outcome.ENABLED and report.ok
    assert updated.check is not None and updated.check.passed
    assert puts == [(True, etag)]  # never written disabled
    assert stored[updated.rule_id]["properties"]["severity"] == "Medium"
    assert stored[updated.rule_id]["properties"]["enabled"] is True


def test_changed_sentinel_deploy_settings_are_rechecked(session: Session) -> None:
    run(session)
    path = session.config.root / RULE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "sentinelDeploy:\n  maxResults: 1\n", encoding="utf-8")
    report, puts, stored = _recorded_run(session)
    [held] = report.rules
    # Nothing was there to update: the rule is left as it was, and says so.
    assert held.action == "unchanged" and held.outcome is Outcome.LEFT_ENABLED
    assert held.detail.startswith("enabled rule left as is: check with the new settings "
                                  "failed: 4 rows over 1h exceeds the limit of 1")
    assert "update not applied" not in held.detail
    assert held.check is not None and held.check.rows == 4
    assert puts == [] and not report.ok
    assert next(iter(stored.values()))["properties"]["enabled"] is True

    path.write_text(original + "sentinelDeploy:\n  maxResults: 10\n", encoding="utf-8")
    [rechecked] = run(session).rules
    assert rechecked.outcome is Outcome.UNCHANGED
    assert rechecked.check is not None and rechecked.check.passed
    [settled] = run(session).rules  # checked with these settings already: nothing to do
    assert settled.outcome is Outcome.UNCHANGED and settled.check is None


def test_dry_run_of_a_held_rule_reports_what_the_real_run_does(session: Session) -> None:
    path = session.config.root / RULE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "sentinelDeploy:\n  maxResults: 1\n", encoding="utf-8")
    [first] = run(session).rules
    assert first.outcome is Outcome.HELD_DISABLED
    # Unchanged body, still failing: nothing would be written, so nothing "would update".
    [dry] = run(session, dry_run=True).rules
    [real] = run(session).rules
    assert (dry.action, dry.outcome) == (real.action, real.outcome) == (
        "unchanged", Outcome.HELD_DISABLED)
    assert dry.detail == f"would stay disabled: {real.detail}"
    # Now passing: the dry run says it would enable the rule, and the real run does.
    path.write_text(original, encoding="utf-8")
    [dry] = run(session, dry_run=True).rules
    assert (dry.action, dry.outcome, dry.detail) == ("unchanged", Outcome.WOULD_ENABLE,
                                                     "would enable")
    [real] = run(session).rules
    assert (real.action, real.outcome) == ("unchanged", Outcome.ENABLED)


def test_recheck_without_a_record_says_so(session: Session) -> None:
    run(session)
    session.check_record_path.unlink()
    [rechecked] = run(session).rules
    assert rechecked.outcome is Outcome.UNCHANGED and rechecked.check is not None
    assert rechecked.detail == "re-checked: no record of an earlier check"
    path = session.config.root / RULE
    path.write_text(path.read_text(encoding="utf-8") + "sentinelDeploy:\n  maxResults: 10\n",
                    encoding="utf-8")
    [changed] = run(session).rules
    assert changed.detail == "re-checked: check settings changed"


def test_summary_tells_created_updated_and_enabled_apart(session: Session) -> None:
    assert run(session, dry_run=True).summary() == "1 rule(s): 1 to create"
    assert run(session).summary() == "1 rule(s): 1 created"
    edit_rule(session, "severity: High", "severity: Medium")
    assert run(session, dry_run=True).summary() == "1 rule(s): 1 to update"
    assert run(session).summary() == "1 rule(s): 1 updated"
    assert run(session).summary() == "1 rule(s): 1 unchanged"
    path = session.config.root / RULE
    original = path.read_text(encoding="utf-8")
    path.write_text(original + "enabled: false\n", encoding="utf-8")
    assert run(session).summary() == "1 rule(s): 1 disabled"
    path.write_text(original + "sentinelDeploy:\n  maxResults: 1\n", encoding="utf-8")
    assert run(session).summary() == "1 rule(s): 1 failed"
    path.write_text(original, encoding="utf-8")
    assert run(session).summary() == "1 rule(s): 1 enabled"  # held before, same body

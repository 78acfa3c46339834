"""`deploy`: rules that differ go to the workspace, checked before they can detect anything.

The order matters for safety: a rule is never enabled without its query having
just run in the target workspace, over the check window, with an acceptable
number of rows; and a rule that is enabled and working is never taken down by
an update. Two flows:

* new or disabled rule: PUT disabled → check → PUT enabled (with the etag);
  a failed check leaves it disabled;
* enabled rule: check the NEW query first → only if it passes, PUT the new
  version enabled; a failed check writes nothing, so the old version keeps
  detecting.

Any failure is reported; nothing is ever half-enabled.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from sentinel_deploy.actions.check_record import CheckRecord, fingerprint
from sentinel_deploy.actions.deploy_check import CheckResult, LogsApi, check_window, run_check
from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Diagnostic, UserError
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.objects.rule_diff import FLOW_FIELDS, FieldChange, diff_bodies
from sentinel_deploy.render.api_body import render_api_body

__all__ = ["CheckResult", "DeployReport", "Outcome", "RuleReport", "Workspace", "check_window",
           "deploy", "run_check"]

HELD_ENABLED_DETAIL = "held: update not applied, old version still enabled"
# Why a rule whose body is unchanged is checked again.
SETTINGS_CHANGED = "check settings changed"
NO_RECORD = "no record of an earlier check"


class RulesApi(Protocol):
    def list(self) -> dict[str, dict[str, Any]]: ...
    def put(self, rule_id: str, body: dict[str, Any], etag: str | None = None
            ) -> dict[str, Any]: ...


class Outcome(StrEnum):
    UNCHANGED = "unchanged"
    ENABLED = "enabled"  # written, checked, enabled
    DEPLOYED_DISABLED = "deployed disabled"  # rule file says enabled: false; checked
    HELD_DISABLED = "held disabled"  # written, check failed: stays disabled
    HELD_ENABLED = "held (old version enabled)"  # check failed: nothing written
    # Same body, re-checked (new sentinelDeploy settings, or no record) and failed:
    # there was no update to hold back, the enabled rule is simply left alone.
    LEFT_ENABLED = "left as is (check failed)"
    FAILED = "failed"  # the workspace refused a write
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"
    WOULD_ENABLE = "would enable"  # same body, held disabled before, passes now


@dataclass
class RuleReport:
    rule_id: str
    name: str
    file: Path
    action: str  # create, update, unchanged
    outcome: Outcome
    changes: list[FieldChange] = field(default_factory=list)
    check: CheckResult | None = None
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.HELD_DISABLED, Outcome.HELD_ENABLED,
                                Outcome.LEFT_ENABLED, Outcome.FAILED) or (
            self.check is not None and not self.check.passed)

    @property
    def warnings(self) -> list[str]:
        return self.check.warnings if self.check is not None else []


@dataclass
class DeployReport:
    environment: str
    dry_run: bool
    rules: list[RuleReport] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics) and not any(
            r.failed for r in self.rules)

    def summary(self) -> str:
        """One line: what happened to how many rules, categories with none left out."""
        counts = Counter(_summary_key(r) for r in self.rules)
        parts = [f"{counts[key]} {key}" for key in _SUMMARY_ORDER if counts[key]]
        return f"{len(self.rules)} rule(s): " + (", ".join(parts) or "none")

    @property
    def writes(self) -> int:
        return sum(r.action != "unchanged" for r in self.rules if not self.dry_run)


_SUMMARY_ORDER = ("created", "updated", "enabled", "disabled", "to create", "to update",
                  "to enable", "unchanged", "failed")


def _summary_key(rule: RuleReport) -> str:
    # By what was written, not by the final state: an update of an enabled rule
    # ends enabled too, but "enabled" is kept for a held rule that now passes.
    if rule.failed:
        return "failed"
    if rule.outcome in (Outcome.WOULD_CREATE, Outcome.WOULD_UPDATE, Outcome.WOULD_ENABLE):
        return str(rule.outcome).replace("would ", "to ")
    if rule.outcome in (Outcome.ENABLED, Outcome.DEPLOYED_DISABLED):
        if rule.action == "create":
            return "created"
        if rule.action == "update":
            return "updated"
        return "enabled" if rule.outcome is Outcome.ENABLED else "disabled"
    return "unchanged"


@dataclass
class Workspace:
    """The two APIs of one workspace plus its clock (pinned for the local demo)."""

    rules: RulesApi
    logs: LogsApi
    workspace_id: str
    now: datetime


@dataclass
class _Plan:
    """One rule's inputs to the flow, worked out once."""

    rule: Rule
    desired: dict[str, Any]
    current: dict[str, Any] | None
    print_: str  # check_record fingerprint of what would be checked

    @property
    def want_enabled(self) -> bool:
        return bool(self.desired["properties"].get("enabled", True))

    @property
    def is_enabled(self) -> bool:
        return bool(self.current and self.current.get("properties", {}).get("enabled"))

    def current_etag(self) -> str | None:
        return self.current.get("etag") if self.current else None


def deploy(session: Session, docs: Sequence[RuleDocument], workspace: Workspace, *,
           window: timedelta | None = None, dry_run: bool = False,
           record: CheckRecord | None = None) -> DeployReport:
    report = DeployReport(environment=session.env_name, dry_run=dry_run)
    if record is None:
        record = CheckRecord.load(session.check_record_path)
    rules = [(doc, doc.rule) for doc in docs if doc.rule is not None]
    current = workspace.rules.list()
    for doc, rule in rules:
        report.rules.append(_deploy_one(session, doc, rule, current.get(rule.id), workspace,
                                        record, window=window, dry_run=dry_run))
    if not dry_run:
        record.save()
    return report


def _deploy_one(session: Session, doc: RuleDocument, rule: Rule, current: dict[str, Any] | None,
                workspace: Workspace, record: CheckRecord, *, window: timedelta | None,
                dry_run: bool) -> RuleReport:
    desired = render_api_body(rule, session.templates_dir)
    plan = _Plan(rule, desired, current, fingerprint(rule, desired, session.env.max_results))
    content_changes = diff_bodies(desired, current, ignore=FLOW_FIELDS)
    action = "create" if current is None else ("update" if content_changes else "unchanged")
    report = RuleReport(rule.id, rule.name, doc.file, action, Outcome.UNCHANGED,
                        changes=content_changes)
    if action == "unchanged" and plan.is_enabled == plan.want_enabled:
        if not plan.is_enabled or record.matches(rule.id, plan.print_):
            return report
        # Same body, but the check's own settings (sentinelDeploy, the
        # environment's max_results) have not been checked against this version.
        why = SETTINGS_CHANGED if record.knows(rule.id) else NO_RECORD
        return _update_enabled(session, plan, workspace, record, report, window, dry_run,
                               recheck=why)
    if action == "unchanged" and plan.is_enabled and not plan.want_enabled:
        # The file now says disabled: turning a rule off needs no check.
        if dry_run:
            report.outcome, report.detail = Outcome.WOULD_UPDATE, "would disable"
            return report
        return _write(workspace, plan, enabled=False, report=report,
                      outcome=Outcome.DEPLOYED_DISABLED)
    if plan.is_enabled and plan.want_enabled:
        return _update_enabled(session, plan, workspace, record, report, window, dry_run)
    return _deploy_disabled_first(session, plan, workspace, record, report, window, dry_run)


def _update_enabled(session: Session, plan: _Plan, workspace: Workspace, record: CheckRecord,
                    report: RuleReport, window: timedelta | None, dry_run: bool,
                    recheck: str | None = None) -> RuleReport:
    """An enabled rule: check the new version first; write only if it passes.

    Writing it disabled first (the flow for new rules) would take a working
    detection out of production whenever the new version's check fails.
    `recheck` says why a rule whose body is unchanged is checked again; such a
    rule is never written, whatever its check says.
    """
    report.check = run_check(session, plan.rule, workspace, window)
    if not report.check.passed:
        if recheck is None:
            report.outcome = Outcome.HELD_ENABLED
            report.detail = f"{HELD_ENABLED_DETAIL} — {report.check.reason}"
        else:
            report.outcome = Outcome.LEFT_ENABLED
            failed = ("check with the new settings failed" if recheck == SETTINGS_CHANGED
                      else f"re-check ({recheck}) failed")
            report.detail = f"enabled rule left as is: {failed}: {report.check.reason}"
        return report
    if recheck is not None:
        report.detail = f"re-checked: {recheck}"
        if not dry_run:
            record.remember(plan.rule.id, plan.print_)
        return report
    if dry_run:
        report.outcome, report.detail = Outcome.WOULD_UPDATE, "would update, stays enabled"
        return report
    if _put(workspace, plan, plan.current_etag(), enabled=True, report=report) is None:
        return report
    report.outcome = Outcome.ENABLED
    record.remember(plan.rule.id, plan.print_)
    return report


def _deploy_disabled_first(session: Session, plan: _Plan, workspace: Workspace,
                           record: CheckRecord, report: RuleReport, window: timedelta | None,
                           dry_run: bool) -> RuleReport:
    """A new or disabled rule: PUT disabled, check, then enable with the etag of that PUT."""
    report.check = run_check(session, plan.rule, workspace, window)
    if dry_run:
        # Named as the real run would name it: an unchanged body is not
        # rewritten, so it is either enabled now or still held.
        if report.action == "create":
            report.outcome = Outcome.WOULD_CREATE
        elif report.action == "update":
            report.outcome = Outcome.WOULD_UPDATE
        elif report.check.passed and plan.want_enabled:
            report.outcome = Outcome.WOULD_ENABLE
        else:
            report.outcome = Outcome.HELD_DISABLED
        if not report.check.passed:
            # The reason the real run would give: a dry run is for finding out why.
            report.detail = f"would stay disabled: {report.check.reason}"
        else:
            report.detail = "would enable" if plan.want_enabled else "would stay disabled"
        return report

    etag = plan.current_etag()
    if report.action != "unchanged":
        stored = _put(workspace, plan, etag, enabled=False, report=report)
        if stored is None:
            return report
        etag = stored.get("etag")
    if not report.check.passed:
        report.outcome = Outcome.HELD_DISABLED
        report.detail = report.check.reason
        return report
    if not plan.want_enabled:
        report.outcome = Outcome.DEPLOYED_DISABLED
        return report
    if _put(workspace, plan, etag, enabled=True, report=report) is None:
        return report
    report.outcome = Outcome.ENABLED
    record.remember(plan.rule.id, plan.print_)
    return report


def _write(workspace: Workspace, plan: _Plan, *, enabled: bool, report: RuleReport,
           outcome: Outcome) -> RuleReport:
    if _put(workspace, plan, plan.current_etag(), enabled=enabled, report=report) is not None:
        report.outcome = outcome
    return report


def _put(workspace: Workspace, plan: _Plan, etag: str | None, *,
         enabled: bool, report: RuleReport) -> dict[str, Any] | None:
    desired = plan.desired
    body = {**desired, "properties": {**desired["properties"], "enabled": enabled}}
    try:
        return workspace.rules.put(plan.rule.id, body, etag)
    except UserError as exc:  # WorkspaceError and EtagConflict
        report.outcome = Outcome.FAILED
        report.detail = str(exc)
        return None

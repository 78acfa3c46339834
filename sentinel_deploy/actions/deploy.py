"""`deploy`: rules that differ go to the workspace disabled, get checked, and only then enabled.

The order matters for safety: a rule is never enabled without its query having
just run in the target workspace, over the check window, with an acceptable
number of rows. Any failure leaves the rule disabled (or untouched) and is
reported; nothing is ever half-enabled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Diagnostic, UserError
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.objects.rule_diff import FLOW_FIELDS, FieldChange, diff_bodies
from sentinel_deploy.render.api_body import render_api_body


class RulesApi(Protocol):
    def list(self) -> dict[str, dict[str, Any]]: ...
    def put(self, rule_id: str, body: dict[str, Any], etag: str | None = None
            ) -> dict[str, Any]: ...


class LogsApi(Protocol):
    def query(self, workspace_id: str, query: str,
              timespan: timedelta | tuple[datetime, datetime] | None) -> QueryResult: ...


class Outcome(StrEnum):
    UNCHANGED = "unchanged"
    ENABLED = "enabled"  # written, checked, enabled
    DEPLOYED_DISABLED = "deployed disabled"  # rule file says enabled: false; checked
    HELD_DISABLED = "held disabled"  # written, check failed: stays disabled
    FAILED = "failed"  # the workspace refused a write
    WOULD_CREATE = "would create"
    WOULD_UPDATE = "would update"


@dataclass
class CheckResult:
    passed: bool
    rows: int | None
    reason: str
    window: timedelta


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
        return self.outcome in (Outcome.HELD_DISABLED, Outcome.FAILED) or (
            self.check is not None and not self.check.passed)


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

    @property
    def writes(self) -> int:
        return sum(r.action != "unchanged" for r in self.rules if not self.dry_run)


@dataclass
class Workspace:
    """The two APIs of one workspace plus its clock (pinned for the local demo)."""

    rules: RulesApi
    logs: LogsApi
    workspace_id: str
    now: datetime


def deploy(session: Session, docs: Sequence[RuleDocument], workspace: Workspace, *,
           window: timedelta | None = None, dry_run: bool = False) -> DeployReport:
    report = DeployReport(environment=session.env_name, dry_run=dry_run)
    rules = [(doc, doc.rule) for doc in docs if doc.rule is not None]
    current = workspace.rules.list()
    for doc, rule in rules:
        report.rules.append(_deploy_one(session, doc, rule, current.get(rule.id), workspace,
                                        window=window, dry_run=dry_run))
    return report


def _deploy_one(session: Session, doc: RuleDocument, rule: Rule, current: dict[str, Any] | None,
                workspace: Workspace, *, window: timedelta | None, dry_run: bool) -> RuleReport:
    desired = render_api_body(rule, session.templates_dir)
    content_changes = diff_bodies(desired, current, ignore=FLOW_FIELDS)
    want_enabled = bool(desired["properties"].get("enabled", True))
    is_enabled = bool(current and current.get("properties", {}).get("enabled"))
    action = "create" if current is None else ("update" if content_changes else "unchanged")
    report = RuleReport(rule.id, rule.name, doc.file, action, Outcome.UNCHANGED,
                        changes=content_changes)
    if action == "unchanged" and is_enabled == want_enabled:
        return report
    if action == "unchanged" and is_enabled and not want_enabled:
        # The file now says disabled: turning a rule off needs no check.
        if dry_run:
            report.outcome, report.detail = Outcome.WOULD_UPDATE, "would disable"
            return report
        return _write(workspace, rule, desired, current, enabled=False, report=report,
                      outcome=Outcome.DEPLOYED_DISABLED)

    report.check = run_check(session, rule, workspace, window)
    if dry_run:
        report.outcome = Outcome.WOULD_CREATE if action == "create" else Outcome.WOULD_UPDATE
        report.detail = ("would enable" if report.check.passed and want_enabled
                         else "would stay disabled")
        return report

    etag = current.get("etag") if current else None
    if action != "unchanged":
        stored = _put(workspace, rule, desired, etag, enabled=False, report=report)
        if stored is None:
            return report
        etag = stored.get("etag")
    if not report.check.passed:
        report.outcome = Outcome.HELD_DISABLED
        report.detail = report.check.reason
        return report
    if not want_enabled:
        report.outcome = Outcome.DEPLOYED_DISABLED
        return report
    if _put(workspace, rule, desired, etag, enabled=True, report=report) is None:
        return report
    report.outcome = Outcome.ENABLED
    return report


def _write(workspace: Workspace, rule: Rule, desired: dict[str, Any],
           current: dict[str, Any] | None, *, enabled: bool, report: RuleReport,
           outcome: Outcome) -> RuleReport:
    etag = current.get("etag") if current else None
    if _put(workspace, rule, desired, etag, enabled=enabled, report=report) is not None:
        report.outcome = outcome
    return report


def _put(workspace: Workspace, rule: Rule, desired: dict[str, Any], etag: str | None, *,
         enabled: bool, report: RuleReport) -> dict[str, Any] | None:
    body = {**desired, "properties": {**desired["properties"], "enabled": enabled}}
    try:
        return workspace.rules.put(rule.id, body, etag)
    except UserError as exc:  # WorkspaceError and EtagConflict
        report.outcome = Outcome.FAILED
        report.detail = str(exc)
        return None


def check_window(rule: Rule, window: timedelta | None) -> timedelta:
    return window or rule.sentinelDeploy.window or rule.queryPeriod or timedelta(hours=1)


def run_check(session: Session, rule: Rule, workspace: Workspace,
              window: timedelta | None) -> CheckResult:
    """Run the rule's query in the workspace over the window; judge the row count."""
    span = check_window(rule, window)
    if not rule.query:
        return CheckResult(False, None, "the rule has no query", span)
    try:
        result = workspace.logs.query(workspace.workspace_id, rule.query,
                                      (workspace.now - span, workspace.now))
    except QueryFailed as exc:
        return CheckResult(False, None, f"query failed in the workspace: {exc.code}: "
                           f"{exc.message}", span)
    except UserError as exc:
        return CheckResult(False, None, f"query could not run: {exc}", span)
    limit = rule.sentinelDeploy.maxResults
    if limit is None:
        limit = session.env.max_results
    low = rule.sentinelDeploy.minResults
    rows = len(result.rows)
    if rows > limit:
        return CheckResult(False, rows, f"{rows} rows over {_span(span)} exceeds the limit of "
                           f"{limit}: the rule would be noisy (raise sentinelDeploy.maxResults "
                           "if this is expected)", span)
    if rows < low:
        return CheckResult(False, rows, f"{rows} rows over {_span(span)}, fewer than the "
                           f"expected minimum of {low}", span)
    return CheckResult(True, rows, f"{rows} rows over {_span(span)}", span)


def _span(delta: timedelta) -> str:
    from sentinel_deploy.objects.durations import to_kql

    return to_kql(delta)

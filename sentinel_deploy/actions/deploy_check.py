"""The deploy check: a rule's query run in the target workspace over a window, judged by rows.

It goes through the workspace's Logs API (LogsQueryClient against Azure or
the emulator), so what passes here is what the workspace itself answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.durations import to_kql
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult
from sentinel_deploy.objects.rule import Rule

if TYPE_CHECKING:
    from sentinel_deploy.actions.session import Session

class LogsApi(Protocol):
    def query(self, workspace_id: str, query: str,
              timespan: timedelta | tuple[datetime, datetime] | None) -> QueryResult: ...


class CheckTarget(Protocol):
    """What a check needs of a workspace (deploy.Workspace fits)."""

    logs: Any
    workspace_id: str
    now: datetime


@dataclass
class CheckResult:
    passed: bool
    rows: int | None
    reason: str
    window: timedelta


def check_window(rule: Rule, window: timedelta | None) -> timedelta:
    return window or rule.sentinelDeploy.window or rule.queryPeriod or timedelta(hours=1)


def run_check(session: Session, rule: Rule, workspace: CheckTarget,
              window: timedelta | None) -> CheckResult:
    """Run the rule's query in the workspace over the window; judge the row count."""
    span = check_window(rule, window)
    if not rule.query:
        return CheckResult(False, None, "the rule has no query", span)
    timespan = (workspace.now - span, workspace.now)
    try:
        result = workspace.logs.query(workspace.workspace_id, rule.query, timespan)
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
        return CheckResult(False, rows, f"{rows} rows over {to_kql(span)} exceeds the limit of "
                           f"{limit}: the rule would be noisy (raise sentinelDeploy.maxResults "
                           "if this is expected)", span)
    if rows < low:
        return CheckResult(False, rows, f"{rows} rows over {to_kql(span)}, fewer than the "
                           f"expected minimum of {low}", span)
    return CheckResult(True, rows, f"{rows} rows over {to_kql(span)}", span)

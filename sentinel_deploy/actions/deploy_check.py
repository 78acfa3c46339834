"""The deploy check: a rule's query run in the target workspace over a window, judged by rows.

It goes through the workspace's Logs API (LogsQueryClient against Azure or
the emulator), so what passes here is what the workspace itself answered.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.durations import to_kql
from sentinel_deploy.objects.query_result import (
    LOCAL_ENGINE_UNSUPPORTED,
    QueryFailed,
    QueryResult,
)
from sentinel_deploy.objects.rule import Rule

if TYPE_CHECKING:
    from sentinel_deploy.actions.session import Session

# Table names the probe may put into a query verbatim (catalog names are plain identifiers).
_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


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
    # Not failures: things the reader should know about what the pass proves.
    warnings: list[str] = field(default_factory=list)


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
        if exc.code == LOCAL_ENGINE_UNSUPPORTED:
            # Valid KQL the local engine lacks: only a real workspace can check it.
            return CheckResult(False, None, f"{exc.message}: {try_in_azure(session)}", span)
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
    check = CheckResult(True, rows, f"{rows} rows over {to_kql(span)}", span)
    if rows == 0:
        # Zero rows from empty tables proves only that the query compiles and runs.
        empty = empty_tables(workspace, tables_in_query(rule.query, session.catalog.tables),
                             timespan)
        if empty:
            check.warnings.append(
                f"the check passed on empty tables ({', '.join(empty)} held no rows over "
                f"{to_kql(span)}): it proved only that the query runs, not that it finds "
                "anything")
    return check


def try_in_azure(session: Session) -> str:
    """Where to run a query the local engine cannot: the project's Azure environments."""
    from sentinel_deploy.objects.config import AzureEnvironment

    names = [name for name, env in session.config.environments.items()
             if isinstance(env, AzureEnvironment)]
    if not names:
        return ("test it against an Azure workspace: add one under [environments.<name>] "
                "with kind = \"azure\" in sentinel-deploy.toml, then use --env <name>")
    return f"test it against an Azure workspace ({' or '.join(f'--env {n}' for n in names)})"


def tables_in_query(query: str, known_tables: Iterable[str]) -> list[str]:
    """Catalog tables the query names, in order of first mention.

    A token scan, not a parse: the KQL parser is too slow to run per deploy,
    and a column that shares a table's name only adds one harmless probe.
    """
    from sentinel_deploy.validation.lints.tokens import TokenView

    known = set(known_tables)
    seen: dict[str, None] = {}
    for token in TokenView(query).tokens:
        # Plain identifiers only: `["Heartbeat"]` is as often a dynamic array
        # of strings as a quoted name.
        if token.kind == "ident" and token.text in known and _PLAIN_NAME.match(token.text):
            seen.setdefault(token.text, None)
    return list(seen)


def empty_tables(workspace: CheckTarget, tables: Iterable[str],
                 timespan: tuple[datetime, datetime]) -> list[str]:
    """The tables with no rows over the timespan, each asked through the Logs API."""
    empty = []
    for table in tables:
        try:
            probe = workspace.logs.query(workspace.workspace_id, f"{table} | take 1", timespan)
        except (QueryFailed, UserError):
            continue  # a table the workspace cannot read tells us nothing about emptiness
        if not probe.rows:
            empty.append(table)
    return empty

"""`query`: one rule's query, run in the workspace over a window."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sentinel_deploy.actions.deploy import Workspace, check_window
from sentinel_deploy.actions.deploy_check import try_in_azure
from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument, load_rule_file, require_rule_file
from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.durations import to_kql
from sentinel_deploy.objects.query_result import (
    LOCAL_ENGINE_UNSUPPORTED,
    QueryFailed,
    QueryResult,
)
from sentinel_deploy.validation.lints.timewindow import lookbacks
from sentinel_deploy.validation.lints.tokens import TokenView


@dataclass
class RuleQueryRun:
    result: QueryResult
    window: timedelta
    notes: list[str] = field(default_factory=list)


def run_rule_query(session: Session, rule_file: Path, workspace: Workspace,
                   window: timedelta | None) -> RuleQueryRun:
    """Run the rule's query over `window` (default: its queryPeriod), as the user asked.

    A window wider than queryPeriod is honoured by the templated look-back too
    (`ago({{ query_period }})` renders with the window); a look-back written
    as a literal in the KQL cannot be, and a note says so.
    """
    require_rule_file(rule_file)
    doc = _load(session, rule_file, None)
    span = check_window(doc.rule, window)
    notes: list[str] = []
    if window is not None and doc.rule.queryPeriod != span:
        rerendered = _load(session, rule_file, {"query_period": span})
        if rerendered.rule is not None and rerendered.rule.query != doc.rule.query:
            doc = rerendered
            notes.append(f"{{{{ query_period }}}} rendered as {to_kql(span)} (the window), "
                         f"not the rule's queryPeriod {_show(doc.rule.queryPeriod)}")
    query = doc.rule.query or ""
    for _, lookback in lookbacks(TokenView(query)):
        if lookback < span:
            notes.append(f"the query itself filters TimeGenerated to the last "
                         f"{to_kql(lookback)}: rows older than that are not shown, whatever "
                         "the window")
            break
    try:
        result = workspace.logs.query(workspace.workspace_id, query,
                                      (workspace.now - span, workspace.now))
    except QueryFailed as exc:
        if exc.code == LOCAL_ENGINE_UNSUPPORTED:
            # The query is fine; "fix the query" would send the user the wrong way.
            raise UserError(exc.message, file=rule_file, hint=try_in_azure(session)) from None
        raise UserError(f"the query failed in the workspace: {exc.code}: {exc.message}",
                        file=rule_file, hint="fix the query; `sentinel-deploy validate` "
                        "checks it offline") from None
    return RuleQueryRun(result, span, notes)


def _load(session: Session, rule_file: Path, schedule: dict[str, Any] | None) -> RuleDocument:
    doc = load_rule_file(rule_file, session.variables(), session.templates_dir,
                         schedule=schedule)
    if doc.rule is None or not doc.rule.query:
        first = doc.diagnostics[0].one_line() if doc.diagnostics else "the rule has no query"
        raise UserError(f"cannot run this rule: {first}", file=rule_file,
                        hint="run `sentinel-deploy validate` on it")
    return doc


def _show(value: Any) -> str:
    return to_kql(value) if isinstance(value, timedelta) else str(value)

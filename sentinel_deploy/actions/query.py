"""`query`: one rule's query, run in the workspace over a window."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sentinel_deploy.actions.deploy import Workspace, check_window
from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import load_rule_file
from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult


def run_rule_query(session: Session, rule_file: Path, workspace: Workspace,
                   window: timedelta | None) -> tuple[QueryResult, timedelta]:
    if not rule_file.is_file():
        raise UserError(f"no such rule file: {rule_file}", hint="pass the path of a rule YAML")
    doc = load_rule_file(rule_file, session.variables(), session.templates_dir)
    if doc.rule is None or not doc.rule.query:
        first = doc.diagnostics[0].one_line() if doc.diagnostics else "the rule has no query"
        raise UserError(f"cannot run this rule: {first}", file=rule_file,
                        hint="run `sentinel-deploy validate` on it")
    span = check_window(doc.rule, window)
    try:
        result = workspace.logs.query(workspace.workspace_id, doc.rule.query,
                                      (workspace.now - span, workspace.now))
    except QueryFailed as exc:
        raise UserError(f"the query failed in the workspace: {exc.code}: {exc.message}",
                        file=rule_file, hint="fix the query; `sentinel-deploy validate` "
                        "checks it offline") from None
    return result, span

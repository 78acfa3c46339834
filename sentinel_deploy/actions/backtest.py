"""`backtest`: replay one rule's schedule over a data folder on the local engine."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sentinel_deploy.actions.session import Session
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.engine.convert import quote_ident
from sentinel_deploy.input.rule_loader import load_rule_file, require_rule_file
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity, UserError
from sentinel_deploy.objects.query_result import LOCAL_ENGINE_UNSUPPORTED, QueryFailed
from sentinel_deploy.testing.backtest import BacktestReport, backtest
from sentinel_deploy.testing.schedule import Policy


def parse_instant(text: str, option: str) -> datetime:
    """`2024-05-01`, `2024-05-01T06:00`, `2024-05-01T06:00:00Z`; no zone means UTC."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option}: {text!r} is not a date or date and time",
                        hint="use ISO 8601, e.g. 2024-05-01 or 2024-05-01T06:00:00Z") from None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def run_backtest(session: Session, rule_file: Path, data_dir: Path, start: datetime,
                 end: datetime) -> BacktestReport:
    require_rule_file(rule_file)
    if end <= start:
        raise UserError(f"--to ({end.isoformat()}) must be after --from ({start.isoformat()})")
    doc = load_rule_file(rule_file, session.variables(), session.templates_dir)
    if doc.rule is None or not doc.rule.query:
        first = doc.diagnostics[0].one_line() if doc.diagnostics else "the rule has no query"
        raise UserError(f"cannot backtest this rule: {first}", file=rule_file,
                        hint="run `sentinel-deploy validate` on it")
    try:
        policy = Policy.of(doc.rule)
    except ValueError as exc:
        raise UserError(f"cannot backtest this rule: {exc}", file=rule_file) from None
    if policy.frequency > end - start:
        raise UserError(f"no run fits: the rule runs every {policy.frequency} but "
                        f"--from..--to spans {end - start}", hint="widen --from/--to")
    with LocalWorkspace(session.catalog) as ws:
        warnings = ws.load_dir(data_dir, lenient=True)
        try:
            report = backtest(ws, doc.rule.query, doc.rule.name, policy, start, end)
        except QueryFailed as exc:
            # An unsupported construct's message already says it is the local engine's gap.
            message = (exc.message if exc.code == LOCAL_ENGINE_UNSUPPORTED else
                       f"the rule cannot run on the local engine: {exc.code}: {exc.message}")
            raise UserError(message, file=rule_file,
                            hint="backtest it against a Log Analytics workspace") from None
        warnings += _empty_tables(ws, report.tables, data_dir)
    report.warnings = warnings
    return report


def _empty_tables(ws: LocalWorkspace, tables: list[str], data_dir: Path) -> list[Diagnostic]:
    """A rule replayed over data that never reaches its tables reports 0 alerts for
    the wrong reason; say so."""
    out: list[Diagnostic] = []
    for table in tables:
        row = ws.con.execute(f"SELECT count(*) FROM main.{quote_ident(table)}").fetchone()
        if not row or not row[0]:
            out.append(Diagnostic(
                code="BACKTEST_NO_DATA",
                message=f"the rule reads {table} but {data_dir} has no rows for it",
                severity=Severity.WARNING,
                hint=f"add {table}.csv / .jsonl / .parquet (or TableName__part.*) files"))
    return out

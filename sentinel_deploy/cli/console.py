"""How reports look on a terminal (rich). Machine formats live in sentinel_deploy.output."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sentinel_deploy.objects.diagnostics import Diagnostic

if TYPE_CHECKING:
    from sentinel_deploy.actions.deploy import DeployReport
    from sentinel_deploy.objects.query_result import QueryResult

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def info(message: str) -> None:
    stdout.print(escape(message))


def note(message: str) -> None:
    stderr.print(f"[yellow]note:[/] {escape(message)}")


def error(message: str) -> None:
    stderr.print(f"[bold red]error:[/] {escape(message)}")


def diagnostics(items: Iterable[Diagnostic]) -> None:
    for d in items:
        style = _STYLE.get(str(d.severity), "")
        stderr.print(f"[{style}]{escape(d.one_line())}[/]" if style else escape(d.one_line()))


_OUTCOME_STYLE = {
    "enabled": "green", "unchanged": "dim", "deployed disabled": "cyan",
    "held disabled": "bold red", "failed": "bold red",
    "would create": "cyan", "would update": "cyan",
}


def deploy_report(report: DeployReport) -> None:
    title = f"deploy → {report.environment}" + (" (dry run: nothing written)"
                                                 if report.dry_run else "")
    table = Table(title=title, show_lines=False)
    for column in ("rule", "action", "outcome", "check", "detail"):
        table.add_column(column, overflow="fold")
    for r in report.rules:
        check = "-"
        if r.check is not None:
            rows = "?" if r.check.rows is None else r.check.rows
            check = f"{'pass' if r.check.passed else 'FAIL'} ({rows} rows)"
        changed = ", ".join(c.path.removeprefix("properties.") or "new" for c in r.changes[:4])
        detail = r.detail or (f"changed: {changed}" if r.action == "update" else "")
        style = _OUTCOME_STYLE.get(str(r.outcome), "")
        table.add_row(escape(r.name), r.action, f"[{style}]{r.outcome}[/]", check, escape(detail))
    stdout.print(table)
    failed = [r for r in report.rules if r.failed]
    summary = (f"{len(report.rules)} rule(s): "
               f"{sum(r.outcome == 'enabled' for r in report.rules)} enabled, "
               f"{sum(r.outcome == 'unchanged' for r in report.rules)} unchanged, "
               f"{len(failed)} failed")
    stdout.print(summary)
    for r in failed:
        stderr.print(f"[bold red]✗[/] {escape(str(r.file))}: {escape(r.name)}: "
                     f"{escape(r.detail or (r.check.reason if r.check else ''))}")


def query_table(result: QueryResult, window: timedelta, limit: int) -> None:
    from sentinel_deploy.objects.durations import to_kql

    table = Table(title=f"{len(result.rows)} row(s) over the last {to_kql(window)}")
    for column in result.columns:
        table.add_column(f"{column.name}\n[dim]{column.type}[/]", overflow="fold")
    for row in result.rows[:limit]:
        table.add_row(*(escape(_cell(v)) for v in row))
    stdout.print(table)
    if len(result.rows) > limit:
        stdout.print(f"… {len(result.rows) - limit} more row(s); raise --limit to see them")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)

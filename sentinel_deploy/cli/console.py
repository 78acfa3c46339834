"""How reports look on a terminal (rich). Machine formats live in sentinel_deploy.output."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.table import Table

from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.output.pipe_console import PipeAwareConsole

if TYPE_CHECKING:
    from sentinel_deploy.actions.deploy import DeployReport
    from sentinel_deploy.objects.query_result import QueryResult
    from sentinel_deploy.testing.backtest import BacktestReport
    from sentinel_deploy.testing.results import TestRun

stdout = PipeAwareConsole(highlight=False, soft_wrap=True)
stderr = PipeAwareConsole(stderr=True, highlight=False, soft_wrap=True)

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
    "held disabled": "bold red", "held (old version enabled)": "bold red", "failed": "bold red",
    "left as is (check failed)": "bold red",
    "would create": "cyan", "would update": "cyan", "would enable": "cyan",
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
    stdout.print(escape(report.summary()))
    for r in report.rules:
        for warning in r.warnings:
            # On stdout with the table: a pass that proves little belongs to the result.
            stdout.print(f"[yellow]warning:[/] {escape(str(r.file))}: {escape(r.name)}: "
                         f"{escape(warning)}")
    for r in failed:
        stderr.print(f"[bold red]✗[/] {escape(str(r.file))}: {escape(r.name)}: "
                     f"{escape(r.detail or (r.check.reason if r.check else ''))}")


def query_table(result: QueryResult, window: timedelta, limit: int) -> None:
    from sentinel_deploy.objects.durations import to_kql

    title = f"{len(result.rows)} row(s) over the last {to_kql(window)}"
    rows = [[_cell(v) for v in row] for row in result.rows[:limit]]
    if _table_width(result, rows) <= stdout.width:
        table = Table(title=title)
        for column in result.columns:
            table.add_column(f"{column.name}\n[dim]{column.type}[/]", overflow="fold")
        for row in rows:
            table.add_row(*(escape(cell) for cell in row))
        stdout.print(table)
    else:
        _records(title, result, rows)
    if len(result.rows) > limit:
        stdout.print(f"… {len(result.rows) - limit} more row(s); raise --limit to see them")


def _table_width(result: QueryResult, rows: list[list[str]]) -> int:
    """Width of the table if no cell wrapped: borders, padding, the widest cell per column."""
    widths = [max([len(c.name), len(c.type), *(len(r[i]) for r in rows)])
              for i, c in enumerate(result.columns)]
    return sum(widths) + 3 * len(widths) + 1


def _records(title: str, result: QueryResult, rows: list[list[str]]) -> None:
    # Too wide for the terminal: a table would fold every cell into a column of
    # two letters. One block per row, one line per column, reads at any width.
    stdout.print(f"[bold]{escape(title)}[/]")
    pad = max((len(c.name) for c in result.columns), default=0)
    for n, row in enumerate(rows, 1):
        stdout.print(f"[dim]── row {n} ──[/]")
        for column, cell in zip(result.columns, row, strict=True):
            stdout.print(f"  [cyan]{escape(column.name.ljust(pad))}[/]  {escape(cell)}")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


_CASE_MARK = {"passed": "[green]✓[/]", "failed": "[bold red]✗[/]",
              "error": "[bold red]![/]", "skipped": "[yellow]-[/]"}
_DIFF_STYLE = {"- ": "red", "+ ": "green"}


def test_report(run: TestRun) -> None:
    for rule in run.rules:
        stdout.print(f"[bold]{escape(rule.name)}[/] [dim]({escape(str(rule.rule_file))}, "
                     f"{len(rule.cases)} case(s), {rule.seconds:.2f}s)[/]")
        for case in rule.cases:
            status = str(case.status)
            detail = f" [dim]— {escape(case.message)}[/]" if case.message else ""
            if status == "failed":
                detail = f" — {escape(case.message)}"
            stdout.print(f"  {_CASE_MARK[status]} {escape(case.name)} "
                         f"[dim]{escape(case.file.name)}[/]{detail}")
            for line in case.diff:
                style = _DIFF_STYLE.get(line[:2])
                text = escape(line)
                stdout.print(f"      [{style}]{text}[/]" if style else f"      {text}")
            for warning in case.warnings:
                stderr.print(f"      [yellow]{escape(warning.one_line())}[/]")
    if run.untested:
        note(f"{len(run.untested)} rule(s) have no test cases (<rule>.tests/*.yaml): "
             + ", ".join(p.name for p in run.untested[:5])
             + (" …" if len(run.untested) > 5 else ""))
    style = "green" if run.ok else "bold red"
    stdout.print(f"[{style}]{escape(run.summary())}[/]")


def backtest_report(report: BacktestReport, limit: int) -> None:
    from sentinel_deploy.objects.durations import to_kql
    from sentinel_deploy.testing.charts import day_bars, sparkline

    p = report.policy
    suppression = f"{to_kql(p.suppression)} after an alert" if p.suppression else "off"
    stdout.print(f"[bold]backtest: {escape(report.rule_name)}[/]")
    stdout.print(f"  every {to_kql(p.frequency)} over {to_kql(p.period)}; triggers when "
                 f"results {p.operator} {p.threshold}; {p.grouping}; suppression {suppression}")
    stdout.print(f"  {_when(report.start)} → {_when(report.end)}: {len(report.runs):,} run(s) "
                 f"in {report.seconds:.1f}s (query translated {report.translations} time(s))")
    stdout.print("\n[bold]alerts per day[/]")
    for line in day_bars(report.per_day()):
        stdout.print("  " + escape(line))
    stdout.print("\n[bold]alerts per run[/] [dim](each mark sums consecutive runs)[/]")
    stdout.print("  " + (sparkline([r.alerts for r in report.runs]) or "(no runs)"))
    top = report.top_runs()
    if top:
        table = Table(title="runs with the most results", title_justify="left")
        for column in ("run at", "results", "alerts", "note"):
            table.add_column(column, justify="right" if column in ("results", "alerts")
                             else "left")
        for r in top:
            table.add_row(_when(r.at), f"{r.results:,}", f"{r.alerts:,}",
                          "suppressed" if r.suppressed else "")
        stdout.print(table)
    alerted = [r for r in report.runs if r.alerts]
    if alerted:
        table = Table(title=f"runs that raised alerts ({len(alerted):,})",
                      title_justify="left")
        for column in ("run at", "results", "alerts"):
            table.add_column(column, justify="left" if column == "run at" else "right")
        for r in alerted[:limit]:
            table.add_row(_when(r.at), f"{r.results:,}", f"{r.alerts:,}")
        stdout.print(table)
        if len(alerted) > limit:
            stdout.print(f"… {len(alerted) - limit} more; raise --limit to see them")
    stdout.print(f"[bold]total:[/] {len(report.runs):,} runs, {report.triggered:,} triggered, "
                 f"{report.suppressed:,} suppressed, {report.results:,} results, "
                 f"{report.alerts:,} alerts")


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M") + "Z"

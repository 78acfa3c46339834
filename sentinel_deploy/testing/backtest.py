"""Replay a rule's schedule over a data set: the query translated once, run per slot."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.objects.query_result import QueryFailed
from sentinel_deploy.testing.runner import tables_read
from sentinel_deploy.testing.schedule import Policy, RunOutcome, run_times, simulate


@dataclass(slots=True)
class DaySummary:
    day: date
    runs: int = 0
    triggered: int = 0
    suppressed: int = 0
    results: int = 0
    alerts: int = 0


@dataclass(slots=True)
class BacktestReport:
    rule_name: str
    start: datetime
    end: datetime
    policy: Policy
    runs: list[RunOutcome] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    translations: int = 0
    seconds: float = 0.0
    tables: list[str] = field(default_factory=list)  # the tables the query reads
    batched: bool = True  # all runs in one statement (PreparedQuery.count_runs)

    @property
    def alerts(self) -> int:
        return sum(r.alerts for r in self.runs)

    @property
    def results(self) -> int:
        return sum(r.results for r in self.runs)

    @property
    def triggered(self) -> int:
        return sum(r.triggered for r in self.runs)

    @property
    def suppressed(self) -> int:
        return sum(r.suppressed for r in self.runs)

    def per_day(self) -> list[DaySummary]:
        days: dict[date, DaySummary] = defaultdict(lambda: DaySummary(date.min))
        for r in self.runs:
            d = days[r.at.date()]
            d.day = r.at.date()
            d.runs += 1
            d.triggered += r.triggered
            d.suppressed += r.suppressed
            d.results += r.results
            d.alerts += r.alerts
        return [days[k] for k in sorted(days)]

    def top_runs(self, n: int = 5) -> list[RunOutcome]:
        busy = [r for r in self.runs if r.results]
        return sorted(busy, key=lambda r: (-r.results, r.at))[:n]


def backtest(ws: LocalWorkspace, query: str, rule_name: str, policy: Policy,
             start: datetime, end: datetime) -> BacktestReport:
    """Run *query* as scheduled between *start* and *end* over the data loaded in *ws*."""
    started = time.perf_counter()
    before = ws.translations
    prepared = ws.prepare(query)
    times = run_times(start, end, policy.frequency)
    try:
        counts = prepared.count_runs([(at, (at - policy.period, at)) for at in times])
        batched = True
    except QueryFailed:
        # A construct DuckDB cannot decorrelate: run each slot on its own (slower,
        # still one translation).
        counts = [prepared.count(at, policy.period) for at in times]
        batched = False
    report = BacktestReport(rule_name, start, end, policy, simulate(times, counts, policy))
    report.batched = batched
    report.translations = ws.translations - before
    report.tables = sorted(tables_read(prepared))
    report.seconds = time.perf_counter() - started
    return report

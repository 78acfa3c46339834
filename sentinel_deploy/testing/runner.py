"""One rule over its test cases, translated once.

Each case must see a workspace as if fresh: only its own rows, in tables typed
from the catalog. Translating the rule costs ~0.1-0.3 s, running it a few ms,
so the runner prepares the query once on an empty workspace and, between
cases, empties the tables instead of building a new workspace. Emptied tables
are indistinguishable from fresh ones as long as no case changed a table's
shape (an unknown column, a table the catalog lacks) or registered
watchlists; after such a case the next one gets a new workspace and the query
is translated again.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from difflib import get_close_matches
from pathlib import Path

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.engine import LocalWorkspace, PreparedQuery
from sentinel_deploy.engine.tables import WINDOW_SCHEMA
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.query_result import (
    LOCAL_ENGINE_UNSUPPORTED,
    QueryFailed,
    QueryResult,
)
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.testing.cases import TestCase, load_case
from sentinel_deploy.testing.data import load_case_data
from sentinel_deploy.testing.diff import diff_lines
from sentinel_deploy.testing.matching import judge
from sentinel_deploy.testing.results import CaseResult, RuleReport, Status

#: NRT rules have no queryPeriod: the service runs them every minute over what
#: arrived since the previous run. A case stands in with a one-minute window;
#: set `period:` in the case to widen it.
NRT_PERIOD = timedelta(minutes=1)

_READS = re.compile(rf'"{WINDOW_SCHEMA}"\."((?:[^"]|"")+)"')


class CannotRunLocally(Exception):
    """The local engine does not support a construct the rule uses."""


def rule_period(rule: Rule) -> timedelta | None:
    return NRT_PERIOD if rule.is_nrt else rule.queryPeriod


def tables_read(prepared: PreparedQuery) -> set[str]:
    names = {m.group(1).replace('""', '"') for m in _READS.finditer(prepared.sql)}
    return {n for n in names if not n.startswith("_Watchlist_")}


def run_rule(doc: RuleDocument, files: list[Path], catalog: Catalog) -> RuleReport:
    rule = doc.rule
    report = RuleReport(rule_file=doc.file, name=rule.name if rule else doc.file.stem,
                        rule_id=rule.id if rule else "")
    if rule is None or not rule.query:
        first = doc.diagnostics[0].one_line() if doc.diagnostics else "the rule has no query"
        # Without cases the rule file itself stands in: a rule that does not load
        # must not pass `test` green for want of a case to fail.
        for file in files or [doc.file]:
            report.cases.append(CaseResult(file.stem, file, Status.ERROR,
                                           f"the rule does not load: {first}"))
        return report
    bench = _Bench(catalog, rule.query)
    skip_reason: str | None = None
    try:
        for file in files:
            if skip_reason is not None:
                report.cases.append(CaseResult(file.stem, file, Status.SKIPPED, skip_reason))
                continue
            result = _run_case(bench, rule, file)
            if result.status is Status.SKIPPED:
                skip_reason = result.message
            report.cases.append(result)
    finally:
        report.translations = bench.close()
    return report


def _run_case(bench: _Bench, rule: Rule, file: Path) -> CaseResult:
    started = time.perf_counter()
    outcome = CaseResult(file.stem, file, Status.ERROR)
    try:
        case = load_case(file)
        outcome.name = case.name
        period = case.period or rule_period(rule)
        if period is None:
            raise UserError("the rule has no queryPeriod, so the case has no window",
                            file=file, hint="set queryPeriod on the rule, or `period:` "
                            "in the case")
        result, outcome.warnings = bench.run(case, period)
    except UserError as exc:
        outcome.message = str(exc)
    except CannotRunLocally as exc:
        outcome.status, outcome.message = Status.SKIPPED, str(exc)
    except QueryFailed as exc:
        outcome.message = (f"the query failed locally: {exc.code}: {exc.message}"
                           " (if it runs in Log Analytics, the local engine lacks something "
                           "it needs: test this rule against a workspace)")
    else:
        verdict = judge(case.expect, result)
        outcome.rows = len(result.rows)
        outcome.status = Status.PASSED if verdict.passed else Status.FAILED
        if not verdict.passed:
            outcome.message = verdict.message
            outcome.diff = diff_lines(case.expect, result, verdict)
    outcome.seconds = time.perf_counter() - started
    return outcome


class _Bench:
    """A workspace and the rule's prepared query, reused while cases leave no trace."""

    def __init__(self, catalog: Catalog, query: str) -> None:
        self.catalog = catalog
        self.query = query
        self.ws: LocalWorkspace | None = None
        self.prepared: PreparedQuery | None = None
        self.baseline: int | None = None  # store version of a clean, prepared workspace
        self.dirty = True
        self.translations = 0

    def run(self, case: TestCase, period: timedelta) -> tuple[QueryResult, list]:
        ws = self._workspace()
        if self.prepared is not None:
            # Before loading: rows for `SysLog` would land in DuckDB's Syslog (its
            # names ignore case) and break the query before this check could say why.
            self._check_tables(case, tables_read(self.prepared))
        warnings = load_case_data(ws, case)
        if self.prepared is None:
            # The empty-workspace prepare failed (a table only the data defines):
            # translate with this case's tables, and start afresh for the next.
            self.prepared = self._prepare(ws)
        result = self.prepared.run(case.now, period)
        self._check_tables(case, tables_read(self.prepared))
        self.dirty = (self.baseline is None or ws.store.version != self.baseline
                      or bool(ws.watchlists))
        return result, warnings

    def _workspace(self) -> LocalWorkspace:
        if self.ws is not None and not self.dirty:
            self.ws.clear_rows()
            return self.ws
        self.close()
        self.ws = LocalWorkspace(self.catalog)
        self.prepared, self.baseline = None, None
        try:
            self.prepared = self._prepare(self.ws)
            self.baseline = self.ws.store.version
        except QueryFailed:
            self.prepared = None
        return self.ws

    def _prepare(self, ws: LocalWorkspace) -> PreparedQuery:
        try:
            return ws.prepare(self.query)
        except QueryFailed as exc:
            if exc.code == LOCAL_ENGINE_UNSUPPORTED:
                raise CannotRunLocally(f"{exc.message}: test this rule against a Log "
                                       "Analytics workspace") from None
            raise

    def _check_tables(self, case: TestCase, reads: set[str]) -> None:
        for table in case.tables:
            if table in reads:
                continue
            close = get_close_matches(table, sorted(reads), n=1)
            hint = (f"did you mean {close[0]}? Fix the name" if close else
                    f"the rule reads {', '.join(sorted(reads)) or 'no table'}; remove it")
            raise UserError(
                f"data.{table}: the rule does not read table {table!r}, so these rows "
                "cannot affect the result", file=case.file, line=case.line_of(f"data.{table}"),
                hint=hint)

    def close(self) -> int:
        if self.ws is not None:
            self.translations += self.ws.translations
            self.ws.close()
            self.ws = None
        return self.translations

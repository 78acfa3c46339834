"""Compile once, run many: the translated SQL of one query, re-bound per run.

A backtest runs one rule thousands of times with a different `now` and window.
Translating KQL (an ANTLR parse plus lowering) costs far more than executing
the SQL on a few rows, so the translation is done once with a placeholder
clock and only the clock parameter and the window variables change per run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb_kql
from duckdb_kql.stored_functions import ResolvedFunctions
from duckdb_kql.translate import CLOCK_SLOT

from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.convert import quote_ident
from sentinel_deploy.engine.errors import to_query_failed
from sentinel_deploy.engine.results import fetch_result
from sentinel_deploy.engine.shapes import rewrite_shapes
from sentinel_deploy.engine.standins import point_at_backing
from sentinel_deploy.engine.tables import TIME_COLUMN, WINDOW_SCHEMA
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult

if TYPE_CHECKING:
    from sentinel_deploy.engine.workspace import LocalWorkspace

Timespan = timedelta | tuple[datetime, datetime] | None

#: Stands in for `now` while translating. Any instant works: duckdb-kql renders
#: a pinned clock as the one placeholder $kqlnow, whatever its value.
PLACEHOLDER_NOW = datetime(2000, 1, 1, tzinfo=UTC)

_WINDOWED = re.compile(rf'"{WINDOW_SCHEMA}"\."((?:[^"]|"")+)"')
_CLOCK = re.compile(rf"\${CLOCK_SLOT}\b")
#: One run per row of this temporary table in count_runs().
RUNS_TABLE = "sd_runs"


def translate(
    kql: str, schema: dict[str, list[str]], functions: ResolvedFunctions | None
) -> Any:
    return duckdb_kql.to_sql(
        kql,
        schema=schema,
        database=WINDOW_SCHEMA,
        allow_write=False,
        query_now=PLACEHOLDER_NOW,
        functions=functions if functions is not None else [],
    )


def to_naive_utc(value: datetime) -> datetime:
    """DuckDB TIMESTAMP is naive; a naive input is taken to be UTC already."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def window(now: datetime, timespan: Timespan) -> tuple[datetime, datetime] | None:
    if timespan is None:
        return None
    if isinstance(timespan, timedelta):
        end = to_naive_utc(now)
        return end - timespan, end
    start, end = (to_naive_utc(t) for t in timespan)
    if start > end:
        raise QueryFailed("BadArgumentError", f"timespan starts ({start}) after it ends ({end})")
    return start, end


class PreparedQuery:
    def __init__(self, workspace: LocalWorkspace, query: str) -> None:
        self.workspace = workspace
        self.query = query
        compat = rewrite(query, workspace.signatures())
        self._compat = compat
        #: Every rewrite applied before translation ("makeset -> make_set"); see
        #: compat.py and shapes.py. Shape rewrites are redone on recompile.
        self.rewrites = list(compat.applied)
        self.kql = compat.text
        self._compile()

    def _compile(self) -> None:
        ws = self.workspace
        # Needs the input columns of an operator, which loading data can change.
        self.kql, shaped = rewrite_shapes(self._compat.text, ws.columns_of)
        self.rewrites = [*self._compat.applied, *shaped]
        try:
            result = ws.translate(self.kql)
        except Exception as exc:
            raise to_query_failed(exc, self.kql) from exc
        if result.unbound:
            raise QueryFailed(
                "BadArgumentError",
                f"query parameters without a value: {', '.join(result.unbound)}",
            )
        self.sql = point_at_backing(str(result), WINDOW_SCHEMA)
        self.params: dict[str, Any] = dict(result.parameters)
        pinned = self.params.get(CLOCK_SLOT)
        # A `set query_now = ...` in the text pins the clock itself; keep it.
        self.uses_clock = pinned is not None and to_naive_utc(pinned) == to_naive_utc(
            PLACEHOLDER_NOW
        )
        self.version = ws.store.version
        ws.materialize(self.sql)
        # Bind once now so an unknown column fails at prepare, not mid-backtest.
        try:
            ws.con.sql(self.sql, params=self.params or None).columns  # noqa: B018
        except Exception as exc:
            raise to_query_failed(exc) from exc
        self.version = ws.store.version

    def run(self, now: datetime, timespan: Timespan = None) -> QueryResult:
        params = self._bind(now, timespan)
        try:
            return fetch_result(self.workspace.con, self.sql, params)
        except Exception as exc:
            raise to_query_failed(exc) from exc

    def count(self, now: datetime, timespan: Timespan = None) -> int:
        """How many rows run() would return, without fetching them.

        A backtest needs only the count of each of thousands of runs; turning
        every row into Python values (JSON parsing, datetimes) would dominate.
        """
        params = self._bind(now, timespan)
        try:
            cursor = self.workspace.con.execute(
                f"SELECT count(*) FROM ({self.sql}) AS sd_counted", params or None)
            row = cursor.fetchone()
        except Exception as exc:
            raise to_query_failed(exc) from exc
        return int(row[0]) if row else 0

    def count_runs(self, runs: Sequence[tuple[datetime, tuple[datetime, datetime]]]
                   ) -> list[int]:
        """run()'s row count for each (now, (start, end)) run, in one statement.

        Planning the translated SQL costs DuckDB ~40 ms for a rule of a dozen
        operators, executing it over one window well under 1 ms, so thousands
        of separately executed runs would be nearly all planning. Instead the
        query becomes a correlated subquery over a table of runs: each run's
        window replaces the window views and its time replaces `now`, DuckDB
        plans once and decorrelates (each row meets only the runs whose window
        holds it). Every run still sees exactly what run() would show it.
        """
        ws = self.workspace
        if ws.store.version != self.version:
            self._compile()
        if not runs:
            return []
        nows = [to_naive_utc(now) for now, _ in runs]
        starts = [to_naive_utc(span[0]) for _, span in runs]
        ends = [to_naive_utc(span[1]) for _, span in runs]
        ws.con.execute(
            f"CREATE OR REPLACE TEMP TABLE {RUNS_TABLE} AS SELECT * FROM (SELECT "
            "unnest($n) AS sd_now, unnest($s) AS sd_from, unnest($e) AS sd_to, "
            "generate_subscripts($n, 1) AS sd_i)",
            {"n": nows, "s": starts, "e": ends},
        )
        sql = _WINDOWED.sub(lambda m: self._run_window(m.group(1).replace('""', '"')),
                            self.sql)
        params = {k: v for k, v in self.params.items() if k != CLOCK_SLOT or not self.uses_clock}
        if self.uses_clock:
            sql = _CLOCK.sub("sd_run.sd_now", sql)
        try:
            rows = ws.con.execute(
                f"SELECT (SELECT count(*) FROM ({sql}) AS sd_counted) FROM temp.{RUNS_TABLE} "
                "AS sd_run ORDER BY sd_run.sd_i", params or None).fetchall()
        except Exception as exc:
            raise to_query_failed(exc) from exc
        finally:
            ws.con.execute(f"DROP TABLE IF EXISTS temp.{RUNS_TABLE}")
        return [int(r[0]) for r in rows]

    def _run_window(self, table: str) -> str:
        source = f"main.{quote_ident(table)}"
        if not self.workspace.store.has_time(table):
            return source
        return (f"(SELECT * FROM {source} WHERE {quote_ident(TIME_COLUMN)} "
                "BETWEEN sd_run.sd_from AND sd_run.sd_to)")

    def _bind(self, now: datetime, timespan: Timespan) -> dict[str, Any]:
        ws = self.workspace
        if ws.store.version != self.version:
            # Data loaded since prepare() changed a table's columns, which
            # `union`/`join` expansions were computed from.
            self._compile()
        ws.set_window(window(now, timespan))
        params = dict(self.params)
        if self.uses_clock:
            params[CLOCK_SLOT] = to_naive_utc(now)
        return params

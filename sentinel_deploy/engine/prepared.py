"""Compile once, run many: the translated SQL of one query, re-bound per run.

A backtest runs one rule thousands of times with a different `now` and window.
Translating KQL (an ANTLR parse plus lowering) costs far more than executing
the SQL on a few rows, so the translation is done once with a placeholder
clock and only the clock parameter and the window variables change per run.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb_kql
from duckdb_kql.stored_functions import ResolvedFunctions
from duckdb_kql.translate import CLOCK_SLOT

from sentinel_deploy.engine.compat import rewrite
from sentinel_deploy.engine.errors import to_query_failed
from sentinel_deploy.engine.results import fetch_result
from sentinel_deploy.engine.tables import WINDOW_SCHEMA
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult

if TYPE_CHECKING:
    from sentinel_deploy.engine.workspace import LocalWorkspace

Timespan = timedelta | tuple[datetime, datetime] | None

#: Stands in for `now` while translating. Any instant works: duckdb-kql renders
#: a pinned clock as the one placeholder $kqlnow, whatever its value.
PLACEHOLDER_NOW = datetime(2000, 1, 1, tzinfo=UTC)


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
        compat = rewrite(query)
        #: Deprecated aliases rewritten before translation ("makeset -> make_set").
        self.rewrites = compat.applied
        self.kql = compat.text
        self._compile()

    def _compile(self) -> None:
        ws = self.workspace
        try:
            result = ws.translate(self.kql)
        except Exception as exc:
            raise to_query_failed(exc) from exc
        if result.unbound:
            raise QueryFailed(
                "BadArgumentError",
                f"query parameters without a value: {', '.join(result.unbound)}",
            )
        self.sql = str(result)
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
        ws = self.workspace
        if ws.store.version != self.version:
            # Data loaded since prepare() changed a table's columns, which
            # `union`/`join` expansions were computed from.
            self._compile()
        ws.set_window(window(now, timespan))
        params = dict(self.params)
        if self.uses_clock:
            params[CLOCK_SLOT] = to_naive_utc(now)
        try:
            return fetch_result(ws.con, self.sql, params)
        except Exception as exc:
            raise to_query_failed(exc) from exc

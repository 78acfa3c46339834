"""A local stand-in for a Log Analytics workspace: DuckDB + duckdb-kql.

Two things are done the way Log Analytics does them rather than the way a
plain KQL-on-DuckDB call would:

* `now()`/`ago()` are pinned to the run's `now` (duckdb-kql's query_now), so a
  rule runs as if scheduled at that instant;
* the request's timespan is applied outside the query: every table with a
  TimeGenerated column is seen through a view filtered to the window, as Kusto
  does with its query_datetimescope_from/to request properties (inclusive at
  both ends). Tables without TimeGenerated are not filtered.
"""

from __future__ import annotations

import json
import re
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import duckdb_kql
from duckdb_kql.stored_functions import ResolvedFunctions, StoredFunction, parse_functions

from sentinel_deploy.catalog.model import GET_WATCHLIST, Catalog, FunctionSchema
from sentinel_deploy.engine import loading, standins, watchlists
from sentinel_deploy.engine.convert import macros_sql, quote_ident
from sentinel_deploy.engine.prepared import PreparedQuery, Timespan, translate
from sentinel_deploy.engine.tables import WINDOW_SCHEMA, TableStore
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity, UserError
from sentinel_deploy.objects.query_result import QueryResult

WATCHLIST_DIR = "watchlists"
_WINDOW_REF = re.compile(rf'"{WINDOW_SCHEMA}"\."((?:[^"]|"")+)"')


class LocalWorkspace:
    """Tables, watchlists and functions in one in-memory DuckDB database."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        self.catalog = catalog if catalog is not None else Catalog()
        self.con = duckdb_kql.connect()
        for statement in macros_sql(loading.MACRO_SCHEMA):
            self.con.execute(statement)
        self.con.execute(f"CREATE SCHEMA {WINDOW_SCHEMA}")
        self.set_window(None)
        self.store = TableStore(self.con, self.catalog)
        self.watchlists: list[watchlists.Watchlist] = []
        self.translations = 0  # how many times KQL was translated; see prepare()
        self.function_warnings: list[Diagnostic] = []
        self._functions: ResolvedFunctions | None = None
        self._functions_key: tuple[tuple[str, str, int], ...] = ()
        self._catalog_functions: dict[str, StoredFunction] | None = None

    # -- data -------------------------------------------------------------

    def load_dir(self, path: str | Path, *, lenient: bool = False) -> list[Diagnostic]:
        """Load every data file in *path* (and watchlists/*.csv); return warnings.

        lenient=False stops at the first value that does not convert, naming
        file, line and column; lenient=True reads it as null with a warning.
        """
        folder = Path(path)
        files = loading.data_files(folder)
        wl_dir = folder / WATCHLIST_DIR
        wl_files = sorted(wl_dir.glob("*.csv")) if wl_dir.is_dir() else []
        if not files and not wl_files:
            raise UserError(
                f"no data files in {folder}",
                hint="add TableName.csv / .json / .jsonl / .parquet files (the part of the "
                "name before '__' names the table), or watchlists/<alias>.csv",
            )
        warnings: list[Diagnostic] = []
        for file in files:
            warnings += self.load_file(file, lenient=lenient)
        for file in wl_files:
            self.load_watchlist(file)
        return warnings

    def load_file(self, path: str | Path, *, lenient: bool = False) -> list[Diagnostic]:
        return loading.load_file(self.store, Path(path), lenient=lenient)

    def load_watchlist(self, path: str | Path) -> None:
        wl = watchlists.load_watchlist(self.store, Path(path), len(self.watchlists))
        self.watchlists = [w for w in self.watchlists if w.alias != wl.alias] + [wl]

    def load_rows(
        self, table: str, rows: Iterable[dict[str, Any]], *, lenient: bool = False
    ) -> list[Diagnostic]:
        """Append rows given as dicts; values convert exactly as file cells do."""
        with tempfile.TemporaryDirectory(prefix="sd-rows-") as tmp:
            file = Path(tmp) / f"{table}__rows.jsonl"
            with file.open("w", encoding="utf-8") as handle:
                for row in rows:
                    handle.write(json.dumps(row, default=_json_value) + "\n")
            if file.stat().st_size == 0:
                self.store.ensure(table)
                return []
            try:
                found = loading.load_file(self.store, file, lenient=lenient)
            except UserError as exc:
                # The temporary file means nothing to the caller; its line is the row.
                row = f"row {exc.line}: " if exc.line else ""
                raise UserError(f"{table} {row}{exc.message}", hint=exc.hint) from None
        return [_without_file(w, table) for w in found]

    def clear_rows(self) -> None:
        """Empty every table, keeping its columns.

        Shapes are unchanged, so a query prepared here stays valid: the test
        runner reuses one workspace and one translation across a rule's cases.
        """
        for table in self.store.columns:
            self.con.execute(f"DELETE FROM main.{quote_ident(table)}")

    # -- queries ----------------------------------------------------------

    def prepare(self, query: str) -> PreparedQuery:
        """Translate *query* once; run the result many times with PreparedQuery.run."""
        return PreparedQuery(self, query)

    def run(
        self, query: str, *, now: datetime, timespan: Timespan = None
    ) -> QueryResult:
        return self.prepare(query).run(now=now, timespan=timespan)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- used by PreparedQuery --------------------------------------------

    def translate(self, kql: str) -> Any:
        self.translations += 1
        return translate(kql, self.store.schema_for_translation(), self.functions())

    def columns_of(self, kql: str) -> list[str] | None:
        """Output columns of *kql* as the local tables stand, or None if it does not bind.

        Not counted in `translations`: it serves a rewrite of the query
        being prepared, not a translation of it.
        """
        try:
            result = translate(kql, self.store.schema_for_translation(), self.functions())
            sql = standins.point_at_backing(str(result), WINDOW_SCHEMA)
            self.materialize(sql)
            return list(self.con.sql(sql, params=dict(result.parameters) or None).columns)
        except (duckdb_kql.KqlError, duckdb.Error, ValueError):
            return None

    def materialize(self, sql: str) -> None:
        """Create the catalog tables *sql* reads that have not been created yet."""
        for found in _WINDOW_REF.finditer(sql):
            self.store.ensure(found.group(1).replace('""', '"'))

    def set_window(self, window: tuple[datetime, datetime] | None) -> None:
        if window is None:
            self.con.execute("SET VARIABLE sd_unbounded = true")
            self.con.execute("SET VARIABLE sd_start = CAST(NULL AS TIMESTAMP)")
            self.con.execute("SET VARIABLE sd_end = CAST(NULL AS TIMESTAMP)")
            return
        self.con.execute("SET VARIABLE sd_unbounded = false")
        self.con.execute("SET VARIABLE sd_start = CAST($1 AS TIMESTAMP)", [window[0]])
        self.con.execute("SET VARIABLE sd_end = CAST($1 AS TIMESTAMP)", [window[1]])

    def functions(self) -> ResolvedFunctions | None:
        """Stored functions: `_GetWatchlist`, the catalog's functions with a KQL
        body, and a stand-in for each one without (see standins.py)."""
        key = tuple((w.alias, w.table, len(w.columns)) for w in self.watchlists)
        if self._functions is not None and self._functions_key == key:
            return self._functions
        if self._catalog_functions is None:
            # Parsed once: the catalog does not change under a workspace, and
            # each parse is an ANTLR run.
            self._catalog_functions = self._parse_catalog_functions()
        getter = parse_functions([watchlists.definition(self.watchlists, self.catalog)])
        assert getter is not None
        self._functions = {None: {**self._catalog_functions, **getter[None]}}
        self._functions_key = key
        return self._functions

    def signatures(self) -> dict[str, list[tuple[str, str | None]]]:
        """Declared parameters of the catalog's functions, for named-argument calls."""
        return {
            fn.name: [(p.name, p.default) for p in fn.parameters]
            for fn in self.catalog.functions.values() if fn.parameters
        }

    def _parse_catalog_functions(self) -> dict[str, StoredFunction]:
        candidates = [(fn, _definition(fn)) for fn in self.catalog.functions.values()
                      if fn.body is not None and fn.name != GET_WATCHLIST]
        candidates += [(fn, standins.definition(fn))
                       for fn in standins.standin_functions(self.catalog)]
        parsed: dict[str, StoredFunction] = {}
        self.function_warnings = []
        for fn, text in candidates:
            try:
                one = parse_functions([text])
            except (ValueError, duckdb_kql.KqlError) as exc:
                self.function_warnings.append(Diagnostic(
                    code="LOCAL_FUNCTION_SKIPPED",
                    message=f"function {fn.name} cannot run locally: {exc}",
                    severity=Severity.WARNING,
                ))
                continue
            assert one is not None
            parsed.update(one[None])
        return parsed


def _definition(fn: FunctionSchema) -> str:
    params = ", ".join(
        f"{p.name}:{p.type}" + (f" = {p.default}" if p.default is not None else "")
        for p in fn.parameters
    )
    body = (fn.body or "").strip()
    if not body.startswith("{"):
        body = "{ " + body + "\n}"
    return f"function {fn.name}({params}) {body}"


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, timedelta):
        return _kusto_timespan(value)
    return str(value)


def _kusto_timespan(value: timedelta) -> str:
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return (f"{sign}{value.days}.{hours:02}:{minutes:02}:{seconds:02}"
            f".{value.microseconds:06}")


def _without_file(warning: Diagnostic, table: str) -> Diagnostic:
    return Diagnostic(
        code=warning.code,
        message=f"{table}: {warning.message}",
        field=warning.field,
        severity=warning.severity,
    )

"""A small real query runner: in-memory tables in DuckDB, KQL through duckdb_kql.

Enough for tests and demos of the emulator; the catalog-aware local engine is
what the CLI plugs in for real runs.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import duckdb
import duckdb_kql

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.engine.errors import to_query_failed
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult

_TO_DUCKDB = {
    "string": "VARCHAR", "int": "INTEGER", "long": "BIGINT", "real": "DOUBLE",
    "bool": "BOOLEAN", "datetime": "TIMESTAMPTZ", "timespan": "INTERVAL",
    "guid": "UUID", "dynamic": "JSON",
}
_TO_KQL = [
    (re.compile(r"^TIMESTAMP"), "datetime"),
    (re.compile(r"^(VARCHAR|TEXT|ENUM)"), "string"),
    (re.compile(r"^(INTEGER|SMALLINT|TINYINT|UTINYINT|USMALLINT)$"), "int"),
    (re.compile(r"^(BIGINT|HUGEINT|UINTEGER|UBIGINT)$"), "long"),
    (re.compile(r"^(DOUBLE|FLOAT|REAL|DECIMAL)"), "real"),
    (re.compile(r"^BOOLEAN$"), "bool"),
    (re.compile(r"^INTERVAL$"), "timespan"),
    (re.compile(r"^UUID$"), "guid"),
]


def kql_type(duckdb_type: str) -> str:
    for pattern, name in _TO_KQL:
        if pattern.match(duckdb_type.upper()):
            return name
    return "dynamic"  # JSON, LIST, STRUCT, MAP: Kusto's catch-all


class TableRunner:
    """`runner(workspace_id, query, timespan)`, the emulator's QueryRunner shape.

    Like Log Analytics, a timespan limits every table that has a TimeGenerated
    column; the workspace id is ignored (one set of tables for all).
    """

    def __init__(self) -> None:
        self._con = duckdb_kql.connect()
        self._tables: dict[str, tuple[Column, ...]] = {}
        # One connection and per-query views: queries take turns.
        self._lock = threading.Lock()

    def add_table(self, name: str, columns: Sequence[Column],
                  rows: Iterable[Sequence[Any]] = ()) -> TableRunner:
        cols = ", ".join(f'"{c.name}" {_TO_DUCKDB[c.type]}' for c in columns)
        with self._lock:
            self._con.execute(f'CREATE OR REPLACE TABLE "__base_{name}" ({cols})')
            marks = ", ".join("?" for _ in columns)
            prepared = [[json.dumps(v) if c.type == "dynamic" and v is not None else v
                         for v, c in zip(row, columns, strict=True)] for row in rows]
            if prepared:
                self._con.executemany(f'INSERT INTO "__base_{name}" VALUES ({marks})', prepared)
            self._tables[name] = tuple(columns)
        return self

    def _bind_views(self, timespan: tuple[datetime, datetime] | None) -> None:
        for name, columns in self._tables.items():
            where = ""
            if timespan is not None and any(c.name == "TimeGenerated" for c in columns):
                start, end = (t.isoformat() for t in timespan)
                # isoformat() output is digits and separators only: safe to inline.
                where = (f" WHERE TimeGenerated >= TIMESTAMPTZ '{start}'"
                         f" AND TimeGenerated < TIMESTAMPTZ '{end}'")
            self._con.execute(f'CREATE OR REPLACE TEMP VIEW "{name}" AS '
                              f'SELECT * FROM "__base_{name}"{where}')

    def __call__(self, workspace_id: str, query: str,
                 timespan: tuple[datetime, datetime] | None) -> QueryResult:
        with self._lock:
            self._bind_views(timespan)
            try:
                relation = duckdb_kql.kql(self._con, query)
                description = relation.description
                rows = relation.fetchall()
            except duckdb_kql.KqlUnsupportedError as exc:
                # Named as the CLI's engine names it, so a client can tell it from a bad query.
                raise to_query_failed(exc, query) from exc
            except duckdb_kql.KqlSyntaxError as exc:
                raise QueryFailed("SyntaxError", str(exc)) from exc
            except (duckdb_kql.KqlSchemaError, duckdb.CatalogException,
                    duckdb.BinderException) as exc:
                raise QueryFailed("SemanticError", str(exc).splitlines()[0]) from exc
            except (duckdb_kql.KqlError, duckdb.Error) as exc:
                raise QueryFailed("BadArgumentError", str(exc).splitlines()[0]) from exc
        columns = [Column(d[0], kql_type(str(d[1]))) for d in description]
        dynamic = [i for i, c in enumerate(columns) if c.type == "dynamic"]
        if dynamic:
            rows = [tuple(json.loads(v) if i in dynamic and isinstance(v, str) else v
                          for i, v in enumerate(row)) for row in rows]
        return QueryResult(columns, rows)

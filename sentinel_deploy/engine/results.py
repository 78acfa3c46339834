"""DuckDB rows -> QueryResult with the Python values Log Analytics results use."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from duckdb import DuckDBPyConnection

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.engine.types import kql_type_of
from sentinel_deploy.objects.query_result import QueryResult


def _datetime(value: Any) -> Any:
    if not isinstance(value, datetime):
        return value
    # TIMESTAMP is naive UTC by construction (the connection is in UTC).
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _dynamic(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value)
    if isinstance(value, Decimal):
        return float(value)
    return value  # lists and structs already arrive as list / dict


def _guid(value: Any) -> Any:
    # Log Analytics returns guids as strings; keep both engines comparable.
    return str(value) if isinstance(value, uuid.UUID) else value


def _real(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "datetime": _datetime,
    "dynamic": _dynamic,
    "guid": _guid,
    "real": _real,
}


def fetch_result(con: DuckDBPyConnection, sql: str, params: dict[str, Any]) -> QueryResult:
    cursor = con.execute(sql, params) if params else con.execute(sql)
    description = cursor.description or []
    columns = [Column(d[0], kql_type_of(str(d[1]))) for d in description]
    rows = cursor.fetchall()
    converters = [_CONVERTERS.get(c.type) for c in columns]
    if any(converters):
        rows = [
            tuple(v if f is None or v is None else f(v) for f, v in zip(converters, row,
                                                                          strict=True))
            for row in rows
        ]
    return QueryResult(columns=columns, rows=list(rows))

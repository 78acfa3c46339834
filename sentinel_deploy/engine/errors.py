"""Engine failures -> QueryFailed with Log Analytics' error codes.

Log Analytics answers a query it cannot parse with SyntaxError, one naming an
unknown table, column or function with SemanticError, and a bad argument with
BadArgumentError. A construct valid in Kusto that this local engine does not
translate is reported as BadArgumentError too, with advice, so a caller
handling the remote engine's codes handles these as well.
"""

from __future__ import annotations

import re

import duckdb
from duckdb_kql import KqlSchemaError, KqlSyntaxError, KqlUnsupportedError

from sentinel_deploy.objects.query_result import QueryFailed

ADVICE = (
    "the local engine (duckdb-kql) does not support it; test this query against a "
    "Log Analytics workspace instead"
)

_MISSING_TABLE = re.compile(r'Table with name "?([^"\s]+)"? does not exist')
_MISSING_COLUMN = re.compile(r'Referenced column "?([^"\s]+)"? not found')


def to_query_failed(exc: Exception) -> QueryFailed:
    if isinstance(exc, QueryFailed):
        return exc
    if isinstance(exc, KqlSyntaxError):
        return QueryFailed("SyntaxError", str(exc))
    if isinstance(exc, KqlSchemaError):
        return QueryFailed("SemanticError", str(exc))
    if isinstance(exc, KqlUnsupportedError):
        return QueryFailed("BadArgumentError", f"{exc.construct}: {ADVICE} ({exc})")
    if isinstance(exc, duckdb.CatalogException):
        found = _MISSING_TABLE.search(str(exc))
        if found:
            return QueryFailed(
                "SemanticError",
                f"Failed to resolve table expression named '{found.group(1)}' "
                "(not in the catalog and no data loaded for it)",
            )
        return QueryFailed("SemanticError", _first_line(exc))
    if isinstance(exc, duckdb.BinderException):
        found = _MISSING_COLUMN.search(str(exc))
        if found:
            return QueryFailed(
                "SemanticError",
                f"Failed to resolve scalar expression named '{found.group(1)}'",
            )
        return QueryFailed("SemanticError", _first_line(exc))
    if isinstance(exc, duckdb.Error):
        return QueryFailed("BadArgumentError", f"local engine: {_first_line(exc)}")
    if isinstance(exc, ValueError):
        return QueryFailed("BadArgumentError", str(exc))
    raise exc


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

"""Engine failures -> QueryFailed with Log Analytics' error codes.

Log Analytics answers a query it cannot parse with SyntaxError, one naming an
unknown table, column or function with SemanticError, and a bad argument with
BadArgumentError. A construct valid in Kusto that this local engine does not
translate is LOCAL_ENGINE_UNSUPPORTED, named as a user knows it (`evaluate
bag_unpack`, not the parser's `EvaluateOperator`), so callers can tell "the
query is wrong" from "run it in Azure".
"""

from __future__ import annotations

import re

import duckdb
from duckdb_kql import KqlSchemaError, KqlSyntaxError, KqlUnsupportedError

from sentinel_deploy.objects.query_result import LOCAL_ENGINE_UNSUPPORTED, QueryFailed

_MISSING_TABLE = re.compile(r'Table with name "?([^"\s]+)"? does not exist')
_MISSING_COLUMN = re.compile(r'Referenced column "?([^"\s]+)"? not found')
# duckdb-kql's hints that speak of its own development, not of the user's query.
_INTERNAL_HINT = re.compile(r"in this wave|translate/\w+\.py|near '")
_PLUGIN = re.compile(r"evaluate\s+(?:hint\.\w+\s*=\s*\w+\s+)*(\w+)")
_PLUGIN_NEAR = re.compile(r"near 'evaluate(\w+)\(")
_WORDS = re.compile(r"[A-Z][a-z0-9]*")


def to_query_failed(exc: Exception, text: str | None = None) -> QueryFailed:
    """`text`: the KQL the engine was given, to name an unsupported construct from it."""
    if isinstance(exc, QueryFailed):
        return exc
    if isinstance(exc, KqlSyntaxError):
        return QueryFailed("SyntaxError", str(exc))
    if isinstance(exc, KqlSchemaError):
        return QueryFailed("SemanticError", str(exc))
    if isinstance(exc, KqlUnsupportedError):
        return QueryFailed(LOCAL_ENGINE_UNSUPPORTED, "the local engine cannot run this query "
                           f"({describe_unsupported(exc, text)})")
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


def describe_unsupported(exc: KqlUnsupportedError, text: str | None = None) -> str:
    """The construct as the user wrote it, plus the engine's hint when it is about the query."""
    label = _construct_label(exc, text)
    hint = exc.hint if exc.hint and not _INTERNAL_HINT.search(exc.hint) else None
    return f"{label}: {hint}" if hint else label


def _construct_label(exc: KqlUnsupportedError, text: str | None) -> str:
    kind, sep, name = exc.construct.partition(":")
    if sep and kind == "function":
        return f"{name}()"
    if sep:
        return f"{kind} {name}"
    if not exc.construct.endswith("Operator"):
        return exc.construct
    # Parser rule names: MakeSeriesOperator is `make-series`, EvaluateOperator `evaluate`.
    word = "-".join(_WORDS.findall(exc.construct.removesuffix("Operator"))).lower()
    if word == "evaluate":
        plugin = _plugin_at(exc, text)
        if plugin:
            return f"evaluate {plugin}"
    return word


def _plugin_at(exc: KqlUnsupportedError, text: str | None) -> str | None:
    """The plugin's name: from the text at the error's position, else from the hint.

    The hint quotes the parser's tokens with the blanks dropped
    (`evaluatebag_unpack(d)`), readable only when no `hint.x=y` comes first.
    """
    if text is not None and exc.span is not None:
        lines = text.splitlines()
        if 0 < exc.span.line <= len(lines):
            found = _PLUGIN.match(lines[exc.span.line - 1][exc.span.column:])
            if found:
                return found.group(1)
    found = _PLUGIN_NEAR.search(exc.hint or "")
    return found.group(1) if found else None


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__

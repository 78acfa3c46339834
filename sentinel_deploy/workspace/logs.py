"""KQL against a Log Analytics workspace (or the emulator) through azure-monitor-query."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError, HttpResponseError
from azure.monitor.query import LogsQueryClient, LogsQueryPartialResult, LogsTable

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult
from sentinel_deploy.workspace.credentials import default_credential, transport_options
from sentinel_deploy.workspace.failures import to_workspace_error

if TYPE_CHECKING:
    from types import TracebackType

    from azure.core.credentials import TokenCredential

_TIMESPAN = re.compile(r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$")


def parse_kql_timespan(text: str) -> timedelta | str:
    """`1.02:03:04.5000000` → timedelta; anything else is returned as it came."""
    match = _TIMESPAN.match(text)
    if not match:
        return text
    sign, days, hours, minutes, seconds, frac = match.groups()
    delta = timedelta(days=int(days or 0), hours=int(hours), minutes=int(minutes),
                      seconds=int(seconds), microseconds=int((frac or "0").ljust(7, "0")) // 10)
    return -delta if sign else delta


def _cell(value: Any, kql_type: str) -> Any:
    # The SDK already turns datetimes into aware datetimes. Timespans and
    # dynamic arrive as text; parse them so a row from Azure compares equal to
    # the same row from the local engine.
    if isinstance(value, str):
        if kql_type == "timespan":
            return parse_kql_timespan(value)
        if kql_type == "dynamic":
            try:
                return json.loads(value)
            except ValueError:
                return value
    return value


def table_to_result(table: LogsTable) -> QueryResult:
    columns = [Column(n, t) for n, t in zip(table.columns, table.columns_types, strict=True)]
    rows = [tuple(_cell(v, c.type) for v, c in zip(row, columns, strict=True))
            for row in table.rows]
    return QueryResult(columns, rows)


def _query_failure(exc: HttpResponseError) -> QueryFailed | None:
    """QueryFailed for a query the service refused (400), None for anything else.

    The service nests the real reason: BadArgumentError → SemanticError →
    SEM0100 "Failed to resolve table...". The first nested code is the useful
    class of error, the innermost message the useful text.
    """
    if exc.status_code != 400 or exc.response is None:
        return None
    try:
        error = exc.response.json().get("error") or {}
    except Exception:  # not JSON: let the generic mapping describe it
        return None
    code = error.get("code") or "BadArgumentError"
    inner = error.get("innererror")
    if isinstance(inner, dict) and inner.get("code"):
        code = inner["code"]
    return QueryFailed(code, _innermost_message(error))


def _innermost_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("message") or "")
    inner = error.get("innererror")
    while isinstance(inner, Mapping):
        message = str(inner.get("message") or message)
        inner = inner.get("innererror")
    return message


def _partial_failure(result: LogsQueryPartialResult) -> QueryFailed:
    error = result.partial_error
    if error is None:
        return QueryFailed("PartialError", "the service returned a partial result")
    # Each detail's innermost message names the cause (e.g. the row limit);
    # the top-level one only says "there were some errors".
    # Details arrive as SDK models: Mappings, not dicts.
    details = [_innermost_message(d) for d in (error.details or []) if isinstance(d, Mapping)]
    message = "; ".join(m for m in details if m) or error.message
    return QueryFailed(error.code or "PartialError", message)


class LogsClient:
    """One query in, one QueryResult out; refusals become QueryFailed.

    A partial result counts as a failure: a rule test that silently saw half
    the data would pass or fail for the wrong reason.
    """

    def __init__(self, credential: TokenCredential | None = None,
                 endpoint: str | None = None) -> None:
        self.endpoint = endpoint
        self._call = transport_options(endpoint)
        extra: dict[str, Any] = {}
        if endpoint is not None:
            extra["endpoint"] = endpoint
        if self._call:
            extra["retry_total"] = 0  # the emulator's failures are final
        self._client = LogsQueryClient(credential or default_credential(endpoint), **extra)

    def query(self, workspace_id: str, query: str,
              timespan: timedelta | tuple[datetime, datetime] | None) -> QueryResult:
        try:
            response = self._client.query_workspace(
                workspace_id, query, timespan=timespan, **self._call)
        except HttpResponseError as exc:
            failure = _query_failure(exc)
            if failure is not None:
                raise failure from exc
            raise to_workspace_error(exc, f"query workspace '{workspace_id}'") from exc
        except AzureError as exc:
            raise to_workspace_error(exc, f"query workspace '{workspace_id}'") from exc
        if isinstance(response, LogsQueryPartialResult):
            raise _partial_failure(response)
        if not response.tables:
            return QueryResult([], [])
        return table_to_result(response.tables[0])

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> LogsClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

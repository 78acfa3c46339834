"""The Log Analytics query API (`/v1/workspaces/{id}/query`) over a pluggable engine."""

from __future__ import annotations

import base64
import json
import logging
import math
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sentinel_deploy.emulator.durations import parse_timespan
from sentinel_deploy.emulator.responses import Reply
from sentinel_deploy.objects.query_result import QueryFailed, QueryResult

log = logging.getLogger(__name__)

QueryRunner = Callable[[str, str, tuple[datetime, datetime] | None], QueryResult]

# The service's top-level message when the reason is nested in `innererror`.
_BAD_QUERY_MESSAGE = "The request had some invalid properties"


def kql_timespan(delta: timedelta) -> str:
    """Kusto's timespan text (`[-][d.]hh:mm:ss[.fffffff]`), as the service returns it."""
    sign = "-" if delta < timedelta(0) else ""
    ticks = abs(delta) // timedelta(microseconds=1) * 10
    days, rest = divmod(ticks, 864_000_000_000)
    hours, rest = divmod(rest, 36_000_000_000)
    minutes, rest = divmod(rest, 600_000_000)
    seconds, frac = divmod(rest, 10_000_000)
    text = f"{sign}{f'{days}.' if days else ''}{hours:02d}:{minutes:02d}:{seconds:02d}"
    return text + (f".{frac:07d}" if frac else "")


def _iso_utc(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    text = value.isoformat(timespec="microseconds" if value.microsecond else "seconds")
    return text + "Z"


def wire_value(value: Any, kql_type: str) -> Any:
    """A cell as the service puts it in JSON; `dynamic` travels as JSON text, as it does there."""
    if value is None:
        return None
    if kql_type == "dynamic":
        return value if isinstance(value, str) else json.dumps(value, default=str)
    if isinstance(value, datetime):
        return _iso_utc(value)
    if isinstance(value, date):
        return _iso_utc(datetime.combine(value, time(), tzinfo=UTC))
    if isinstance(value, timedelta):
        return kql_timespan(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no NaN/Infinity; the service spells them as strings.
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return value


def result_body(result: QueryResult) -> dict[str, Any]:
    types = [c.type for c in result.columns]
    return {
        "tables": [{
            "name": "PrimaryResult",
            "columns": [{"name": c.name, "type": c.type} for c in result.columns],
            "rows": [[wire_value(v, t) for v, t in zip(row, types, strict=True)]
                     for row in result.rows],
        }]
    }


def query_error(code: str, inner_code: str | None, message: str, status: int = 400) -> Reply:
    error: dict[str, Any] = {
        "message": _BAD_QUERY_MESSAGE if inner_code is not None else message,
        "code": code,
        "correlationId": str(uuid.uuid4()),
    }
    if inner_code is not None:
        error["innererror"] = {"code": inner_code, "message": message}
    return Reply(status, {"error": error})


# The service's cap on rows per result; beyond it the answer is truncated and
# flagged as a partial error (200 + `error`), which the SDK turns into
# LogsQueryPartialResult.
SERVICE_ROW_LIMIT = 500_000


def truncated_error(limit: int) -> dict[str, Any]:
    return {
        "code": "PartialError",
        "message": "There were some errors when processing your query.",
        "details": [{
            "code": "EngineError",
            "message": "Something went wrong processing your query on the server.",
            "innererror": {
                "code": "-2133196800",
                "message": f"Query result set has exceeded the internal record count limit "
                           f"{limit} (E_QUERY_RESULT_SET_TOO_LARGE; "
                           "see https://aka.ms/kustoquerylimits)",
            },
        }],
    }


class LogAnalyticsApi:
    def __init__(self, query_runner: QueryRunner | None,
                 row_limit: int = SERVICE_ROW_LIMIT,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.query_runner = query_runner
        self.row_limit = row_limit
        # A duration-only timespan ends at the workspace's now: the local
        # environment may pin it (demo data from 2023), as its ago() does.
        self.clock = clock

    def query(self, workspace_id: str, body: Any) -> Reply:
        if not isinstance(body, dict) or not isinstance(body.get("query"), str):
            return query_error("BadArgumentError", "QueryMissing",
                               "The 'query' member is required and must be a string.")
        try:
            now = self.clock() if self.clock is not None else None
            timespan = parse_timespan(body.get("timespan"), now)
        except ValueError as exc:
            return query_error("BadArgumentError", "InvalidTimespan", str(exc))
        if self.query_runner is None:
            return query_error("NotImplemented", None,
                               "This emulator was started without a query engine.", 501)
        try:
            result = self.query_runner(workspace_id, body["query"], timespan)
        except QueryFailed as exc:
            # A refused query is a 400 BadArgumentError around the real reason
            # (SemanticError, SyntaxError): the SDK raises HttpResponseError for it.
            if exc.code == "BadArgumentError":
                return query_error("BadArgumentError", None, exc.message)
            return query_error("BadArgumentError", exc.code, exc.message)
        except Exception as exc:  # an engine bug must not kill the request thread
            log.exception("query runner crashed on %r", body["query"])
            # Not a 5xx: the SDKs retry those with back-off, which only delays the same failure.
            return query_error("BadArgumentError", "EmulatorEngineError",
                               f"{type(exc).__name__}: {exc}")
        if len(result.rows) > self.row_limit:
            body = result_body(QueryResult(result.columns, result.rows[: self.row_limit]))
            body["error"] = truncated_error(self.row_limit)
            return Reply(200, body)
        return Reply(200, result_body(result))

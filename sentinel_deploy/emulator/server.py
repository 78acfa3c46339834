"""The HTTP side: routing, auth, JSON in and out, in-process or standalone.

stdlib http.server is enough here: two small JSON APIs, loopback only, and no
extra dependency to install for a test run.
"""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sentinel_deploy.emulator.alert_rules import AlertRulesApi, RuleValidator, check_api_version
from sentinel_deploy.emulator.log_analytics import (
    SERVICE_ROW_LIMIT,
    LogAnalyticsApi,
    QueryRunner,
    query_error,
)
from sentinel_deploy.emulator.responses import Reply, arm_error
from sentinel_deploy.emulator.state import RuleStore

log = logging.getLogger(__name__)

_ALERT_RULES = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourceGroups/(?P<rg>[^/]+)/providers/"
    r"Microsoft\.OperationalInsights/workspaces/(?P<ws>[^/]+)/providers/"
    r"Microsoft\.SecurityInsights/alertRules(?:/(?P<rule>[^/]+))?/?$",
    re.IGNORECASE,
)
_LA_QUERY = re.compile(r"^/v1/workspaces/(?P<ws>[^/]+)/query/?$", re.IGNORECASE)
_NO_AUTH = "Authentication failed. The 'Authorization' header is missing or is not a Bearer token."


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as it arrived and the status it got, so tests can assert on the wire."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any  # parsed JSON, raw text when not JSON, None when empty
    status: int  # what the emulator answered


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a kept-alive idle connection must not hold up shutdown

    def __init__(self, address: tuple[str, int], rules: AlertRulesApi, logs: LogAnalyticsApi,
                 recorded: deque[RecordedRequest]) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, _Handler)
        self.rules = rules
        self.logs = logs
        self.recorded = recorded


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive: the SDKs reuse one connection
    # Headers and body go out in separate writes; without this, Nagle plus the
    # client's delayed ACK adds ~40 ms to every response.
    disable_nagle_algorithm = True
    timeout = 60  # drop idle kept-alive connections eventually

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # _handle logs each request once, with its timing

    def do_GET(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def _read_body(self) -> tuple[bytes, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return raw, None
        try:
            return raw, json.loads(raw)
        except ValueError:
            return raw, raw.decode("utf-8", "replace")

    def _handle(self) -> None:
        started = time.perf_counter()
        split = urlsplit(self.path)
        path = unquote(split.path)
        query = parse_qs(split.query)
        raw, body = self._read_body()
        try:
            reply = self._route(path, query, raw, body)
        except Exception:  # one bad request must not take the server down
            log.exception("emulator failed on %s %s", self.command, self.path)
            reply = arm_error(500, "InternalServerError", "The emulator failed; see its log.")
        self.server.recorded.append(RecordedRequest(
            self.command, path, query, dict(self.headers.items()), body, reply.status))
        self._send(reply)
        log.debug("%s %s -> %d in %.1f ms", self.command, path, reply.status,
                  (time.perf_counter() - started) * 1000)

    def _route(self, path: str, query: dict[str, list[str]], raw: bytes, body: Any) -> Reply:
        auth = self.headers.get("Authorization", "")
        authorized = auth[:7].lower() == "bearer " and auth[7:].strip() != ""
        if (match := _LA_QUERY.match(path)) is not None:
            if not authorized:
                return query_error("AuthenticationFailed", None, _NO_AUTH, 401)
            if self.command == "GET":  # the API also takes the query in the URL
                body = {k: v[0] for k, v in query.items()}
            elif self.command != "POST":
                return query_error("MethodNotAllowed", None, "Use GET or POST.", 405)
            elif raw and isinstance(body, str):
                return query_error("BadArgumentError", "InvalidJson",
                                   "The request body is not valid JSON.")
            return self.server.logs.query(match["ws"], body)
        if (match := _ALERT_RULES.match(path)) is not None:
            if not authorized:
                return arm_error(401, "AuthenticationFailed", _NO_AUTH)
            if (problem := check_api_version(query)) is not None:
                return problem
            return self._alert_rules(match, body, raw)
        return arm_error(404, "NotFound", f"No emulated API at '{path}'.")

    def _alert_rules(self, match: re.Match[str], body: Any, raw: bytes) -> Reply:
        api, rule = self.server.rules, match["rule"]
        sub, rg, ws = match["sub"], match["rg"], match["ws"]
        if rule is None:
            if self.command == "GET":
                return api.list(sub, rg, ws)
            return arm_error(405, "MethodNotAllowed", f"{self.command} is not allowed here.")
        if self.command == "GET":
            return api.get(sub, rg, ws, rule)
        if self.command == "DELETE":
            return api.delete(sub, rg, ws, rule)
        if self.command == "PUT":
            if raw and isinstance(body, str):
                return arm_error(400, "InvalidRequestContent",
                                 "The request content was invalid and could not be deserialized.")
            return api.put(sub, rg, ws, rule, body, self.headers.get("If-Match"))
        return arm_error(405, "MethodNotAllowed", f"{self.command} is not allowed here.")

    def _send(self, reply: Reply) -> None:
        payload = b"" if reply.body is None else json.dumps(reply.body).encode("utf-8")
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("x-ms-request-id", str(uuid.uuid4()))
        if reply.status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="emulator"')
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if payload:
            self.wfile.write(payload)


class Emulator:
    """Both APIs on one loopback port; start()/stop() or use as a context manager."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *,
                 state_dir: Path | str | None = None,
                 query_runner: QueryRunner | None = None,
                 rule_validator: RuleValidator | None = None,
                 row_limit: int = SERVICE_ROW_LIMIT,
                 record_limit: int = 1000,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.store = RuleStore(Path(state_dir) if state_dir is not None else None)
        self.requests: deque[RecordedRequest] = deque(maxlen=record_limit)
        self._server = _Server((host, port), AlertRulesApi(self.store, rule_validator),
                               LogAnalyticsApi(query_runner, row_limit, clock), self.requests)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        host = f"[{host}]" if ":" in str(host) else host
        return f"http://{host}:{port}"

    def start(self) -> Emulator:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever,
                                            kwargs={"poll_interval": 0.05},
                                            name="sentinel-emulator", daemon=True)
            self._thread.start()
            log.debug("emulator listening on %s", self.url)
        return self

    def serve_forever(self) -> None:
        """Block in the calling thread until interrupted (Ctrl-C), then close the socket."""
        try:
            self._server.serve_forever(poll_interval=0.2)
        except KeyboardInterrupt:
            log.debug("emulator interrupted")
        finally:
            self._server.server_close()

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def serve(host: str, port: int, state_dir: Path | str | None,
          query_runner: QueryRunner | None, *,
          rule_validator: RuleValidator | None = None,
          on_ready: Callable[[str], None] | None = None,
          clock: Callable[[], datetime] | None = None) -> None:
    """Run the emulator in the foreground until Ctrl-C; `on_ready` gets the URL once bound."""
    emulator = Emulator(host, port, state_dir=state_dir, query_runner=query_runner,
                        rule_validator=rule_validator, clock=clock)
    if on_ready is not None:
        on_ready(emulator.url)
    emulator.serve_forever()

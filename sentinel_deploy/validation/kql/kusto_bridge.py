"""Semantic KQL analysis with Kusto.Language running in embedded V8 (mini-racer).

One V8 context per process, loaded on first use (~0.3 s, ~200 MiB); one
Kusto `GlobalState` per distinct catalog, declared once and reused.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sentinel_deploy.catalog.model import (
    GET_WATCHLIST,
    KQL_TYPES,
    WATCHLIST_COLUMNS,
    Catalog,
    Column,
    FunctionSchema,
)

from .kusto_glue import GLUE_JS
from .kusto_package import KustoJs
from .model import (
    CODE_INTERNAL,
    CODE_TIMEOUT,
    Engine,
    KqlAnalysis,
    KqlDiagnostic,
    KqlSeverity,
    LineIndex,
)
from .preflight import preflight

DEFAULT_TIMEOUT_S = 10.0
# For a watchlist alias the catalog does not know, the result is open: any column resolves.
_MAX_STATES = 8
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# Kusto spellings accepted in a schema; anything else is declared dynamic rather
# than letting one odd type from a generated catalog break the whole table.
_SCHEMA_TYPES = frozenset({
    "string", "int", "long", "real", "bool", "datetime", "timespan", "guid", "dynamic",
    "decimal", "double", "boolean", "date", "time", "int32", "int64", "uniqueidentifier",
})
_RESULT_TYPES = {"decimal": "real", "double": "real", "boolean": "bool", "date": "datetime",
                 "time": "timespan", "int32": "int", "int64": "long",
                 "uniqueidentifier": "guid"}
_SEVERITIES: dict[str, KqlSeverity] = {"error": "error", "warning": "warning",
                                       "suggestion": "suggestion", "information": "info"}


class KustoLoadError(Exception):
    """Kusto.Language could not be started; the message is shown as the degraded reason."""


class _Runtime:
    """The V8 context with Kusto.Language and our glue evaluated in it."""

    def __init__(self, js: KustoJs) -> None:
        started = time.perf_counter()
        try:
            from py_mini_racer import MiniRacer

            self._ctx = MiniRacer()
            for path in (js.bridge, js.language):
                self._ctx.eval(path.read_text(encoding="utf-8"))
            self._ctx.eval(GLUE_JS)
        except Exception as exc:  # mini-racer missing, unsupported platform, broken JS
            raise KustoLoadError(f"could not start Kusto.Language from {js.directory}: "
                                 f"{_first_line(exc)}") from exc
        self.directory = js.directory
        self.load_seconds = time.perf_counter() - started
        self._declared: OrderedDict[str, list[str]] = OrderedDict()
        self.lock = threading.Lock()

    def declare(self, key: str, spec_json: str) -> list[str]:
        """Declare a catalog once; returns symbols Kusto refused (kept out, not fatal)."""
        with self.lock:
            if key in self._declared:
                self._declared.move_to_end(key)
                return self._declared[key]
            reply = json.loads(self._ctx.call("__sentinelDeploy.declare", key, spec_json))
            if "error" in reply:
                raise KustoLoadError(f"could not declare the catalog to Kusto.Language: "
                                     f"{reply['error']}")
            self._declared[key] = list(reply.get("skipped", []))
            while len(self._declared) > _MAX_STATES:
                old, _ = self._declared.popitem(last=False)
                self._ctx.call("__sentinelDeploy.forget", old)
            return self._declared[key]

    def analyze(self, key: str, spec_json: str, text: str, timeout_s: float) -> dict[str, Any]:
        self.declare(key, spec_json)  # no-op unless evicted meanwhile
        with self.lock:
            raw = self._ctx.call("__sentinelDeploy.analyze", key, text, timeout_sec=timeout_s)
        result: dict[str, Any] = json.loads(raw)
        return result


_runtime: _Runtime | None = None
_runtime_lock = threading.Lock()


def runtime(js: KustoJs) -> _Runtime:
    """The process-wide runtime; the first directory loaded wins (it is the same pinned code)."""
    global _runtime
    with _runtime_lock:
        if _runtime is None:
            _runtime = _Runtime(js)
        return _runtime


def _discard_runtime(broken: _Runtime) -> None:
    global _runtime
    with _runtime_lock:
        if _runtime is broken:
            _runtime = None


class KustoAnalyzer:
    engine: Engine = "kusto"
    degraded_reason: str | None = None

    def __init__(self, catalog: Catalog, js: KustoJs, *,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self._js = js
        self.timeout_s = timeout_s
        self._spec = catalog_spec(catalog)
        self._key = hashlib.sha256(self._spec.encode("utf-8")).hexdigest()[:32]
        #: catalog entries Kusto.Language refused to declare ("name: reason")
        self.skipped_symbols = runtime(js).declare(self._key, self._spec)

    def analyze(self, query: str) -> KqlAnalysis:
        started = time.perf_counter()
        early = preflight(query, self.engine)
        if early is not None:
            return early
        try:
            reply = runtime(self._js).analyze(self._key, self._spec, query, self.timeout_s)
        except Exception as exc:  # every failure becomes a finding, never a traceback
            return self._failure(exc, started)
        if "error" in reply:
            return self._internal(f"Kusto.Language failed on this query: {reply['error']}",
                                  started)
        return KqlAnalysis(
            engine=self.engine,
            diagnostics=tuple(_diagnostics(query, reply["diagnostics"])),
            result_columns=_columns(reply["columns"]),
            referenced_tables=tuple(sorted(reply["tables"])),
            referenced_functions=tuple(sorted(reply["functions"])),
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )

    def _failure(self, exc: Exception, started: float) -> KqlAnalysis:
        from py_mini_racer import JSOOMException, JSTimeoutException

        if isinstance(exc, JSTimeoutException):
            diagnostic = KqlDiagnostic(
                CODE_TIMEOUT, "error",
                f"Kusto.Language did not finish within {self.timeout_s:g} s, so the query was "
                "not checked; it is probably very large or very deeply nested.",
            )
            return KqlAnalysis(engine=self.engine, diagnostics=(diagnostic,),
                               elapsed_ms=(time.perf_counter() - started) * 1000)
        if isinstance(exc, JSOOMException) and _runtime is not None:
            _discard_runtime(_runtime)  # a V8 heap that ran out is not safe to reuse
        return self._internal(f"Kusto.Language failed on this query: {_first_line(exc)}",
                              started)

    def _internal(self, message: str, started: float) -> KqlAnalysis:
        diagnostic = KqlDiagnostic(CODE_INTERNAL, "error",
                                   message + " (a bug in the checker, not necessarily the query)")
        return KqlAnalysis(engine=self.engine, diagnostics=(diagnostic,),
                           elapsed_ms=(time.perf_counter() - started) * 1000)


def catalog_spec(catalog: Catalog) -> str:
    """The catalog as the JSON the glue's `declare` takes; also the catalog's cache key."""
    functions = dict(catalog.functions)
    getter = functions.pop(GET_WATCHLIST, None)
    fixed = getter.columns if getter and getter.columns else WATCHLIST_COLUMNS
    taken = {c.name for c in fixed}
    spec = {
        "database": "workspace",
        "watchlist": schema_string(fixed),
        "watchlists": {
            alias: schema_string(fixed + tuple(c for c in w.columns if c.name not in taken))
            for alias, w in sorted(catalog.watchlists.items())
        },
        "watchlistFunction": GET_WATCHLIST,
        # Columns as (name, type) pairs, not a schema string: Kusto's schema parser
        # took 0.77 s of each worker's start-up for the 234 tables; building the
        # symbols directly takes 0.05 s.
        "tables": [{"name": t.name, "columns": [[c.name, c.type] for c in t.columns]}
                   for t in sorted(catalog.tables.values(), key=lambda t: t.name)],
        "functions": [_function_spec(f) for f in sorted(functions.values(), key=lambda f: f.name)],
    }
    return json.dumps(spec, separators=(",", ":"), sort_keys=True)


def _function_spec(function: FunctionSchema) -> dict[str, Any]:
    params = ", ".join(
        f"{quote_name(p.name)}:{p.type}" + (f" = {p.default}" if p.default is not None else "")
        for p in function.parameters
    )
    if function.columns:
        # Only the result shape matters for checking callers; an empty datatable has it.
        body: str | None = "{ datatable" + schema_string(function.columns) + "[] }"
    elif function.body and function.body.strip():
        text = function.body.strip()
        body = text if text.startswith("{") else "{ " + text + "\n}"
    else:
        body = None  # unknown shape: glue declares it as returning an open table
    return {"name": function.name, "params": f"({params})", "body": body}


def quote_name(name: str) -> str:
    if _IDENTIFIER.match(name):
        return name
    return "['" + name.replace("\\", "\\\\").replace("'", "\\'") + "']"


def schema_string(columns: Iterable[Column]) -> str:
    parts = []
    for column in columns:
        kind = column.type.lower() if column.type.lower() in _SCHEMA_TYPES else "dynamic"
        escaped = column.name.replace("\\", "\\\\").replace("'", "\\'")
        parts.append(f"['{escaped}']:{kind}")
    return "(" + ", ".join(parts) + ")"


def _columns(raw: list[list[str]] | None) -> tuple[Column, ...] | None:
    if raw is None:
        return None
    return tuple(Column(name, _result_type(kind)) for name, kind in raw)


def _result_type(kind: str) -> str:
    kind = _RESULT_TYPES.get(kind, kind)
    # "unknown" is what Kusto gives a column of an open table: it can hold anything.
    return kind if kind in KQL_TYPES else "dynamic"


def _diagnostics(query: str, raw: list[list[Any]]) -> Iterable[KqlDiagnostic]:
    to_chars = _utf16_to_chars(query)
    lines = LineIndex(query)
    for code, severity, message, start16, length16 in raw:
        start = to_chars(int(start16))
        end = to_chars(int(start16) + int(length16))
        line, column = lines.position(start)
        yield KqlDiagnostic(str(code), _SEVERITIES.get(str(severity).lower(), "error"),
                            str(message), start, end - start, line, column)


def _utf16_to_chars(text: str) -> Callable[[int], int]:
    """V8 strings count UTF-16 units; Python counts code points. Differ only past U+FFFF."""
    if text.isascii() or max(text) < "\U00010000":
        return lambda offset: min(offset, len(text))
    starts: list[int] = []
    position = 0
    for ch in text:
        starts.append(position)
        position += 2 if ord(ch) > 0xFFFF else 1
    starts.append(position)
    return lambda offset: bisect_left(starts, offset)


def _first_line(exc: BaseException) -> str:
    # V8 messages from minified code quote the offending source line: megabytes of it.
    text = f"{type(exc).__name__}: {exc}"
    return text.splitlines()[0][:300] if text else type(exc).__name__


def loaded_runtime_dir() -> Path | None:
    return _runtime.directory if _runtime is not None else None

"""Syntax-only checking with duckdb-kql, for when Kusto.Language cannot be loaded.

It finds malformed queries but not unknown tables, columns or functions, and
every result says so through `degraded_reason`.
"""

from __future__ import annotations

import re
import time

from .model import (
    CODE_INTERNAL,
    CODE_SYNTAX,
    Engine,
    KqlAnalysis,
    KqlDiagnostic,
    LineIndex,
)
from .preflight import preflight

# ANTLR lists every token it could accept; past a handful that is noise to a reader.
_EXPECTING = re.compile(r"expecting \{([^}]*)\}")
_MAX_ALTERNATIVES = 6


class SyntaxOnlyAnalyzer:
    engine: Engine = "syntax-only"

    def __init__(self, reason: str) -> None:
        self.degraded_reason = (
            f"{reason}. Only KQL syntax was checked: unknown tables, columns, functions and "
            "type errors were not detected."
        )

    def analyze(self, query: str) -> KqlAnalysis:
        started = time.perf_counter()
        early = preflight(query, self.engine, self.degraded_reason)
        if early is not None:
            return early
        diagnostics = _validate(query)
        return KqlAnalysis(
            engine=self.engine, diagnostics=diagnostics, degraded_reason=self.degraded_reason,
            elapsed_ms=(time.perf_counter() - started) * 1000,
        )


def _validate(query: str) -> tuple[KqlDiagnostic, ...]:
    try:
        import duckdb_kql

        found = duckdb_kql.validate(query)
    except RecursionError:
        return (KqlDiagnostic(CODE_SYNTAX, "error", "The query is nested too deeply to parse."),)
    except Exception as exc:  # a third-party parser: whatever it throws is our bug, not the user's
        message = f"The syntax checker failed ({type(exc).__name__}: {str(exc)[:200]})."
        return (KqlDiagnostic(CODE_INTERNAL, "error", message),)
    lines = LineIndex(query)
    out: list[KqlDiagnostic] = []
    for item in found:
        line = max(int(item.span.line), 1)
        column = int(item.span.column) + 1  # ANTLR columns are 0-based
        start = min(lines.offset(line, column), len(query))
        line, column = lines.position(start)
        out.append(KqlDiagnostic(CODE_SYNTAX, "error", shorten(item.message), start, 0,
                                 line, column))
    return tuple(out)


def shorten(message: str) -> str:
    def repl(match: re.Match[str]) -> str:
        options = [o.strip() for o in match.group(1).split(",")]
        if len(options) <= _MAX_ALTERNATIVES:
            return match.group(0)
        return f"expecting one of {len(options)} tokens, e.g. {', '.join(options[:4])}"

    return _EXPECTING.sub(repl, message)

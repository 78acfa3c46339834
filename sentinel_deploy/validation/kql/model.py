"""Result shapes shared by the Kusto engine and the syntax-only fallback."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity

KqlSeverity = Literal["error", "warning", "suggestion", "info"]
Engine = Literal["kusto", "syntax-only"]

# Codes of our own, for findings that are about the checker rather than the query.
CODE_INTERNAL = "SD-KQL-INTERNAL"
CODE_TIMEOUT = "SD-KQL-TIMEOUT"
CODE_TOO_LARGE = "SD-KQL-TOO-LARGE"
CODE_TOO_DEEP = "SD-KQL-TOO-DEEP"
CODE_SYNTAX = "SD-KQL-SYNTAX"
CODE_EMPTY = "SD-KQL-EMPTY"

_SEVERITY_TO_OBJECTS: dict[str, Severity] = {
    "error": Severity.ERROR,
    "warning": Severity.WARNING,
    "suggestion": Severity.INFO,
    "info": Severity.INFO,
}


@dataclass(frozen=True, slots=True)
class KqlDiagnostic:
    """A finding inside one query.

    `start`/`length` are in characters (Python string indices) of the query
    text; `line`/`column` are 1-based, lines split at `\\n`.
    """

    code: str
    severity: KqlSeverity
    message: str
    start: int = 0
    length: int = 0
    line: int = 1
    column: int = 1

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def to_diagnostic(self, *, file: Path | None = None, line_offset: int = 0,
                      first_line_column_offset: int = 0, field: str | None = None,
                      excerpt: str | None = None) -> Diagnostic:
        """Place the finding in a rule file whose query starts after `line_offset` lines.

        `first_line_column_offset` applies only on the query's first line, for a
        query that starts mid-line (e.g. `query: T | take 1`).
        """
        column = self.column + (first_line_column_offset if self.line == 1 else 0)
        return Diagnostic(
            code=self.code, message=self.message, file=file, line=self.line + line_offset,
            column=column, field=field, severity=_SEVERITY_TO_OBJECTS[self.severity],
            excerpt=excerpt,
        )


@dataclass(frozen=True, slots=True)
class KqlAnalysis:
    """What one analysis of a query found.

    `result_columns` is None when the query yields no table (a scalar, only
    `let` statements, or when only syntax was checked). `referenced_tables` and
    `referenced_functions` name catalog tables and catalog functions the query
    reads; None when not computed (syntax-only).
    """

    engine: Engine
    diagnostics: tuple[KqlDiagnostic, ...] = ()
    result_columns: tuple[Column, ...] | None = None
    referenced_tables: tuple[str, ...] | None = None
    referenced_functions: tuple[str, ...] | None = None
    degraded_reason: str | None = None
    elapsed_ms: float = 0.0

    @property
    def errors(self) -> tuple[KqlDiagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def semantic(self) -> bool:
        """True when names and types were checked, not only syntax."""
        return self.engine == "kusto"


class Analyzer(Protocol):
    engine: Engine
    degraded_reason: str | None

    def analyze(self, query: str) -> KqlAnalysis: ...


class LineIndex:
    """Maps character offsets in a text to 1-based (line, column)."""

    def __init__(self, text: str) -> None:
        self._starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self._starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        index = bisect_right(self._starts, offset) - 1
        return index + 1, offset - self._starts[index] + 1

    def offset(self, line: int, column: int) -> int:
        """Inverse of `position`, clamped to the text's lines."""
        index = min(max(line, 1), len(self._starts)) - 1
        return self._starts[index] + max(column, 1) - 1


"""One diagnostic shape for every check, so human, JSON and SARIF output share a source."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finding located in a rule file.

    `line` and `column` are 1-based positions in the file as the user sees it
    (not in the rendered rule), or None when the finding has no place.
    """

    code: str
    message: str
    file: Path | None = None
    line: int | None = None
    column: int | None = None
    field: str | None = None
    severity: Severity = Severity.ERROR
    hint: str | None = None
    excerpt: str | None = None
    extra: dict[str, str] = dataclasses.field(default_factory=dict)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def location(self) -> str:
        parts = [str(self.file) if self.file else "<input>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def one_line(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        hint = f" — {self.hint}" if self.hint else ""
        return f"{self.location()}: {self.severity} {self.code}{where}: {self.message}{hint}"

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["file"] = str(self.file) if self.file else None
        data["severity"] = str(self.severity)
        return {k: v for k, v in data.items() if v not in (None, {}, "")}


class UserError(Exception):
    """Bad input or environment the user can fix: shown as one message, never a traceback."""

    def __init__(self, message: str, *, hint: str | None = None, file: Path | None = None,
                 line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.file = file
        self.line = line

    def __str__(self) -> str:
        where = ""
        if self.file is not None:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        hint = f"\n  hint: {self.hint}" if self.hint else ""
        return f"{where}{self.message}{hint}"

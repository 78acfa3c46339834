"""What every reporter shares: the interface, relative paths, and the summary counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from sentinel_deploy.objects.diagnostics import Diagnostic, Severity


class Reporter(Protocol):
    def report(self, diagnostics: Sequence[Diagnostic], files_checked: Sequence[Path],
               stream: TextIO) -> None:
        """Write all diagnostics (from any number of files) to `stream`."""
        ...


def display_path(path: Path | None, root: Path | None) -> str | None:
    """`path` relative to `root` with forward slashes when it lies inside, else as given.

    Forward slashes on every OS because SARIF uris and CI logs are read elsewhere.
    """
    if path is None:
        return None
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    return (str(d.file or ""), d.line or 0, d.column or 0, d.code)


@dataclass(frozen=True, slots=True)
class Summary:
    files_checked: int
    files_with_errors: int
    errors: int
    warnings: int
    infos: int

    @property
    def ok(self) -> bool:
        return self.errors == 0

    @classmethod
    def of(cls, diagnostics: Sequence[Diagnostic], files_checked: Sequence[Path]) -> Summary:
        def count(severity: Severity) -> int:
            return sum(d.severity is severity for d in diagnostics)
        return cls(
            files_checked=len(files_checked),
            files_with_errors=len({d.file for d in diagnostics if d.is_error}),
            errors=count(Severity.ERROR),
            warnings=count(Severity.WARNING),
            infos=count(Severity.INFO),
        )

    def to_json(self) -> dict[str, int | bool]:
        return {"files_checked": self.files_checked, "files_with_errors": self.files_with_errors,
                "errors": self.errors, "warnings": self.warnings, "infos": self.infos,
                "ok": self.ok}

    def sentence(self) -> str:
        def plural(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"
        checked = f"{plural(self.files_checked, 'rule file')} checked"
        if not self.errors and not self.warnings:
            return f"{checked}: no errors, no warnings"
        failing = (f" in {plural(self.files_with_errors, 'file')}"
                   if self.files_with_errors else "")
        return (f"{checked}: {plural(self.errors, 'error')}{failing}, "
                f"{plural(self.warnings, 'warning')}")

"""What a test run reports: one CaseResult per case, one RuleReport per rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sentinel_deploy.objects.diagnostics import Diagnostic


class Status(StrEnum):
    PASSED = "passed"
    FAILED = "failed"  # the rule ran and the expectation did not hold
    ERROR = "error"  # the case could not be run: bad case file, bad data, query failure
    SKIPPED = "skipped"  # the local engine cannot run this rule


@dataclass(slots=True)
class CaseResult:
    name: str
    file: Path
    status: Status
    message: str = ""
    diff: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rows: int | None = None
    warnings: list[Diagnostic] = field(default_factory=list)


@dataclass(slots=True)
class RuleReport:
    rule_file: Path
    name: str
    rule_id: str = ""
    cases: list[CaseResult] = field(default_factory=list)
    #: KQL translations done for this rule: 1 when every case reused the prepared query.
    translations: int = 0

    def count(self, status: Status) -> int:
        return sum(c.status is status for c in self.cases)

    @property
    def seconds(self) -> float:
        return sum(c.seconds for c in self.cases)


@dataclass(slots=True)
class TestRun:
    __test__ = False  # not a pytest class, whatever its name

    rules: list[RuleReport] = field(default_factory=list)
    untested: list[Path] = field(default_factory=list)  # rules without a .tests folder

    def count(self, status: Status) -> int:
        return sum(r.count(status) for r in self.rules)

    @property
    def ok(self) -> bool:
        return not (self.count(Status.FAILED) or self.count(Status.ERROR))

    def summary(self) -> str:
        text = f"{self.count(Status.PASSED)} passed, {self.count(Status.FAILED)} failed"
        for status in (Status.ERROR, Status.SKIPPED):
            n = self.count(status)
            if n:
                word = "skipped" if status is Status.SKIPPED else ("error" if n == 1 else "errors")
                text += f", {n} {word}"
        return text

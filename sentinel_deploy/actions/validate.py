"""`validate`: every rule checked offline — API limits, then KQL against the table catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument, discover_rule_files
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.rule_checks import check_rules


@dataclass
class ValidationResult:
    docs: list[RuleDocument]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "syntax-only: parser unavailable"
    stats: object | None = None  # query_checks.RunStats when KQL was checked

    @property
    def files(self) -> list[Path]:
        return [doc.file for doc in self.docs]

    @property
    def semantic(self) -> bool:
        """False when KQL was checked for syntax only (the SD-KQL-DEGRADED warning)."""
        from sentinel_deploy.validation.query_checks import CODE_DEGRADED

        return not any(d.code == CODE_DEGRADED for d in self.diagnostics)

    def failed(self, *, strict: bool) -> bool:
        worst = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return any(d.severity in worst for d in self.diagnostics)


def validate(session: Session, paths: Sequence[Path], *, kusto_js: Path | None = None,
             fetch: bool = True, kql: bool = True, cache: bool = True) -> ValidationResult:
    if not kql:
        return _check_rules(session.load_rules(paths))
    from sentinel_deploy.validation.query_checks import QueryChecker, check_queries

    with QueryChecker(session.catalog, kusto_js, fetch, cache=cache) as checker:
        # Workers start the parser while this process reads the YAML.
        checker.start(len(discover_rule_files(session.rule_paths(paths))))
        result = _check_rules(session.load_rules(paths))
        kql_diagnostics, notes = check_queries(result.docs, session.catalog, checker=checker)
    result.diagnostics.extend(kql_diagnostics)
    result.notes.extend(notes)
    result.stats = checker.stats
    return result


def _check_rules(docs: list[RuleDocument]) -> ValidationResult:
    result = ValidationResult(docs=docs)
    for doc in docs:
        result.diagnostics.extend(doc.diagnostics)
    result.diagnostics.extend(check_rules(docs))
    return result

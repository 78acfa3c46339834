"""`validate`: every rule checked offline — API limits, then KQL against the table catalog."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sentinel_deploy.actions.session import Session
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.rule_checks import check_rules


@dataclass
class ValidationResult:
    docs: list[RuleDocument]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "syntax-only: parser unavailable"

    @property
    def files(self) -> list[Path]:
        return [doc.file for doc in self.docs]

    def failed(self, *, strict: bool) -> bool:
        worst = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
        return any(d.severity in worst for d in self.diagnostics)


def validate(session: Session, paths: Sequence[Path], *, kusto_js: Path | None = None,
             fetch: bool = True, kql: bool = True) -> ValidationResult:
    docs = session.load_rules(paths)
    result = ValidationResult(docs=docs)
    for doc in docs:
        result.diagnostics.extend(doc.diagnostics)
    result.diagnostics.extend(check_rules(docs))
    if kql:
        from sentinel_deploy.validation.query_checks import check_queries

        kql_diagnostics, notes = check_queries(docs, session.catalog, kusto_js=kusto_js,
                                               fetch=fetch)
        result.diagnostics.extend(kql_diagnostics)
        result.notes.extend(notes)
    return result

"""KQL checks for `validate`: Microsoft's parser over every rule's query, placed in the file.

The analyzer is chosen once (Kusto.Language in V8, or the syntax-only fallback
when the parser cannot be had) and the choice is reported plainly, so a
syntax-only run never passes for a semantic one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.input.yaml_source import map_into_file
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.kql import Analyzer, KqlAnalysis, KqlDiagnostic, get_analyzer

CODE_DEGRADED = "SD-KQL-DEGRADED"


def check_queries(docs: Sequence[RuleDocument], catalog: Catalog, *,
                  kusto_js: Path | None = None, fetch: bool = True
                  ) -> tuple[list[Diagnostic], list[str]]:
    runnable = [doc for doc in docs if doc.rule is not None and doc.rule.query]
    if not runnable:
        return [], []
    analyzer = get_analyzer(catalog, kusto_js, fetch)
    diagnostics: list[Diagnostic] = []
    notes: list[str] = []
    reason = getattr(analyzer, "degraded_reason", None)
    if reason:
        notes.append(f"KQL checked for syntax only, not against table schemas: {reason}")
        diagnostics.append(Diagnostic(
            CODE_DEGRADED, f"KQL was checked for syntax only: {reason}",
            severity=Severity.WARNING,
            hint="allow the one-time download of Microsoft's parser, or point "
                 "--kusto-js / SENTINEL_DEPLOY_KUSTO_JS at its two files"))
    for doc in runnable:
        analysis = analyzer.analyze(doc.rule.query or "")
        diagnostics.extend(place(doc, d) for d in analysis.diagnostics)
    return diagnostics, notes


def analyze(analyzer: Analyzer, doc: RuleDocument) -> KqlAnalysis:
    return analyzer.analyze(doc.rule.query or "") if doc.rule else KqlAnalysis("syntax-only")


def place(doc: RuleDocument, finding: KqlDiagnostic) -> Diagnostic:
    """A finding at (line, column) of the query, moved to its place in the rule file."""
    query = doc.rule.query if doc.rule else ""
    lines = (query or "").split("\n")
    excerpt = lines[finding.line - 1].strip() if 0 < finding.line <= len(lines) else None
    mapped = map_into_file(doc.source_map, "query", finding.line, finding.column)
    line, column = mapped if mapped else (doc.line_of("query"), None)
    base = finding.to_diagnostic(file=doc.file, field="query", excerpt=excerpt)
    return Diagnostic(code=base.code, message=base.message, file=doc.file, line=line,
                      column=column, field="query", severity=base.severity,
                      hint=_hint(finding.code), excerpt=excerpt)


_HINTS = {
    "KS142": "check the column name against the table's schema (sentinel-deploy catalog)",
    "KS204": "the table is not in the catalog: declare it under schemas/ (docs/catalog.md) "
             "if it exists in your workspace",
    "KS211": "declare the function under schemas/ (docs/catalog.md) if your workspace has it",
}


def _hint(code: str) -> str | None:
    return _HINTS.get(code)

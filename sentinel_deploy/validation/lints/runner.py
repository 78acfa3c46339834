"""Run the registered lints over one rule and place each finding in the rule file."""

from __future__ import annotations

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.input.yaml_source import map_into_file
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.kql import KqlAnalysis
from sentinel_deploy.validation.kql.model import LineIndex
from sentinel_deploy.validation.lints.base import LINTS, Lint, LintContext, LintFinding

INTERNAL_ERROR = "SD299"


def lint_catalog() -> dict[str, tuple[Severity, str]]:
    """Every code the lints can report: code → (severity, what it requires)."""
    out = {item.code: (item.severity, item.title) for item in LINTS}
    out[INTERNAL_ERROR] = (Severity.ERROR, "A lint failed unexpectedly (a sentinel-deploy bug).")
    return out


def run_lints(doc: RuleDocument, analysis: KqlAnalysis,
              catalog: Catalog | None = None) -> list[Diagnostic]:
    if doc.rule is None or not doc.rule.query:
        return []
    ctx = LintContext(doc, doc.rule, doc.rule.query, analysis, catalog)
    out: list[Diagnostic] = []
    for item in LINTS:
        if item.needs_semantic and not analysis.semantic:
            continue  # the degraded-mode warning says these were not checked
        try:
            findings = list(item.fn(ctx))
        except Exception as exc:  # one broken lint must not hide the others' findings
            out.append(Diagnostic(INTERNAL_ERROR, f"lint {item.code} failed: {exc!r}",
                                  file=doc.file, line=doc.line_of("query"), field="query",
                                  hint="please report this as a sentinel-deploy bug"))
            continue
        out.extend(_place(ctx, item, finding) for finding in findings)
    return out


def _place(ctx: LintContext, item: Lint, finding: LintFinding) -> Diagnostic:
    line: int | None
    column: int | None = None
    excerpt = None
    if finding.start is not None:
        q_line, q_column = LineIndex(ctx.query).position(finding.start)
        lines = ctx.query.split("\n")
        excerpt = lines[q_line - 1].strip() if q_line <= len(lines) else None
        mapped = map_into_file(ctx.doc.source_map, "query", q_line, q_column)
        line, column = mapped if mapped else (ctx.doc.line_of("query"), None)
        field = "query"
    else:
        field = finding.field
        line, column = _field_position(ctx.doc, field)
    return Diagnostic(code=item.code, message=finding.message, file=ctx.doc.file, line=line,
                      column=column, field=field, severity=item.severity, hint=finding.hint,
                      excerpt=excerpt)


def _field_position(doc: RuleDocument, path: str | None) -> tuple[int | None, int | None]:
    # Nearest located ancestor: customDetails.X may sit in a flow mapping.
    while path:
        pos = doc.source_map.positions.get(path)
        if pos is not None:
            return pos.line, pos.column
        path = path[: path.rfind("[")] if path.endswith("]") else path.rpartition(".")[0]
    return doc.line_of("query"), None

"""Kusto.Language's findings as rule-file diagnostics: placed in the file, with hints.

Also the one place where a finding the service itself does not raise is dropped.
"""

from __future__ import annotations

import re

from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.input.yaml_source import map_into_file
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.validation.kql import KqlDiagnostic

_HINTS = {
    "KS142": ("check the column name against the table's columns: sentinel-deploy catalog "
              "<Table>; a column newer than the catalog goes under addColumns in schemas/"),
    "KS204": "the table is not in the catalog: declare it under schemas/ (docs/catalog.md) "
             "if it exists in your workspace",
    "KS211": "declare the function under schemas/ (docs/catalog.md) if your workspace has it",
}

# parse_json/todynamic take "a string, or a dynamic value returned as is" (KQL
# reference), and the service runs such rules; Kusto.Language 12.4.1 types the
# argument as string only and reports KS107. Dropped here, narrowly: that code,
# as the whole argument of one of those functions.
_JSON_CALL = re.compile(r"\b(?:todynamic|parse_json|toobject|parsejson)\s*\(\s*\Z")


def service_accepts(query: str, finding: KqlDiagnostic) -> bool:
    return (finding.code == "KS107" and "string expected" in finding.message
            and bool(_JSON_CALL.search(query[max(finding.start - 40, 0):finding.start])))


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
                      hint=_HINTS.get(finding.code), excerpt=_clip(excerpt))


def _clip(excerpt: str | None, limit: int = 200) -> str | None:
    # One line of a minified query can be thousands of characters.
    if excerpt is None or len(excerpt) <= limit:
        return excerpt
    return excerpt[:limit - 1] + "…"

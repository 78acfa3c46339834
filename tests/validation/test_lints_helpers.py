"""Shared by the lint and query-check tests: a tiny catalog, rule files written to disk."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema
from sentinel_deploy.input.rule_loader import RuleDocument, load_rule_file
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.validation.kql import Analyzer, KustoAnalyzer, KustoJs, ensure_kusto_js
from sentinel_deploy.validation.lints import run_lints

SIGNIN = TableSchema("SigninLogs", (
    Column("TimeGenerated", "datetime"), Column("UserPrincipalName", "string"),
    Column("IPAddress", "string"), Column("ResultType", "string"), Column("Type", "string")))
CATALOG = Catalog(tables={SIGNIN.name: SIGNIN})

HEADER = """\
id: 6a7f3b9e-2d3c-4f55-9f0b-2a1e5b6c7d80
name: Test rule
severity: Medium
kind: {kind}
queryFrequency: 1h
queryPeriod: {period}
triggerOperator: gt
triggerThreshold: 0
"""


def kusto() -> KustoJs:
    found = ensure_kusto_js(fetch=True)
    if not isinstance(found, KustoJs):
        pytest.skip(reason=f"Kusto.Language unavailable here: {found.reason}")
    return found


def rule_file(tmp_path: Path, query: str, extra: str = "", *, kind: str = "Scheduled",
              period: str = "1d") -> RuleDocument:
    body = HEADER.format(kind=kind, period=period) + "query: |\n" + textwrap.indent(
        textwrap.dedent(query).strip("\n") + "\n", "  ") + textwrap.dedent(extra)
    path = tmp_path / "rule.yaml"
    path.write_text(body, encoding="utf-8")
    doc = load_rule_file(path)
    assert doc.rule is not None, doc.diagnostics
    return doc


def lint(doc: RuleDocument, analyzer: Analyzer) -> list[Diagnostic]:
    assert doc.rule is not None and doc.rule.query
    return run_lints(doc, analyzer.analyze(doc.rule.query), CATALOG)


def analyzer() -> KustoAnalyzer:
    return KustoAnalyzer(CATALOG, kusto())

"""Semantic analysis with the real Kusto.Language parser."""

from __future__ import annotations

from pathlib import Path

from sentinel_deploy.catalog.model import Catalog, Column
from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.kql import KustoAnalyzer, KustoJs, get_analyzer


def codes(analysis) -> list[str]:
    return [d.code for d in analysis.diagnostics]


def test_unknown_column_is_located(analyzer: KustoAnalyzer) -> None:
    query = "SigninLogs\n| where TimeGenerated > ago(1d)\n| where Usr == 'a'"
    result = analyzer.analyze(query)
    assert result.engine == "kusto" and result.degraded_reason is None
    [diagnostic] = result.diagnostics
    assert diagnostic.code == "KS142" and diagnostic.severity == "error"
    assert (diagnostic.line, diagnostic.column) == (3, 9)
    assert query[diagnostic.start:diagnostic.start + diagnostic.length] == "Usr"


def test_unknown_table(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze("SignInLogz | take 10")
    assert codes(result) == ["KS204"]
    assert (result.diagnostics[0].line, result.diagnostics[0].column) == (1, 1)


def test_unknown_function(analyzer: KustoAnalyzer) -> None:
    assert codes(analyzer.analyze("SigninLogs | extend x = no_such_fn(1)")) == ["KS211"]


def test_project_result_columns_and_references(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze(
        "SigninLogs | summarize Failures = count() by UserPrincipalName, IPAddress"
        " | project UserPrincipalName, Failures, Seen = now()")
    assert result.ok
    assert result.result_columns == (
        Column("UserPrincipalName", "string"), Column("Failures", "long"),
        Column("Seen", "datetime"))
    assert result.referenced_tables == ("SigninLogs",)
    assert result.referenced_functions == ()  # built-ins such as count() are not catalog reads


def test_scalar_query_has_no_result_columns(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze("let x = 1;\nx")
    assert result.ok and result.result_columns is None


def test_watchlist_declared_alias_has_its_columns(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze("_GetWatchlist('vip') | project SearchKey, UPN, Tier")
    assert result.ok
    assert result.result_columns == (
        Column("SearchKey", "string"), Column("UPN", "string"), Column("Tier", "int"))
    assert result.referenced_functions == ("_GetWatchlist",)
    assert codes(analyzer.analyze("_GetWatchlist('vip') | project Nope")) == ["KS142"]


def test_watchlist_unknown_alias_is_open(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze("_GetWatchlist('x') | where IpAddr has '10.' | project SearchKey")
    assert result.ok
    assert result.result_columns == (Column("SearchKey", "string"),)


def test_catalog_function_with_parameters(analyzer: KustoAnalyzer) -> None:
    result = analyzer.analyze("UserLookup(ago(1d)) | where Score > 0.5 | project User")
    assert result.ok
    assert result.result_columns == (Column("User", "string"),)
    assert result.referenced_functions == ("UserLookup",)
    assert codes(analyzer.analyze("UserLookup(ago(1d), 5, 6)")) == ["KS119"]
    assert codes(analyzer.analyze("UserLookup(ago(1d)) | project Missing")) == ["KS142"]


def test_function_of_unknown_shape_accepts_any_column(kusto_js: KustoJs) -> None:
    from sentinel_deploy.catalog.model import FunctionSchema

    catalog = Catalog(functions={"Opaque": FunctionSchema("Opaque")})
    result = get_analyzer(catalog, kusto_js.directory).analyze("Opaque() | project Anything")
    assert result.ok and result.result_columns == (Column("Anything", "dynamic"),)


def test_positions_count_python_characters(analyzer: KustoAnalyzer) -> None:
    # V8 counts UTF-16 units; the emoji is two of them but one Python character.
    query = "print s = '😀é'\n| extend y = Nope"
    [diagnostic] = analyzer.analyze(query).diagnostics
    assert query[diagnostic.start:diagnostic.start + diagnostic.length] == "Nope"
    assert (diagnostic.line, diagnostic.column) == (2, 14)


def test_syntax_errors(analyzer: KustoAnalyzer) -> None:
    unbalanced = analyzer.analyze("SigninLogs | where UserPrincipalName == 'abc")
    assert unbalanced.errors
    missing = analyzer.analyze("SigninLogs | where")
    assert "KS006" in codes(missing) or missing.errors


def test_degenerate_inputs_never_raise(analyzer: KustoAnalyzer) -> None:
    long_query = "SigninLogs\n" + "| where UserPrincipalName != 'x'\n" * 400
    long_query = long_query[:10_001]
    assert len(long_query) == 10_001
    assert analyzer.analyze(long_query).engine == "kusto"
    assert codes(analyzer.analyze("")) == ["SD-KQL-EMPTY"]
    assert codes(analyzer.analyze("  \n ")) == ["SD-KQL-EMPTY"]
    assert codes(analyzer.analyze("x" * 1_048_576)) == ["SD-KQL-TOO-LARGE"]
    assert codes(analyzer.analyze("(" * 5_000)) == ["SD-KQL-TOO-DEEP"]
    assert analyzer.analyze("print '\u0000\ud7ff 中文 \U0001f600'").ok
    assert analyzer.analyze('SigninLogs | where x == "unterminated\n| take 1').errors


def test_to_diagnostic_places_finding_in_file(analyzer: KustoAnalyzer) -> None:
    [finding] = analyzer.analyze("SigninLogs | where Nope").diagnostics
    placed = finding.to_diagnostic(file=Path("rule.yaml"), line_offset=4,
                                   first_line_column_offset=7, field="query")
    assert (placed.line, placed.column, placed.severity) == (5, 27, Severity.ERROR)


def test_same_catalog_reuses_the_declared_database(kusto_js: KustoJs, catalog: Catalog) -> None:
    first = get_analyzer(catalog, kusto_js.directory)
    second = get_analyzer(catalog, kusto_js.directory)
    assert isinstance(first, KustoAnalyzer) and first._key == second._key

"""Syntax-only fallback when Kusto.Language cannot be had."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.validation.kql import SyntaxOnlyAnalyzer, get_analyzer


@pytest.fixture()
def degraded(tmp_path: Path) -> SyntaxOnlyAnalyzer:
    analyzer = get_analyzer(Catalog(), kusto_js=tmp_path / "nowhere", fetch=False)
    assert isinstance(analyzer, SyntaxOnlyAnalyzer)
    return analyzer


def test_invalid_path_gives_syntax_only_with_reason(degraded: SyntaxOnlyAnalyzer) -> None:
    result = degraded.analyze("SigninLogs\n| where x ==")
    assert result.engine == "syntax-only" and not result.semantic
    assert "nowhere" in (result.degraded_reason or "")
    assert "Only KQL syntax was checked" in (result.degraded_reason or "")
    [diagnostic] = result.diagnostics
    assert (diagnostic.line, diagnostic.column) == (2, 13)  # just past the end
    assert diagnostic.severity == "error"
    assert len(diagnostic.message) < 200  # ANTLR's full token list is cut down


def test_syntax_only_does_not_judge_names(degraded: SyntaxOnlyAnalyzer) -> None:
    result = degraded.analyze("NoSuchTable | where NoSuchColumn == 1")
    assert result.ok and result.result_columns is None and result.referenced_tables is None


def test_fallback_degenerate_inputs(degraded: SyntaxOnlyAnalyzer) -> None:
    assert [d.code for d in degraded.analyze("").diagnostics] == ["SD-KQL-EMPTY"]
    assert [d.code for d in degraded.analyze("(" * 50_000).diagnostics] == ["SD-KQL-TOO-DEEP"]
    assert [d.code for d in degraded.analyze("x" * 1_048_576).diagnostics] == [
        "SD-KQL-TOO-LARGE"]
    assert degraded.analyze("print 'é 😀' | where x == 'open").errors
    deep = "print " + "(" * 600 + "1" + ")" * 600  # deeper than Python's recursion limit
    assert degraded.analyze(deep).diagnostics


def test_env_var_is_authoritative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTINEL_DEPLOY_KUSTO_JS", str(tmp_path))
    analyzer = get_analyzer(Catalog())
    assert isinstance(analyzer, SyntaxOnlyAnalyzer)
    assert "SENTINEL_DEPLOY_KUSTO_JS" in (analyzer.degraded_reason or "")


def test_broken_javascript_falls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sentinel_deploy.validation.kql import kusto_bridge, kusto_package

    (tmp_path / kusto_package.BRIDGE_JS).write_text("this is not javascript {")
    (tmp_path / kusto_package.LANGUAGE_JS).write_text("")
    monkeypatch.setattr(kusto_bridge, "_runtime", None)
    monkeypatch.setattr(kusto_package, "_check_dir",
                        lambda d, s, w: kusto_package.KustoJs(d, s))
    analyzer = get_analyzer(Catalog(), kusto_js=tmp_path)
    assert isinstance(analyzer, SyntaxOnlyAnalyzer)
    assert "could not start Kusto.Language" in (analyzer.degraded_reason or "")

"""Offline KQL analysis: Microsoft's Kusto.Language in embedded V8, else syntax only.

    analyzer = get_analyzer(catalog)
    result = analyzer.analyze(query)
    if not result.semantic: print(result.degraded_reason)
"""

from __future__ import annotations

from pathlib import Path

from sentinel_deploy.catalog.model import Catalog

from .kusto_bridge import DEFAULT_TIMEOUT_S, KustoAnalyzer, KustoLoadError
from .kusto_package import KustoJs, Unavailable, ensure_kusto_js
from .model import Analyzer, KqlAnalysis, KqlDiagnostic
from .syntax_fallback import SyntaxOnlyAnalyzer

__all__ = [
    "Analyzer",
    "KqlAnalysis",
    "KqlDiagnostic",
    "KustoAnalyzer",
    "KustoJs",
    "SyntaxOnlyAnalyzer",
    "Unavailable",
    "ensure_kusto_js",
    "get_analyzer",
]


def get_analyzer(catalog: Catalog, kusto_js: Path | None = None, fetch: bool = True, *,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> Analyzer:
    """The best analyzer available; never raises for a missing or broken parser.

    `kusto_js` is a directory with the two JavaScript files (else
    $SENTINEL_DEPLOY_KUSTO_JS, else the per-user cache, else `npm pack` when
    `fetch`). Without them the result is a syntax-only analyzer whose
    `degraded_reason` says why.
    """
    found = ensure_kusto_js(kusto_js, fetch)
    if isinstance(found, Unavailable):
        return SyntaxOnlyAnalyzer(f"Kusto.Language is unavailable: {found.reason}")
    try:
        return KustoAnalyzer(catalog, found, timeout_s=timeout_s)
    except KustoLoadError as exc:
        return SyntaxOnlyAnalyzer(str(exc))

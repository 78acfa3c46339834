"""check_queries: the pool, the cache of earlier analyses, and an honest degraded mode."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from test_lints_helpers import CATALOG, analyzer, rule_file

from sentinel_deploy.validation.kql import KqlAnalysis
from sentinel_deploy.validation.kql_cache import AnalysisCache
from sentinel_deploy.validation.query_checks import CODE_DEGRADED, QueryChecker, check_queries

ROOT = Path(__file__).resolve().parents[2]


def test_cache_round_trip(tmp_path):
    kusto = analyzer()
    query = "SigninLogs | where NoSuch == 1 | project IPAddress"
    first = kusto.analyze(query)
    cache = AnalysisCache(CATALOG, tmp_path)
    cache.put_all([(query, first), ("x", KqlAnalysis("syntax-only"))])
    cache.save()
    again = AnalysisCache(CATALOG, tmp_path).get(query)
    assert again is not None
    assert again.diagnostics == first.diagnostics
    assert again.result_columns == first.result_columns
    assert AnalysisCache(CATALOG, tmp_path).get("x") is None  # only semantic results are kept


def test_syntax_only_is_stated(tmp_path, monkeypatch):
    monkeypatch.setenv("SENTINEL_DEPLOY_KUSTO_JS", str(tmp_path / "nowhere"))
    doc = rule_file(tmp_path, "SigninLogs | project NoSuchColumn")
    diagnostics, notes = check_queries([doc], CATALOG, fetch=False)
    assert diagnostics[0].code == CODE_DEGRADED and notes
    assert "syntax only" in diagnostics[0].message


def test_worker_pool_matches_in_process(tmp_path):
    # In a fresh interpreter: this one may already run V8, which a fork cannot copy.
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_lints_helpers import CATALOG
        from sentinel_deploy.validation.query_checks import QueryChecker
        queries = [f"SigninLogs | where ResultType == '{{i}}' | project NoSuch{{i % 3}}"
                   for i in range(30)]
        with QueryChecker(CATALOG, workers=2, cache=False) as checker:
            checker.start(len(queries))
            pooled = checker.analyze_all(queries)
        assert checker.stats.workers == 2 and len(checker.stats.worker_peak_kib) >= 1
        local = QueryChecker(CATALOG, cache=False)
        for q, a in zip(queries, pooled):
            assert a.diagnostics == local._analyzer().analyze(q).diagnostics
        print("ok")
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert done.stdout.strip().endswith("ok"), done.stderr[-2000:]


def test_duplicate_queries_are_analysed_once(tmp_path):
    checker = QueryChecker(CATALOG, cache=False)
    checker._local = analyzer()
    out = checker.analyze_all(["SigninLogs", "SigninLogs", "SigninLogs | take 1"])
    assert checker.stats.distinct == 2 and out[0] is out[1]

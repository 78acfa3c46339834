"""KQL checks for `validate`: Microsoft's parser over every rule's query, then the lints.

The analyzer is chosen once (Kusto.Language in V8, or the syntax-only fallback
when the parser cannot be had) and the choice is reported plainly, so a
syntax-only run never passes for a semantic one.

Kusto.Language costs ~1 s and ~300 MB to start and ~20 ms a query, so a large
run analyses in worker processes, each starting the parser and declaring the
catalog once (the pool is started before the rules are loaded, so the two
overlap); a small run stays in-process. Only query texts cross to the
workers, and each distinct text is analysed once. Lints run here, on the
returned analyses: they are token scans, cheap next to the parser.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path

from sentinel_deploy.catalog.model import GET_WATCHLIST, Catalog
from sentinel_deploy.input.rule_loader import RuleDocument
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.validation.kql import (
    Analyzer,
    KqlAnalysis,
    KustoJs,
    SyntaxOnlyAnalyzer,
    Unavailable,
    ensure_kusto_js,
    get_analyzer,
)
from sentinel_deploy.validation.kql_cache import NO_CACHE_ENV, AnalysisCache
from sentinel_deploy.validation.kql_findings import place, service_accepts
from sentinel_deploy.validation.lints import run_lints

CODE_DEGRADED = "SD-KQL-DEGRADED"
#: Below this many queries the pool's start-up (~1 s a worker) is not worth it.
POOL_MIN_QUERIES = 20
#: Each worker holds its own V8 heap (~300-400 MB): more than this rarely pays.
MAX_WORKERS = 4
WORKERS_ENV = "SENTINEL_DEPLOY_WORKERS"
_BATCH = 8  # queries per task: small, so the longest-first order balances the workers
_JOIN_TIMEOUT_S = 10.0

_DEGRADED_HINT = ("allow the one-time download of Microsoft's parser, or point --kusto-js / "
                  "SENTINEL_DEPLOY_KUSTO_JS at its two files (docs/validation.md)")


@dataclass
class RunStats:
    """How the analysis ran, for the benchmark: workers used and their peak memory."""

    queries: int = 0
    distinct: int = 0
    cached: int = 0  # distinct queries answered from the cache of earlier runs
    workers: int = 0
    worker_peak_kib: dict[int, int] = field(default_factory=dict)  # pid → ru_maxrss


class QueryChecker:
    """Analyses rule queries with the best parser available; start() early, check(), close()."""

    def __init__(self, catalog: Catalog, kusto_js: Path | None = None, fetch: bool = True,
                 *, workers: int | None = None, cache: bool = True) -> None:
        self.catalog = catalog
        self._found: KustoJs | Unavailable = ensure_kusto_js(kusto_js, fetch)
        self._cache: AnalysisCache | None = None
        if cache and not os.environ.get(NO_CACHE_ENV) and not isinstance(self._found,
                                                                          Unavailable):
            self._cache = AnalysisCache(catalog)
        self._workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._local: Analyzer | None = None
        self.stats = RunStats()

    def start(self, expected_queries: int) -> None:
        """Start worker processes now when the run is large enough to use them."""
        count = self._worker_count(expected_queries)
        if self._pool is not None or count < 2 or isinstance(self._found, Unavailable):
            return
        if self._cache is not None and self._cache.size >= 0.9 * expected_queries:
            return  # probably answered from the cache; analyze_all starts it if not
        context = _pool_context()
        if context is None:
            return
        self._pool = ProcessPoolExecutor(
            count, mp_context=context,
            initializer=_init_worker, initargs=(self.catalog, self._found.directory))
        self.stats.workers = count
        for _ in range(count):  # spawn them all now, so their start-up overlaps our loading
            self._pool.submit(os.getpid)

    def _worker_count(self, expected: int) -> int:
        wanted = os.environ.get(WORKERS_ENV)
        if wanted and wanted.isdigit():
            return int(wanted)
        if self._workers is not None:
            return self._workers
        if expected < POOL_MIN_QUERIES:
            return 1
        return max(1, min(os.cpu_count() or 1, MAX_WORKERS, expected // POOL_MIN_QUERIES))

    def analyze_all(self, queries: Sequence[str]) -> list[KqlAnalysis]:
        distinct = list(dict.fromkeys(queries))
        self.stats.queries, self.stats.distinct = len(queries), len(distinct)
        done: dict[str, KqlAnalysis] = {}
        if self._cache is not None:
            done.update((q, a) for q in distinct if (a := self._cache.get(q)) is not None)
            self.stats.cached = len(done)
        todo = [q for q in distinct if q not in done]
        if self._pool is None and len(todo) >= POOL_MIN_QUERIES:
            self.start(len(todo))
        if self._pool is not None and todo:
            done.update(self._in_pool(todo))
        missing = [q for q in todo if q not in done]
        if missing:
            analyzer = self._analyzer(missing)
            done.update((q, analyzer.analyze(q)) for q in missing)
        if self._cache is not None:
            self._cache.put_all((q, done[q]) for q in todo)
            self._cache.save()
        return [done[q] for q in queries]

    def _analyzer(self, queries: Sequence[str] = ()) -> Analyzer:
        if self._local is not None:
            return self._local
        if isinstance(self._found, Unavailable):
            self._local = SyntaxOnlyAnalyzer(f"Kusto.Language is unavailable: {self._found.reason}")
            return self._local
        # Declaring the whole catalog to Kusto costs ~0.7 s; a few queries need only
        # the names they mention, and get the same answers from that part.
        return get_analyzer(catalog_for(self.catalog, queries), self._found.directory,
                            fetch=False)

    def _in_pool(self, distinct: list[str]) -> dict[str, KqlAnalysis]:
        assert self._pool is not None
        # Longest first: the slow queries start early and the short ones fill the gaps.
        ordered = sorted(distinct, key=len, reverse=True)
        futures: list[Future[tuple[int, int, list[KqlAnalysis]]]] = [
            self._pool.submit(_analyze_batch, ordered[i:i + _BATCH])
            for i in range(0, len(ordered), _BATCH)]
        done: dict[str, KqlAnalysis] = {}
        for index, future in enumerate(futures):
            try:
                pid, peak, analyses = future.result()
            except BrokenProcessPool:
                # A worker died (V8 out of memory, killed): what is left runs here.
                break
            self.stats.worker_peak_kib[pid] = max(peak, self.stats.worker_peak_kib.get(pid, 0))
            batch = ordered[index * _BATCH:(index + 1) * _BATCH]
            done.update(zip(batch, analyses, strict=True))
        return done

    def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list(getattr(pool, "_processes", {}).values())  # ours, to reap below
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.join(_JOIN_TIMEOUT_S)
            if process.is_alive():  # a V8 teardown that hangs must not hang us
                process.terminate()

    def __enter__(self) -> QueryChecker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_WIDE_READS = re.compile(r"[A-Za-z0-9_]\*|\*\s*[|)]|\b(?:table|search|find|union\s+\*)\b")


def catalog_for(catalog: Catalog, queries: Sequence[str]) -> Catalog:
    """The part of `catalog` that `queries` can reach: the names they mention.

    The whole catalog when a query may reach tables it does not name (`union *`,
    `Security*`, `table("x")`, `search`, `find`), or calls a function whose body
    is KQL (its body may read any table).
    """
    if not queries:
        return catalog
    names: set[str] = set()
    for query in queries:
        if _WIDE_READS.search(query):
            return catalog
        names.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", query))
    functions = {n: f for n, f in catalog.functions.items() if n in names or n == GET_WATCHLIST}
    if any(f.body for f in functions.values()):
        return catalog
    return Catalog(tables={n: t for n, t in catalog.tables.items() if n in names},
                   functions=functions, watchlists=dict(catalog.watchlists))


def _pool_context() -> BaseContext | None:
    """fork where it is safe (Linux, no V8 or DuckDB here yet), else spawn, else no pool.

    fork makes a worker in milliseconds with everything imported; but a V8
    isolate does not survive a fork, so a process that already runs one (a
    test session, a long-lived caller) analyses in-process instead, with the
    parser it has warm. spawn re-imports the caller's __main__, which only a
    guarded script tolerates: the installed `sentinel-deploy` command is one.
    """
    import multiprocessing

    from sentinel_deploy.validation.kql.kusto_bridge import loaded_runtime_dir

    if loaded_runtime_dir() is not None:
        return None
    # Nor does DuckDB's thread pool: a forked child that frees an inherited
    # connection waits forever to join threads it does not have. `validate`
    # itself never loads DuckDB; a caller that did (a test session) gets spawn.
    if sys.platform.startswith("linux") and "duckdb" not in sys.modules:
        return multiprocessing.get_context("fork")
    main = sys.modules.get("__main__")
    if main is None or getattr(main, "__spec__", None) is None:
        return None  # a bare script or REPL: spawn would re-run it
    return multiprocessing.get_context("spawn")


_worker_analyzer: Analyzer | None = None


def _init_worker(catalog: Catalog, directory: Path) -> None:
    global _worker_analyzer
    _worker_analyzer = get_analyzer(catalog, directory, fetch=False)


def _analyze_batch(queries: list[str]) -> tuple[int, int, list[KqlAnalysis]]:
    assert _worker_analyzer is not None
    analyses = [_worker_analyzer.analyze(q) for q in queries]
    return os.getpid(), peak_rss_kib(), analyses


def peak_rss_kib() -> int:
    """This process's peak resident memory in KiB (0 where the OS does not say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # macOS counts bytes


def check_queries(docs: Sequence[RuleDocument], catalog: Catalog, *,
                  kusto_js: Path | None = None, fetch: bool = True,
                  checker: QueryChecker | None = None) -> tuple[list[Diagnostic], list[str]]:
    """KQL diagnostics and lint findings for every rule with a query, and notes for the user."""
    runnable = [doc for doc in docs if doc.rule is not None and doc.rule.query]
    if not runnable:
        return [], []
    own = checker is None
    checker = checker or QueryChecker(catalog, kusto_js, fetch)
    try:
        analyses = checker.analyze_all([doc.rule.query or "" for doc in runnable
                                        if doc.rule is not None])
    finally:
        if own:
            checker.close()
    diagnostics: list[Diagnostic] = []
    for doc, analysis in zip(runnable, analyses, strict=True):
        query = doc.rule.query if doc.rule else ""
        diagnostics.extend(place(doc, d) for d in analysis.diagnostics
                           if not service_accepts(query or "", d))
        diagnostics.extend(run_lints(doc, analysis, catalog))
    notes = _degraded(diagnostics, analyses)
    return diagnostics, notes


def _degraded(diagnostics: list[Diagnostic], analyses: Iterable[KqlAnalysis]) -> list[str]:
    reasons = sorted({a.degraded_reason for a in analyses if not a.semantic and
                      a.degraded_reason})
    if not reasons:
        return []
    reason = reasons[0]
    diagnostics.insert(0, Diagnostic(
        CODE_DEGRADED, f"KQL was checked for syntax only: {reason} Entity mapping, custom "
                       "detail and placeholder columns were not checked either.",
        severity=Severity.WARNING, hint=_DEGRADED_HINT))
    return [f"KQL checked for syntax only, not against table schemas: {reason}"]


def analyze(analyzer: Analyzer, doc: RuleDocument) -> KqlAnalysis:
    return analyzer.analyze(doc.rule.query or "") if doc.rule else KqlAnalysis("syntax-only")


def kql_catalog() -> dict[str, tuple[Severity, str]]:
    """Codes of the KQL side: our own, and the lints'; Kusto's KSnnn are described per finding."""
    from sentinel_deploy.validation.lints import lint_catalog

    out = lint_catalog()
    out[CODE_DEGRADED] = (Severity.WARNING, "KQL was checked against table schemas (not only "
                                            "for syntax).")
    return out

"""Time Kusto.Language in embedded V8 over the Azure-Sentinel corpus queries.

    .venv/bin/python benchmarks/kql_parser.py [corpus_dir]
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

import yaml

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.validation.kql import KustoAnalyzer, KustoJs, ensure_kusto_js
from sentinel_deploy.validation.kql.kusto_bridge import runtime

DEFAULT_CORPUS = (Path(__file__).resolve().parents[2] / "shared" / "corpus"
                  / "azure-sentinel-2022-08")


def corpus_queries(root: Path) -> list[str]:
    queries = []
    for path in sorted(root.rglob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("query"), str):
            queries.append(data["query"])
    return queries


def load_catalog_or_empty() -> Catalog:
    try:
        from sentinel_deploy.catalog import load_catalog

        return load_catalog()
    except Exception as exc:  # the benchmark still measures the parser without schemas
        print(f"catalog: unavailable ({exc}); using an empty one")
        return Catalog()


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_CORPUS
    if not root.is_dir():
        print(f"corpus not found at {root}; skipping")
        return 0
    queries = corpus_queries(root)
    if not queries:
        print(f"no `query:` fields under {root}; skipping")
        return 0
    found = ensure_kusto_js()
    if not isinstance(found, KustoJs):
        print(f"Kusto.Language unavailable: {found.reason}")
        return 1
    catalog = load_catalog_or_empty()

    started = time.perf_counter()
    loaded = runtime(found)
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    analyzer = KustoAnalyzer(catalog, found)
    declare_s = time.perf_counter() - started
    started = time.perf_counter()
    analyzer.analyze(queries[0])
    first_s = time.perf_counter() - started

    times, errors = [], 0
    for query in queries:
        started = time.perf_counter()
        result = analyzer.analyze(query)
        times.append((time.perf_counter() - started) * 1000)
        errors += bool(result.errors)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"queries:             {len(queries)} from {root}")
    print(f"catalog:             {len(catalog.tables)} tables, {len(catalog.functions)} functions")
    print(f"load (V8 + JS):      {load_s:.3f} s  (runtime reports {loaded.load_seconds:.3f} s)")
    print(f"declare catalog:     {declare_s:.3f} s")
    print(f"first check:         {first_s:.3f} s")
    print(f"per query:           mean {statistics.mean(times):.1f} ms, "
          f"median {statistics.median(times):.1f} ms, max {max(times):.1f} ms")
    print(f"queries with errors: {errors}")
    print(f"peak RSS:            {peak_mib:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

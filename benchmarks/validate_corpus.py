#!/usr/bin/env python3
"""Benchmark: `validate` over the whole corpus, and one rule cold.

    python benchmarks/validate_corpus.py [CORPUS]

CORPUS defaults to ../shared/corpus/azure-sentinel-2022-08. Targets (issue 3,
on a 2-core machine): corpus ≤ 10 s wall and ≤ 1 GB peak memory (summed over
this process and the worker processes), one rule cold ≤ 2 s. Three runs:

1. the corpus with the analysis cache off (what a fresh CI job pays),
2. the corpus again with the cache filled by run 1 (a re-run after editing a rule),
3. one rule in a fresh interpreter with the cache off (parser start-up included).

Peak memory is each process's own peak (ru_maxrss) summed: an upper bound of
the real simultaneous peak, since the peaks need not coincide.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sentinel_deploy.actions.session import Session  # noqa: E402
from sentinel_deploy.actions.validate import validate  # noqa: E402
from sentinel_deploy.validation.query_checks import RunStats, peak_rss_kib  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"
WALL_TARGET_S, MEMORY_TARGET_MIB, COLD_TARGET_S = 10.0, 1024.0, 2.0


def _project(rules: Path) -> Path:
    project = Path(tempfile.mkdtemp(prefix="sd-bench-"))
    (project / "sentinel-deploy.toml").write_text(f'rules = ["{rules.as_posix()}"]\n',
                                                  encoding="utf-8")
    return project


def corpus_run(corpus: Path, cache: bool) -> tuple[float, float, RunStats, int]:
    session = Session.open(config_path=_project(corpus) / "sentinel-deploy.toml")
    started = time.perf_counter()
    result = validate(session, [], cache=cache)
    wall = time.perf_counter() - started
    stats = result.stats if isinstance(result.stats, RunStats) else RunStats()
    memory_mib = (peak_rss_kib() + sum(stats.worker_peak_kib.values())) / 1024
    return wall, memory_mib, stats, len(result.docs)


def cold_single_rule(rule: Path) -> float:
    project = _project(rule)
    env = {**os.environ, "SENTINEL_DEPLOY_NO_CACHE": "1"}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from sentinel_deploy.cli.app import app; app()",
                    "validate", "--output", "json"], cwd=project, env=env,
                   capture_output=True, check=False)
    return time.perf_counter() - started


def ratio(value: float, target: float) -> str:
    return f"{value / target:.2f}× target ({'ok' if value <= target else 'OVER'})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    print(f"cpus: {os.cpu_count()}")
    for label, cache in (("cold (no cache)", False), ("warm (cache)", True)):
        wall, memory, stats, files = corpus_run(args.corpus, cache)
        print(f"corpus {label}: {files} files, {stats.distinct} distinct queries "
              f"({stats.cached} from cache), {stats.workers} workers")
        print(f"  wall {wall:.2f} s — {ratio(wall, WALL_TARGET_S)}")
        print(f"  peak memory {memory:.0f} MiB summed over processes — "
              f"{ratio(memory, MEMORY_TARGET_MIB)}")
    rule = next(p for p in sorted(args.corpus.rglob("*.yaml")) if "query:" in p.read_text())
    cold = cold_single_rule(rule)
    print(f"one rule cold (fresh interpreter, parser start-up, no cache): {cold:.2f} s — "
          f"{ratio(cold, COLD_TARGET_S)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Benchmark: `validate` over the whole corpus, and one rule cold.

    python benchmarks/validate_corpus.py [CORPUS]

CORPUS defaults to ../shared/corpus/azure-sentinel-2022-08. Targets (issue 3,
on a 2-core machine): corpus ≤ 10 s wall and ≤ 1 GB peak memory (summed over
this process and the worker processes), one rule cold ≤ 2 s. Runs:

1. the corpus with the analysis cache off (what a fresh CI job pays), --repeat
   times, each in a fresh process; best and median are printed, because on a
   shared machine the same run was seen to vary by a third within minutes,
2. the corpus with the cache filled (a re-run after editing a rule),
3. one rule in a fresh interpreter with the cache off (parser start-up included).

Peak memory is each process's own peak (ru_maxrss) summed: an upper bound of
the real simultaneous peak, since the peaks need not coincide.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
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


def cold_run_in_fresh_process(corpus: Path) -> dict[str, float]:
    """One cold corpus run in its own interpreter, so each repetition starts equal."""
    done = subprocess.run([sys.executable, __file__, str(corpus), "--one-cold"],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold corpus runs (each in a fresh process); best and median "
                             "are reported, since a shared machine's speed drifts")
    parser.add_argument("--one-cold", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 1
    if args.one_cold:
        wall, memory, stats, files = corpus_run(args.corpus, cache=False)
        print(json.dumps({"wall": wall, "memory": memory, "workers": stats.workers,
                          "distinct": stats.distinct, "files": files}))
        return 0
    print(f"cpus: {os.cpu_count()}")
    runs = [cold_run_in_fresh_process(args.corpus) for _ in range(max(1, args.repeat))]
    walls = sorted(r["wall"] for r in runs)
    memory = max(r["memory"] for r in runs)
    first = runs[0]
    print(f"corpus cold (no cache): {first['files']:.0f} files, {first['distinct']:.0f} "
          f"distinct queries, {first['workers']:.0f} workers, {len(runs)} run(s): "
          + ", ".join(f"{w:.2f}" for w in (r["wall"] for r in runs)) + " s")
    print(f"  wall best {walls[0]:.2f} s — {ratio(walls[0], WALL_TARGET_S)}; "
          f"median {statistics.median(walls):.2f} s — "
          f"{ratio(statistics.median(walls), WALL_TARGET_S)}")
    print(f"  peak memory {memory:.0f} MiB summed over processes (worst run) — "
          f"{ratio(memory, MEMORY_TARGET_MIB)}")
    # The cache the cold runs filled is elsewhere (they ran with it off): fill, then time.
    corpus_run(args.corpus, cache=True)
    wall, memory, stats, files = corpus_run(args.corpus, cache=True)
    print(f"corpus warm (cache): {files} files, {stats.cached} of {stats.distinct} distinct "
          f"queries from the cache")
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

"""How much of the analytics-rule corpus the local engine can run.

Runs every `query:` of the corpus YAMLs on empty tables typed from the
packaged catalog (sentinel_deploy.catalog.load_catalog), groups the failures
by construct so the largest gaps show first, and names each rule that cannot
run locally with its construct.

Workspace functions without a KQL body (ASIM parsers) run as local stand-ins
that return every row of a backing table and ignore their parameters, and
`externaldata` runs as an empty table with the declared columns (see
docs/local-engine.md); a query through a stand-in counts as running locally,
and the report says how many did.

    .venv/bin/python scripts/corpus_local_coverage.py [CORPUS_DIR] [--show N]
        [--workers N] [--every K] [--no-list]

Each worker process keeps one LocalWorkspace for all its queries: tables are
created once, on first use, and the catalog's functions are parsed once.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import time
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from duckdb_kql import KqlUnsupportedError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentinel_deploy.catalog import load_catalog  # noqa: E402
from sentinel_deploy.engine import LocalWorkspace  # noqa: E402
from sentinel_deploy.engine.externaldata import APPLIED as EXTERNALDATA  # noqa: E402
from sentinel_deploy.engine.standins import standin_functions  # noqa: E402
from sentinel_deploy.objects.query_result import QueryFailed  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"
NOW = datetime(2022, 8, 10, tzinfo=UTC)
ADVICE = ("the local engine (duckdb-kql) lacks what they need; test them in a Log Analytics "
          "workspace")
STANDIN = "stand-in"


def queries(corpus: Path) -> list[tuple[Path, str]]:
    out: list[tuple[Path, str]] = []
    for path in sorted(corpus.rglob("*.y*ml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
        except yaml.YAMLError:
            continue
        out += [(path, q) for q in _query_fields(doc)]
    return out


def _query_fields(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [v for k, v in node.items() if k == "query" and isinstance(v, str)]
        for value in node.values():
            found += _query_fields(value)
        return found
    if isinstance(node, list):
        return [q for item in node for q in _query_fields(item)]
    return []


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_POSITION = re.compile(r"\bat \d+:\d+")


def group(error: QueryFailed, workspace_functions: set[str]) -> str:
    """A failure's construct, with query-specific names and positions removed."""
    # The engine's own wording (construct names, hints) groups finer than the
    # message shown to users, which names the construct as the query wrote it.
    cause = error.__cause__
    msg = str(cause) if isinstance(cause, KqlUnsupportedError) else error.message
    construct = re.search(r"unsupported KQL construct '([^']+)'", msg)
    if construct:
        name = construct.group(1)
        if name.startswith("function:") and name.split(":", 1)[1] in workspace_functions:
            return "workspace function with no local body (ASIM parser, saved search)"
        if name.startswith("function:") and "no stored function by that name" in msg:
            return f"unknown/unsupported function {name.split(':', 1)[1]}"
        return f"unsupported {name}"
    schema = re.search(r"schema error for '([^']*)' \((.*)\)", msg, re.DOTALL)
    if schema:
        return "schema: " + _QUOTED.sub("…", schema.group(2))[:90]
    if error.code == "SyntaxError":
        text = _POSITION.sub("", msg)
        text = re.sub(r"mismatched input .*? expecting", "mismatched input, expecting", text)
        return "syntax: " + _QUOTED.sub("…", text)[:90]
    if "Failed to resolve table" in msg:
        return "table not in catalog"
    if "Failed to resolve scalar" in msg:
        return "column not in table schema"
    first = _QUOTED.sub("…", msg.splitlines()[0])
    return f"{error.code}: {re.sub(r'[0-9]+', 'N', first)[:90]}"


@dataclass(slots=True)
class Outcome:
    index: int
    group: str | None  # None: ran locally
    rewrites: list[str] = field(default_factory=list)
    standins: list[str] = field(default_factory=list)


_WORKER: dict[str, Any] = {}


def _init_worker() -> None:
    catalog = load_catalog()
    _WORKER["ws"] = LocalWorkspace(catalog)
    _WORKER["no_body"] = {n for n, f in catalog.functions.items() if f.body is None}
    _WORKER["standins"] = [f.name for f in standin_functions(catalog)]


def _run_one(item: tuple[int, str]) -> Outcome:
    index, query = item
    ws: LocalWorkspace = _WORKER["ws"]
    try:
        prepared = ws.prepare(query)
        prepared.run(NOW, timespan=timedelta(days=14))
    except QueryFailed as exc:
        return Outcome(index, group(exc, _WORKER["no_body"]))
    used = [n for n in _WORKER["standins"] if re.search(rf"\b{re.escape(n)}\b", prepared.kql)]
    if EXTERNALDATA in prepared.rewrites:
        used.append("externaldata")
    return Outcome(index, None, list(prepared.rewrites), used)


def _run_chunk(chunk: list[tuple[int, str]]) -> list[Outcome]:
    if "ws" not in _WORKER:
        _init_worker()
    return [_run_one(item) for item in chunk]


@dataclass(slots=True)
class Coverage:
    total: int
    ok: int
    outcomes: list[Outcome]
    found: list[tuple[Path, str]]

    @property
    def percent(self) -> float:
        return 100 * self.ok / self.total if self.total else 0.0


def measure(corpus: Path, *, workers: int = 2, every: int = 1) -> Coverage:
    """Run every *every*-th corpus query (a deterministic sample) over *workers* processes."""
    found = queries(corpus)[::every]
    items = list(enumerate(q for _, q in found))
    if workers <= 1:
        outcomes = _run_chunk(items)
    else:
        # Interleaved, so each worker gets a like mix of short and long queries.
        chunks = [items[k::workers] for k in range(workers)]
        # spawn, not fork: a forked child inherits DuckDB's thread pool without its
        # threads, and the first connection it frees then waits forever to join them
        # (seen when a test process had used DuckDB before calling this). spawn hands
        # the child our sys.path, where this script's folder is, to import us by name.
        if str(Path(__file__).resolve().parent) not in sys.path:
            sys.path.insert(0, str(Path(__file__).resolve().parent))
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            outcomes = [o for part in pool.map(_run_chunk, chunks) for o in part]
    outcomes.sort(key=lambda o: o.index)
    ok = sum(1 for o in outcomes if o.group is None)
    return Coverage(len(found), ok, outcomes, found)


def report(result: Coverage, corpus: Path, *, show: int, listing: bool) -> None:
    catalog = load_catalog()
    total, ok = result.total, result.ok
    groups: Counter[str] = Counter()
    examples: dict[str, Path] = {}
    rewritten: defaultdict[str, int] = defaultdict(int)
    standin_queries = 0
    external_queries = 0
    for outcome in result.outcomes:
        path = result.found[outcome.index][0]
        if outcome.group is not None:
            groups[outcome.group] += 1
            examples.setdefault(outcome.group, path)
            continue
        for applied in outcome.rewrites:
            rewritten[applied] += 1
        standin_queries += bool(outcome.standins)
        external_queries += "externaldata" in outcome.standins
    print(f"catalog: load_catalog() with {len(catalog.tables)} tables, "
          f"{len(catalog.functions)} functions")
    print(f"ran on empty typed tables: {ok}/{total} = {result.percent:.1f}%")
    print(f"of which through a stand-in: {standin_queries} — an ASIM parser stand-in "
          "returns all its backing rows (parameters are NOT applied); "
          f"{external_queries} read externaldata, which locally is an empty table")
    print(f"compatibility rewrites in queries that ran: {sum(rewritten.values())} "
          f"({dict(rewritten)})")
    print(f"\nfailure groups ({total - ok} queries):")
    for key, count in groups.most_common(show):
        rel = examples[key].relative_to(corpus)
        print(f"{count:5d}  {key}\n       e.g. {rel}")
    if listing:
        print(f"\nrules that cannot run locally ({total - ok}); {ADVICE}:")
        for outcome in result.outcomes:
            if outcome.group is not None:
                rel = result.found[outcome.index][0].relative_to(corpus)
                print(f"  {rel}: {outcome.group}")


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", type=int, default=40, help="failure groups to print")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--every", type=int, default=1, help="run every K-th query only")
    parser.add_argument("--no-list", action="store_true",
                        help="do not list each rule that cannot run locally")
    args = parser.parse_args()
    started = time.perf_counter()
    result = measure(args.corpus, workers=args.workers, every=args.every)
    if not result.total:
        print(f"no queries under {args.corpus}", file=sys.stderr)
        return 2
    report(result, args.corpus, show=args.show, listing=not args.no_list)
    print(f"\n{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

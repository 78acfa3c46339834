"""How much of the analytics-rule corpus the local engine can run.

Runs every `query:` of the corpus YAMLs on empty tables typed from the
packaged catalog (sentinel_deploy.catalog.load_catalog) and groups the
failures by construct, so the largest gaps show first.

    .venv/bin/python scripts/corpus_local_coverage.py [CORPUS_DIR] [--show N]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sentinel_deploy.catalog import load_catalog  # noqa: E402
from sentinel_deploy.engine import LocalWorkspace  # noqa: E402
from sentinel_deploy.objects.query_result import QueryFailed  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "azure-sentinel-2022-08"
NOW = datetime(2022, 8, 10, tzinfo=UTC)


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
    msg = error.message
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--show", type=int, default=40, help="failure groups to print")
    args = parser.parse_args()
    found = queries(args.corpus)
    if not found:
        print(f"no queries under {args.corpus}", file=sys.stderr)
        return 2
    catalog = load_catalog()
    workspace_functions = {n for n, f in catalog.functions.items() if f.body is None}
    ws = LocalWorkspace(catalog)
    groups: Counter[str] = Counter()
    examples: dict[str, Path] = {}
    rewritten: defaultdict[str, int] = defaultdict(int)
    ok = 0
    for path, query in found:
        try:
            prepared = ws.prepare(query)
            prepared.run(NOW, timespan=timedelta(days=14))
        except QueryFailed as exc:
            key = group(exc, workspace_functions)
            groups[key] += 1
            examples.setdefault(key, path)
            continue
        ok += 1
        for applied in prepared.rewrites:
            rewritten[applied] += 1
    total = len(found)
    print(f"catalog: load_catalog() with {len(catalog.tables)} tables, "
          f"{len(catalog.functions)} functions")
    print(f"ran on empty typed tables: {ok}/{total} = {100 * ok / total:.1f}%")
    print(f"queries that needed a compatibility rewrite: {sum(rewritten.values())} "
          f"({dict(rewritten)})")
    print(f"\nfailure groups ({total - ok} queries):")
    for key, count in groups.most_common(args.show):
        rel = examples[key].relative_to(args.corpus)
        print(f"{count:5d}  {key}\n       e.g. {rel}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Analyses of unchanged queries, kept between runs: a rule file edit re-checks one query.

Keyed by everything the answer depends on: the parser version, our glue code,
the catalog as declared, and the query text. Stored as JSON (never pickle: the
cache directory is not trusted to hold code), one file per catalog. Only
complete semantic analyses are kept; a timeout or an internal failure is
always retried.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sentinel_deploy.catalog.model import Catalog, Column
from sentinel_deploy.validation.kql import KqlAnalysis, KqlDiagnostic
from sentinel_deploy.validation.kql.kusto_bridge import catalog_spec
from sentinel_deploy.validation.kql.kusto_glue import GLUE_JS
from sentinel_deploy.validation.kql.kusto_package import VERSION, cache_dir
from sentinel_deploy.validation.kql.model import CODE_INTERNAL, CODE_TIMEOUT

FORMAT = 1
_MAX_ENTRIES = 20_000  # a cache that grows past this starts again: it is only a cache
NO_CACHE_ENV = "SENTINEL_DEPLOY_NO_CACHE"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AnalysisCache:
    def __init__(self, catalog: Catalog, directory: Path | None = None) -> None:
        key = _sha(f"{FORMAT}\0{VERSION}\0{_sha(GLUE_JS)}\0{catalog_spec(catalog)}")[:32]
        base = directory or cache_dir().parent / "kql-analyses"
        self.path = base / f"{key}.json"
        self._entries: dict[str, Any] = self._read()
        self._dirty = False

    def _read(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @property
    def size(self) -> int:
        return len(self._entries)

    def get(self, query: str) -> KqlAnalysis | None:
        raw = self._entries.get(_sha(query))
        if raw is None:
            return None
        try:
            return _decode(raw)
        except (KeyError, TypeError, ValueError):
            return None

    def put_all(self, pairs: Iterable[tuple[str, KqlAnalysis]]) -> None:
        for query, analysis in pairs:
            if analysis.semantic and not any(
                    d.code in (CODE_TIMEOUT, CODE_INTERNAL) for d in analysis.diagnostics):
                self._entries[_sha(query)] = _encode(analysis)
                self._dirty = True

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is silently skipped."""
        if not self._dirty:
            return
        entries = self._entries if len(self._entries) <= _MAX_ENTRIES else {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(entries, out, separators=(",", ":"))
            os.replace(tmp, self.path)
        except OSError:
            return
        self._dirty = False


def _encode(a: KqlAnalysis) -> dict[str, Any]:
    return {
        "d": [[d.code, d.severity, d.message, d.start, d.length, d.line, d.column]
              for d in a.diagnostics],
        "c": None if a.result_columns is None else [[c.name, c.type] for c in a.result_columns],
        "t": a.referenced_tables, "f": a.referenced_functions,
    }


def _decode(raw: dict[str, Any]) -> KqlAnalysis:
    columns = raw["c"]
    return KqlAnalysis(
        engine="kusto",
        diagnostics=tuple(KqlDiagnostic(str(c), s, str(m), int(st), int(ln), int(li), int(co))
                          for c, s, m, st, ln, li, co in raw["d"]),
        result_columns=None if columns is None else tuple(Column(n, t) for n, t in columns),
        referenced_tables=None if raw["t"] is None else tuple(raw["t"]),
        referenced_functions=None if raw["f"] is None else tuple(raw["f"]),
    )

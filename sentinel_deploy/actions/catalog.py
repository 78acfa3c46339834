"""`catalog`: what the offline checks and the local engine know a name to be.

The KS142/KS204 hints send users here: "which columns does SigninLogs have in
*my* catalog (packaged plus schemas/ plus this environment's table list)?"
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field

from sentinel_deploy.actions.session import Session
from sentinel_deploy.catalog.model import Catalog, Column, Parameter


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    kind: str  # "table", "function" or "watchlist"
    columns: tuple[Column, ...]
    parameters: tuple[Parameter, ...] = ()
    source: str = ""
    open_shape: bool = False  # a function whose result columns the catalog does not know


@dataclass
class CatalogLookup:
    found: list[CatalogEntry] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)  # name → close matches
    counts: dict[str, int] = field(default_factory=dict)


def lookup(session: Session, names: Sequence[str]) -> CatalogLookup:
    return lookup_in(session.catalog, names)


def lookup_in(catalog: Catalog, names: Sequence[str]) -> CatalogLookup:
    result = CatalogLookup(counts={"tables": len(catalog.tables),
                                   "functions": len(catalog.functions),
                                   "watchlists": len(catalog.watchlists)})
    for name in names:
        entries = _entries(catalog, name)
        if entries:
            result.found.extend(entries)
        else:
            result.missing[name] = _close(catalog, name)
    return result


def _entries(catalog: Catalog, name: str) -> list[CatalogEntry]:
    out = []
    if (table := catalog.table(name)) is not None:
        out.append(CatalogEntry(table.name, "table", table.columns, source=table.source))
    if (function := catalog.function(name)) is not None:
        out.append(CatalogEntry(function.name, "function", function.columns,
                                function.parameters, function.source,
                                open_shape=not function.columns and function.body is None))
    if (columns := catalog.watchlist_columns(name)) is not None:
        watchlist = catalog.watchlists[name]
        out.append(CatalogEntry(name, "watchlist", columns, source=watchlist.source))
    return out


def _close(catalog: Catalog, name: str) -> list[str]:
    # KQL names are case-sensitive: a case-only difference is the likeliest slip.
    pool = [*catalog.tables, *catalog.functions, *catalog.watchlists]
    same_case = [n for n in pool if n.lower() == name.lower()]
    return same_case or difflib.get_close_matches(name, pool, n=3, cutoff=0.7)

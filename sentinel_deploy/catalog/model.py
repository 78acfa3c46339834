"""The normalized table and function catalog every offline check and the local engine share.

Types are KQL scalar type names: string, int, long, real, bool, datetime,
timespan, guid, dynamic (decimal is folded into real by the generator).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

KQL_TYPES = frozenset(
    {"string", "int", "long", "real", "bool", "datetime", "timespan", "guid", "dynamic"}
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True, slots=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    source: str = ""

    def column_types(self) -> dict[str, str]:
        return {c.name: c.type for c in self.columns}

    def schema_string(self) -> str:
        """`(Col:type, ...)`: the form Kusto.Language's TableSymbol and `datatable` take."""
        return "(" + ", ".join(f"['{c.name}']:{c.type}" for c in self.columns) + ")"


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str
    type: str
    default: str | None = None  # KQL literal text, as written in a function declaration


@dataclass(frozen=True, slots=True)
class FunctionSchema:
    """A workspace function (saved search, ASIM parser, `_GetWatchlist`).

    `columns` is the result schema; `body` is KQL when the function can run
    locally (user-declared functions), else None and only its shape is known.
    """

    name: str
    parameters: tuple[Parameter, ...] = ()
    columns: tuple[Column, ...] = ()
    body: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A watchlist the user declared: a known alias for `_GetWatchlist`.

    `columns` are the watchlist's own CSV columns; `_GetWatchlist(alias)`
    returns them after the function's fixed columns (see `Catalog.watchlist_columns`).
    """

    alias: str
    columns: tuple[Column, ...] = ()
    file: Path | None = None  # the CSV with the items, when the user keeps one
    search_key: str | None = None
    source: str = ""


GET_WATCHLIST = "_GetWatchlist"
# Columns every watchlist row has in Sentinel, before the watchlist's own columns.
WATCHLIST_COLUMNS = (
    Column("_DTItemId", "string"),
    Column("LastUpdatedTimeUTC", "datetime"),
    Column("SearchKey", "string"),
    Column("WatchlistItem", "dynamic"),
)


@dataclass(slots=True)
class Catalog:
    tables: dict[str, TableSchema] = field(default_factory=dict)
    functions: dict[str, FunctionSchema] = field(default_factory=dict)
    watchlists: dict[str, Watchlist] = field(default_factory=dict)

    def table(self, name: str) -> TableSchema | None:
        return self.tables.get(name)

    def function(self, name: str) -> FunctionSchema | None:
        return self.functions.get(name)

    def watchlist_columns(self, alias: str) -> tuple[Column, ...] | None:
        """Result schema of `_GetWatchlist(alias)`, or None when the alias is not declared."""
        watchlist = self.watchlists.get(alias)
        if watchlist is None:
            return None
        getter = self.functions.get(GET_WATCHLIST)
        fixed = getter.columns if getter else ()
        taken = {c.name for c in fixed}
        return fixed + tuple(c for c in watchlist.columns if c.name not in taken)

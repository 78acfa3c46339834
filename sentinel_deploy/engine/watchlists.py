"""Local Sentinel watchlists, read by `_GetWatchlist('alias')`.

A watchlist is a CSV under `watchlists/` in the data folder; its alias is the
file stem. Each becomes a table, and `_GetWatchlist` is registered with
duckdb-kql as a stored function over all of them, selecting by alias.

Columns, like Sentinel's: the catalog's declared `_GetWatchlist` columns (or,
without a declaration, Sentinel's `_DTItemId`, `LastUpdatedTimeUTC`,
`SearchKey`, `WatchlistItem`), then the CSV's own columns as strings.
`SearchKey` is the column the catalog declares as the watchlist's search key,
else the CSV's `SearchKey` column if it has one, else its first column.
Watchlist tables have no TimeGenerated, so a query's time window does not hide them.

With several watchlists the function is a `union` of them, so its result has
the columns of all of them (the other watchlists' columns empty); Sentinel's
has only the chosen watchlist's.
"""

from __future__ import annotations

import csv
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sentinel_deploy.catalog.model import GET_WATCHLIST, WATCHLIST_COLUMNS, Catalog, Column
from sentinel_deploy.engine.convert import quote_ident
from sentinel_deploy.engine.tables import TableStore
from sentinel_deploy.objects.diagnostics import UserError

_NAMESPACE = uuid.UUID("6f1c8a52-2f4e-4f0e-9a57-5e1d0c7b3a10")


@dataclass(slots=True)
class Watchlist:
    alias: str
    table: str
    columns: list[Column]


def base_columns(catalog: Catalog) -> list[Column]:
    declared = catalog.functions.get(GET_WATCHLIST)
    cols = list(declared.columns) if declared and declared.columns else list(WATCHLIST_COLUMNS)
    if not any(c.name == "SearchKey" for c in cols):
        cols.append(Column("SearchKey", "string"))
    return cols


def load_watchlist(store: TableStore, path: Path, index: int) -> Watchlist:
    alias = path.stem
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        headers = [h.strip() for h in (reader.fieldnames or [])]
        records = [
            {h.strip(): (v if v is not None else "") for h, v in row.items() if h}
            for row in reader
        ]
    if not headers:
        raise UserError("watchlist CSV has no header row", file=path,
                        hint="the first line names the watchlist's columns")
    base = base_columns(store.catalog)
    base_names = {c.name for c in base}
    extra = [Column(h, "string") for h in headers if h not in base_names]
    columns = base + extra
    table = f"_Watchlist_{index}"
    store.create(table, columns)
    declared = store.catalog.watchlists.get(alias)
    if declared is not None and declared.search_key in headers:
        key = declared.search_key
    else:
        key = "SearchKey" if "SearchKey" in headers else headers[0]
    updated = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
    rows = [_row(alias, n, rec, key, updated, base, extra) for n, rec in enumerate(records)]
    if rows:
        names = ", ".join(quote_ident(c.name) for c in columns)
        marks = ", ".join("?" for _ in columns)
        store.con.executemany(f"INSERT INTO main.{quote_ident(table)} ({names}) VALUES ({marks})",
                              rows)
    return Watchlist(alias, table, columns)


def _row(alias: str, n: int, rec: dict[str, str], key: str, updated: datetime,
         base: list[Column], extra: list[Column]) -> list[Any]:
    known: dict[str, Any] = {
        "_DTItemId": str(uuid.uuid5(_NAMESPACE, f"{alias}/{n}")),
        "LastUpdatedTimeUTC": updated,
        "SearchKey": rec.get(key, ""),
        "WatchlistItem": json.dumps(rec),
        "WatchlistAlias": alias,
        "WatchlistName": alias,
    }
    values: list[Any] = []
    for col in base:
        value = rec.get(col.name, known.get(col.name))
        values.append("" if value is None and col.type == "string" else value)
    values += [rec.get(c.name, "") for c in extra]
    return values


def definition(watchlists: list[Watchlist], catalog: Catalog) -> str:
    """The stored-function text for `_GetWatchlist`."""
    # Not the catalog's parameter name: a watchlist column called `watchlist`
    # would shadow it inside the body.
    param = "sd_watchlist_alias"
    if not watchlists:
        cols = ", ".join(f"['{c.name}']:{c.type}" for c in base_columns(catalog))
        return f"function {GET_WATCHLIST}({param}:string) {{ datatable({cols})[] }}"
    branches = [
        f"({w.table} | where {param} == {_kql_string(w.alias)})" for w in watchlists
    ]
    body = branches[0] if len(branches) == 1 else "union " + ", ".join(branches)
    return f"function {GET_WATCHLIST}({param}:string) {{ {body} }}"


def _kql_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

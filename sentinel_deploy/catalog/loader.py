"""The catalog a check sees: packaged built-ins, then the user's schemas, then the environment."""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path

from sentinel_deploy.catalog.jsonfile import catalog_from_json
from sentinel_deploy.catalog.model import Catalog, TableSchema
from sentinel_deploy.catalog.user import load_user_schemas
from sentinel_deploy.objects.diagnostics import UserError

# Addressed from the top package: `data/` is package data, not an importable package.
_PACKAGE = "sentinel_deploy"
_RESOURCE = ("data", "catalog.json")


@cache
def _builtin() -> Catalog:
    # Parsed once per process: every rule check asks for a catalog, and the
    # file is half a megabyte. Callers get copies (see load_catalog), so this
    # instance is never mutated.
    return catalog_from_json(json.loads(_packaged_text()))


def _packaged_text() -> str:
    try:
        return resources.files(_PACKAGE).joinpath(*_RESOURCE).read_text(encoding="utf-8")
    except (NotADirectoryError, FileNotFoundError):
        # A setuptools editable install made while the packages had no
        # __init__.py maps them as namespaces, whose resource reader rejects
        # its own placeholder path; the file next to this module is the same data.
        return Path(__file__).resolve().parent.parent.joinpath(*_RESOURCE).read_text(
            encoding="utf-8")


def load_catalog(extra: Iterable[Path] = (),
                 environment_tables: Iterable[str] | None = None) -> Catalog:
    """Built-in tables and functions, overridden by the user's schema files.

    `extra`: schema YAML files or folders holding them (see docs/catalog.md);
    a user entry replaces a built-in of the same name, table or function.
    `environment_tables`: when given, only these tables exist (names not in
    the catalog are ignored: there is no schema to give them).
    Raises UserError for a bad schema file.
    """
    base = _builtin()
    catalog = Catalog(tables=dict(base.tables), functions=dict(base.functions),
                      watchlists=dict(base.watchlists))
    user = load_user_schemas(extra)
    # One namespace in KQL: a user table hides a built-in function of the same name.
    for table in user.tables.values():
        catalog.functions.pop(table.name, None)
        catalog.tables[table.name] = table
    for function in user.functions.values():
        catalog.tables.pop(function.name, None)
        catalog.functions[function.name] = function
    catalog.watchlists.update(user.watchlists)
    for added in user.added_columns:
        table = catalog.tables.get(added.table)
        if table is None:
            close = difflib.get_close_matches(added.table, list(catalog.tables), n=1)
            guess = f"; did you mean {close[0]}?" if close else ""
            raise UserError(f"addColumns: {added.table!r} is not a table of the catalog{guess}",
                            file=added.file, line=added.line,
                            hint="declare the whole table under `tables` instead "
                                 "(`sentinel-deploy catalog` lists the known tables)")
        # A column named again takes the new type: the workspace's schema is the newer one.
        columns = {c.name: c for c in table.columns}
        columns.update((c.name, c) for c in added.columns)
        catalog.tables[added.table] = TableSchema(table.name, tuple(columns.values()),
                                                  table.source)
    if environment_tables is not None:
        allowed = set(environment_tables)
        catalog.tables = {n: t for n, t in catalog.tables.items() if n in allowed}
    return catalog

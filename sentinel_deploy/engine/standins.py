"""Local stand-ins for workspace functions whose KQL body is not known.

ASIM parsers (`_Im_Dns(...)`, `imProcessCreate`, ...) and saved searches are
declared in the catalog with parameters and result columns only. Locally each
becomes a duckdb-kql stored function with the declared parameters (defaults
included, so a bare `imDns` or `_Im_Dns(starttime=...)` binds as in Kusto)
whose body reads a backing table typed from the declared columns. A test gives
rows for the function exactly as for a table: `_Im_Dns.csv` fills it.

The parameters are accepted and **ignored**: the stand-in returns every backing
row, whatever `starttime`, `srcipaddr_has_any_prefix` or `disabled` says. A
real parser filters on them; a test's rows are taken to be what the parser
would already have returned for the rule's arguments.

The body cannot name the backing table by the function's own name (a bare name
resolves to the function first, as in Kusto, which would make the function
call itself), so it names a placeholder table, and the translated SQL is
pointed back at the real table, which is called after the function. The
backing table is thereby read, windowed and reported like any other table.
"""

from __future__ import annotations

import re

from sentinel_deploy.catalog.model import Catalog, FunctionSchema, TableSchema
from sentinel_deploy.engine.convert import quote_ident

#: The placeholder a stand-in's body reads; replaced in the translated SQL.
PLACEHOLDER_PREFIX = "sd_standin_rows__"
_GET_WATCHLIST = "_GetWatchlist"  # has its own local implementation (watchlists.py)


def standin_functions(catalog: Catalog) -> list[FunctionSchema]:
    """Catalog functions that get a stand-in: no body, but a known result shape."""
    return [
        fn for fn in catalog.functions.values()
        if fn.body is None and fn.columns and fn.name != _GET_WATCHLIST
        and catalog.table(fn.name) is None
    ]


def backing_shapes(catalog: Catalog) -> dict[str, TableSchema]:
    """Function name -> the shape of its backing table."""
    return {
        fn.name: TableSchema(fn.name, fn.columns, source=f"stand-in for function {fn.name}")
        for fn in standin_functions(catalog)
    }


def placeholder(name: str) -> str:
    return PLACEHOLDER_PREFIX + name


def definition(fn: FunctionSchema) -> str:
    params = ", ".join(
        f"{p.name}:{p.type}" + (f" = {p.default}" if p.default is not None else "")
        for p in fn.parameters
    )
    return f"function {fn.name}({params}) {{ {placeholder(fn.name)} }}"


def point_at_backing(sql: str, window_schema: str) -> str:
    """Replace each placeholder table in translated SQL with the function-named table."""
    prefix = quote_ident(window_schema) + "." + quote_ident(PLACEHOLDER_PREFIX)[:-1]
    pattern = re.compile(re.escape(prefix) + r'((?:[^"]|"")+)"')
    return pattern.sub(lambda m: f'{quote_ident(window_schema)}."{m.group(1)}"', sql)

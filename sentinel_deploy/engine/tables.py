"""The DuckDB tables behind a local workspace, and the column list of each.

The column lists are kept here rather than read back from DuckDB because the
translator needs them for every query (join, union and `arg_max(*)` expand
columns from them) and because they carry the KQL type, which DuckDB's own
`JSON`/`VARCHAR` distinction alone would not always give back.
"""

from __future__ import annotations

from duckdb import DuckDBPyConnection

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema
from sentinel_deploy.engine import standins
from sentinel_deploy.engine.convert import quote_ident, quote_literal
from sentinel_deploy.engine.types import duckdb_type, normalize_kql_type

#: Where the time-window views live; see workspace.py.
WINDOW_SCHEMA = "sd_window"
TIME_COLUMN = "TimeGenerated"


class TableStore:
    def __init__(self, con: DuckDBPyConnection, catalog: Catalog) -> None:
        self.con = con
        self.catalog = catalog
        self.columns: dict[str, list[Column]] = {}
        #: Backing tables of workspace-function stand-ins (see standins.py).
        self.backing: dict[str, TableSchema] = standins.backing_shapes(catalog)
        self.version = 0  # bumped on any shape change, so prepared queries can tell
        self._schema: dict[str, list[str]] | None = None
        self._schema_version = -1

    def has(self, table: str) -> bool:
        return table in self.columns

    def create(self, table: str, columns: list[Column]) -> None:
        seen: set[str] = set()
        unique: list[Column] = []
        for col in columns:
            if col.name.lower() not in seen:  # see _dedupe
                seen.add(col.name.lower())
                unique.append(Column(col.name, normalize_kql_type(col.type)))
        defs = ", ".join(self._column_ddl(table, c) for c in unique) or '"_empty" VARCHAR'
        self.con.execute(f"CREATE OR REPLACE TABLE main.{quote_ident(table)} ({defs})")
        self.columns[table] = unique
        self._refresh_view(table)

    def declared(self, table: str) -> TableSchema | None:
        """The shape the catalog gives *table*: a table, or a function stand-in's backing."""
        return self.catalog.table(table) or self.backing.get(table)

    def create_from_catalog(self, table: str) -> None:
        schema = self.declared(table)
        if schema is not None:
            self.create(table, list(schema.columns))

    def add_column(self, table: str, column: Column) -> None:
        col = Column(column.name, normalize_kql_type(column.type))
        self.con.execute(
            f"ALTER TABLE main.{quote_ident(table)} ADD COLUMN {self._column_ddl(table, col)}"
        )
        self.columns[table].append(col)
        self._refresh_view(table)

    def find(self, table: str, name: str) -> Column | None:
        """The table's column for *name*, exact first, then ignoring case."""
        cols = self.columns.get(table, [])
        for col in cols:
            if col.name == name:
                return col
        lowered = name.lower()
        return next((c for c in cols if c.name.lower() == lowered), None)

    def ensure(self, table: str) -> None:
        """Materialize a catalog table on first use.

        Catalog tables are created lazily: a full catalog has hundreds, and
        creating each with its view costs about 2 ms, which every CLI run
        would pay for tables its queries never read.
        """
        if table not in self.columns and self.declared(table) is not None:
            self.create_from_catalog(table)

    def schema_for_translation(self) -> dict[str, list[str]]:
        """Table -> column names, keyed both bare and window-qualified.

        Includes catalog tables not yet materialized, so `union`, `join` and
        `arg_max(*)` expand the same columns whether or not data was loaded.
        duckdb-kql qualifies every table with `database=`, and consults the
        schema under either spelling depending on the operator.
        """
        if self._schema is not None and self._schema_version == self.version:
            return self._schema
        out: dict[str, list[str]] = {}
        for name, schema in [*self.catalog.tables.items(), *self.backing.items()]:
            if name not in self.columns:
                names = _dedupe([c.name for c in schema.columns])
                out[name] = names
                out[f"{WINDOW_SCHEMA}.{name}"] = names
        for table, cols in self.columns.items():
            names = [c.name for c in cols]
            out[table] = names
            out[f"{WINDOW_SCHEMA}.{table}"] = names
        for name in self.backing:
            # A stand-in's body reads its placeholder, which has the backing columns.
            names = out[name]
            out[standins.placeholder(name)] = names
            out[f"{WINDOW_SCHEMA}.{standins.placeholder(name)}"] = names
        self._schema, self._schema_version = out, self.version
        return out

    def _column_ddl(self, table: str, col: Column) -> str:
        ddl = f"{quote_ident(col.name)} {duckdb_type(col.type)}"
        if col.name == "Type" and col.type == "string" and table not in self.backing:
            # A stand-in's rows come from whichever tables the parser reads,
            # so no one table name is the right default there.
            # Every Log Analytics row carries its table's name in Type; data
            # files often omit it (the SecurityEvent sample does for 2 rows).
            return f"{ddl} DEFAULT {quote_literal(table)}"
        if col.type == "string":
            return f"{ddl} DEFAULT ''"
        return ddl

    def has_time(self, table: str) -> bool:
        """Whether the request's timespan filters this table (see workspace.py)."""
        return any(c.name == TIME_COLUMN and c.type == "datetime"
                   for c in self.columns.get(table, []))

    def _refresh_view(self, table: str) -> None:
        self.version += 1
        where = ""
        if self.has_time(table):
            # Variables rather than literals so one view serves every run; a
            # getvariable() is folded to a constant at bind time, so the filter
            # is still pushed into the table scan.
            where = (
                " WHERE getvariable('sd_unbounded') OR "
                f"{quote_ident(TIME_COLUMN)} BETWEEN getvariable('sd_start') "
                "AND getvariable('sd_end')"
            )
        self.con.execute(
            f"CREATE OR REPLACE VIEW {WINDOW_SCHEMA}.{quote_ident(table)} AS "
            f"SELECT * FROM main.{quote_ident(table)}{where}"
        )


def _dedupe(names: list[str]) -> list[str]:
    """First of each name ignoring case: DuckDB folds identifier case, Kusto does not."""
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name.lower() not in seen:
            seen.add(name.lower())
            out.append(name)
    return out

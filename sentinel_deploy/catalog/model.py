"""The normalized table and function catalog every offline check and the local engine share.

Types are KQL scalar type names: string, int, long, real, bool, datetime,
timespan, guid, dynamic (decimal is folded into real by the generator).
"""

from __future__ import annotations

from dataclasses import dataclass, field

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


@dataclass(slots=True)
class Catalog:
    tables: dict[str, TableSchema] = field(default_factory=dict)
    functions: dict[str, FunctionSchema] = field(default_factory=dict)

    def table(self, name: str) -> TableSchema | None:
        return self.tables.get(name)

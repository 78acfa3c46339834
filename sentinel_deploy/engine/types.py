"""KQL type <-> DuckDB type, matched to what duckdb-kql itself emits.

duckdb-kql casts `datetime(...)` to TIMESTAMP, `dynamic(...)` to JSON,
`guid(...)` to UUID and so on (its `translate.TYPE_MAP`). Loading tables with
the same types means a comparison between a column and a literal never needs
an implicit cast the translator did not plan for.
"""

from __future__ import annotations

from duckdb_kql.types import kusto_type

KQL_TO_DUCKDB: dict[str, str] = {
    "string": "VARCHAR",
    "int": "INTEGER",
    "long": "BIGINT",
    "real": "DOUBLE",
    "bool": "BOOLEAN",
    "datetime": "TIMESTAMP",
    "timespan": "INTERVAL",
    "guid": "UUID",
    "dynamic": "JSON",
}

# Spellings seen in raw Sentinel schema files; the catalog normalizes them, but
# a hand-built catalog in a test or a custom table may not have been.
_ALIASES: dict[str, str] = {
    "integer": "int",
    "int32": "int",
    "bigint": "long",
    "int64": "long",
    "double": "real",
    "float": "real",
    "decimal": "real",
    "boolean": "bool",
    "sbyte": "bool",
    "date": "datetime",
    "time": "timespan",
    "uuid": "guid",
    "object": "dynamic",
    "uri": "string",
}


def normalize_kql_type(name: str) -> str:
    """`BigInt`, `Float`, `DateTime` -> long, real, datetime; unknown names -> string."""
    lowered = name.strip().lower()
    lowered = _ALIASES.get(lowered, lowered)
    return lowered if lowered in KQL_TO_DUCKDB else "string"


def duckdb_type(kql: str) -> str:
    return KQL_TO_DUCKDB[normalize_kql_type(kql)]


def kql_type_of(duckdb_type_name: str) -> str:
    """The KQL type a result column of this DuckDB type reports as."""
    kind = kusto_type(duckdb_type_name)
    # Kusto's decimal is folded into real throughout the catalog, so the result
    # schema follows suit rather than naming a type nothing else here knows.
    return "real" if kind == "decimal" else kind

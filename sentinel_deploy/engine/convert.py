"""SQL that turns source values into a catalog column's type.

Every conversion is a TRY_ form: a value that does not convert becomes NULL,
and `failed()` compares source against result to tell a real NULL from a
conversion failure. That keeps loading one vectorized pass in DuckDB instead
of a Python loop, and still lets the loader name the first bad cell.
"""

from __future__ import annotations

from sentinel_deploy.engine.types import KQL_TO_DUCKDB, normalize_kql_type

#: Portal exports write `10/25/2023, 9:43:21.990 AM`; the variants cover
#: exports without milliseconds or without the comma.
PORTAL_FORMATS = (
    "%m/%d/%Y, %I:%M:%S.%g %p",
    "%m/%d/%Y, %I:%M:%S.%f %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M:%S.%g %p",
    "%m/%d/%Y %I:%M:%S %p",
)

#: Kusto's own timespan text: [-][d.]hh:mm:ss[.fffffff].
_TIMESPAN_RE = r"^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$"


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def macros_sql(schema: str) -> list[str]:
    """Helper macros, created once per connection so the per-file SQL stays short."""
    formats = "[" + ", ".join(quote_literal(f) for f in PORTAL_FORMATS) + "]"
    parts = f"regexp_extract(x, '{_TIMESPAN_RE}', ['sign', 'd', 'h', 'm', 's'])"
    return [
        f"CREATE SCHEMA IF NOT EXISTS {schema}",
        # Empty and literal `null` cells are absent values in every typed column.
        f"CREATE OR REPLACE MACRO {schema}.absent(x) AS "
        "CASE WHEN trim(x) = '' OR lower(trim(x)) = 'null' THEN NULL ELSE trim(x) END",
        # ISO 8601 first (machine-written files), then the portal's US format,
        # then bare integers as epoch milliseconds (how CEF writes rt=).
        f"CREATE OR REPLACE MACRO {schema}.to_datetime(x) AS COALESCE("
        "TRY_CAST(TRY_CAST(x AS TIMESTAMPTZ) AS TIMESTAMP), "
        f"try_strptime(x, {formats}), "
        "CASE WHEN regexp_full_match(x, '-?[0-9]{1,15}') "
        "THEN epoch_ms(CAST(x AS BIGINT)) END)",
        f"CREATE OR REPLACE MACRO {schema}.to_timespan_parts(p) AS "
        "CASE WHEN p.h = '' THEN NULL ELSE "
        "to_microseconds(CAST(round((COALESCE(TRY_CAST(p.d AS BIGINT), 0) * 86400 "
        "+ CAST(p.h AS BIGINT) * 3600 + CAST(p.m AS BIGINT) * 60 "
        "+ CAST(p.s AS DOUBLE)) * 1000000) AS BIGINT) "
        "* CASE WHEN p.sign = '-' THEN -1 ELSE 1 END) END",
        f"CREATE OR REPLACE MACRO {schema}.to_timespan(x) AS COALESCE("
        f"{schema}.to_timespan_parts({parts}), TRY_CAST(x AS INTERVAL))",
        # Kusto's bool parser takes true/false/1/0 only; DuckDB would also take
        # yes/no/t/f, which would hide a wrongly mapped column.
        f"CREATE OR REPLACE MACRO {schema}.to_bool(x) AS CASE lower(x) "
        "WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE "
        "WHEN '1' THEN TRUE WHEN '0' THEN FALSE END",
        # Like Kusto ingestion: text that parses as JSON becomes that value,
        # anything else is kept as a JSON string.
        f"CREATE OR REPLACE MACRO {schema}.to_dynamic(x) AS "
        "CASE WHEN json_valid(x) THEN CAST(x AS JSON) ELSE to_json(x) END",
    ]


def from_text(expr: str, kql_type: str, schema: str) -> tuple[str, str]:
    """(converted, normalized-source) SQL for a VARCHAR source expression.

    The normalized source is what `failed()` tests for presence: a value that
    was present there and is NULL after conversion did not convert.
    """
    kind = normalize_kql_type(kql_type)
    if kind == "string":
        # Kusto strings are never null, only empty; `null` text is kept as text
        # because a string column cannot tell it from a real value.
        return f"COALESCE({expr}, '')", "NULL"
    if kind == "dynamic":
        # Not trimmed: whitespace inside a JSON string value is data.
        src = f"CASE WHEN {expr} = '' OR {expr} = 'null' THEN NULL ELSE {expr} END"
        return f"{schema}.to_dynamic({src})", src
    src = f"{schema}.absent({expr})"
    if kind == "datetime":
        return f"{schema}.to_datetime({src})", src
    if kind == "timespan":
        return f"{schema}.to_timespan({src})", src
    if kind == "bool":
        return f"{schema}.to_bool({src})", src
    return f"TRY_CAST({src} AS {KQL_TO_DUCKDB[kind]})", src


def from_typed(expr: str, source_type: str, kql_type: str, schema: str) -> tuple[str, str]:
    """Like `from_text` for a column that already has a DuckDB type (Parquet)."""
    upper = source_type.upper()
    if upper == "VARCHAR":
        return from_text(expr, kql_type, schema)
    kind = normalize_kql_type(kql_type)
    target = KQL_TO_DUCKDB[kind]
    if upper == target:
        return expr, "NULL"
    if kind == "string":
        return f"COALESCE(CAST({expr} AS VARCHAR), '')", "NULL"
    if kind == "dynamic":
        return f"CAST(to_json({expr}) AS JSON)", "NULL"
    if kind == "datetime" and ("INT" in upper):
        return f"epoch_ms(CAST({expr} AS BIGINT))", "NULL"
    if kind == "datetime" and upper.startswith("TIMESTAMP"):
        return f"CAST({expr} AS TIMESTAMP)", "NULL"
    return f"TRY_CAST({expr} AS {target})", expr


def failed(converted: str, source: str) -> str | None:
    """A predicate true where a present value did not convert, or None if none can fail."""
    if source == "NULL":
        return None
    return f"(({source}) IS NOT NULL AND ({converted}) IS NULL)"

"""Reading one data file into a relation DuckDB can select from.

CSV and JSON are staged as text (every cell VARCHAR) so that conversion to the
catalog's types is ours, not the reader's guess: DuckDB's sniffer would read
`10/25/2023, 9:43:21.990 AM` as text and `00000000-…` as a UUID in one file and
text in another. Parquet already carries types and is read in place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from duckdb import DuckDBPyConnection
from duckdb import Error as DuckDBError

from sentinel_deploy.engine.convert import quote_ident, quote_literal
from sentinel_deploy.engine.naming import clean_header
from sentinel_deploy.objects.diagnostics import UserError

STAGE = "sd_stage"


@dataclass(slots=True)
class SourceColumn:
    raw: str  # as the file names it
    name: str  # with the portal's zone suffix stripped
    duckdb_type: str


@dataclass(slots=True)
class Source:
    path: Path
    kind: str
    relation: str  # a FROM-able SQL expression
    row: str  # 0-based record index within the file
    columns: list[SourceColumn] = field(default_factory=list)
    rows: int = 0

    def column(self, name: str) -> SourceColumn | None:
        return next((c for c in self.columns if c.name == name), None)


def open_source(con: DuckDBPyConnection, path: Path, kind: str) -> Source:
    try:
        if kind == "csv":
            return _csv(con, path)
        if kind == "json":
            return _json(con, path)
        return _parquet(con, path)
    except DuckDBError as exc:
        raise UserError(
            f"cannot read {kind.upper()} data: {_first_line(exc)}",
            file=path,
            hint="check the file is valid; the loader reads CSV with a header row, "
            "JSON arrays or JSON lines of objects, and Parquet",
        ) from None


def close_source(con: DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS temp.{STAGE}")


def _describe(con: DuckDBPyConnection, relation: str, skip: set[str]) -> list[SourceColumn]:
    described = con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    out = [SourceColumn(r[0], clean_header(r[0]), str(r[1])) for r in described]
    return [c for c in out if c.raw not in skip]


def _count(con: DuckDBPyConnection, relation: str) -> int:
    row = con.execute(f"SELECT count(*) FROM {relation}").fetchone()
    return int(row[0]) if row else 0


def _csv(con: DuckDBPyConnection, path: Path) -> Source:
    # all_varchar: conversion is done against the catalog, not sniffed;
    # max_line_size: an exported `EventData` XML cell can be large.
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT * FROM read_csv("
        f"{quote_literal(str(path))}, header = true, all_varchar = true, "
        "delim = ',', quote = '\"', escape = '\"', max_line_size = 16777216)"
    )
    # rowid is insertion order, which DuckDB preserves for a file scan.
    relation = f"(SELECT *, rowid AS sd_row FROM temp.{STAGE})"
    source = Source(path, "csv", relation, "sd_row")
    source.columns = _describe(con, relation, {"sd_row"})
    source.rows = _count(con, relation)
    return source


def _json(con: DuckDBPyConnection, path: Path) -> Source:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    fmt = "array" if head.startswith(b"[") else "auto"
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {STAGE} AS SELECT json AS j FROM read_json_objects("
        f"{quote_literal(str(path))}, format = {quote_literal(fmt)})"
    )
    bad = con.execute(
        f"SELECT count(*) FROM temp.{STAGE} WHERE json_type(j) <> 'OBJECT'"
    ).fetchone()
    if bad and bad[0]:
        raise UserError(
            f"{bad[0]} JSON record(s) are not objects",
            file=path,
            hint="a JSON data file is an array of objects or one object per line",
        )
    # Keys in order of first appearance, so unknown columns append in file order.
    keys = [
        r[0]
        for r in con.execute(
            f"SELECT k FROM (SELECT rowid AS r, unnest(json_keys(j)) AS k, "
            f"generate_subscripts(json_keys(j), 1) AS p FROM temp.{STAGE}) "
            "GROUP BY k ORDER BY min(r), min(p)"
        ).fetchall()
    ]
    # json_extract_string gives text for scalars and JSON text for objects and
    # arrays, so every column then converts the same way a CSV cell does.
    selects = ", ".join(
        f"json_extract_string(j, {quote_literal(_json_path(k))}) AS {quote_ident(k)}"
        for k in keys
    )
    relation = f"(SELECT {selects}{', ' if selects else ''}rowid AS sd_row FROM temp.{STAGE})"
    source = Source(path, "json", relation, "sd_row")
    source.columns = [SourceColumn(k, clean_header(k), "VARCHAR") for k in keys]
    source.rows = _count(con, f"temp.{STAGE}")
    return source


def _json_path(key: str) -> str:
    return '$."' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _parquet(con: DuckDBPyConnection, path: Path) -> Source:
    relation = f"read_parquet({quote_literal(str(path))}, file_row_number = true)"
    source = Source(path, "parquet", relation, "file_row_number")
    source.columns = _describe(con, relation, {"file_row_number"})
    meta = con.execute(
        f"SELECT sum(num_rows) FROM parquet_file_metadata({quote_literal(str(path))})"
    ).fetchone()
    source.rows = int(meta[0]) if meta and meta[0] is not None else 0
    return source


def _first_line(exc: Exception) -> str:
    # DuckDB's CSV errors put the cause on the second line, after "CSV Error on Line: N".
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return " ".join(lines[:2]) if lines else type(exc).__name__


def relation_columns(source: Source) -> str:
    return ", ".join(quote_ident(c.raw) for c in source.columns)

"""Loading data files into a workspace's tables, typed by the catalog.

Which table a file feeds: the part of its name before `__` when that names a
catalog table (`SecurityEvent__demo.json`), else each row's `Type` column
(`DeviceProcessEvents_M365_Linux.csv` carries Type = DeviceProcessEvents),
else the file name as a table the catalog does not know (reported).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.engine.convert import (
    failed,
    from_typed,
    quote_ident,
    quote_literal,
)
from sentinel_deploy.engine.lines import record_line
from sentinel_deploy.engine.naming import file_kind, table_from_filename
from sentinel_deploy.engine.sources import Source, close_source, open_source
from sentinel_deploy.engine.tables import TableStore
from sentinel_deploy.engine.types import kql_type_of
from sentinel_deploy.objects.diagnostics import Diagnostic, Severity, UserError

MACRO_SCHEMA = "sd_load"


@dataclass(slots=True)
class _Target:
    raw: str  # the source column's name in the file
    column: Column
    expr: str
    check: str | None


def data_files(folder: Path) -> list[Path]:
    """The data files directly in *folder*, in name order (watchlists/ is separate)."""
    if not folder.exists():
        raise UserError(
            f"data folder {folder} does not exist",
            hint="create it and put data files in it (TableName.csv, TableName__part.json, "
            "*.parquet), or point the command at the folder that has them",
        )
    if not folder.is_dir():
        raise UserError(f"{folder} is not a folder", hint="pass the folder holding data files")
    files = sorted(p for p in folder.iterdir() if p.is_file() and file_kind(p))
    return files


def load_file(store: TableStore, path: Path, *, lenient: bool) -> list[Diagnostic]:
    kind = file_kind(path)
    if kind is None:
        raise UserError(f"unsupported data file type {path.suffix!r}", file=path,
                        hint="use .csv, .json, .jsonl or .parquet")
    source = open_source(store.con, path, kind)
    try:
        warnings: list[Diagnostic] = []
        _refuse_duplicate_headers(source)
        for table, where in _routes(store, source, warnings):
            warnings += _load_into(store, source, table, where, lenient=lenient)
        return warnings
    finally:
        close_source(store.con)


def _refuse_duplicate_headers(source: Source) -> None:
    seen: dict[str, str] = {}
    for col in source.columns:
        key = col.name.lower()
        if key in seen:
            raise UserError(
                f"columns {seen[key]!r} and {col.raw!r} both name column {col.name!r}",
                file=source.path,
                hint="keep one of them; the [UTC]/[Local Time] suffix is dropped when reading",
            )
        seen[key] = col.raw


def _routes(
    store: TableStore, source: Source, warnings: list[Diagnostic]
) -> list[tuple[str, str | None]]:
    """(table, row filter) pairs for this file."""
    by_name = table_from_filename(source.path)
    if store.declared(by_name) is not None or store.has(by_name):
        return [(by_name, None)]
    type_col = source.column("Type")
    if type_col is not None and source.rows:
        col = quote_ident(type_col.raw)
        values = [
            r[0]
            for r in store.con.execute(
                f"SELECT DISTINCT {col} FROM {source.relation} ORDER BY 1 NULLS LAST"
            ).fetchall()
        ]
        if any(v is None or str(v).strip() == "" for v in values):
            raise UserError(
                f"some rows have no Type, and {by_name!r} (from the file name) is not a "
                "known table",
                file=source.path,
                hint="name the file after its table (TableName__anything.csv) or fill Type",
            )
        return [(str(v), f"{col} = {quote_literal(str(v))}") for v in values]
    if store.catalog.tables:
        warnings.append(_warning(
            "LOCAL_UNKNOWN_TABLE",
            f"table {by_name!r} is not in the catalog; its columns are typed from the file",
            source.path,
        ))
    return [(by_name, None)]


def _load_into(
    store: TableStore, source: Source, table: str, where: str | None, *, lenient: bool
) -> list[Diagnostic]:
    warnings: list[Diagnostic] = []
    if not store.has(table):
        if store.declared(table) is not None:
            store.create_from_catalog(table)
        else:
            store.create(table, [_guess_column(c.name, c.duckdb_type) for c in source.columns])
            if store.catalog.tables and where is not None:
                warnings.append(_warning(
                    "LOCAL_UNKNOWN_TABLE",
                    f"table {table!r} (from the Type column) is not in the catalog; its "
                    "columns are typed from the file",
                    source.path,
                ))
    targets: list[_Target] = []
    unknown: list[str] = []
    for col in source.columns:
        target = store.find(table, col.name)
        if target is None:
            target = _guess_column(col.name, col.duckdb_type)
            store.add_column(table, target)
            unknown.append(col.name)
        elif target.name != col.name:
            warnings.append(_warning(
                "LOCAL_COLUMN_CASE",
                f"column {col.name!r} read as {table}.{target.name} (names differ in case)",
                source.path,
            ))
        expr, src = from_typed(quote_ident(col.raw), col.duckdb_type, target.type, MACRO_SCHEMA)
        if target.name == "Type" and target.type == "string" and table not in store.backing:
            expr = f"COALESCE(NULLIF({expr}, ''), {quote_literal(table)})"
        targets.append(_Target(col.raw, target, expr, failed(expr, src)))
    if unknown:
        warnings.append(_warning(
            "LOCAL_UNKNOWN_COLUMN",
            f"{len(unknown)} column(s) not in the catalog's {table} were kept as extra "
            f"columns: {', '.join(unknown)}",
            source.path,
        ))
    warnings += _check_values(store, source, table, where, targets, lenient=lenient)
    if targets:
        names = ", ".join(quote_ident(t.column.name) for t in targets)
        exprs = ", ".join(t.expr for t in targets)
        filt = f" WHERE {where}" if where else ""
        store.con.execute(
            f"INSERT INTO main.{quote_ident(table)} ({names}) "
            f"SELECT {exprs} FROM {source.relation}{filt}"
        )
    return warnings


def _guess_column(name: str, duckdb_type: str) -> Column:
    """A column for a table or column the catalog does not declare."""
    if name == "TimeGenerated":
        # Without it the table could not take part in time-window filtering.
        return Column(name, "datetime")
    return Column(name, kql_type_of(duckdb_type))


def _check_values(
    store: TableStore,
    source: Source,
    table: str,
    where: str | None,
    targets: list[_Target],
    *,
    lenient: bool,
) -> list[Diagnostic]:
    checked = [t for t in targets if t.check]
    if not checked:
        return []
    aggs = ", ".join(
        f"count(*) FILTER (WHERE {t.check}), min({source.row}) FILTER (WHERE {t.check})"
        for t in checked
    )
    filt = f" WHERE {where}" if where else ""
    row = store.con.execute(f"SELECT {aggs} FROM {source.relation}{filt}").fetchone()
    assert row is not None
    problems = [
        (int(row[2 * i + 1]), int(row[2 * i]), t)
        for i, t in enumerate(checked)
        if row[2 * i]
    ]
    problems.sort(key=lambda p: p[0])
    warnings: list[Diagnostic] = []
    for index, count, target in problems:
        value = store.con.execute(
            f"SELECT {quote_ident(target.raw)} FROM {source.relation} WHERE {source.row} = ?",
            [index],
        ).fetchone()
        shown = value[0] if value else None
        line = record_line(source.path, source.kind, index)
        where_txt = f"line {line}" if line is not None else f"row {index + 1}"
        message = (
            f"column {target.raw!r}: {shown!r} is not a valid {target.column.type} "
            f"({count} such value(s) in this file for {table}.{target.column.name}, "
            f"first at {where_txt})"
        )
        if not lenient:
            raise UserError(
                message,
                file=source.path,
                line=line,
                hint="fix the value, or load leniently to read such values as null "
                "with a warning",
            )
        warnings.append(Diagnostic(
            code="LOCAL_BAD_VALUE",
            message=message + "; read as null",
            file=source.path,
            line=line,
            field=target.column.name,
            severity=Severity.WARNING,
        ))
    return warnings


def _warning(code: str, message: str, path: Path) -> Diagnostic:
    return Diagnostic(code=code, message=message, file=path, severity=Severity.WARNING)

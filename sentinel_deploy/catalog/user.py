"""The user's schema files: tables, functions and watchlists the built-in catalog lacks.

Format (YAML, one or more files, usually under `schemas/`; see docs/catalog.md):

    tables:
      MyApp_CL: {TimeGenerated: datetime, UserName: string, Bytes: long}
    addColumns:                  # to a packaged table, when the workspace's schema is newer
      SigninLogs: {AutonomousSystemNumber: int}
    functions:
      MyParser:
        parameters: [{name: since, type: timespan, default: "1d"}]   # or "since:timespan=1d"
        columns: {TimeGenerated: datetime, User: string}
        body: "MyApp_CL | where TimeGenerated > ago(since) | project TimeGenerated, User=UserName"
    watchlists:
      VIPUsers: {file: watchlists/vip.csv, searchKey: UserPrincipalName}

Every mistake is a UserError that names the file, the line and the fix.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentinel_deploy.catalog.model import Column, FunctionSchema, Parameter, TableSchema, Watchlist
from sentinel_deploy.catalog.types import kql_type
from sentinel_deploy.input.yaml_source import SourceMap, decode_source, load_yaml_with_positions
from sentinel_deploy.objects.diagnostics import UserError

SCHEMA_SUFFIXES = (".yaml", ".yml")
_SECTIONS = ("tables", "addColumns", "functions", "watchlists")
_FUNCTION_KEYS = ("parameters", "columns", "body")
_WATCHLIST_KEYS = ("columns", "file", "searchKey")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# `name:type` or `name:type=default`, as in a KQL function declaration.
_PARAMETER_TEXT = re.compile(
    r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*([A-Za-z./]+)\s*(?:=\s*(.+?))?\s*$")
_DOCS = "see docs/catalog.md"


@dataclass(slots=True)
class UserSchemas:
    tables: dict[str, TableSchema] = field(default_factory=dict)
    functions: dict[str, FunctionSchema] = field(default_factory=dict)
    watchlists: dict[str, Watchlist] = field(default_factory=dict)
    # Columns for tables declared elsewhere (the packaged catalog, usually): a
    # workspace's schema is newer than the catalog's, and redeclaring a table
    # of 80 columns to add one would copy 79 that then never get updates.
    added_columns: list[AddedColumns] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class AddedColumns:
    table: str
    columns: tuple[Column, ...]
    file: Path
    line: int | None


def schema_files(paths: Iterable[Path]) -> Iterator[Path]:
    """YAML files named directly, and those under named folders (sorted, recursive).

    A missing folder is no error (projects without custom schemas keep the
    default `schemas/` setting); a missing file named explicitly is.
    """
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.suffix in SCHEMA_SUFFIXES
                              and p.is_file())
        elif path.is_file():
            yield path
        elif path.suffix in SCHEMA_SUFFIXES:
            raise UserError("schema file not found", file=path,
                            hint="fix the path in the project's `schemas` setting")


def load_user_schemas(paths: Iterable[Path]) -> UserSchemas:
    out = UserSchemas()
    declared: dict[str, str] = {}  # name -> "file:line", across kinds and files
    for file in schema_files(paths):
        _SchemaFile(file).load_into(out, declared)
    return out


class _SchemaFile:
    def __init__(self, file: Path) -> None:
        self.file = file
        self.smap = SourceMap()

    def fail(self, message: str, path: str, hint: str) -> UserError:
        return UserError(message, hint=hint, file=self.file, line=self.smap.line_of(path))

    def where(self, path: str) -> str:
        line = self.smap.line_of(path)
        return f"{self.file}:{line}" if line else str(self.file)

    def load_into(self, out: UserSchemas, declared: dict[str, str]) -> None:
        try:
            raw = self.file.read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read schema file: {exc.strerror}", file=self.file) from None
        data, self.smap = load_yaml_with_positions(decode_source(raw, self.file), self.file)
        if data is None:
            return
        if not isinstance(data, dict):
            raise UserError("a schema file must be a mapping with `tables`, `functions` "
                            "or `watchlists`", file=self.file, line=1, hint=_DOCS)
        for key in data:
            if key not in _SECTIONS:
                raise self.fail(f"unknown section {key!r}", key,
                                f"use one of {', '.join(_SECTIONS)}; {_DOCS}")
        for name, spec in self._section(data, "tables"):
            self._declare(name, "tables", declared)
            out.tables[name] = TableSchema(
                name, self._columns(spec, f"tables.{name}", required=True),
                self.where(f"tables.{name}"))
        for name, spec in self._section(data, "addColumns"):
            out.added_columns.append(AddedColumns(
                name, self._columns(spec, f"addColumns.{name}", required=True), self.file,
                self.smap.line_of(f"addColumns.{name}")))
        for name, spec in self._section(data, "functions"):
            self._declare(name, "functions", declared)
            out.functions[name] = self._function(name, spec)
        for alias, spec in self._section(data, "watchlists", identifiers=False):
            key = f"watchlist {alias}"  # aliases live apart from table/function names
            self._declare(alias, "watchlists", declared, key=key)
            out.watchlists[alias] = self._watchlist(alias, spec)

    def _section(self, data: dict[str, Any], section: str,
                 identifiers: bool = True) -> Iterator[tuple[str, Any]]:
        body = data.get(section)
        if body is None:
            return
        if not isinstance(body, dict):
            raise self.fail(f"`{section}` must be a mapping of names to definitions", section,
                            _DOCS)
        for name, spec in body.items():
            if not name.strip():
                raise self.fail("empty name", f"{section}.{name}", _DOCS)
            if identifiers and not _IDENTIFIER.match(name):
                raise self.fail(f"{name!r} is not a valid KQL name", f"{section}.{name}",
                                "use letters, digits and underscores, not starting with a digit")
            yield name, spec

    def _declare(self, name: str, section: str, declared: dict[str, str],
                 key: str | None = None) -> None:
        key = key or name
        here = self.where(f"{section}.{name}")
        if key in declared:
            raise self.fail(f"{name!r} is already declared at {declared[key]}",
                            f"{section}.{name}", "keep one declaration")
        declared[key] = here

    def _type(self, value: Any, path: str) -> str:
        try:
            return kql_type(value)
        except ValueError as exc:
            raise self.fail(str(exc), path, "use a KQL type name such as string or datetime"
                            ) from None

    def _columns(self, spec: Any, path: str, required: bool) -> tuple[Column, ...]:
        if spec is None and not required:
            return ()
        if not isinstance(spec, dict) or (required and not spec):
            raise self.fail("columns must be a non-empty mapping of column name to type", path,
                            "write e.g. `{TimeGenerated: datetime, Computer: string}`")
        return tuple(Column(str(name), self._type(typ, f"{path}.{name}"))
                     for name, typ in spec.items())

    def _function(self, name: str, spec: Any) -> FunctionSchema:
        path = f"functions.{name}"
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise self.fail("a function must be a mapping with parameters, columns and body",
                            path, _DOCS)
        for key in spec:
            if key not in _FUNCTION_KEYS:
                raise self.fail(f"unknown function field {key!r}", f"{path}.{key}",
                                f"use {', '.join(_FUNCTION_KEYS)}")
        body = spec.get("body")
        if body is not None and not isinstance(body, str):
            raise self.fail("`body` must be KQL text", f"{path}.body",
                            "write the function body as a YAML string (e.g. a `|` block)")
        params_spec = spec.get("parameters") or []
        if not isinstance(params_spec, list):
            raise self.fail("`parameters` must be a list", f"{path}.parameters", _DOCS)
        params = tuple(self._parameter(p, f"{path}.parameters[{i}]")
                       for i, p in enumerate(params_spec))
        names = [p.name for p in params]
        if len(set(names)) != len(names):
            raise self.fail("duplicate parameter name", f"{path}.parameters",
                            "give each parameter its own name")
        columns = self._columns(spec.get("columns"), f"{path}.columns", required=False)
        if body is None and not columns:
            raise self.fail(f"function {name!r} has neither columns nor body", path,
                            "declare its result `columns`, its KQL `body`, or both")
        return FunctionSchema(name, params, columns, body, self.where(path))

    def _parameter(self, spec: Any, path: str) -> Parameter:
        if isinstance(spec, str):
            match = _PARAMETER_TEXT.match(spec)
            if not match:
                raise self.fail(f"cannot read parameter {spec!r}", path,
                                "write `name:type` or `name:type=default`")
            pname, typ, default = match.groups()
            return Parameter(pname, self._type(typ, path), default)
        if not isinstance(spec, dict) or "name" not in spec or "type" not in spec:
            raise self.fail("a parameter needs `name` and `type`", path,
                            "write `{name: since, type: timespan, default: 1d}` "
                            "or `since:timespan=1d`")
        extra = set(spec) - {"name", "type", "default"}
        if extra:
            raise self.fail(f"unknown parameter field {sorted(extra)[0]!r}", path,
                            "use name, type and default")
        pname = str(spec["name"])
        if not _IDENTIFIER.match(pname):
            raise self.fail(f"{pname!r} is not a valid parameter name", path,
                            "use letters, digits and underscores")
        default = spec.get("default")
        if default is not None:
            # YAML reads `default: 5` as an int; the catalog keeps KQL literal text.
            default = str(default).lower() if isinstance(default, bool) else str(default)
        return Parameter(pname, self._type(spec["type"], f"{path}.type"), default)

    def _watchlist(self, alias: str, spec: Any) -> Watchlist:
        path = f"watchlists.{alias}"
        if spec is None:
            spec = {}
        if not isinstance(spec, dict):
            raise self.fail("a watchlist must be a mapping with columns and/or file", path,
                            _DOCS)
        for key in spec:
            if key not in _WATCHLIST_KEYS:
                raise self.fail(f"unknown watchlist field {key!r}", f"{path}.{key}",
                                f"use {', '.join(_WATCHLIST_KEYS)}")
        csv_file: Path | None = None
        if spec.get("file") is not None:
            csv_file = (self.file.parent / str(spec["file"]))
            if not csv_file.is_file():
                raise self.fail(f"watchlist file {csv_file} not found", f"{path}.file",
                                "give the CSV path relative to this schema file")
        columns = self._columns(spec.get("columns"), f"{path}.columns", required=False)
        if not columns and csv_file is not None:
            # Watchlist values are uploaded as text, so header-only columns are strings.
            columns = tuple(Column(name, "string") for name in self._csv_header(csv_file, path))
        search_key = spec.get("searchKey")
        if search_key is not None and search_key not in {c.name for c in columns}:
            raise self.fail(f"searchKey {search_key!r} is not one of the watchlist's columns",
                            f"{path}.searchKey", "name a column of the watchlist")
        return Watchlist(alias, columns, csv_file, search_key, self.where(path))

    def _csv_header(self, csv_file: Path, path: str) -> list[str]:
        try:
            with csv_file.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise self.fail(f"cannot read watchlist file {csv_file}: {exc}", f"{path}.file",
                            "save it as UTF-8 CSV with a header row") from None
        names = [h.strip() for h in header]
        if not names or any(not n for n in names):
            raise self.fail(f"watchlist file {csv_file} has no usable header row",
                            f"{path}.file", "the first row must name every column")
        return names

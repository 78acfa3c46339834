"""The packaged catalog's JSON layout, written by scripts/build_catalog.py and read at run time.

Layout: `{"header": {...}, "tables": {name: {"source", "columns"}},
"functions": {name: {"source", "parameters", "columns"[, "body"]}}}` with
columns as `[name, type]` pairs (in schema order, which `project *` and
`datatable` preserve) and parameters as `[name, type, default-literal-or-null]`.
One column per line keeps diffs of a regenerated file readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sentinel_deploy.catalog.model import Catalog, Column, FunctionSchema, Parameter, TableSchema

FORMAT_VERSION = 1


def _j(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _rows(key: str, rows: Iterable[list[Any]], indent: str) -> str:
    items = [f"{indent}  {_j(r)}" for r in rows]
    if not items:
        return f'{indent}"{key}": []'
    return f'{indent}"{key}": [\n' + ",\n".join(items) + f"\n{indent}]"


def _entry(name: str, fields: list[str]) -> str:
    return f"    {_j(name)}: {{\n" + ",\n".join(fields) + "\n    }"


def _section(key: str, entries: list[str]) -> str:
    if not entries:
        return f'  "{key}": {{}}'
    return f'  "{key}": {{\n' + ",\n".join(entries) + "\n  }"


def dumps_catalog(header: Mapping[str, Any], catalog: Catalog) -> str:
    """Deterministic text: names sorted, columns in schema order, LF line ends."""
    ind = "      "
    tables = []
    for name in sorted(catalog.tables):
        t = catalog.tables[name]
        fields = [f'{ind}"source": {_j(t.source)}',
                  _rows("columns", ([c.name, c.type] for c in t.columns), ind)]
        tables.append(_entry(name, fields))
    functions = []
    for name in sorted(catalog.functions):
        f = catalog.functions[name]
        fields = [f'{ind}"source": {_j(f.source)}',
                  _rows("parameters", ([p.name, p.type, p.default] for p in f.parameters), ind),
                  _rows("columns", ([c.name, c.type] for c in f.columns), ind)]
        if f.body is not None:
            fields.append(f'{ind}"body": {_j(f.body)}')
        functions.append(_entry(name, fields))
    header_text = json.dumps(dict(header), ensure_ascii=False, sort_keys=True, indent=2)
    header_text = header_text.replace("\n", "\n  ")
    return ("{\n"
            f'  "header": {header_text},\n'
            + _section("tables", tables) + ",\n"
            + _section("functions", functions) + "\n}\n")


def _columns(rows: Iterable[list[str]]) -> tuple[Column, ...]:
    return tuple(Column(name, typ) for name, typ in rows)


def catalog_from_json(data: Mapping[str, Any]) -> Catalog:
    version = data.get("header", {}).get("format")
    if version != FORMAT_VERSION:
        raise ValueError(f"catalog format {version!r}, expected {FORMAT_VERSION}")
    tables = {
        name: TableSchema(name, _columns(t["columns"]), t.get("source", ""))
        for name, t in data["tables"].items()
    }
    functions = {
        name: FunctionSchema(
            name,
            tuple(Parameter(p, typ, default) for p, typ, default in f.get("parameters", ())),
            _columns(f.get("columns", ())),
            f.get("body"),
            f.get("source", ""),
        )
        for name, f in data["functions"].items()
    }
    return Catalog(tables=tables, functions=functions)

#!/usr/bin/env python3
"""Regenerate sentinel_deploy/data/catalog.json from the raw schema dumps.

    python scripts/build_catalog.py [RAW_DIR] [--output FILE]

RAW_DIR defaults to ../shared/schemas/raw next to the project root and holds
the Azure-Sentinel repository's KQL validation data: `builtin-2022/` (the
validation package's embedded table and function schemas, in several JSON
shapes), `custom-tables-2022/`, `custom-functions-2022/` and `current/` (newer
schemas that win over the 2022 ones). The output is byte-for-byte
deterministic so a regenerated file diffs cleanly against the committed one.

The raw data has known defects (trailing commas, typos in names, CSV-export
column headers, wrong parameter types); each fix below is explicit and is
listed in the output's header, and anything unexpected stops the script.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from sentinel_deploy.catalog.jsonfile import FORMAT_VERSION, dumps_catalog  # noqa: E402
from sentinel_deploy.catalog.model import (  # noqa: E402
    GET_WATCHLIST,
    Catalog,
    Column,
    FunctionSchema,
    Parameter,
    TableSchema,
)
from sentinel_deploy.catalog.types import kql_type  # noqa: E402

DEFAULT_RAW = ROOT.parent / "shared" / "schemas" / "raw"
DEFAULT_OUTPUT = ROOT / "sentinel_deploy" / "data" / "catalog.json"

# Lowest precedence first: a later folder's entry replaces an earlier one of the same name.
TIERS = ("custom-tables-2022", "custom-functions-2022", "builtin-2022", "current")

ORIGIN = (
    "Azure-Sentinel repository KQL validation data, 2022 (the validation package's embedded "
    "built-in table and function schemas; .script/tests/KqlvalidationsTests custom tables and "
    "functions) plus the current versions of DeviceProcessEvents, Syslog and CommonSecurityLog "
    "from the same folder"
)

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# ASIM parser names. The validation data lists some as tables because its checker
# only needed their result shape; to KQL they are functions. ASim*Logs are real
# ingestion-time tables (e.g. ASimDnsActivityLogs), not parsers.
_ASIM_PARSER = re.compile(r"^(im[A-Z]|_Im_|_ASim_|_ASIM_|ASim(?!.*Logs$))")
# Columns exported from the portal to CSV carry a unit: "TimeGenerated [UTC]".
_CSV_UNIT = re.compile(r"\s*\[UTC\]$")

# Typos in the raw `Name` fields; the file names and real parsers are spelled right.
NAME_FIXES = {"imProcessTermiante": "imProcessTerminate"}

# The raw imDns/_Im_Dns schemas type every parameter `datetime`. These are the
# real parser signatures (ASIM DNS parser, 2022), so calls like
# `_Im_Dns(domain_has_any=list)` type-check.
_DNS_PARAMETERS = {
    "srcipaddr": ("string", "'*'"),
    "domain_has_any": ("dynamic", "dynamic([])"),
    "responsecodename": ("string", "'*'"),
    "response_has_ipv4": ("string", "'*'"),
    "response_has_any_prefix": ("dynamic", "dynamic([])"),
    "eventtype": ("string", "'Query'"),
}
PARAMETER_FIXES: dict[str, dict[str, tuple[str, str]]] = {
    "imDns": _DNS_PARAMETERS,
    "_Im_Dns": _DNS_PARAMETERS,
}

# ASIM's convention for optional filter parameters: "no filter" defaults. The raw
# data has only IsRequired, so the default literal follows from the type.
DEFAULT_BY_TYPE = {
    "datetime": "datetime(null)",
    "dynamic": "dynamic([])",
    "string": "'*'",
    "int": "int(null)",
    "long": "long(null)",
    "real": "real(null)",
    "bool": "false",
    "timespan": "timespan(null)",
    "guid": "guid(null)",
}

# Every Log Analytics table has these, with these types; some raw schemas omit
# them (CSV exports, parser outputs), and a union's `Type` or the rule window's
# TimeGenerated must resolve.
IMPLICIT_COLUMNS = (Column("TimeGenerated", "datetime"), Column("Type", "string"))

# The other standard columns of "Standard columns in Azure Monitor Logs"
# (learn.microsoft.com/azure/azure-monitor/logs/log-standard-columns). Most are
# hidden: not in the schema view nor in the exported schemas this catalog is
# built from, yet queryable on every workspace table (rules use `_ResourceId`
# on AzureActivity, SecurityEvent, W3CIISLog...). SourceSystem is not among
# them: many tables have it, not all, so it stays per table. A table that
# declares one of these keeps its own declaration (TenantId is a guid in some).
STANDARD_COLUMNS = (
    Column("TenantId", "string"),
    Column("_TimeReceived", "datetime"),
    Column("_ItemId", "string"),
    Column("_ResourceId", "string"),
    Column("_SubscriptionId", "string"),
    Column("_IsBillable", "string"),
    Column("_BilledSize", "real"),
)
CUSTOM_LOG_SOURCE = Column("SourceSystem", "string")

# Declared here, not read: the raw file is a stub (`watchlist` parameter, columns
# `name`, `SearchKey`). Columns of a particular watchlist come from the user's
# schemas (see docs/catalog.md) and follow these.
WATCHLIST_FUNCTION = FunctionSchema(
    GET_WATCHLIST,
    parameters=(Parameter("watchlistAlias", "string"),),
    columns=(
        Column("_DTItemId", "string"),
        Column("LastUpdatedTimeUTC", "datetime"),
        Column("SearchKey", "string"),
        Column("WatchlistItem", "dynamic"),
    ),
    source="scripts/build_catalog.py (replaces "
           "builtin-2022/Functions.watchlistFunctionSchema.json)",
)


class RawDataError(Exception):
    """The raw data changed in a way this script does not know how to read."""


@dataclass(slots=True)
class Report:
    corrections: list[str]
    skipped: list[str]
    superseded: list[str]


def _load_json(path: Path, rel: str, report: Report) -> Any:
    text = path.read_text(encoding="utf-8-sig")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        # Hand-edited fixtures (GitLab*) end lists with a trailing comma.
        relaxed = re.sub(r",(\s*[\]}])", r"\1", text)
        try:
            data = json.loads(relaxed)
        except json.JSONDecodeError:
            raise RawDataError(f"{rel}: not JSON: {exc}") from None
        report.corrections.append(f"{rel}: trailing commas ignored")
        return data


def _field(item: dict[str, Any], key: str, rel: str) -> Any:
    for k in (key, key.lower()):
        if k in item:
            return item[k]
    raise RawDataError(f"{rel}: no {key!r} in {json.dumps(item)[:120]}")


def _type(raw: Any, rel: str, what: str) -> str:
    try:
        return kql_type(raw)
    except ValueError as exc:
        raise RawDataError(f"{rel}: {what}: {exc}; add the spelling to "
                           "sentinel_deploy/catalog/types.py if it is genuine") from None


def _columns(items: list[dict[str, Any]], rel: str, report: Report) -> tuple[Column, ...]:
    seen: dict[str, str] = {}
    for item in items:
        raw_name = _field(item, "Name", rel)
        name = _CSV_UNIT.sub("", str(raw_name).strip())
        if name != raw_name:
            report.corrections.append(f"{rel}: column {raw_name!r} read as {name!r}")
        typ = _type(_field(item, "Type", rel), rel, f"column {name!r}")
        if name in seen:
            # Duplicates come from copy-paste in the fixtures; the first is what
            # the validation tests used.
            if seen[name] != typ:
                report.corrections.append(
                    f"{rel}: duplicate column {name!r} ({typ}) dropped, kept {seen[name]}")
            continue
        seen[name] = typ
    return tuple(Column(n, t) for n, t in seen.items())


def _parameters(name: str, items: list[dict[str, Any]], rel: str,
                report: Report) -> tuple[Parameter, ...]:
    fixes = PARAMETER_FIXES.get(name, {})
    params: dict[str, Parameter] = {}
    for item in items:
        pname = str(_field(item, "Name", rel)).strip()
        if pname in params:
            report.corrections.append(f"{rel}: duplicate parameter {pname!r} dropped")
            continue
        typ = _type(_field(item, "Type", rel), rel, f"parameter {pname!r}")
        required = bool(item.get("IsRequired", False))
        default = None if required else DEFAULT_BY_TYPE[typ]
        if pname in fixes:
            fixed_type, default = fixes[pname]
            if fixed_type != typ:
                report.corrections.append(
                    f"{rel}: parameter {pname!r} typed {fixed_type}, not {typ}")
            typ = fixed_type
        params[pname] = Parameter(pname, typ, default)
    return tuple(params.values())


Entry = TableSchema | FunctionSchema


def read_file(path: Path, rel: str, report: Report) -> Entry | None:
    data = _load_json(path, rel, report)
    if not isinstance(data, dict):
        raise RawDataError(f"{rel}: expected a JSON object")
    if "FunctionName" in data:
        shape = "function"
        raw_name = data["FunctionName"]
    elif ("Name" in data or "name" in data) and ("Properties" in data or "properties" in data):
        shape = "table"
        raw_name = _field(data, "Name", rel)
    else:
        raise RawDataError(f"{rel}: unknown schema shape (keys {sorted(data)})")
    name = str(raw_name).strip()
    if name in NAME_FIXES:
        report.corrections.append(f"{rel}: name {name!r} read as {NAME_FIXES[name]!r}")
        name = NAME_FIXES[name]
    if not _IDENTIFIER.match(name):
        report.skipped.append(f"{rel}: name {name!r} is not a KQL identifier")
        return None
    if shape == "function":
        return FunctionSchema(
            name,
            parameters=_parameters(name, data.get("FunctionParameters") or [], rel, report),
            columns=_columns(data.get("FunctionResultColumns") or [], rel, report),
            source=rel,
        )
    columns = _columns(_field(data, "Properties", rel), rel, report)
    if _ASIM_PARSER.match(name):
        return FunctionSchema(name, columns=columns, source=rel)
    return TableSchema(name, _with_implicit_columns(columns, rel, report), rel)


def _with_implicit_columns(columns: tuple[Column, ...], rel: str,
                           report: Report) -> tuple[Column, ...]:
    implicit = {c.name: c for c in IMPLICIT_COLUMNS}
    fixed = []
    for column in columns:
        want = implicit.pop(column.name, None)
        # Log Analytics enforces these types; a fixture typing them otherwise
        # (Armorblox_CL's TimeGenerated:string) is a transcription slip.
        if want is not None and want.type != column.type:
            report.corrections.append(
                f"{rel}: column {column.name!r} typed {want.type}, not {column.type}")
            column = want
        fixed.append(column)
    declared = {c.name for c in fixed}
    standard = tuple(c for c in STANDARD_COLUMNS if c.name not in declared)
    if rel.startswith("custom-tables") and CUSTOM_LOG_SOURCE.name not in declared:
        # Classic custom logs (HTTP Data Collector API, agent) set SourceSystem
        # ("RestAPI", "OpsManager"); the fixtures, made from sample rows, omit it.
        standard += (CUSTOM_LOG_SOURCE,)
    return (*fixed, *implicit.values(), *standard)


def build(raw: Path) -> tuple[dict[str, Any], Catalog]:
    report = Report([], [], [])
    entries: dict[str, Entry] = {}
    files = 0
    for tier in TIERS:
        folder = raw / tier
        if not folder.is_dir():
            raise RawDataError(f"{folder}: missing")
        in_tier: dict[str, str] = {}
        # Every file, not only *.json: one fixture (Nessus_VM_CL) has no extension.
        for path in sorted(p for p in folder.iterdir() if p.is_file()):
            rel = f"{tier}/{path.name}"
            files += 1
            entry = read_file(path, rel, report)
            if entry is None:
                continue
            if entry.name in in_tier:
                raise RawDataError(f"{rel}: {entry.name} already defined by {in_tier[entry.name]}")
            in_tier[entry.name] = rel
            old = entries.get(entry.name)
            if old is not None:
                report.superseded.append(f"{old.source} by {rel}")
            entries[entry.name] = entry
    declared = entries.get(GET_WATCHLIST)
    if declared is not None:
        report.superseded.append(f"{declared.source} by the declared {GET_WATCHLIST}")
    entries[GET_WATCHLIST] = WATCHLIST_FUNCTION

    catalog = Catalog(
        tables={n: e for n, e in entries.items() if isinstance(e, TableSchema)},
        functions={n: e for n, e in entries.items() if isinstance(e, FunctionSchema)},
    )
    header: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "generator": "scripts/build_catalog.py",
        "origin": ORIGIN,
        "raw_folders": list(TIERS),
        "precedence": "later raw folder wins; current/ over builtin-2022/ over "
                      "custom-functions-2022/ over custom-tables-2022/",
        "raw_files": files,
        "counts": {"tables": len(catalog.tables), "functions": len(catalog.functions)},
        "implicit_columns": "TimeGenerated:datetime and Type:string appended to tables "
                            "whose raw schema lacks them (and retyped where it mistypes them)",
        "standard_columns": "appended to every table that does not declare them: "
                            + ", ".join(f"{c.name}:{c.type}" for c in STANDARD_COLUMNS)
                            + " (Log Analytics standard columns, mostly hidden); SourceSystem:"
                            "string to custom-tables-2022/ tables lacking it (classic custom logs)",
        "parameter_defaults": "optional parameters get ASIM's no-filter default for their "
                              "type; required ones none",
        "corrections": sorted(report.corrections),
        "skipped": sorted(report.skipped),
        "superseded": sorted(report.superseded),
    }
    return header, catalog


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", nargs="?", type=Path, default=DEFAULT_RAW,
                        help="raw schema folder (default: ../shared/schemas/raw)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="where to write (default: sentinel_deploy/data/catalog.json)")
    args = parser.parse_args(argv)
    try:
        header, catalog = build(args.raw)
    except RawDataError as exc:
        print(f"build_catalog: {exc}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(dumps_catalog(header, catalog).encode("utf-8"))
    print(f"{args.output}: {len(catalog.tables)} tables, {len(catalog.functions)} functions, "
          f"{len(header['corrections'])} corrections, {len(header['skipped'])} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())

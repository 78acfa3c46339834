"""Kusto's deprecated names and their replacements: data, shared by the lints and the engine.

From the KQL reference, where each is listed under "Deprecated aliases" of the
current function. `validate` warns about them (SD212); the local engine rewrites
those duckdb-kql does not know (sentinel_deploy/engine/compat.py). Kept apart
from both so the lints need not import DuckDB.
"""

from __future__ import annotations

DEPRECATED_FUNCTIONS: dict[str, str] = {
    "makeset": "make_set",
    "makelist": "make_list",
    "make_dictionary": "make_bag",
    "parsejson": "parse_json",
    "toobject": "todynamic",
    "notempty": "isnotempty",
    "notnull": "isnotnull",
    "arraylength": "array_length",
    "extractall": "extract_all",
    "extractjson": "extract_json",
    "datepart": "datetime_part",
    "columnifexists": "column_ifexists",
    "anyif": "take_anyif",
    "any": "take_any",
}
DEPRECATED_OPERATORS: dict[str, str] = {"mvexpand": "mv-expand", "mvapply": "mv-apply"}

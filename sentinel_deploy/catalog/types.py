"""Type names from schema files and user declarations, folded to KQL scalar type names.

Sources spell types many ways (Log Analytics `String`/`DateTime`/`SByte`, .NET
`System.Int32`, OData `Edm.Double`, KQL `real`). An unknown name is an error,
never a silent `string`: a wrong column type makes every later check lie.
"""

from __future__ import annotations

from sentinel_deploy.catalog.model import KQL_TYPES

_ALIASES: dict[str, str] = {
    # string
    "string": "string",
    "str": "string",
    "uri": "string",  # Log Analytics' Uri columns are strings to KQL
    "char": "string",
    # int
    "int": "int",
    "int32": "int",
    "integer": "int",
    "int16": "int",
    "byte": "int",
    # long
    "long": "long",
    "int64": "long",
    "bigint": "long",
    # real
    "real": "real",
    "double": "real",
    "float": "real",
    "single": "real",
    "decimal": "real",  # the catalog folds decimal into real (see model.py)
    # bool; Log Analytics stores bool as SByte in older schemas
    "bool": "bool",
    "boolean": "bool",
    "sbyte": "bool",
    # datetime
    "datetime": "datetime",
    "date": "datetime",
    "date/time": "datetime",
    "datetimeoffset": "datetime",
    # timespan
    "timespan": "timespan",
    "time": "timespan",
    # guid
    "guid": "guid",
    "uniqueid": "guid",
    # dynamic
    "dynamic": "dynamic",
    "object": "dynamic",
    "array": "dynamic",
}

_PREFIXES = ("system.", "edm.")

assert set(_ALIASES.values()) == KQL_TYPES


def kql_type(name: object) -> str:
    """The KQL type for a source type name; ValueError names the unknown spelling."""
    if not isinstance(name, str):
        raise ValueError(f"type must be a string, got {name!r}")
    key = name.strip().lower()
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            break
    try:
        return _ALIASES[key]
    except KeyError:
        raise ValueError(
            f"unknown type {name!r}; expected one of {', '.join(sorted(KQL_TYPES))}"
        ) from None

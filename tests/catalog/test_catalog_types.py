from __future__ import annotations

import pytest

from sentinel_deploy.catalog.types import kql_type


@pytest.mark.parametrize("raw, expected", [
    ("String", "string"), ("string ", "string"), ("Edm.String", "string"),
    ("Int32", "int"), ("System.Int32", "int"), ("Int", "int"),
    ("Int64", "long"), ("BigInt", "long"), ("long", "long"),
    ("Double", "real"), ("decimal", "real"), ("Float", "real"), ("Edm.Double", "real"),
    ("Boolean", "bool"), ("SByte", "bool"),
    ("DateTime", "datetime"), ("Date/time", "datetime"), ("System.DateTime", "datetime"),
    ("TimeSpan", "timespan"), ("Guid", "guid"), ("object", "dynamic"), ("Dynamic", "dynamic"),
])
def test_known_spellings(raw, expected):
    assert kql_type(raw) == expected


@pytest.mark.parametrize("raw", ["Frobnicate", "", "System.Whatever", None, 3])
def test_unknown_spelling_fails(raw):
    with pytest.raises(ValueError):
        kql_type(raw)

"""scripts/build_catalog.py: shapes, loud failures and a byte-identical regeneration."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "build_catalog.py"
COMMITTED = ROOT / "sentinel_deploy" / "data" / "catalog.json"
SHARED_RAW = ROOT.parent / "shared" / "schemas" / "raw"
TIERS = ("builtin-2022", "custom-tables-2022", "custom-functions-2022", "current")


@pytest.fixture(scope="module")
def build_catalog():
    spec = importlib.util.spec_from_file_location("build_catalog", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    # dataclasses resolve their module through sys.modules while the class is built
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop(spec.name, None)


def _raw(tmp_path: Path, files: dict[str, str]) -> Path:
    raw = tmp_path / "raw"
    for tier in TIERS:
        (raw / tier).mkdir(parents=True)
    for rel, text in files.items():
        (raw / rel).write_text(text, encoding="utf-8")
    return raw


def test_regenerating_gives_the_committed_bytes(build_catalog, tmp_path):
    if not SHARED_RAW.is_dir():
        pytest.skip(reason=f"raw schemas not available at {SHARED_RAW} "
                           "(../shared next to the project)")
    out = tmp_path / "catalog.json"
    assert build_catalog.main([str(SHARED_RAW), "--output", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes(), (
        "sentinel_deploy/data/catalog.json is stale: run scripts/build_catalog.py")


def test_every_raw_shape_is_read(build_catalog, tmp_path):
    raw = _raw(tmp_path, {
        # Log Analytics export shape, with a BOM
        "builtin-2022/Tables.A.json": "\ufeff" + json.dumps({"Name": "TableA", "Properties": [
            {"Name": "TenantId", "Context": {}, "IsKey": True, "MaxLength": 0, "Type": "Guid"},
            {"Name": "TimeGenerated", "Type": "DateTime"}, {"Name": "Type", "Type": "String"}]}),
        # data-collection manifest shape (lowercase keys)
        "builtin-2022/Tables.B.manifest.json": json.dumps({"name": "TableB", "properties": [
            {"name": "Size", "type": "BigInt", "dataTypeHint": "GUID"}]}),
        # function shape
        "custom-functions-2022/_Im_X.json": json.dumps({
            "FunctionName": "_Im_X",
            "FunctionParameters": [{"Name": "since", "Type": "datetime", "IsRequired": False},
                                   {"Name": "key", "Type": "string", "IsRequired": True}],
            "FunctionResultColumns": [{"Name": "Col", "Type": "string"}]}),
        # trailing comma, no file extension, CSV-export column header
        "custom-tables-2022/C_CL": '{"Name": "C_CL ", "Properties": ['
                                   '{"Name": "TimeGenerated [UTC]", "Type": "Datetime"},]}',
        # ASIM parser listed as a table
        "custom-tables-2022/imThing.json": json.dumps(
            {"Name": "imThing", "Properties": [{"Name": "EventType", "Type": "string"}]}),
        "current/TableB.json": json.dumps(
            {"Name": "TableB", "Properties": [{"Name": "Size", "Type": "long"},
                                              {"Name": "Size", "Type": "string"}]}),
    })
    header, catalog = build_catalog.build(raw)
    standard = [c.name for c in build_catalog.STANDARD_COLUMNS]
    table_a = catalog.table("TableA").column_types()
    # A table's own declaration wins over the standard column (TenantId is a guid here).
    assert table_a["TenantId"] == "guid"
    assert table_a == {"TenantId": "guid", "TimeGenerated": "datetime", "Type": "string",
                       **{c.name: c.type for c in build_catalog.STANDARD_COLUMNS
                          if c.name != "TenantId"}}
    assert catalog.table("TableB").source == "current/TableB.json"
    assert [c.name for c in catalog.table("TableB").columns] == [
        "Size", "TimeGenerated", "Type", *standard]
    # Classic custom logs carry SourceSystem; built-in tables get it only if declared.
    assert "SourceSystem" in catalog.table("C_CL").column_types()
    assert "SourceSystem" not in table_a
    assert catalog.table("C_CL").column_types()["TimeGenerated"] == "datetime"
    x = catalog.function("_Im_X")
    assert [(p.name, p.type, p.default) for p in x.parameters] == [
        ("since", "datetime", "datetime(null)"), ("key", "string", None)]
    assert catalog.function("imThing") is not None and catalog.table("imThing") is None
    assert catalog.function("_GetWatchlist").parameters[0].name == "watchlistAlias"
    assert any("trailing commas" in c for c in header["corrections"])
    assert any("TableB" in s for s in header["superseded"])


def test_unknown_type_fails_loudly(build_catalog, tmp_path, capsys):
    raw = _raw(tmp_path, {"builtin-2022/T.json": json.dumps(
        {"Name": "T", "Properties": [{"Name": "C", "Type": "Frobnicate"}]})})
    out = tmp_path / "out.json"
    assert build_catalog.main([str(raw), "--output", str(out)]) == 1
    err = capsys.readouterr().err
    assert "builtin-2022/T.json" in err and "Frobnicate" in err
    assert not out.exists()


def test_unknown_shape_fails_loudly(build_catalog, tmp_path):
    raw = _raw(tmp_path, {"builtin-2022/T.json": json.dumps({"tableName": "T"})})
    with pytest.raises(build_catalog.RawDataError, match="unknown schema shape"):
        build_catalog.build(raw)


def test_output_is_deterministic(build_catalog, tmp_path):
    def table(name: str) -> str:
        return json.dumps({"Name": name, "Properties": [{"Name": "x", "Type": "Int"}]})

    raw = _raw(tmp_path, {"builtin-2022/b.json": table("B"), "builtin-2022/a.json": table("A")})
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    build_catalog.main([str(raw), "--output", str(first)])
    build_catalog.main([str(raw), "--output", str(second)])
    assert first.read_bytes() == second.read_bytes()
    data = json.loads(first.read_text())
    assert list(data["tables"]) == ["A", "B"]

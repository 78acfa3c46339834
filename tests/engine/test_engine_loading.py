from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.objects.diagnostics import UserError

NOW = datetime(2024, 1, 1, tzinfo=UTC)
SAMPLE_TABLES = {
    "DeviceProcessEvents_M365_Linux.csv": ("DeviceProcessEvents", 10),
    "Syslog__Linux_Authpriv_UserManagement_IngestedLogs.csv": ("Syslog", 49),
    "CommonSecurityLog__CiscoFirepowerEStreamerCONN.csv": ("CommonSecurityLog", 6),
    "CommonSecurityLog__Fortigate.json": ("CommonSecurityLog", 2),
    "SecurityEvent__RiskIQ_scenrio.json": ("SecurityEvent", 4),
}


@pytest.mark.parametrize("name", sorted(SAMPLE_TABLES))
def test_each_sample_file_loads(samples: Path, sample_catalog: Catalog, name: str) -> None:
    table, rows = SAMPLE_TABLES[name]
    with LocalWorkspace(sample_catalog) as ws:
        # The RiskIQ scenario holds an impossible time, so only lenient loading reads it.
        ws.load_file(samples / name, lenient=name.startswith("SecurityEvent"))
        result = ws.run(f"{table} | count", now=NOW)
    assert result.rows == [(rows,)]


def test_portal_times_and_types(samples: Path, sample_catalog: Catalog) -> None:
    with LocalWorkspace(sample_catalog) as ws:
        ws.load_file(samples / "DeviceProcessEvents_M365_Linux.csv")
        result = ws.run(
            "DeviceProcessEvents"
            " | where InitiatingProcessParentCreationTime == datetime(2022-07-06 02:49:28.880)"
            " | project TimeGenerated, AdditionalFields, ProcessId, Type | take 1",
            now=NOW,
        )
        types = {c.name: c.type for c in result.columns}
        first = ws.run("DeviceProcessEvents | summarize min(TimeGenerated)", now=NOW)
    assert types == {"TimeGenerated": "datetime", "AdditionalFields": "dynamic",
                     "ProcessId": "long", "Type": "string"}
    time, fields, pid, kind = result.rows[0]
    assert time.tzinfo is not None and time.utcoffset() == timedelta(0)
    assert isinstance(fields, dict)  # JSON in a quoted cell, doubled quotes and all
    assert isinstance(pid, int) and kind == "DeviceProcessEvents"
    assert first.rows[0][0].year == 2023


def test_bom_crlf_nulls_and_epoch_placeholder(samples: Path, sample_catalog: Catalog) -> None:
    with LocalWorkspace(sample_catalog) as ws:
        ws.load_file(samples / "CommonSecurityLog__CiscoFirepowerEStreamerCONN.csv")
        result = ws.run(
            "CommonSecurityLog | project TenantId, StartTime, DeviceCustomNumber1, DeviceVendor"
            " | take 1",
            now=NOW,
        )
    tenant, start, number, vendor = result.rows[0]
    assert not tenant.startswith("\ufeff") and tenant  # the BOM is not part of the first cell
    assert start == datetime(1970, 1, 1, tzinfo=UTC)
    assert number is None  # literal `null` in an int column
    assert vendor == "Cisco"


def test_local_time_suffix_is_read_as_utc(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "Events.csv").write_text(
        '"TimeGenerated [Local Time]",Computer\n"10/25/2023, 9:43:21.990 PM",a\n',
        encoding="utf-8",
    )
    ws.load_dir(tmp_path)
    rows = ws.run("Events | project TimeGenerated", now=NOW).rows
    assert rows == [(datetime(2023, 10, 25, 21, 43, 21, 990000, tzinfo=UTC),)]


def test_every_value_type_from_csv(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "Events.csv").write_text(
        "TimeGenerated,Computer,Count,Score,Ok,Props,Id,Took,Level\n"
        '2024-01-01T00:00:00Z,pc,5,1.5,true,"{""a"": [1, 2]}",'
        "6b0c3b7e-9f6a-4a9e-8d0c-0d7b3c7b2a10,1.02:03:04.5,3\n"
        "1704067200000,,null,,0,plain text,,00:00:10,\n",
        encoding="utf-8",
    )
    ws.load_dir(tmp_path)
    rows = ws.run("Events | order by Computer desc", now=NOW).as_dicts()
    first, second = rows
    assert first["TimeGenerated"] == datetime(2024, 1, 1, tzinfo=UTC)
    assert first["Count"] == 5 and first["Score"] == 1.5 and first["Ok"] is True
    assert first["Props"] == {"a": [1, 2]}
    assert first["Id"] == "6b0c3b7e-9f6a-4a9e-8d0c-0d7b3c7b2a10"
    assert first["Took"] == timedelta(days=1, hours=2, minutes=3, seconds=4.5)
    assert first["Level"] == 3 and first["Type"] == "Events"
    assert second["TimeGenerated"] == datetime(2024, 1, 1, tzinfo=UTC)  # epoch ms
    assert second["Computer"] == "" and second["Count"] is None
    assert second["Ok"] is False and second["Props"] == "plain text"
    assert second["Took"] == timedelta(seconds=10)


def test_subset_of_columns_gets_full_typed_table(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "Events.json").write_text(
        json.dumps([{"TimeGenerated": "2024-01-01T00:00:00Z", "Computer": "pc"}]),
        encoding="utf-8",
    )
    ws.load_dir(tmp_path)
    result = ws.run("Events | project-away Props", now=NOW)
    assert "Count" in result.column_names() and "Props" not in result.column_names()
    assert ws.run("Events | summarize arg_max(TimeGenerated, *)", now=NOW).rows


def test_unknown_column_kept_and_reported(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "Events__extra.csv").write_text(
        "TimeGenerated,Computer,Colour\n2024-01-01T00:00:00Z,pc,blue\n", encoding="utf-8"
    )
    warnings = ws.load_dir(tmp_path)
    assert [w.code for w in warnings] == ["LOCAL_UNKNOWN_COLUMN"]
    assert "Colour" in warnings[0].message and warnings[0].file == tmp_path / "Events__extra.csv"
    assert ws.run("Events | project Colour", now=NOW).rows == [("blue",)]


def test_bad_value_names_file_line_and_column(samples: Path, sample_catalog: Catalog) -> None:
    with LocalWorkspace(sample_catalog) as ws, pytest.raises(UserError) as caught:
        ws.load_file(samples / "SecurityEvent__RiskIQ_scenrio.json")
    err = caught.value
    assert err.file == samples / "SecurityEvent__RiskIQ_scenrio.json"
    text = (samples / "SecurityEvent__RiskIQ_scenrio.json").read_text(encoding="utf-8")
    bad_line = next(n for n, line in enumerate(text.splitlines(), 1) if "14:51:35.857 PM" in line)
    # The error points at the record's first line, which is at or above the bad value.
    assert err.line is not None and 1 < err.line <= bad_line
    assert "TimeGenerated" in err.message and "14:51:35.857 PM" in err.message


def test_bad_csv_value_line_counts_multiline_cells(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "Events.csv").write_text(
        'TimeGenerated,Computer,Count\n2024-01-01T00:00:00Z,"two\nlines",1\n'
        "2024-01-01T00:00:00Z,pc,notanumber\n",
        encoding="utf-8",
    )
    with pytest.raises(UserError) as caught:
        ws.load_dir(tmp_path)
    assert caught.value.line == 4 and "'Count'" in caught.value.message


def test_lenient_nulls_bad_value_with_warning(samples: Path, sample_catalog: Catalog) -> None:
    with LocalWorkspace(sample_catalog) as ws:
        warnings = ws.load_file(samples / "SecurityEvent__RiskIQ_scenrio.json", lenient=True)
        nulls = ws.run("SecurityEvent | where isnull(TimeGenerated) | count", now=NOW)
        types = ws.run("SecurityEvent | distinct Type", now=NOW)
    assert "LOCAL_BAD_VALUE" in [w.code for w in warnings]
    assert nulls.rows[0][0] >= 1
    assert types.rows == [("SecurityEvent",)]  # records without a Type key get the table's


def test_table_from_type_column_and_files_append(tmp_path: Path, ws: LocalWorkspace) -> None:
    (tmp_path / "export_1.csv").write_text(
        "TimeGenerated,Computer,Type\n2024-01-01T00:00:00Z,a,Events\n", encoding="utf-8"
    )
    (tmp_path / "Events__more.jsonl").write_text(
        '{"TimeGenerated": "2024-01-02T00:00:00Z", "Computer": "b"}\n', encoding="utf-8"
    )
    ws.load_dir(tmp_path)
    assert ws.run("Events | count", now=NOW).rows == [(2,)]


def test_parquet_loads(tmp_path: Path, ws: LocalWorkspace) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({
        "TimeGenerated": pa.array([datetime(2024, 1, 1, tzinfo=UTC)], pa.timestamp("us", "UTC")),
        "Computer": ["pc"], "Count": pa.array([7], pa.int32()), "Props": ['{"k": 1}'],
    })
    pq.write_table(table, tmp_path / "Events.parquet")
    ws.load_dir(tmp_path)
    row = ws.run("Events | project TimeGenerated, Count, Props", now=NOW).rows[0]
    assert row == (datetime(2024, 1, 1, tzinfo=UTC), 7, {"k": 1})


def test_missing_and_empty_folder(tmp_path: Path, ws: LocalWorkspace) -> None:
    with pytest.raises(UserError, match="does not exist"):
        ws.load_dir(tmp_path / "nope")
    with pytest.raises(UserError, match="no data files") as caught:
        ws.load_dir(tmp_path)
    assert caught.value.hint


def test_load_rows(ws: LocalWorkspace) -> None:
    ws.load_rows("Events", [
        {"TimeGenerated": datetime(2024, 1, 1, 12, tzinfo=UTC), "Computer": "x",
         "Props": {"a": 1}, "Took": timedelta(minutes=5)},
    ])
    row = ws.run("Events | project Computer, Props, Took", now=NOW).rows[0]
    assert row == ("x", {"a": 1}, timedelta(minutes=5))
    with pytest.raises(UserError, match="row 1"):
        ws.load_rows("Events", [{"Count": "many"}])

"""The packaged catalog (sentinel_deploy/data/catalog.json) as load_catalog serves it."""

from __future__ import annotations

import json

import pytest

from sentinel_deploy.catalog import load_catalog
from sentinel_deploy.catalog.loader import _packaged_text
from sentinel_deploy.catalog.model import GET_WATCHLIST, KQL_TYPES


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_device_process_events_has_the_current_columns(catalog):
    table = catalog.table("DeviceProcessEvents")
    assert table is not None
    assert table.source == "current/DeviceProcessEvents.json"
    types = table.column_types()
    assert types["ProcessCommandLine"] == "string"
    assert types["TimeGenerated"] == "datetime"
    assert types["AdditionalFields"] == "dynamic"
    assert types["InitiatingProcessId"] == "long"


@pytest.mark.parametrize("name, column, kql_type", [
    ("SecurityEvent", "EventID", "int"),
    ("SecurityEvent", "Account", "string"),
    ("Syslog", "SyslogMessage", "string"),
    ("CommonSecurityLog", "DeviceVendor", "string"),
    ("SigninLogs", "UserPrincipalName", "string"),
    ("SigninLogs", "TimeGenerated", "datetime"),
])
def test_core_tables(catalog, name, column, kql_type):
    assert catalog.table(name).column_types()[column] == kql_type


def test_current_versions_win(catalog):
    assert catalog.table("Syslog").source == "current/Syslog.json"
    assert catalog.table("CommonSecurityLog").source == "current/CommonSecurityLog.json"


def test_every_table_has_time_generated_and_type(catalog):
    for table in catalog.tables.values():
        types = table.column_types()
        assert types.get("TimeGenerated") == "datetime", table.name
        assert types.get("Type") == "string", table.name


def test_only_kql_types(catalog):
    for schema in [*catalog.tables.values(), *catalog.functions.values()]:
        for column in schema.columns:
            assert column.type in KQL_TYPES, (schema.name, column)
    for function in catalog.functions.values():
        for parameter in function.parameters:
            assert parameter.type in KQL_TYPES, (function.name, parameter)


def test_get_watchlist(catalog):
    getter = catalog.function(GET_WATCHLIST)
    assert [(p.name, p.type, p.default) for p in getter.parameters] == [
        ("watchlistAlias", "string", None)]
    columns = {c.name: c.type for c in getter.columns}
    assert columns == {"_DTItemId": "string", "LastUpdatedTimeUTC": "datetime",
                       "SearchKey": "string", "WatchlistItem": "dynamic"}
    assert getter.body is None


def test_asim_function_with_parameters(catalog):
    dns = catalog.function("_Im_Dns")
    params = {p.name: (p.type, p.default) for p in dns.parameters}
    # the raw data types these `datetime`; the generator corrects them
    assert params["domain_has_any"] == ("dynamic", "dynamic([])")
    assert params["starttime"] == ("datetime", "datetime(null)")
    assert params["eventtype"] == ("string", "'Query'")
    assert {c.name for c in dns.columns} >= {"DnsQuery", "SrcIpAddr", "TimeGenerated"}
    assert dns.body is None
    assert catalog.function("_Im_NetworkSession").parameters
    # im* parsers are functions, never tables
    assert catalog.function("imProcessCreate") is not None
    assert catalog.table("imProcessCreate") is None
    assert catalog.table("ASimDnsActivityLogs") is not None


def test_builtin_is_cached_but_callers_get_copies():
    first = load_catalog()
    first.tables.clear()
    first.functions.pop(GET_WATCHLIST)
    second = load_catalog()
    assert second.table("SecurityEvent") is not None
    assert second.function(GET_WATCHLIST) is not None


def test_header_records_provenance():
    header = json.loads(_packaged_text())["header"]
    assert "Azure-Sentinel" in header["origin"]
    assert "current" in header["raw_folders"]
    assert header["counts"]["tables"] == len(load_catalog().tables)

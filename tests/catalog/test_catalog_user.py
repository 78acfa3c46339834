"""User schema files merged over the packaged catalog, and the errors bad ones raise."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentinel_deploy.catalog import load_catalog
from sentinel_deploy.objects.diagnostics import UserError


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """\
tables:
  MyApp_CL:
    TimeGenerated: datetime
    UserName: string
    Bytes: long
  SecurityEvent:          # overrides the built-in schema entirely
    TimeGenerated: datetime
    EventID: int
functions:
  MyParser:
    parameters:
      - {name: since, type: timespan, default: 1d}
      - "limit:int=10"
      - {name: strict, type: bool, default: true}
    columns: {TimeGenerated: datetime, User: string}
    body: |
      MyApp_CL | where TimeGenerated > ago(since) | project TimeGenerated, User=UserName
  imDns:                  # a user's own deployment replaces the packaged shape
    columns: {DnsQuery: string}
watchlists:
  VIPUsers:
    file: vip.csv
    searchKey: UserPrincipalName
  HighValueHosts:
    columns: {Hostname: string, Tier: int}
"""


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    _write(folder / "main.yaml", GOOD)
    _write(folder / "vip.csv", "\ufeffUserPrincipalName,Department\nalice@contoso.com,Finance\n")
    _write(folder / "sub" / "more.yml", "tables:\n  Other_CL: {TimeGenerated: datetime}\n")
    _write(folder / "notes.txt", "not a schema")
    return folder


def test_additions_merge_and_override(schemas):
    catalog = load_catalog([schemas])
    assert catalog.table("MyApp_CL").column_types() == {
        "TimeGenerated": "datetime", "UserName": "string", "Bytes": "long"}
    assert catalog.table("Other_CL") is not None  # found in a subfolder
    assert catalog.table("SecurityEvent").column_types() == {
        "TimeGenerated": "datetime", "EventID": "int"}
    assert catalog.table("SecurityEvent").source.endswith("main.yaml:6")
    assert catalog.table("Syslog") is not None  # untouched built-ins stay
    parser = catalog.function("MyParser")
    assert [(p.name, p.type, p.default) for p in parser.parameters] == [
        ("since", "timespan", "1d"), ("limit", "int", "10"), ("strict", "bool", "true")]
    assert parser.body.startswith("MyApp_CL | where")
    assert catalog.function("imDns").parameters == ()
    assert catalog.function("_Im_Dns").parameters  # other built-ins untouched


def test_user_entries_do_not_leak_into_the_next_catalog(schemas):
    load_catalog([schemas])
    plain = load_catalog()
    assert plain.table("MyApp_CL") is None
    assert "EventID" in plain.table("SecurityEvent").column_types()
    assert "Account" in plain.table("SecurityEvent").column_types()


def test_watchlists_are_known_aliases(schemas):
    catalog = load_catalog([schemas])
    vip = catalog.watchlists["VIPUsers"]
    assert [c.name for c in vip.columns] == ["UserPrincipalName", "Department"]
    assert vip.file == schemas / "vip.csv"
    assert vip.search_key == "UserPrincipalName"
    columns = catalog.watchlist_columns("HighValueHosts")
    assert [c.name for c in columns] == [
        "_DTItemId", "LastUpdatedTimeUTC", "SearchKey", "WatchlistItem", "Hostname", "Tier"]
    assert catalog.watchlist_columns("Unknown") is None


def test_a_table_replaces_a_function_of_the_same_name(tmp_path):
    f = _write(tmp_path / "s.yaml", "tables:\n  imDns: {TimeGenerated: datetime}\n")
    catalog = load_catalog([f])
    assert catalog.table("imDns") is not None
    assert catalog.function("imDns") is None


def test_environment_tables_restrict(schemas):
    catalog = load_catalog([schemas], environment_tables=["SecurityEvent", "MyApp_CL", "Nope"])
    assert set(catalog.tables) == {"SecurityEvent", "MyApp_CL"}
    assert catalog.function("_GetWatchlist") is not None
    assert set(load_catalog(environment_tables=[]).tables) == set()


def test_missing_folder_is_fine_but_missing_file_is_not(tmp_path):
    assert load_catalog([tmp_path / "schemas"]).table("Syslog") is not None
    with pytest.raises(UserError, match="not found"):
        load_catalog([tmp_path / "gone.yaml"])


def test_empty_file_is_fine(tmp_path):
    assert load_catalog([_write(tmp_path / "empty.yaml", "# nothing yet\n")]).tables


@pytest.mark.parametrize("text, line, message", [
    ("tables:\n  T_CL:\n    A: string\n    B: varchar\n", 4, "unknown type 'varchar'"),
    ("tables:\n  T_CL: {}\n", 2, "non-empty mapping"),
    ("tables:\n  T_CL: [a, b]\n", 2, "non-empty mapping"),
    ("tables:\n  'My Table': {A: string}\n", 2, "not a valid KQL name"),
    ("table:\n  T_CL: {A: string}\n", 1, "unknown section 'table'"),
    ("tables: [T_CL]\n", 1, "must be a mapping"),
    ("tables:\n  T_CL: {A: string\n", 3, "malformed YAML"),
    ("- tables\n", 1, "must be a mapping"),
    ("functions:\n  F:\n    columns: {A: string}\n    bodyy: x\n", 4, "unknown function field"),
    ("functions:\n  F:\n    parameters: [x]\n    body: T\n", 3, "cannot read parameter"),
    ("functions:\n  F:\n    parameters:\n      - {name: x}\n    body: T\n", 4, "needs `name`"),
    ("functions:\n  F:\n    parameters: ['a:int', 'a:long']\n    body: T\n", 3, "duplicate"),
    ("functions:\n  F:\n    parameters: ['a:number']\n    body: T\n", 3, "unknown type"),
    ("functions:\n  F:\n    parameters: []\n", 2, "neither columns nor body"),
    ("functions:\n  F:\n    body: 42\n", 3, "KQL text"),
    ("watchlists:\n  W:\n    file: missing.csv\n", 3, "not found"),
    ("watchlists:\n  W:\n    columns: {A: string}\n    searchKey: B\n", 4, "searchKey"),
    ("watchlists:\n  W:\n    colums: {A: string}\n", 3, "unknown watchlist field"),
])
def test_bad_files_raise_user_error(tmp_path, text, line, message):
    bad = _write(tmp_path / "bad.yaml", text)
    with pytest.raises(UserError) as info:
        load_catalog([bad])
    err = info.value
    assert err.file == bad
    assert err.line == line, str(err)
    assert message in err.message
    assert err.hint
    assert str(bad) in str(err)


def test_same_name_in_two_files(tmp_path):
    _write(tmp_path / "a.yaml", "tables:\n  T_CL: {A: string}\n")
    b = _write(tmp_path / "b.yaml", "\nfunctions:\n  T_CL: {body: print 1}\n")
    with pytest.raises(UserError) as info:
        load_catalog([tmp_path])
    assert info.value.file == b and info.value.line == 3
    assert "a.yaml:2" in info.value.message


def test_not_utf8(tmp_path):
    bad = tmp_path / "latin.yaml"
    bad.write_bytes("tables:\n  T_CL: {Caf\xe9: string}\n".encode("latin-1"))
    with pytest.raises(UserError, match="not UTF-8"):
        load_catalog([bad])


def test_add_columns_extends_a_packaged_table_and_keeps_its_columns(tmp_path: Path) -> None:
    packaged = load_catalog().table("SigninLogs")
    assert packaged is not None and "AutonomousSystemNumber" not in packaged.column_types()
    _write(tmp_path / "schemas" / "newer.yaml", """\
addColumns:
  SigninLogs:
    AutonomousSystemNumber: int
    ResultType: int          # named again: the newer type wins
""")
    table = load_catalog([tmp_path / "schemas"]).table("SigninLogs")
    assert table is not None
    types = table.column_types()
    assert types["AutonomousSystemNumber"] == "int" and types["ResultType"] == "int"
    assert len(types) == len(packaged.column_types()) + 1
    assert types["UserPrincipalName"] == "string"  # everything else kept


def test_add_columns_to_an_unknown_table_names_file_and_line(tmp_path: Path) -> None:
    _write(tmp_path / "s.yaml", "addColumns:\n  NoSuchTable:\n    X: string\n")
    with pytest.raises(UserError) as caught:
        load_catalog([tmp_path / "s.yaml"])
    assert "NoSuchTable" in caught.value.message and caught.value.line == 2
    assert caught.value.hint is not None and "`tables`" in caught.value.hint
    _write(tmp_path / "s.yaml", "addColumns:\n  SignInLogs:\n    X: string\n")
    with pytest.raises(UserError, match="did you mean SigninLogs"):
        load_catalog([tmp_path / "s.yaml"])

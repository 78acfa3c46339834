"""Values reach KQL only through escaping filters; proved on the real engine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentinel_deploy.catalog.model import Catalog, Column, TableSchema
from sentinel_deploy.engine import LocalWorkspace
from sentinel_deploy.render.jinja_env import TemplateFailure, render_text

NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)
HOSTILE = [
    'web-01") or true //',
    'db"\n| take 1000\n//',
    "c:\\temp\\",
    "it's",
    'x" or Host != "',
    "tab\there",
    "üñí\u2028code",
]


@pytest.fixture
def workspace() -> LocalWorkspace:
    catalog = Catalog(tables={"Hosts": TableSchema("Hosts", (
        Column("TimeGenerated", "datetime"), Column("Host", "string")))})
    ws = LocalWorkspace(catalog)
    rows = [{"TimeGenerated": (NOW - timedelta(minutes=1)).isoformat(), "Host": h}
            for h in [*HOSTILE, "web-01", "db", "other"]]
    ws.load_rows("Hosts", rows)
    yield ws
    ws.close()


def run(ws: LocalWorkspace, template: str, **variables: object) -> list[str]:
    query = render_text(template, variables, kql=True, templates_dir=None)
    return sorted(row[0] for row in ws.run(query, now=NOW, timespan=timedelta(hours=1)).rows)


@pytest.mark.parametrize("value", HOSTILE)
def test_kql_string_matches_exactly_that_value(workspace: LocalWorkspace, value: str) -> None:
    assert run(workspace, "Hosts | where Host == {{ h | kql_string }} | project Host",
               h=value) == [value]


def test_kql_list_and_dynamic_keep_every_value_one_literal(workspace: LocalWorkspace) -> None:
    hosts = ["web-01", 'db"\n| take 1000\n//']
    assert run(workspace, "Hosts | where Host in ({{ hs | kql_list }}) | project Host",
               hs=hosts) == sorted(hosts)
    assert run(workspace, "Hosts | where Host in ({{ hs | kql_dynamic }}) | project Host",
               hs=hosts) == sorted(hosts)
    assert run(workspace, "Hosts | where Host !in ({{ hs | kql_list }}) | project Host",
               hs=HOSTILE) == ["db", "other", "web-01"]


def test_raw_string_is_refused() -> None:
    with pytest.raises(TemplateFailure, match="unescaped"):
        render_text("T | where Host == {{ h }}", {"h": "x"}, kql=True, templates_dir=None)


def test_numbers_and_durations_print_as_literals() -> None:
    out = render_text("T | where n > {{ n }} and TimeGenerated > ago({{ p }})",
                      {"n": 5, "p": timedelta(days=14)}, kql=True, templates_dir=None)
    assert out == "T | where n > 5 and TimeGenerated > ago(14d)"


def test_undefined_variable_is_named_with_its_line() -> None:
    with pytest.raises(TemplateFailure) as info:
        render_text("T\n| where Host in ({{ hosts | kql_list }})", {}, kql=True,
                    templates_dir=None)
    assert info.value.variable == "hosts" and info.value.line == 2


def test_sandbox_refuses_attribute_escape() -> None:
    with pytest.raises(TemplateFailure, match=r"sandbox|unsafe|undefined"):
        render_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", {}, kql=False,
                    templates_dir=None)


def test_control_characters_without_kql_escape_are_refused() -> None:
    with pytest.raises(TemplateFailure, match="control character"):
        render_text("T | where h == {{ h | kql_string }}", {"h": "a\x00b"}, kql=True,
                    templates_dir=None)


@pytest.mark.parametrize("value", [["CONTOSO\\admin1", "o'brien"], {"a": 1}, None, ("x",)])
@pytest.mark.parametrize("filter_name", ["kql_string", "kql_column"])
def test_one_value_filters_refuse_lists_instead_of_stringifying_them(value: object,
                                                                    filter_name: str) -> None:
    # str(list) would be one literal "['CONTOSO\\\\admin1', ...]": an exclusion list that
    # excludes no one, with no error anywhere.
    with pytest.raises(TemplateFailure, match=rf"{filter_name} wants one value.*kql_list"):
        render_text(f"T | where a !in ({{{{ v | {filter_name} }}}})", {"v": value}, kql=True,
                    templates_dir=None)


@pytest.mark.parametrize("filter_name",
                         ["kql_string", "kql_column", "kql_timespan", "kql_list", "kql_dynamic"])
def test_misspelt_variable_through_a_filter_is_named_as_undefined(filter_name: str) -> None:
    with pytest.raises(TemplateFailure) as caught:
        render_text(f"T | where a == {{{{ suspicous_tool | {filter_name} }}}}",
                    {"suspicious_tool": "x"}, kql=True, templates_dir=None)
    assert caught.value.variable == "suspicous_tool"
    assert caught.value.message.startswith("undefined variable")

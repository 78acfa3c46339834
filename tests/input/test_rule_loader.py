"""Rule files as users write them: encodings, line endings, bad input, positions."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sentinel_deploy.input.rule_loader import discover_rule_files, load_rule_file
from sentinel_deploy.input.yaml_source import map_into_file

RULE = """id: 4b7c1a22-6f0e-4e8a-9d51-3c2b1a0f9e87
name: Example
severity: Medium
queryFrequency: 5m
queryPeriod: 14d
triggerOperator: gt
triggerThreshold: 0
tactics:
  - Discovery
relevantTechniques:
  - T1082
query: |
  SecurityEvent
  | where EventID == 4688
entityMappings:
  - entityType: Host
    fieldMappings:
      - identifier: FullName
        columnName: Computer
"""


def write(tmp_path: Path, text: str | bytes, name: str = "rule.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_durations_and_positions(tmp_path: Path) -> None:
    doc = load_rule_file(write(tmp_path, RULE))
    assert doc.ok and doc.rule is not None
    assert doc.rule.queryFrequency == timedelta(minutes=5)
    assert doc.rule.queryPeriod == timedelta(days=14)
    assert doc.line_of("entityMappings[0].fieldMappings[0].columnName") == 19
    # line 2 of the query block is file line 14, after the block's two-space indent
    assert map_into_file(doc.source_map, "query", 2, 3) == (14, 5)


def test_bom_and_crlf_load_unchanged(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + RULE.replace("\n", "\r\n").encode("utf-8")
    doc = load_rule_file(write(tmp_path, raw))
    assert doc.ok and doc.rule is not None
    assert doc.rule.query == "SecurityEvent\n| where EventID == 4688\n"
    assert doc.line_of("severity") == 3


def test_non_utf8_is_one_diagnostic_with_line(tmp_path: Path) -> None:
    raw = RULE.encode("utf-8").replace(b"Example", b"Exa\xffmple")
    doc = load_rule_file(write(tmp_path, raw))
    assert doc.rule is None
    [diag] = doc.diagnostics
    assert diag.line == 2 and "not UTF-8" in diag.message


def test_malformed_yaml_names_line(tmp_path: Path) -> None:
    doc = load_rule_file(write(tmp_path, RULE.replace("  - Discovery", "  - [Discovery")))
    assert doc.rule is None
    assert doc.diagnostics[0].code == "SD001" and doc.diagnostics[0].line is not None


def test_query_as_list_is_a_typed_field_error(tmp_path: Path) -> None:
    text = RULE.replace("query: |\n  SecurityEvent\n  | where EventID == 4688\n",
                        "query:\n  - SecurityEvent\n")
    doc = load_rule_file(write(tmp_path, text))
    assert doc.rule is None
    [diag] = doc.diagnostics
    assert diag.field == "query" and diag.line == 12


def test_not_a_mapping(tmp_path: Path) -> None:
    doc = load_rule_file(write(tmp_path, "- just\n- a list\n"))
    assert doc.diagnostics[0].code == "SD002"


def test_megabyte_rule_file_loads(tmp_path: Path) -> None:
    long_query = "".join(f"  | where Field{i} != 'x'\n" for i in range(40_000))
    text = RULE.replace("  | where EventID == 4688\n", long_query)
    assert len(text) > 1_000_000
    doc = load_rule_file(write(tmp_path, text))
    assert doc.rule is not None and len(doc.rule.query or "") > 1_000_000


def test_test_case_folders_are_not_rules(tmp_path: Path) -> None:
    write(tmp_path, RULE)
    (tmp_path / "rule.tests").mkdir()
    write(tmp_path / "rule.tests", "name: case\n", "case.yaml")
    assert discover_rule_files([tmp_path]) == [tmp_path / "rule.yaml"]


def test_model_errors_speak_of_the_file_not_of_pydantic(tmp_path: Path) -> None:
    text = RULE.replace("id: 4b7c1a22-6f0e-4e8a-9d51-3c2b1a0f9e87\n", "").replace(
        "queryFrequency: 5m", "queryFrequency: 1 hour")
    doc = load_rule_file(write(tmp_path, text))
    by_field = {d.field: d for d in doc.diagnostics}
    assert by_field["id"].message == "this field is required and missing"
    assert by_field["id"].hint is not None and "add `id:`" in by_field["id"].hint
    frequency = by_field["queryFrequency"]
    assert not frequency.message.startswith("Value error")
    assert frequency.message.count("'1 hour'") == 1  # named once, not echoed by "(got ...)"
    assert frequency.line == 3  # the id line is gone


def test_config_error_names_the_environment_key_once(tmp_path: Path) -> None:
    import pytest

    from sentinel_deploy.input.config_loader import load_config
    from sentinel_deploy.objects.diagnostics import UserError

    config = tmp_path / "sentinel-deploy.toml"
    config.write_text('[environments.local]\nkind = "local"\nmax_results = "x"\n',
                      encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_config(config)
    assert caught.value.message.startswith("environments.local.max_results: ")
    assert "(got 'x')" in caught.value.message


def test_a_date_that_does_not_exist_is_located_not_raised(tmp_path: Path) -> None:
    # YAML reads 2024-13-01 as a timestamp; PyYAML then fails with a bare ValueError.
    doc = load_rule_file(write(tmp_path, RULE.replace("severity: Medium",
                                                      "severity: Medium\n"
                                                      "lastUpdatedDateUTC: 2024-13-01")))
    assert doc.rule is None
    [diag] = doc.diagnostics
    assert diag.code == "SD001" and diag.line == 4
    assert "'2024-13-01'" in diag.message and "month must be in 1..12" in diag.message

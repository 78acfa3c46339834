"""Which tables the empty-table warning probes: catalog names in code, not in strings/comments."""

from __future__ import annotations

from sentinel_deploy.actions.deploy_check import tables_in_query


def test_tables_in_query_skips_strings_comments_and_unknown_names() -> None:
    query = """// SecurityEvent is not read here
let hosts = dynamic(["Heartbeat"]);
Syslog
| where Computer in (hosts)
| union (DeviceProcessEvents | where FileName == "Syslog")
| join kind=inner (my_function()) on Computer"""
    known = {"SecurityEvent", "Heartbeat", "Syslog", "DeviceProcessEvents"}
    assert tables_in_query(query, known) == ["Syslog", "DeviceProcessEvents"]

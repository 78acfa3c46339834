"""Helpers for talking raw HTTP to the emulator."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sentinel_deploy.catalog.model import Column
from sentinel_deploy.emulator import Emulator
from sentinel_deploy.emulator.table_runner import TableRunner

RULES = ("/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.OperationalInsights/"
         "workspaces/ws-1/providers/Microsoft.SecurityInsights/alertRules")
API = "?api-version=2025-10-01-preview"


def signin_runner() -> TableRunner:
    now = datetime.now(UTC)
    return TableRunner().add_table(
        "SigninLogs",
        [Column("TimeGenerated", "datetime"), Column("UserPrincipalName", "string"),
         Column("ResultType", "long"), Column("Props", "dynamic")],
        [(now - timedelta(minutes=10), "alice@contoso.com", 50126, {"ip": "10.0.0.1"}),
         (now - timedelta(days=3), "bob@contoso.com", 0, None)],
    )


def scheduled_body(**props: Any) -> dict[str, Any]:
    base = {"displayName": "Brute force", "query": "SigninLogs | where ResultType == 50126",
            "severity": "Medium", "enabled": True, "queryFrequency": "PT70M",
            "queryPeriod": "P1D", "triggerOperator": "GreaterThan", "triggerThreshold": 0,
            "tactics": ["CredentialAccess"], "techniques": ["T1110"]}
    base.update(props)
    return {"kind": "Scheduled", "properties": base}


def call(emu: Emulator | str, method: str, path: str, body: Any = None, *,
         headers: dict[str, str] | None = None,
         auth: bool = True) -> tuple[int, dict[str, str], Any]:
    """A raw request below any SDK, for what the SDKs cannot show (401, missing api-version)."""
    parts = urlsplit(emu if isinstance(emu, str) else emu.url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
    sent = dict(headers or {})
    if auth:
        sent["Authorization"] = "Bearer anything"
    payload = None
    if body is not None:
        payload = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=payload, headers=sent)
        response = conn.getresponse()
        raw = response.read()
        return response.status, dict(response.getheaders()), json.loads(raw) if raw else None
    finally:
        conn.close()


def interrupt(proc: subprocess.Popen[str]) -> str:
    """Ctrl-C a foreground emulator process; its stderr once it has stopped."""
    proc.send_signal(signal.SIGINT)
    try:
        # Generous: on a loaded two-core CI machine shutdown can take seconds.
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"no stop on SIGINT within 60 s: {err}") from None
    return err

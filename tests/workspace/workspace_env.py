"""Constants and a validator shared by the workspace tests (conftest.py is not importable
by name when more than one test folder has one)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
WORKSPACE_ID = "11111111-2222-3333-4444-555555555555"
NOW = datetime.now(UTC).replace(microsecond=0)


def rejects_one_minute(rule: dict[str, Any]) -> list[str]:
    """Stands in for the lead's real limit checks: a real function, run by the emulator."""
    if rule["properties"].get("queryFrequency") == "PT1M":
        return ["Query frequency must be between 5 minutes and 14 days."]
    return []

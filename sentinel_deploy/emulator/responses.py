"""What a handler answers, independent of the HTTP server that sends it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Reply:
    status: int
    body: Any = None  # JSON-serializable, or None for an empty body
    headers: dict[str, str] = field(default_factory=dict)


def arm_error(status: int, code: str, message: str,
              details: list[dict[str, str]] | None = None) -> Reply:
    """ARM's error envelope, which both SDKs parse into HttpResponseError.error."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details:
        error["details"] = details
    return Reply(status, {"error": error})


def new_etag() -> str:
    # Sentinel's etags are quoted GUID-like strings, quotes included in the value.
    return f'"{uuid.uuid4()}"'

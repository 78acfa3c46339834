"""pydantic's validation errors in the words of a rule or config file.

pydantic speaks of its own machinery ("Value error, …", "Field required"
with the whole parent mapping as input, the tag of a tagged union inside
the location); the user wrote a YAML or TOML file and wants its field names.
"""

from __future__ import annotations

from typing import Any

from pydantic_core import ErrorDetails


def field_path(loc: tuple[Any, ...]) -> str:
    """`entityMappings[0].fieldMappings`: list indexes in brackets."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def field_message(err: ErrorDetails) -> str:
    if err["type"] == "missing":
        return "this field is required and missing"
    message = err["msg"].removeprefix("Value error, ")
    if "(got " in message or "input" not in err or repr(err["input"]) in message:
        return message  # the value is already named
    return f"{message} (got {short_repr(err['input'])})"


def short_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

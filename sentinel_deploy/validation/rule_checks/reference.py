"""The validators' reference data shipped in `sentinel_deploy/data/validation/` (see ORIGIN.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# A plain path, not importlib.resources: the editable install's finder makes
# `sentinel_deploy` look like a namespace package to resources outside the project.
_DATA = Path(__file__).resolve().parents[2] / "data" / "validation"


def _load(name: str) -> Any:
    return json.loads((_DATA / name).read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class EntityType:
    identifiers: frozenset[str]
    # At least one of these combinations must be mapped in full.
    required_any_of: tuple[frozenset[str], ...]


@cache
def entity_types() -> dict[str, EntityType]:
    raw = _load("entity_identifiers.json")["entity_types"]
    # "(*)" marks an identifier only one upstream variant has; the API accepts it.
    return {
        name: EntityType(
            identifiers=frozenset(i.removesuffix("(*)") for i in spec["identifiers"]),
            required_any_of=tuple(frozenset(combo) for combo in spec["required_any_of"]),
        )
        for name, spec in raw.items()
    }


@cache
def technique_tactics() -> dict[str, frozenset[str]]:
    """Parent technique id → the tactics it belongs to."""
    table: dict[str, set[str]] = {}
    for tactic, techniques in _load("mitre_tactic_to_techniques.json")[
            "tactic_to_techniques"].items():
        for technique in techniques:
            table.setdefault(technique, set()).add(tactic)
    return {t: frozenset(tactics) for t, tactics in table.items()}


@cache
def connector_ids() -> frozenset[str]:
    return frozenset(_load("ValidConnectorIds.2022-08-snapshot.json"))

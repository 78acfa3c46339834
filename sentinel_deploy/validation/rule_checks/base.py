"""The machinery every rule check shares: what a check sees, what it reports, the registry.

A check is a small function of a `Subject` that yields `Finding`s. The same
function runs on a rule file (through `RuleSubject`, where paths are the YAML
keys and so map to lines) and on an alertRules API body (through `BodySubject`,
where the same canonical field lives under `properties.` and sometimes under
another name). That is how the API's limits are written exactly once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.objects.rule import Rule

_MISSING = object()


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem; `path` is the full field path in the subject (rule file or API body)."""

    path: str | None
    message: str
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Value:
    """A canonical field as the subject has it: absent, or a value at a path."""

    path: str
    value: Any = _MISSING

    @property
    def present(self) -> bool:
        return self.value is not _MISSING


class Subject(Protocol):
    """What a check may ask of a rule file or an API body."""

    @property
    def kind(self) -> str | None: ...

    def get(self, field: str) -> Value: ...

    def items(self, field: str) -> list[tuple[Any, str]]: ...

    def file_keys(self) -> list[str]:
        """Top-level keys of a rule file; empty for an API body (the API drops extras)."""
        ...


CheckFn = Callable[[Subject], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity
    title: str  # one sentence: what the check requires (SARIF's rule description)
    fn: CheckFn

    def run(self, subject: Subject) -> Iterator[Finding]:
        yield from self.fn(subject)


CHECKS: list[Check] = []


def check(code: str, title: str,
          severity: Severity = Severity.ERROR) -> Callable[[CheckFn], CheckFn]:
    """Register a check; modules are grouped by topic and imported by the package."""
    def register(fn: CheckFn) -> CheckFn:
        if any(c.code == code for c in CHECKS):
            raise RuntimeError(f"check code {code} registered twice")
        CHECKS.append(Check(code, severity, title, fn))
        return fn
    return register


def child(path: str, key: str | int) -> str:
    return f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}"


def _lookup(root: Any, path: str) -> Any:
    node = root
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node


class RuleSubject:
    """A loaded rule, as the model normalized it (stripped text, parsed durations).

    `exclude_unset` keeps "absent" distinguishable from "defaulted", so a check
    can tell a missing `severity` from an empty one.
    """

    def __init__(self, rule: Rule) -> None:
        self._data = rule.model_dump(exclude_unset=True)
        self._kind = rule.kind

    @property
    def kind(self) -> str | None:
        return self._kind

    def get(self, field: str) -> Value:
        return Value(field, _lookup(self._data, field))

    def items(self, field: str) -> list[tuple[Any, str]]:
        value = self.get(field)
        if not value.present or not isinstance(value.value, list):
            return []
        return [(item, child(field, i)) for i, item in enumerate(value.value)]

    def file_keys(self) -> list[str]:
        return list(self._data)


# Canonical (rule file) field → where the alertRules API body carries it. None:
# the API has no such field (the resource id is in the URL; connectors are
# template metadata). Several paths: their lists are read as one.
_BODY_PATHS: dict[str, tuple[str, ...]] = {
    "id": (),
    "kind": ("kind",),
    "name": ("properties.displayName",),
    "relevantTechniques": ("properties.techniques", "properties.subTechniques"),
    "requiredDataConnectors": (),
    "version": (),
}


class BodySubject:
    """An alertRules PUT body: {"kind": ..., "properties": {...}}."""

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body

    @property
    def kind(self) -> str | None:
        kind = self._body.get("kind")
        return kind if isinstance(kind, str) else None

    def _paths(self, field: str) -> tuple[str, ...]:
        return _BODY_PATHS.get(field, (f"properties.{field}",))

    def get(self, field: str) -> Value:
        paths = self._paths(field)
        if not paths:
            return Value(field)
        for path in paths:
            found = _lookup(self._body, path)
            if found is not _MISSING and found is not None:
                return Value(path, found)
        return Value(paths[0])

    def items(self, field: str) -> list[tuple[Any, str]]:
        out: list[tuple[Any, str]] = []
        for path in self._paths(field):
            found = _lookup(self._body, path)
            if isinstance(found, list):
                out.extend((item, child(path, i)) for i, item in enumerate(found))
        return out

    def file_keys(self) -> list[str]:
        return []


def is_nrt(subject: Subject) -> bool:
    # Matches Rule.is_nrt: a wrongly cased kind is reported once, by the kind check.
    return (subject.kind or "").lower() == "nrt"

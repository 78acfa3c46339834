"""Entity mappings: known types, valid and complete identifiers, usable column names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.rule_checks import limits as L
from sentinel_deploy.validation.rule_checks.base import Finding, Subject, check, child
from sentinel_deploy.validation.rule_checks.reference import EntityType, entity_types


def _mappings(subject: Subject) -> Iterator[tuple[dict[str, Any], str]]:
    for mapping, path in subject.items("entityMappings"):
        if isinstance(mapping, dict):
            yield mapping, path


def _fields(mapping: dict[str, Any], path: str) -> Iterator[tuple[dict[str, Any], str]]:
    fields = mapping.get("fieldMappings")
    if isinstance(fields, list):
        base = child(path, "fieldMappings")
        for i, field in enumerate(fields):
            if isinstance(field, dict):
                yield field, child(base, i)


def _typed(subject: Subject) -> Iterator[tuple[dict[str, Any], str, EntityType]]:
    known = entity_types()
    for mapping, path in _mappings(subject):
        spec = known.get(mapping.get("entityType"))  # type: ignore[arg-type]
        if spec is not None:
            yield mapping, path, spec


@check("SD130", f"entityMappings has at most {L.ENTITY_MAPPINGS_MAX} entries, each with "
                f"{L.FIELD_MAPPINGS_MIN}–{L.FIELD_MAPPINGS_MAX} fieldMappings.")
def mapping_counts(subject: Subject) -> Iterator[Finding]:
    field = subject.get("entityMappings")
    if not field.present:
        return
    if not isinstance(field.value, list):
        yield Finding(field.path, "entityMappings must be a list")
        return
    count = len(field.value)
    if count > L.ENTITY_MAPPINGS_MAX:
        yield Finding(field.path, f"entityMappings has {count} entries; the limit is "
                                  f"{L.ENTITY_MAPPINGS_MAX}", hint="keep the most useful entities")
    for mapping, path in _mappings(subject):
        fields = mapping.get("fieldMappings")
        count = len(fields) if isinstance(fields, list) else 0
        if not L.FIELD_MAPPINGS_MIN <= count <= L.FIELD_MAPPINGS_MAX:
            yield Finding(child(path, "fieldMappings"),
                          f"{mapping.get('entityType')} mapping has {count} fieldMappings; "
                          f"allowed: {L.FIELD_MAPPINGS_MIN}–{L.FIELD_MAPPINGS_MAX}")


@check("SD135", "entityMappings, when given, has at least one entry.", Severity.WARNING)
def mappings_not_empty(subject: Subject) -> Iterator[Finding]:
    # The template validator rejects `entityMappings: []`, but bodies (ours included)
    # send [] for "no entities" and the API takes it; so: advice, not an error.
    field = subject.get("entityMappings")
    if field.present and field.value == [] and subject.file_keys():
        yield Finding(field.path, "entityMappings is empty",
                      hint="remove the key, or map the entities the alert is about")


@check("SD131", "Each entityType is one the API knows.")
def entity_type_known(subject: Subject) -> Iterator[Finding]:
    known = entity_types()
    for mapping, path in _mappings(subject):
        kind = mapping.get("entityType")
        if kind not in known:
            close = [k for k in known if isinstance(kind, str) and k.lower() == kind.lower()]
            yield Finding(child(path, "entityType"), f"entity type {kind!r} is not known",
                          hint=f"write {close[0]!r}" if close
                          else f"use one of: {', '.join(sorted(known))}")


@check("SD132", "Each identifier is valid for its entity type and used once per mapping.")
def identifiers_valid(subject: Subject) -> Iterator[Finding]:
    for mapping, path, spec in _typed(subject):
        seen: set[str] = set()
        for field, field_path in _fields(mapping, path):
            identifier = field.get("identifier")
            where = child(field_path, "identifier")
            if identifier not in spec.identifiers:
                yield Finding(where, f"{identifier!r} is not an identifier of "
                                     f"{mapping['entityType']}",
                              hint=f"use one of: {', '.join(sorted(spec.identifiers))}")
            elif identifier in seen:
                yield Finding(where, f"identifier {identifier} is mapped twice in this "
                                     f"{mapping['entityType']} mapping",
                              hint="map each identifier once; add another mapping for a "
                                   "second entity")
            seen.add(identifier)  # type: ignore[arg-type]


@check("SD133", "Each mapping includes one of its entity type's required identifier sets.")
def identifiers_complete(subject: Subject) -> Iterator[Finding]:
    # An error, as in the Azure-Sentinel validator (ValidEntityMappingsAttribute):
    # an entity without a strong identifier cannot be built, so the alert loses it.
    for mapping, path, spec in _typed(subject):
        used = {f.get("identifier") for f, _ in _fields(mapping, path)}
        if spec.identifiers & used and not any(combo <= used for combo in spec.required_any_of):
            options = "; ".join(" + ".join(sorted(c)) for c in spec.required_any_of)
            yield Finding(child(path, "entityType"),
                          f"{mapping['entityType']} mapping lacks a required identifier "
                          f"(has {', '.join(sorted(map(str, used)))})",
                          hint=f"map one of: {options}")


@check("SD134", "Each columnName is a plain column name (letter or _, then letters, digits, "
                "_).")
def column_names(subject: Subject) -> Iterator[Finding]:
    for mapping, path in _mappings(subject):
        for field, field_path in _fields(mapping, path):
            column = field.get("columnName")
            where = child(field_path, "columnName")
            if not isinstance(column, str) or not L.COLUMN_NAME.match(column):
                yield Finding(where, f"columnName {column!r} is not a valid column name",
                              hint="project the value to a column named like AccountName "
                                   "and map that")
            elif len(column) > L.COLUMN_NAME_MAX:
                yield Finding(where, f"columnName is {len(column)} characters; the limit is "
                                     f"{L.COLUMN_NAME_MAX}")

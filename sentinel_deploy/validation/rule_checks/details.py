"""Alert shaping: custom details, alert details override, grouping, and data connectors."""

from __future__ import annotations

from collections.abc import Iterator

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.validation.rule_checks import limits as L
from sentinel_deploy.validation.rule_checks.base import Finding, Subject, Value, check, child
from sentinel_deploy.validation.rule_checks.reference import connector_ids, entity_types


@check("SD140", f"customDetails has at most {L.CUSTOM_DETAILS_MAX} entries; keys are letters, "
                f"digits and _ (≤{L.CUSTOM_DETAIL_KEY_MAX}), values column names.")
def custom_details(subject: Subject) -> Iterator[Finding]:
    field = subject.get("customDetails")
    if not field.present:
        return
    details = field.value
    if not isinstance(details, dict):
        yield Finding(field.path, "customDetails must be a mapping of name: column")
        return
    if len(details) > L.CUSTOM_DETAILS_MAX:
        yield Finding(field.path, f"customDetails has {len(details)} entries; the limit is "
                                  f"{L.CUSTOM_DETAILS_MAX}")
    for key, column in details.items():
        where = child(field.path, str(key))
        if not L.CUSTOM_DETAIL_KEY.match(str(key)) or len(str(key)) > L.CUSTOM_DETAIL_KEY_MAX:
            yield Finding(where, f"custom detail name {key!r} is not valid",
                          hint=f"start with a letter, use only letters, digits and _, at most "
                               f"{L.CUSTOM_DETAIL_KEY_MAX} characters")
        if not (isinstance(column, str) and L.COLUMN_NAME.match(column)
                and len(column) <= L.COLUMN_NAME_MAX):
            yield Finding(where, f"custom detail {key} names column {column!r}, which is not a "
                                 "valid column name",
                          hint="project the value to a plain column and name that column")


def _format(field: Value, label: str, maximum: int) -> Iterator[Finding]:
    yield from L.text_length(field, label, maximum, minimum=1)
    if field.present and isinstance(field.value, str):
        count = len(L.placeholders(field.value))
        if count > L.PLACEHOLDERS_MAX:
            yield Finding(field.path, f"{label} uses {count} {{{{column}}}} placeholders; the "
                                      f"limit is {L.PLACEHOLDERS_MAX}")


@check("SD141", f"alertDisplayNameFormat is 1–{L.ALERT_NAME_FORMAT_MAX} and "
                f"alertDescriptionFormat 1–{L.ALERT_DESCRIPTION_FORMAT_MAX:,} characters, each "
                f"with at most {L.PLACEHOLDERS_MAX} {{{{column}}}} placeholders.")
def alert_details_override(subject: Subject) -> Iterator[Finding]:
    yield from _format(subject.get("alertDetailsOverride.alertDisplayNameFormat"),
                       "alertDisplayNameFormat", L.ALERT_NAME_FORMAT_MAX)
    yield from _format(subject.get("alertDetailsOverride.alertDescriptionFormat"),
                       "alertDescriptionFormat", L.ALERT_DESCRIPTION_FORMAT_MAX)


@check("SD142", f"eventGroupingSettings.aggregationKind is {' or '.join(L.AGGREGATION_KINDS)}.")
def aggregation_kind(subject: Subject) -> Iterator[Finding]:
    yield from L.one_of(subject.get("eventGroupingSettings.aggregationKind"), "aggregationKind",
                        L.AGGREGATION_KINDS)


_GROUPING = "incidentConfiguration.groupingConfiguration"


@check("SD143", f"Incident grouping looks back {L.human(L.LOOKBACK_MIN)}–"
                f"{L.human(L.LOOKBACK_MAX)}, matches by {', '.join(L.MATCHING_METHODS)}, and "
                "groups by known entity types.")
def incident_grouping(subject: Subject) -> Iterator[Finding]:
    yield from L.duration_in(subject.get(f"{_GROUPING}.lookbackDuration"), "lookbackDuration",
                             L.LOOKBACK_MIN, L.LOOKBACK_MAX)
    yield from L.one_of(subject.get(f"{_GROUPING}.matchingMethod"), "matchingMethod",
                        L.MATCHING_METHODS)
    for value, path in subject.items(f"{_GROUPING}.groupByEntities"):
        if value not in entity_types():
            yield Finding(path, f"groupByEntities names {value!r}, not a known entity type",
                          hint=f"use one of: {', '.join(sorted(entity_types()))}")


@check("SD150", "Each requiredDataConnectors connectorId is a known connector (2022-08 list; "
                "newer connectors exist).", Severity.WARNING)
def connector_known(subject: Subject) -> Iterator[Finding]:
    for connector, path in subject.items("requiredDataConnectors"):
        cid = connector.get("connectorId") if isinstance(connector, dict) else None
        if cid is not None and cid not in connector_ids():
            yield Finding(child(path, "connectorId"), f"connectorId {cid!r} is not in the "
                                                      "known connector list (as of 2022-08)",
                          hint="check the spelling; a connector newer than the list is fine")

"""Identity and text: required fields, id, name, description, severity, query, kind."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sentinel_deploy.objects.diagnostics import Severity
from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.validation.rule_checks import limits as L
from sentinel_deploy.validation.rule_checks.base import Finding, Subject, check, is_nrt

_ALWAYS_REQUIRED = ("name", "severity", "query")
_SCHEDULE_REQUIRED = ("queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold")
# Azure-Sentinel leaves a stub with only id/name/description where a rule used to be.
# Keys Azure-Sentinel templates carry that the API body does not need.
_TEMPLATE_KEYS = frozenset({"metadata", "sentinelEntitiesMappings", "alertRuleTemplateName"})
_MOVED = re.compile(r"\bmoved\b|\bnew location\b", re.IGNORECASE)


@check("SD100", "A rule has a name, severity and query, and a Scheduled rule its schedule "
                "and trigger.")
def required_fields(subject: Subject) -> Iterator[Finding]:
    wanted = _ALWAYS_REQUIRED + (() if is_nrt(subject) else _SCHEDULE_REQUIRED)
    missing = [f for f in wanted if not subject.get(f).present]
    if not missing:
        return
    description = subject.get("description").value
    if "query" in missing and isinstance(description, str) and _MOVED.search(description):
        hint = "this looks like a stub left where a rule moved; delete it or deploy the rule " \
               "from its new place"
    else:
        hint = "add the missing fields (see the Azure-Sentinel analytics rule format)"
    yield Finding(None, f"incomplete rule: missing {', '.join(missing)}", hint=hint)


@check("SD101", "The rule id is a GUID.")
def id_is_guid(subject: Subject) -> Iterator[Finding]:
    field = subject.get("id")
    if field.present and not (isinstance(field.value, str) and L.GUID.match(field.value)):
        yield Finding(field.path, f"id {field.value!r} is not a GUID",
                      hint="generate one, e.g. python -c 'import uuid; print(uuid.uuid4())'")


@check("SD103", f"The name is 1–{L.NAME_MAX} characters.")
def name_length(subject: Subject) -> Iterator[Finding]:
    yield from L.text_length(subject.get("name"), "name", L.NAME_MAX, minimum=1)


@check("SD104", f"The description is at most {L.DESCRIPTION_MAX:,} characters.")
def description_length(subject: Subject) -> Iterator[Finding]:
    yield from L.text_length(subject.get("description"), "description", L.DESCRIPTION_MAX)


@check("SD105", f"The severity is one of {', '.join(L.SEVERITIES)}.")
def severity_value(subject: Subject) -> Iterator[Finding]:
    yield from L.one_of(subject.get("severity"), "severity", L.SEVERITIES)


@check("SD106", f"The query is 1–{L.QUERY_MAX:,} characters.")
def query_length(subject: Subject) -> Iterator[Finding]:
    yield from L.text_length(subject.get("query"), "query", L.QUERY_MAX, minimum=1)


@check("SD107", f"The kind is {' or '.join(L.KINDS)}.")
def kind_value(subject: Subject) -> Iterator[Finding]:
    yield from L.one_of(subject.get("kind"), "kind", L.KINDS)


@check("SD108", "Every top-level key is a rule field (a misspelt key is silently ignored).",
       Severity.WARNING)
def known_keys(subject: Subject) -> Iterator[Finding]:
    known = set(Rule.model_fields) | _TEMPLATE_KEYS
    by_fold = {k.casefold(): k for k in known}
    for key in subject.file_keys():
        if key in known:
            continue
        close = by_fold.get(key.casefold())
        hint = (f"write {close!r}" if close else
                "relevantTechniques holds techniques" if key == "techniques" else
                "remove it or check its spelling")
        yield Finding(key, f"{key!r} is not a rule field; it is ignored", hint=hint)

"""Microsoft.SecurityInsights/alertRules as ARM serves it: GET, PUT, DELETE and list."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from sentinel_deploy.emulator.durations import normalize_duration
from sentinel_deploy.emulator.responses import Reply, arm_error, new_etag
from sentinel_deploy.emulator.state import RuleStore, workspace_key

RuleValidator = Callable[[dict[str, Any]], list[str]]

RESOURCE_TYPE = "Microsoft.SecurityInsights/alertRules"
SUPPORTED_KINDS = ("Scheduled", "NRT")
_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-preview)?$")
# Where a Scheduled or NRT rule carries durations the service rewrites in canonical form.
_DURATION_PATHS = (
    ("queryFrequency",),
    ("queryPeriod",),
    ("suppressionDuration",),
    ("incidentConfiguration", "groupingConfiguration", "lookbackDuration"),
)
# Server-owned members a client may echo back from a GET; ARM ignores them on PUT.
_READ_ONLY = ("id", "name", "type", "systemData")


def check_api_version(query: Mapping[str, list[str]]) -> Reply | None:
    values = query.get("api-version")
    if not values:
        return arm_error(
            400, "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    if not _API_VERSION.match(values[0]):
        return arm_error(
            400, "InvalidApiVersionParameter",
            f"The api-version '{values[0]}' is invalid. The supported versions follow the "
            "pattern 'yyyy-mm-dd' or 'yyyy-mm-dd-preview'.",
        )
    return None


def structural_problems(body: Any) -> list[str]:
    """The minimum every Scheduled/NRT rule needs, before any pluggable validator runs."""
    if not isinstance(body, dict):
        return ["The request body must be a JSON object."]
    kind = body.get("kind")
    if kind not in SUPPORTED_KINDS:
        return [f"The alert rule kind {kind!r} is not supported; expected one of "
                f"{', '.join(SUPPORTED_KINDS)}."]
    props = body.get("properties")
    if not isinstance(props, dict):
        return ["The 'properties' member is required and must be an object."]
    return [
        f"The '{name}' field is required."
        for name in ("displayName", "query", "severity")
        if props.get(name) in (None, "")
    ]


def _normalize_durations(props: dict[str, Any]) -> list[str]:
    problems = []
    for path in _DURATION_PATHS:
        parent: Any = props
        for part in path[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or path[-1] not in parent or parent[path[-1]] is None:
            continue
        value = parent[path[-1]]
        try:
            parent[path[-1]] = normalize_duration(str(value))
        except ValueError:
            problems.append(f"The '{'.'.join(path)}' value {value!r} is not a valid "
                            "ISO 8601 duration.")
    return problems


def _utc_now() -> str:
    # .NET prints seven fractional digits; six plus a zero reads the same.
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


class AlertRulesApi:
    def __init__(self, store: RuleStore, rule_validator: RuleValidator | None = None) -> None:
        self.store = store
        self.rule_validator = rule_validator

    @staticmethod
    def resource_id(sub: str, rg: str, ws: str, rule_id: str) -> str:
        return (f"/subscriptions/{sub}/resourceGroups/{rg}/providers/"
                f"Microsoft.OperationalInsights/workspaces/{ws}/providers/"
                f"{RESOURCE_TYPE}/{rule_id}")

    def list(self, sub: str, rg: str, ws: str) -> Reply:
        rules = self.store.list(workspace_key(sub, rg, ws))
        return Reply(200, {"value": sorted(rules, key=lambda r: r["name"])})

    def get(self, sub: str, rg: str, ws: str, rule_id: str) -> Reply:
        rule = self.store.get(workspace_key(sub, rg, ws), rule_id)
        if rule is None:
            return arm_error(404, "NotFound", f"Alert rule '{rule_id}' was not found.")
        return Reply(200, rule, {"ETag": rule["etag"]})

    def delete(self, sub: str, rg: str, ws: str, rule_id: str) -> Reply:
        existed = self.store.delete(workspace_key(sub, rg, ws), rule_id)
        return Reply(200 if existed else 204)

    def put(self, sub: str, rg: str, ws: str, rule_id: str, body: Any,
            if_match: str | None) -> Reply:
        body = copy.deepcopy(body)  # normalized in place below; the request log keeps the original
        problems = structural_problems(body)
        if not problems:
            problems = _normalize_durations(body["properties"])
        if not problems and self.rule_validator is not None:
            problems = list(self.rule_validator(body))
        if problems:
            return arm_error(
                400, "BadRequest", "; ".join(problems),
                [{"code": "BadRequest", "message": p} for p in problems] if len(problems) > 1
                else None,
            )
        key = workspace_key(sub, rg, ws)
        # The lock spans compare-and-write so two racing PUTs with one etag can't both win.
        with self.store.lock:
            existing = self.store.get(key, rule_id)
            conflict = self._precondition_failure(existing, if_match, body.get("etag"))
            if conflict is not None:
                return conflict
            props = dict(body["properties"])
            props["lastModifiedUtc"] = _utc_now()
            resource = {k: v for k, v in body.items() if k not in _READ_ONLY}
            resource.update(
                id=self.resource_id(sub, rg, ws, rule_id),
                name=rule_id,
                type=RESOURCE_TYPE,
                etag=new_etag(),
                properties=props,
            )
            self.store.put(key, rule_id, resource)
        return Reply(200 if existing else 201, resource, {"ETag": resource["etag"]})

    @staticmethod
    def _precondition_failure(existing: dict[str, Any] | None, if_match: str | None,
                              body_etag: Any) -> Reply | None:
        # ARM honours both the If-Match header and (Sentinel's documented way) an
        # `etag` in the body; either one naming an older version fails the write.
        for source, wanted in (("If-Match header", if_match), ("etag", body_etag)):
            if wanted in (None, ""):
                continue
            if existing is None:
                return arm_error(412, "PreconditionFailed",
                                 f"The {source} {wanted} was given but the alert rule does not "
                                 "exist.")
            if wanted != "*" and wanted != existing["etag"]:
                return arm_error(412, "PreconditionFailed",
                                 f"The {source} {wanted} does not match the current etag "
                                 f"{existing['etag']}; the alert rule was changed by someone "
                                 "else.")
        return None

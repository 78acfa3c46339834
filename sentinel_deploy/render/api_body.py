"""A rendered rule becomes an alertRules API body through `templates/alert_rule.<kind>.json.j2`.

The templates are the user's to edit; Python only supplies filters that turn the
model's values into the API's forms (ISO 8601 durations, long operator names).
"""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.objects.durations import parse_duration, to_iso8601
from sentinel_deploy.objects.rule import Rule

TRIGGER_OPERATORS = {
    "gt": "GreaterThan", "lt": "LessThan", "eq": "Equal", "ne": "NotEqual",
    "greaterthan": "GreaterThan", "lessthan": "LessThan", "equal": "Equal",
    "notequal": "NotEqual",
}
# What the portal sets when a rule says nothing; the API requires a value.
DEFAULT_SUPPRESSION = timedelta(hours=5)
PACKAGED_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _iso8601(value: Any) -> str | None:
    return None if value is None else to_iso8601(parse_duration(value))


def _trigger_operator(value: str | None) -> str | None:
    if value is None:
        return None
    return TRIGGER_OPERATORS.get(value.strip().lower(), value)


def _api(value: Any) -> Any:
    """Model objects as plain JSON values, durations as ISO 8601, sentinel-deploy keys out."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="python", exclude_none=True)
    if isinstance(value, dict):
        return {k: _api(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_api(v) for v in value]
    if isinstance(value, timedelta):
        return to_iso8601(value)
    return value


def _incident_defaults(value: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(value or {"createIncident": True})
    grouping = config.get("groupingConfiguration") or {
        "enabled": False, "reopenClosedIncident": False, "lookbackDuration": "PT5H",
        "matchingMethod": "AllEntities", "groupByEntities": [], "groupByAlertDetails": [],
        "groupByCustomDetails": []}
    config["groupingConfiguration"] = grouping
    return config


@lru_cache(maxsize=4)
def _environment(templates_dir: Path) -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader([
            jinja2.FileSystemLoader(str(templates_dir)),
            jinja2.FileSystemLoader(str(PACKAGED_TEMPLATES)),
        ]),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
    )
    env.filters.update(iso8601=_iso8601, trigger_operator=_trigger_operator, api=_api,
                       incident_defaults=_incident_defaults)
    env.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return env


def render_api_body(rule: Rule, templates_dir: Path, *,
                    enabled: bool | None = None) -> dict[str, Any]:
    """The body to PUT. `enabled` overrides the rule's own flag (deploy writes disabled first)."""
    name = f"alert_rule.{'NRT' if rule.is_nrt else 'Scheduled'}.json.j2"
    env = _environment(templates_dir.resolve())
    try:
        template = env.get_template(name)
        text = template.render(rule=rule, enabled=rule.enabled if enabled is None else enabled,
                               default_suppression=DEFAULT_SUPPRESSION)
    except jinja2.TemplateNotFound:
        raise UserError(f"API body template {name} not found in {templates_dir}",
                        hint="restore it from the sentinel-deploy repository") from None
    except jinja2.TemplateError as exc:
        raise UserError(f"API body template {name} failed: {exc}",
                        file=templates_dir / name,
                        line=getattr(exc, "lineno", None),
                        hint="fix the template") from None
    try:
        body = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"API body template {name} did not produce JSON: {exc.msg}",
                        file=templates_dir / name,
                        hint="every value must go through `| tojson`") from None
    return _drop_nulls(body)


def _drop_nulls(body: dict[str, Any]) -> dict[str, Any]:
    # The API treats an absent property and a null one alike; absent keeps diffs clean.
    props = {k: v for k, v in body.get("properties", {}).items() if v is not None}
    return {**body, "properties": props}

"""An analytics rule as written in the Azure-Sentinel repository's YAML format.

The model is deliberately permissive: it captures the *shape* of a rule so that
every file of the public corpus loads unchanged. Whether the values satisfy the
API's limits is the job of `sentinel_deploy.validation`, which reports every
problem with its line instead of failing on the first.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from sentinel_deploy.objects.durations import parse_duration


def _strip(value: Any) -> Any:
    # The corpus has values like "High " and "gt " (trailing blanks, CRLF leftovers).
    return value.strip() if isinstance(value, str) else value


def _duration(value: Any) -> Any:
    return None if value is None else parse_duration(value)


def _as_str(value: Any) -> Any:
    # YAML reads `version: 1.0` as a float and ids without quotes stay strings;
    # the API wants text either way.
    return str(value).strip() if isinstance(value, int | float) and not isinstance(
        value, bool) else _strip(value)


Text = Annotated[str, BeforeValidator(_as_str)]
Duration = Annotated[timedelta | None, BeforeValidator(_duration)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _empty_means_default(cls, data: Any) -> Any:
        # `tactics:` with nothing after it is YAML null; the corpus means "none".
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v is not None}
        return data


class DataConnector(_Model):
    connectorId: Text | None = None
    dataTypes: list[Text] = Field(default_factory=list)


class FieldMapping(_Model):
    identifier: Text
    columnName: Text


class EntityMapping(_Model):
    entityType: Text
    fieldMappings: list[FieldMapping] = Field(default_factory=list)


class AlertDetailsOverride(_Model):
    alertDisplayNameFormat: Text | None = None
    alertDescriptionFormat: Text | None = None
    alertTacticsColumnName: Text | None = None
    alertSeverityColumnName: Text | None = None
    alertDynamicProperties: list[dict[str, Any]] = Field(default_factory=list)


class EventGroupingSettings(_Model):
    aggregationKind: Text = "SingleAlert"


class GroupingConfiguration(_Model):
    enabled: bool = False
    reopenClosedIncident: bool = False
    lookbackDuration: Duration = None
    matchingMethod: Text = "AllEntities"
    groupByEntities: list[Text] = Field(default_factory=list)
    groupByAlertDetails: list[Text] = Field(default_factory=list)
    groupByCustomDetails: list[Text] = Field(default_factory=list)


class IncidentConfiguration(_Model):
    createIncident: bool = True
    groupingConfiguration: GroupingConfiguration | None = None


class DeploySettings(_Model):
    """sentinel-deploy's own block (`sentinelDeploy:`); never sent to the API."""

    maxResults: int | None = None  # the deploy check fails above this many rows
    minResults: int = 0
    window: Duration = None  # the deploy check's window; default: queryPeriod


class Rule(_Model):
    id: Text
    name: Text
    description: Text = ""
    # Optional here so that moved-file stubs in the corpus still load; the
    # validator reports a rule without them as incomplete.
    severity: Text | None = None
    kind: Text = "Scheduled"
    query: str | None = None
    requiredDataConnectors: list[DataConnector] = Field(default_factory=list)
    queryFrequency: Duration = None
    queryPeriod: Duration = None
    triggerOperator: Text | None = None
    triggerThreshold: int | None = None
    tactics: list[Text] = Field(default_factory=list)
    relevantTechniques: list[Text] = Field(default_factory=list)
    entityMappings: list[EntityMapping] = Field(default_factory=list)
    customDetails: dict[str, Text] = Field(default_factory=dict)
    alertDetailsOverride: AlertDetailsOverride | None = None
    eventGroupingSettings: EventGroupingSettings | None = None
    incidentConfiguration: IncidentConfiguration | None = None
    suppressionDuration: Duration = None
    suppressionEnabled: bool = False
    version: Text | None = None
    status: Text | None = None
    tags: list[Any] = Field(default_factory=list)
    enabled: bool = True
    sentinelDeploy: DeploySettings = Field(default_factory=DeploySettings)

    @property
    def is_nrt(self) -> bool:
        return self.kind.lower() == "nrt"

    @property
    def techniques(self) -> list[str]:
        """Parent techniques (`T1564`) as the API's `techniques` field wants them."""
        seen: dict[str, None] = {}
        for t in self.relevantTechniques:
            seen.setdefault(t.split(".")[0].strip(), None)
        return list(seen)

    @property
    def sub_techniques(self) -> list[str]:
        return [t.strip() for t in self.relevantTechniques if "." in t]

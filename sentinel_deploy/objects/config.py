"""The project file `sentinel-deploy.toml`: where rules live and which workspaces exist.

An environment is either the embedded `local` workspace or an Azure workspace;
the `kind` key picks the model, so adding a kind means adding a class here and
its client factory in `sentinel_deploy.workspace`, not another `if` chain.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_LOCAL_NAME = "local"


class _Env(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vars: dict[str, Any] = Field(default_factory=dict)
    # Default ceiling on rows the deploy check accepts from a rule over its
    # window; a rule's own `sentinelDeploy.maxResults` wins.
    max_results: int = 100
    # Tables that exist in this workspace (None: every table in the catalog).
    tables: list[str] | None = None

    def clock(self) -> datetime:
        return datetime.now(UTC)


class LocalEnvironment(_Env):
    kind: Literal["local"] = "local"
    state_dir: Path = Path(".sentinel-deploy/local")
    data: list[Path] = Field(default_factory=lambda: [Path("workspace/local/data")])
    # The local workspace's "now": pinned so the demo data (real rows exported
    # in 2023) falls inside rule windows and every run answers the same.
    now: datetime | None = None
    subscription_id: str = "00000000-0000-0000-0000-000000000000"
    resource_group: str = "sentinel-deploy-local"
    workspace_name: str = "local"
    workspace_id: str = "11111111-1111-1111-1111-111111111111"

    @field_validator("now")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value

    def clock(self) -> datetime:
        return self.now or datetime.now(UTC)


class AzureEnvironment(_Env):
    kind: Literal["azure"] = "azure"
    subscription_id: str
    resource_group: str
    workspace_name: str
    workspace_id: str  # the Log Analytics workspace GUID used for queries
    arm_endpoint: str = "https://management.azure.com"
    logs_endpoint: str = "https://api.loganalytics.io/v1"


Environment = Annotated[LocalEnvironment | AzureEnvironment, Field(discriminator="kind")]


class ProjectConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    root: Path = Path(".")
    rules: list[Path] = Field(default_factory=lambda: [Path("analytics")])
    templates: Path = Path("templates")
    schemas: list[Path] = Field(default_factory=lambda: [Path("schemas")])
    default_environment: str = DEFAULT_LOCAL_NAME
    environments: dict[str, Environment] = Field(
        default_factory=lambda: {DEFAULT_LOCAL_NAME: LocalEnvironment()})

    def resolve(self, path: Path) -> Path:
        return path if path.is_absolute() else self.root / path

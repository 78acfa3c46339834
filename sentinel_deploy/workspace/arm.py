"""Sentinel analytics rules through the real management SDK, as plain dicts.

Why azure-mgmt-securityinsight 2.0.0b4 (api-version 2025-10-01-preview) and not
1.0.0, the only stable release: 1.0.0 hard-codes api-version 2021-10-01 per
operation and serializes through models that have no `techniques`, silently
dropping it even from dict bodies. 2.0.0b4 json-dumps a dict body untouched,
so every field we send arrives. The price: it does not set `kind` for a dict
body, so the caller's body must carry it (checked here).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from azure.core.exceptions import AzureError
from azure.mgmt.securityinsight import SecurityInsightsMgmtClient

from sentinel_deploy.workspace.credentials import default_credential, transport_options
from sentinel_deploy.workspace.failures import to_workspace_error

if TYPE_CHECKING:
    from types import TracebackType

    from azure.core.credentials import TokenCredential
    from azure.core.pipeline import PipelineResponse

# Server-owned members; a body copied from a GET may carry them, and ARM ignores them.
_READ_ONLY = ("id", "name", "type", "systemData")


def _raw_json(pipeline_response: PipelineResponse, _deserialized: Any,
              _headers: Any) -> dict[str, Any]:
    # The SDK's `cls` hook: keep the service's JSON exactly, not a model view of it.
    return pipeline_response.http_response.json()


class AlertRulesClient:
    """alertRules of one workspace: list, get, put, delete with dict bodies.

    `base_url=None` means Azure Resource Manager; an `http://127.0.0.1:port`
    URL means the local emulator. Every failure comes out as WorkspaceError
    (EtagConflict for a stale etag).
    """

    def __init__(self, subscription_id: str, resource_group: str, workspace_name: str,
                 credential: TokenCredential | None = None, base_url: str | None = None) -> None:
        self.subscription_id = subscription_id
        self.resource_group = resource_group
        self.workspace_name = workspace_name
        self.base_url = base_url
        self._call = transport_options(base_url)
        extra: dict[str, Any] = {}
        if self._call:
            # Against the emulator a failure is final: retrying with back-off only delays it.
            extra["retry_total"] = 0
        self._client = SecurityInsightsMgmtClient(
            credential or default_credential(base_url), subscription_id,
            base_url=base_url, **extra)

    def _action(self, verb: str, rule_id: str | None = None) -> str:
        target = f"alert rule '{rule_id}'" if rule_id else "alert rules"
        return f"{verb} {target} in workspace '{self.workspace_name}'"

    def list(self) -> dict[str, dict[str, Any]]:
        try:
            pages = self._client.alert_rules.list(
                self.resource_group, self.workspace_name,
                cls=lambda rules: [rule.as_dict() for rule in rules], **self._call)
            return {rule["name"]: rule for rule in pages}
        except AzureError as exc:
            raise to_workspace_error(exc, self._action("list")) from exc

    def get(self, rule_id: str) -> dict[str, Any] | None:
        try:
            return self._client.alert_rules.get(
                self.resource_group, self.workspace_name, rule_id, cls=_raw_json, **self._call)
        except AzureError as exc:
            if getattr(exc, "status_code", None) == 404:
                return None
            raise to_workspace_error(exc, self._action("get", rule_id)) from exc

    def put(self, rule_id: str, body: dict[str, Any], etag: str | None = None) -> dict[str, Any]:
        """Create or replace; with `etag`, only if the rule is still at that version.

        The etag travels in the body, which is how the Sentinel API documents
        optimistic concurrency (its create_or_update takes no If-Match).
        Returns the resource as the service stored it, new etag included.
        """
        if not body.get("kind"):
            raise ValueError("an alert rule body needs `kind` (Scheduled or NRT): "
                             "the 2.0.0b4 SDK does not add it to a dict body")
        payload = {k: copy.deepcopy(v) for k, v in body.items()
                   if k not in _READ_ONLY and k != "etag"}
        if etag is not None:
            payload["etag"] = etag
        try:
            return self._client.alert_rules.create_or_update(
                self.resource_group, self.workspace_name, rule_id, payload,
                cls=_raw_json, **self._call)
        except AzureError as exc:
            raise to_workspace_error(exc, self._action("put", rule_id)) from exc

    def delete(self, rule_id: str) -> None:
        """Idempotent: deleting a rule that is already gone is not an error."""
        try:
            self._client.alert_rules.delete(
                self.resource_group, self.workspace_name, rule_id, **self._call)
        except AzureError as exc:
            if getattr(exc, "status_code", None) == 404:
                return
            raise to_workspace_error(exc, self._action("delete", rule_id)) from exc

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> AlertRulesClient:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

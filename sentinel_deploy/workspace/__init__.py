"""Talking to a Sentinel workspace (Azure or the local emulator) through the real SDKs."""

from sentinel_deploy.workspace.arm import AlertRulesClient
from sentinel_deploy.workspace.credentials import (
    StaticTokenCredential,
    default_credential,
    is_loopback_url,
)
from sentinel_deploy.workspace.errors import EtagConflict, WorkspaceError
from sentinel_deploy.workspace.logs import LogsClient

__all__ = [
    "AlertRulesClient",
    "EtagConflict",
    "LogsClient",
    "StaticTokenCredential",
    "WorkspaceError",
    "default_credential",
    "is_loopback_url",
]

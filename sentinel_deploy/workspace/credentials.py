"""Which credential to use, and where plain http is acceptable (the local emulator only)."""

from __future__ import annotations

import ipaddress
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from azure.core.credentials import AccessToken

from sentinel_deploy.workspace.errors import WorkspaceError

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential


class StaticTokenCredential:
    """A TokenCredential that always hands out the same token.

    The emulator accepts any bearer token, so this is the whole of its sign-in;
    it lets the real SDK pipelines (auth policy included) run unchanged.
    """

    def __init__(self, token: str = "sentinel-deploy-emulator", lifetime_s: int = 3600) -> None:
        self._token = token
        self._lifetime_s = lifetime_s

    def get_token(self, *scopes: str, claims: str | None = None, tenant_id: str | None = None,
                  enable_cae: bool = False, **kwargs: Any) -> AccessToken:
        return AccessToken(self._token, int(time.time()) + self._lifetime_s)


def is_loopback_url(url: str | None) -> bool:
    if not url:
        return False
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def transport_options(url: str | None) -> dict[str, Any]:
    """Per-call SDK keyword arguments for `url`.

    Both SDKs refuse to send a bearer token over plain http. Passing
    `enforce_https=False` per call (azure-core moves it into the request
    context, so retries keep it) lifts that only for requests we make to a
    loopback emulator; swapping the client's authentication policy instead
    would lift it for every request that client ever makes. Over https the
    check stays on, and plain http to any other host is refused here.
    """
    if url is None or urlsplit(url).scheme == "https":
        return {}
    if urlsplit(url).scheme == "http" and is_loopback_url(url):
        return {"enforce_https": False}
    raise WorkspaceError(
        f"refusing to send credentials to {url}: plain http is only allowed to a local "
        "emulator (127.0.0.1, ::1 or localhost)",
        hint="use an https:// URL for Azure",
    )


def default_credential(url: str | None = None) -> TokenCredential:
    """A static token for a loopback emulator, else DefaultAzureCredential.

    azure.identity is imported here, not at module import: it is slow to load
    and the offline commands never need it.
    """
    if is_loopback_url(url):
        return StaticTokenCredential()
    import logging

    from azure.identity import DefaultAzureCredential

    # DefaultAzureCredential logs its failure at WARNING, which Python's
    # last-resort handler prints; the same text then reaches the user again in
    # our WorkspaceError. Keep one copy, unless the user configured the logger.
    identity_log = logging.getLogger("azure.identity")
    if identity_log.level == logging.NOTSET:
        identity_log.setLevel(logging.ERROR)
    return DefaultAzureCredential()

"""Turn azure-core exceptions into WorkspaceError / EtagConflict with the service's own words."""

from __future__ import annotations

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ServiceRequestError,
)

from sentinel_deploy.workspace.errors import EtagConflict, WorkspaceError

_SIGN_IN_HINT = ("sign in with `az login` "
                 "(or set AZURE_CLIENT_ID/AZURE_TENANT_ID/AZURE_CLIENT_SECRET)")


def _service_error(exc: HttpResponseError) -> tuple[str | None, str]:
    """(code, message) from the response body, falling back to azure-core's summary."""
    error = exc.error
    if error is not None and (error.code or error.message):
        return error.code, error.message or str(exc.message)
    response = exc.response
    if response is not None:
        try:
            body = response.json()
        except Exception:  # not JSON: fall through to azure-core's text
            body = None
        if isinstance(body, dict) and isinstance(body.get("error"), dict):
            return body["error"].get("code"), str(body["error"].get("message", ""))
    return None, str(exc.message or exc)


def to_workspace_error(exc: AzureError, action: str) -> WorkspaceError:
    """`action` says what was attempted, e.g. "PUT alert rule 'abc'"."""
    if isinstance(exc, HttpResponseError) and exc.status_code is not None:
        code, message = _service_error(exc)
        status = exc.status_code
        text = f"{action}: {message}"
        # 412 is ARM's answer to a stale etag; some RPs say 409 with an etag message.
        if status == 412 or (status == 409 and "etag" in message.lower()):
            return EtagConflict(text, status, code,
                                hint="the rule changed since it was read; re-run the plan")
        if status in (401, 403):
            return WorkspaceError(text, status, code, hint=_SIGN_IN_HINT if status == 401 else
                                  "the signed-in identity needs the Microsoft Sentinel "
                                  "Contributor role on the workspace")
        return WorkspaceError(text, status, code)
    if isinstance(exc, ClientAuthenticationError):  # raised by the credential: no response
        return WorkspaceError(f"{action}: could not get a token: {exc.message}",
                              None, "CredentialUnavailable", hint=_SIGN_IN_HINT)
    if isinstance(exc, ServiceRequestError):
        return WorkspaceError(f"{action}: could not reach the service: {exc.message}",
                              None, "ServiceRequestError")
    return WorkspaceError(f"{action}: {getattr(exc, 'message', None) or exc}", None,
                          type(exc).__name__)

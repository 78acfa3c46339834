"""Failures talking to a workspace, shaped for a one-line CLI message instead of a traceback."""

from __future__ import annotations

from sentinel_deploy.objects.diagnostics import UserError


class WorkspaceError(UserError):
    """Azure (or the emulator) refused or failed a request.

    `status` is the HTTP status (None when no response came back), `code` the
    service's error code (e.g. BadRequest, NotFound, AuthorizationFailed).
    """

    def __init__(self, message: str, status: int | None = None, code: str | None = None, *,
                 hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code

    def __str__(self) -> str:
        where = " ".join(p for p in (str(self.status) if self.status else "", self.code or "") if p)
        text = f"{where}: {self.message}" if where else self.message
        return text + (f"\n  hint: {self.hint}" if self.hint else "")


class EtagConflict(WorkspaceError):
    """The rule changed on the server since its etag was read; re-read, then decide."""

"""Alert rules per workspace, kept in memory and mirrored to one JSON file per workspace."""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

WorkspaceKey = tuple[str, str, str]  # (subscription, resource group, workspace), lower-cased

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def workspace_key(subscription: str, resource_group: str, workspace: str) -> WorkspaceKey:
    # ARM treats these names case-insensitively; so does the emulator.
    return (subscription.lower(), resource_group.lower(), workspace.lower())


class RuleStore:
    """Thread-safe rule storage; `state_dir=None` keeps everything in memory.

    Files are replaced atomically (write to a temp file, then os.replace) so a
    crash mid-write never leaves a half-written workspace behind.
    """

    def __init__(self, state_dir: Path | None = None) -> None:
        self.state_dir = Path(state_dir) if state_dir is not None else None
        self._lock = threading.RLock()
        self._workspaces: dict[WorkspaceKey, dict[str, dict[str, Any]]] = {}

    @property
    def lock(self) -> threading.RLock:
        """Held by callers across a read-check-write (etag compare, then put)."""
        return self._lock

    def _path(self, key: WorkspaceKey) -> Path:
        assert self.state_dir is not None
        readable = "__".join(_UNSAFE.sub("_", part) for part in key)[:150]
        # The digest keeps two names that sanitize alike from sharing a file.
        digest = hashlib.sha256("/".join(key).encode()).hexdigest()[:8]
        return self.state_dir / f"{readable}__{digest}.json"

    def _rules(self, key: WorkspaceKey) -> dict[str, dict[str, Any]]:
        rules = self._workspaces.get(key)
        if rules is None:
            rules = {}
            if self.state_dir is not None:
                path = self._path(key)
                if path.exists():
                    rules = json.loads(path.read_text(encoding="utf-8"))["rules"]
            self._workspaces[key] = rules
        return rules

    def _save(self, key: WorkspaceKey) -> None:
        if self.state_dir is None:
            return
        path = self._path(key)
        data = {"workspace": list(key), "rules": self._workspaces[key]}
        # Created on the first write, not at start: a read-only session (a dry
        # run, `query`) must leave no trace on disk, not even an empty folder.
        self.state_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_dir, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def list(self, key: WorkspaceKey) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(json.dumps(r)) for r in self._rules(key).values()]

    def get(self, key: WorkspaceKey, rule_id: str) -> dict[str, Any] | None:
        with self._lock:
            rule = self._rules(key).get(rule_id.lower())
            return json.loads(json.dumps(rule)) if rule is not None else None

    def put(self, key: WorkspaceKey, rule_id: str, resource: dict[str, Any]) -> None:
        with self._lock:
            self._rules(key)[rule_id.lower()] = resource
            self._save(key)

    def delete(self, key: WorkspaceKey, rule_id: str) -> bool:
        with self._lock:
            existed = self._rules(key).pop(rule_id.lower(), None) is not None
            if existed:
                self._save(key)
            return existed

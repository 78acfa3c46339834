"""Which rule versions passed their deploy check, with which `sentinelDeploy` settings.

`sentinelDeploy` is never sent to the API, so the workspace cannot tell us
that a rule's expectations changed while its body did not. This record can:
one fingerprint per rule of (body, settings, environment limit) as of its last
passed check. A rule with no matching fingerprint is checked again; a missing
or unreadable record therefore only costs extra (read-only) checks.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentinel_deploy.objects.rule import Rule
from sentinel_deploy.objects.rule_diff import FLOW_FIELDS


def fingerprint(rule: Rule, body: dict[str, Any], max_results: int) -> str:
    content = {k: v for k, v in body.get("properties", {}).items() if k not in FLOW_FIELDS}
    data = {"kind": body.get("kind"), "properties": content,
            "sentinelDeploy": rule.sentinelDeploy.model_dump(mode="json"),
            "max_results": max_results}
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class CheckRecord:
    path: Path | None  # None: in memory only
    passed: dict[str, str] = field(default_factory=dict)  # rule id -> fingerprint

    @classmethod
    def load(cls, path: Path | None) -> CheckRecord:
        if path is None or not path.is_file():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            passed = {str(k): str(v) for k, v in data.get("passed", {}).items()}
        except (OSError, ValueError, AttributeError):
            passed = {}  # a damaged record means "re-check", never "trust"
        return cls(path, passed)

    def matches(self, rule_id: str, print_: str) -> bool:
        return self.passed.get(rule_id) == print_

    def knows(self, rule_id: str) -> bool:
        """Whether any version of the rule passed a check recorded here."""
        return rule_id in self.passed

    def remember(self, rule_id: str, print_: str) -> None:
        self.passed[rule_id] = print_

    def forget(self, rule_id: str) -> None:
        self.passed.pop(rule_id, None)

    def save(self) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"passed": self.passed}, fh, indent=2, sort_keys=True)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

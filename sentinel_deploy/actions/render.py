"""`render`: rule files → alertRules API bodies (JSON), for valid rules only.

A body is what would be sent to the API, so one that the API would refuse
(the SD1xx limits `validate` checks) is not emitted: its diagnostics are.
The KQL checks are left to `validate`: they need the parser and take seconds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentinel_deploy.actions.session import Session
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.render.api_body import render_api_body
from sentinel_deploy.validation.rule_checks import check_rules


@dataclass
class RenderedRule:
    rule_id: str
    file: Path
    body: dict[str, Any]


@dataclass
class RenderResult:
    rules: list[RenderedRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # every rule file read

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def render(session: Session, paths: Sequence[Path]) -> RenderResult:
    result = RenderResult()
    docs = session.load_rules(paths)
    result.files = [doc.file for doc in docs]
    for doc in docs:
        result.diagnostics.extend(doc.diagnostics)
    result.diagnostics.extend(check_rules(docs))
    invalid = {d.file for d in result.diagnostics if d.is_error}
    for doc in docs:
        if doc.rule is None or not doc.ok or doc.file in invalid:
            continue
        body = render_api_body(doc.rule, session.templates_dir)
        result.rules.append(RenderedRule(doc.rule.id, doc.file, body))
    return result


def write_bodies(result: RenderResult, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for item in result.rules:
        target = out_dir / f"{item.rule_id}.json"
        target.write_text(json.dumps(item.body, indent=2, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written

"""`render`: rule files → alertRules API bodies (JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentinel_deploy.actions.session import Session
from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.render.api_body import render_api_body


@dataclass
class RenderedRule:
    rule_id: str
    file: Path
    body: dict[str, Any]


@dataclass
class RenderResult:
    rules: list[RenderedRule] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(d.is_error for d in self.diagnostics)


def render(session: Session, paths: Sequence[Path]) -> RenderResult:
    result = RenderResult()
    for doc in session.load_rules(paths):
        result.diagnostics.extend(doc.diagnostics)
        if doc.rule is None or not doc.ok:
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

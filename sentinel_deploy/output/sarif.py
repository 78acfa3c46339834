"""SARIF 2.1.0, the format GitHub code scanning reads to annotate pull requests.

GitHub needs, per result, a `ruleId` that names a rule in `tool.driver.rules`, a
`level`, a message, and a location whose `artifactLocation.uri` is relative to
the repository root with forward slashes (`uriBaseId` %SRCROOT%).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, TextIO

from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.output.base import display_path, sort_key

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"


def _tool_version() -> str:
    # From the installed metadata: `sentinel_deploy.__version__` is not importable
    # when the editable install's finder presents the package as a namespace.
    try:
        return version("sentinel-deploy")
    except PackageNotFoundError:
        return "0+unknown"


_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


class SarifReporter:
    def __init__(self, root: Path | None = None,
                 rule_descriptions: Mapping[str, str] | None = None) -> None:
        """`rule_descriptions`: code → what the check requires; codes without one are
        described by their first message."""
        self.root = root
        self.rule_descriptions = dict(rule_descriptions or {})

    def document(self, diagnostics: Sequence[Diagnostic],
                 files_checked: Sequence[Path]) -> dict[str, Any]:
        ordered = sorted(diagnostics, key=sort_key)
        rules, index = self._rules(ordered)
        run: dict[str, Any] = {
            "tool": {"driver": {
                "name": "sentinel-deploy",
                "version": _tool_version(),
                # No informationUri: it must be the tool's own page, and there is none yet.
                "rules": rules,
            }},
            "results": [self._result(d, index[d.code]) for d in ordered],
            "artifacts": [{"location": self._artifact(f)} for f in files_checked],
            "columnKind": "unicodeCodePoints",
        }
        if self.root is not None:
            run["originalUriBaseIds"] = {SRCROOT: {"uri": self.root.resolve().as_uri() + "/"}}
        return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}

    def report(self, diagnostics: Sequence[Diagnostic], files_checked: Sequence[Path],
               stream: TextIO) -> None:
        json.dump(self.document(diagnostics, files_checked), stream, indent=2,
                  ensure_ascii=False)
        stream.write("\n")

    def _rules(self, ordered: Sequence[Diagnostic]) -> tuple[list[dict[str, Any]],
                                                             dict[str, int]]:
        first: dict[str, Diagnostic] = {}
        for d in ordered:
            first.setdefault(d.code, d)
        rules: list[dict[str, Any]] = []
        index: dict[str, int] = {}
        for code in sorted(first):
            d = first[code]
            text = self.rule_descriptions.get(code, d.message)
            index[code] = len(rules)
            rules.append({
                "id": code,
                "name": code,
                "shortDescription": {"text": text},
                "fullDescription": {"text": text},
                "defaultConfiguration": {"level": _LEVEL.get(d.severity, "warning")},
                "help": {"text": d.hint or text},
            })
        return rules, index

    def _artifact(self, file: Path) -> dict[str, str]:
        uri = display_path(file, self.root) or ""
        location = {"uri": uri}
        if self.root is not None and not Path(uri).is_absolute():
            location["uriBaseId"] = SRCROOT
        return location

    def _result(self, d: Diagnostic, rule_index: int) -> dict[str, Any]:
        text = d.message + (f" [{d.field}]" if d.field else "") + (
            f" Hint: {d.hint}" if d.hint else "")
        result: dict[str, Any] = {
            "ruleId": d.code,
            "ruleIndex": rule_index,
            "level": _LEVEL.get(d.severity, "warning"),
            "message": {"text": text},
        }
        if d.file is not None:
            region: dict[str, int] = {"startLine": d.line or 1}
            if d.column is not None:
                region["startColumn"] = d.column
            result["locations"] = [{"physicalLocation": {
                "artifactLocation": self._artifact(d.file),
                "region": region,
            }}]
        return result

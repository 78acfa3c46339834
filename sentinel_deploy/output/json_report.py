"""`--output json`: every diagnostic and a summary, for scripts and dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from sentinel_deploy.objects.diagnostics import Diagnostic
from sentinel_deploy.output.base import Summary, display_path, sort_key

FORMAT_VERSION = 1


class JsonReporter:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root

    def document(self, diagnostics: Sequence[Diagnostic],
                 files_checked: Sequence[Path]) -> dict[str, Any]:
        items = []
        for d in sorted(diagnostics, key=sort_key):
            item = d.to_json()
            if d.file is not None:
                item["file"] = display_path(d.file, self.root)
            items.append(item)
        return {"version": FORMAT_VERSION, "diagnostics": items,
                "summary": Summary.of(diagnostics, files_checked).to_json()}

    def report(self, diagnostics: Sequence[Diagnostic], files_checked: Sequence[Path],
               stream: TextIO) -> None:
        json.dump(self.document(diagnostics, files_checked), stream, indent=2,
                  ensure_ascii=False)
        stream.write("\n")

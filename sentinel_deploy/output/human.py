"""Terminal output: diagnostics grouped by file, one line each, the fix hint beneath."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from pathlib import Path
from typing import TextIO

from rich.text import Text

from sentinel_deploy.objects.diagnostics import Diagnostic, Severity
from sentinel_deploy.output.base import Summary, display_path, sort_key
from sentinel_deploy.output.pipe_console import PipeAwareConsole

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


class HumanReporter:
    def __init__(self, root: Path | None = None, *, color: bool | None = None) -> None:
        self.root = root
        self.color = color  # None: colour only when the stream is a terminal

    def report(self, diagnostics: Sequence[Diagnostic], files_checked: Sequence[Path],
               stream: TextIO) -> None:
        # soft_wrap: a location must stay on one line so editors and CI can link it.
        console = PipeAwareConsole(file=stream, force_terminal=self.color,
                                   no_color=self.color is False, highlight=False,
                                   soft_wrap=True)
        ordered = sorted(diagnostics, key=sort_key)
        for file, group in groupby(ordered, key=lambda d: d.file):
            console.print(Text(display_path(file, self.root) or "<no file>", style="bold"))
            for d in group:
                console.print(self._line(d))
                if d.hint:
                    console.print(Text(f"    hint: {d.hint}", style="dim"))
        summary = Summary.of(diagnostics, files_checked)
        console.print(Text(summary.sentence(), style="bold red" if not summary.ok
                           else "bold green"))

    def _line(self, d: Diagnostic) -> Text:
        where = display_path(d.file, self.root) or "<input>"
        if d.line is not None:
            where += f":{d.line}" + (f":{d.column}" if d.column is not None else "")
        line = Text("  ")
        line.append(where + ": ")
        line.append(str(d.severity), style=_STYLE.get(d.severity, ""))
        line.append(f" {d.code}", style="bold")
        if d.field:
            line.append(f" [{d.field}]", style="cyan")
        line.append(f": {d.message}")
        return line

"""A rich Console that ends like a shell tool when the reader of its output goes away.

rich catches BrokenPipeError itself and exits with 1, which for `test` or
`validate` means "findings": `sentinel-deploy test | head -1` would look like
a failed run. 141 (128 + SIGPIPE) is what `grep` or `sort` end with there.
"""

from __future__ import annotations

import os
import sys

from rich.console import Console

EXIT_BROKEN_PIPE = 141


def leave_broken_pipe() -> None:
    """Exit 141; stdout goes to /dev/null so the flush at exit does not fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(EXIT_BROKEN_PIPE)


class PipeAwareConsole(Console):
    def on_broken_pipe(self) -> None:
        self.quiet = True
        leave_broken_pipe()

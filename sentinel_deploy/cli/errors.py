"""Every failure the user can act on becomes one message and a non-zero exit, never a traceback."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

import typer
from rich.markup import escape

from sentinel_deploy.objects.diagnostics import UserError
from sentinel_deploy.output.pipe_console import PipeAwareConsole, leave_broken_pipe

F = TypeVar("F", bound=Callable[..., Any])
stderr = PipeAwareConsole(stderr=True, highlight=False, soft_wrap=True)

EXIT_FINDINGS = 1  # the job ran and found problems (invalid rules, failed checks)
EXIT_USAGE = 2  # bad input or environment: nothing was done


def friendly_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # typer.Exit and friends are how commands choose their exit code
        except UserError as exc:
            stderr.print(f"[bold red]error:[/] {escape(str(exc))}")
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:
            stderr.print("interrupted")
            sys.exit(130)
        except BrokenPipeError:
            # The reader left (`validate -o sarif | head -1`): not a bug, nothing to say.
            leave_broken_pipe()
        except Exception as exc:  # the last line of defence: a bug of ours
            if os.environ.get("SENTINEL_DEPLOY_DEBUG"):
                raise
            stderr.print(f"[bold red]internal error:[/] {type(exc).__name__}: {escape(str(exc))}\n"
                         "  this is a bug in sentinel-deploy; rerun with SENTINEL_DEPLOY_DEBUG=1 "
                         "for the traceback and report it")
            sys.exit(3)

    return wrapper  # type: ignore[return-value]

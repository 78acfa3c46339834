"""From an environment to a connected workspace: the same SDK clients for Azure and `local`.

For `local`, the two REST APIs are served by the in-process emulator on
127.0.0.1 (ephemeral port) over the local DuckDB engine, so `deploy` and
`query` run exactly the code path they run against Azure.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from sentinel_deploy.actions.deploy import Workspace
from sentinel_deploy.actions.session import Session
from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.emulator import Emulator, QueryRunner, serve
from sentinel_deploy.engine.workspace import LocalWorkspace
from sentinel_deploy.objects.config import AzureEnvironment, LocalEnvironment
from sentinel_deploy.objects.diagnostics import Diagnostic, UserError
from sentinel_deploy.objects.query_result import QueryResult
from sentinel_deploy.validation.rule_checks import validate_body
from sentinel_deploy.workspace.arm import AlertRulesClient
from sentinel_deploy.workspace.logs import LogsClient


def load_local_engine(env: LocalEnvironment, catalog: Catalog) -> tuple[LocalWorkspace,
                                                                         list[Diagnostic]]:
    """The local workspace's tables from its data folders (lenient: real exports have quirks)."""
    engine = LocalWorkspace(catalog)
    warnings: list[Diagnostic] = []
    for folder in env.data:
        if not folder.is_dir():
            engine.close()
            raise UserError(f"the local workspace's data folder does not exist: {folder}",
                            hint="create it and add data files, or fix `data` under "
                                 "[environments.local] in sentinel-deploy.toml")
        warnings += engine.load_dir(folder, lenient=True)
    return engine, warnings


def engine_runner(engine: LocalWorkspace, clock: Callable[[], datetime]) -> QueryRunner:
    # The emulator answers from a thread pool; one DuckDB connection serves one query at a time.
    lock = threading.Lock()

    def run(_workspace_id: str, query: str,
            timespan: tuple[datetime, datetime] | None) -> QueryResult:
        with lock:
            return engine.run(query, now=clock(), timespan=timespan)

    return run


@contextmanager
def open_workspace(session: Session) -> Iterator[Workspace]:
    env = session.env
    if isinstance(env, AzureEnvironment):
        with _azure(env) as workspace:
            yield workspace
        return
    assert isinstance(env, LocalEnvironment)
    engine, _warnings = load_local_engine(env, session.catalog)
    try:
        emulator = Emulator(state_dir=env.state_dir, query_runner=engine_runner(engine, env.clock),
                            rule_validator=validate_body, clock=env.clock)
        with emulator, AlertRulesClient(env.subscription_id, env.resource_group,
                                        env.workspace_name, base_url=emulator.url) as rules, \
                LogsClient(endpoint=emulator.url) as logs:
            yield Workspace(rules=rules, logs=logs, workspace_id=env.workspace_id,
                            now=env.clock())
    finally:
        engine.close()


@contextmanager
def _azure(env: AzureEnvironment) -> Iterator[Workspace]:
    from sentinel_deploy.workspace.credentials import default_credential

    credential = default_credential(env.arm_endpoint)
    with AlertRulesClient(env.subscription_id, env.resource_group, env.workspace_name,
                          credential=credential, base_url=env.arm_endpoint) as rules, \
            LogsClient(credential=credential, endpoint=env.logs_endpoint) as logs:
        yield Workspace(rules=rules, logs=logs, workspace_id=env.workspace_id, now=env.clock())


def serve_local(session: Session, host: str, port: int, announce: Callable[[str], None],
                warn: Callable[[list[Diagnostic]], None]) -> None:
    env = session.env
    if not isinstance(env, LocalEnvironment):
        raise UserError(f"environment {session.env_name!r} is an Azure workspace",
                        hint="the emulator serves the local environment: drop --env")
    engine, warnings = load_local_engine(env, session.catalog)
    try:
        def ready(url: str) -> None:
            # Each warning in full, and before the ready line that callers wait for:
            # a count alone sends the user digging for the file.
            warn(warnings)
            announce(f"emulator for environment {session.env_name!r} at {url}  "
                     f"(subscription {env.subscription_id}, resource group "
                     f"{env.resource_group}, workspace {env.workspace_name}, "
                     f"workspace id {env.workspace_id}); Ctrl-C stops it")

        serve(host, port, env.state_dir, engine_runner(engine, env.clock),
              rule_validator=validate_body, on_ready=ready, clock=env.clock)
    finally:
        engine.close()

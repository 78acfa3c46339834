"""Reads `sentinel-deploy.toml`; with no file, the embedded `local` environment is used."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from sentinel_deploy.input.model_errors import field_message, field_path
from sentinel_deploy.objects.config import (
    DEFAULT_LOCAL_NAME,
    Environment,
    LocalEnvironment,
    ProjectConfig,
)
from sentinel_deploy.objects.diagnostics import UserError

CONFIG_NAME = "sentinel-deploy.toml"


def find_config(start: Path) -> Path | None:
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(explicit: Path | None = None, start: Path = Path(".")) -> ProjectConfig:
    path = explicit or find_config(start)
    if path is None:
        return ProjectConfig(root=start.resolve())
    if not path.is_file():
        raise UserError(f"config file not found: {path}",
                        hint=f"create {CONFIG_NAME} or drop --config")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"malformed TOML: {exc}", file=path,
                        hint="fix the TOML syntax") from None
    except UnicodeDecodeError:
        raise UserError("the config file is not UTF-8", file=path) from None
    data.setdefault("root", str(path.parent.resolve()))
    envs = data.setdefault("environments", {})
    for name, env in envs.items():
        if isinstance(env, dict):
            env.setdefault("kind", "local" if name == DEFAULT_LOCAL_NAME else "azure")
    envs.setdefault(DEFAULT_LOCAL_NAME, {"kind": "local"})
    try:
        return ProjectConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = first["loc"]
        if loc[:1] == ("environments",) and len(loc) > 3 and loc[2] in ("local", "azure"):
            loc = loc[:2] + loc[3:]  # pydantic's tag of the environment kind, not a key of ours
        where = field_path(loc)
        raise UserError(f"{where}: {field_message(first)}", file=path,
                        hint="see README.md, section Configuration") from None


def get_environment(config: ProjectConfig, name: str | None) -> tuple[str, Environment]:
    name = name or config.default_environment
    env = config.environments.get(name)
    if env is None:
        known = ", ".join(sorted(config.environments)) or DEFAULT_LOCAL_NAME
        raise UserError(f"unknown environment {name!r}",
                        hint=f"choose one of: {known} (declared in sentinel-deploy.toml)")
    if isinstance(env, LocalEnvironment):
        env = env.model_copy(update={
            "state_dir": config.resolve(env.state_dir),
            "data": [config.resolve(p) for p in env.data],
        })
    return name, env

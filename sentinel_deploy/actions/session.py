"""What every verb needs: the project config, the chosen environment, the rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from sentinel_deploy.catalog.model import Catalog
from sentinel_deploy.input.config_loader import get_environment, load_config
from sentinel_deploy.input.rule_loader import RuleDocument, load_rules
from sentinel_deploy.objects.config import Environment, ProjectConfig


@dataclass
class Session:
    config: ProjectConfig
    env_name: str
    env: Environment

    @classmethod
    def open(cls, env_name: str | None = None, config_path: Path | None = None,
             start: Path = Path(".")) -> Session:
        config = load_config(config_path, start)
        name, env = get_environment(config, env_name)
        return cls(config=config, env_name=name, env=env)

    @property
    def templates_dir(self) -> Path:
        return self.config.resolve(self.config.templates)

    @property
    def check_record_path(self) -> Path:
        """Where deploy remembers which rule versions passed their check (check_record)."""
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in self.env_name)
        return self.config.resolve(Path(".sentinel-deploy") / "checks" / f"{safe}.json")

    def variables(self) -> dict[str, Any]:
        return {**self.env.vars, "env": self.env_name}

    def rule_paths(self, paths: Sequence[Path]) -> list[Path]:
        return list(paths) if paths else [self.config.resolve(p) for p in self.config.rules]

    def load_rules(self, paths: Sequence[Path]) -> list[RuleDocument]:
        return load_rules(self.rule_paths(paths), self.variables(), self.templates_dir)

    @cached_property
    def catalog(self) -> Catalog:
        from sentinel_deploy.catalog import load_catalog

        extra = [self.config.resolve(p) for p in self.config.schemas]
        return load_catalog(extra=[p for p in extra if p.exists()],
                            environment_tables=self.env.tables)

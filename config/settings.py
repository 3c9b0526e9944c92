"""Settings from the environment and `.env`: `DISCORD_TOKEN`, and `VERBATIM_*` for the rest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CORPUS = PROJECT_ROOT / "samples"


class Settings(BaseSettings):
    """Everything the bot can be told without changing code."""

    model_config = SettingsConfigDict(env_prefix="VERBATIM_", env_file=".env", extra="ignore")

    discord_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("DISCORD_TOKEN", "VERBATIM_DISCORD_TOKEN")
    )
    prefix: str = Field(default="!", min_length=1, max_length=5)
    corpus: Annotated[list[Path], NoDecode] = Field(
        default_factory=lambda: [SAMPLE_CORPUS],
        description="files or folders of records; several separated by the OS path separator or commas",
    )
    aliases: Path | None = Field(default=None, description="speaker aliases TOML (default: config/aliases.toml)")
    log_level: str = "INFO"
    chart_dir: Path | None = Field(default=None, description="where !stats writes its charts (default: the temp folder)")
    cache_dir: Path = Field(
        default=PROJECT_ROOT / ".verbatim-cache", description="where built stores are kept as snapshots (VERBATIM_CACHE_DIR)"
    )
    owner_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Discord user ids allowed to reload and sync (default: the application's owner)"
    )
    shard_count: int | None = Field(default=None, ge=1, validation_alias=AliasChoices("SHARD_COUNT", "VERBATIM_SHARD_COUNT"))
    shard_ids: Annotated[list[int] | None, NoDecode] = Field(
        default=None,
        validation_alias=AliasChoices("SHARD_IDS", "VERBATIM_SHARD_IDS"),
        description="the shards this process runs, e.g. 0,1 (needs SHARD_COUNT); default: all of them",
    )
    cooldown_rate: int = Field(default=5, ge=1, description="commands one user may run per cooldown_seconds")
    cooldown_seconds: float = Field(default=30.0, ge=0.0)

    @field_validator("owner_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(p) for p in value.replace(" ", ",").split(",") if p.strip()]
        if isinstance(value, int):
            return [value]
        return value

    @model_validator(mode="after")
    def _shards_fit(self) -> Settings:
        if self.shard_ids is not None:
            if self.shard_count is None:
                raise ValueError("SHARD_IDS needs SHARD_COUNT: the total number of shards across every process")
            if not self.shard_ids or any(not 0 <= i < self.shard_count for i in self.shard_ids):
                raise ValueError(f"SHARD_IDS must be between 0 and SHARD_COUNT - 1 ({self.shard_count - 1})")
        return self

    @field_validator("corpus", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for chunk in value.split(os.pathsep) for p in chunk.split(",")]
            return [Path(p) for p in parts if p]
        return value

"""Settings from the environment and `.env`: `DISCORD_TOKEN`, and `VERBATIM_*` for the rest."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import AliasChoices, Field, SecretStr, field_validator
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

    @field_validator("corpus", mode="before")
    @classmethod
    def _split_paths(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for chunk in value.split(os.pathsep) for p in chunk.split(",")]
            return [Path(p) for p in parts if p]
        return value

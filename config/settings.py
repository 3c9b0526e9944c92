"""Settings from the environment and `.env`: `DISCORD_TOKEN`, and `VERBATIM_*` for the rest."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# `config` and `bot` are installed side by side (a clone, a wheel, an editable install alike), and the
# sample meeting ships inside `bot` as package data: found wherever the current folder is.
SAMPLE_CORPUS = Path(__file__).resolve().parent.parent / "bot" / "samples"


def user_cache_dir() -> Path:
    """The user's own cache folder for Verbatim, where each platform keeps caches."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "verbatim" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "verbatim"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache") / "verbatim"


def user_data_dir() -> Path:
    """The per-user data folder: `$XDG_DATA_HOME/verbatim` (Linux), Application Support (macOS), %APPDATA% (Windows)."""
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / "Verbatim"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "Verbatim"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "verbatim"


def is_postgres_url(url: str) -> bool:
    """Whether a database URL names PostgreSQL (`postgresql://`, Heroku's `postgres://`, SQLAlchemy's `postgresql+psycopg://`)."""
    scheme = url.strip().partition("://")[0].lower()
    return bool(url.strip()) and scheme.split("+")[0] in ("postgres", "postgresql")


def libpq_url(url: str) -> str:
    """The URL psycopg connects with: `postgres://` and `postgresql+DRIVER://` become `postgresql://`."""
    scheme, sep, rest = url.strip().partition("://")
    return f"postgresql://{rest}" if sep and scheme.split("+")[0].lower() in ("postgres", "postgresql") else url.strip()


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
    cache_dir: Path = Field(
        default_factory=user_cache_dir, description="where built stores are kept as snapshots (VERBATIM_CACHE_DIR)"
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
    data_dir: Path = Field(
        default_factory=lambda: user_data_dir(),
        description="where the bot keeps its SQLite database (default: the user's data folder)",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("VERBATIM_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy URL of the database (PostgreSQL: postgresql://…); unset: a SQLite file in data_dir",
    )
    search: Literal["memory", "postgres"] = Field(
        default="memory",
        description=(
            "where the commands search: memory (every record indexed in this process) or postgres (in the "
            "VERBATIM_DATABASE_URL database, shared by every process)"
        ),
    )
    download_max_bytes: int = Field(default=20_000_000, ge=1, description="largest record /add downloads or accepts, in bytes")
    download_timeout: float = Field(default=30.0, gt=0, description="seconds a record's download may take, redirects included")
    download_allow: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="addresses or networks /add may download from although private or loopback (tests: 127.0.0.1)",
    )
    watches_per_person: int = Field(default=10, ge=0, description="watches one person may keep in one server")
    watches_per_server: int = Field(default=100, ge=0, description="watches one server may keep")
    corpus_check_minutes: float = Field(
        default=5.0, ge=0, description="how often the corpus files are checked for changes; 0: never"
    )

    @field_validator("search", mode="before")
    @classmethod
    def _search_lower(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("search")
    @classmethod
    def _search_needs_postgres(cls, value: str, info: ValidationInfo) -> str:
        url = (info.data.get("database_url") or "").strip()
        if value == "postgres" and not is_postgres_url(url):
            raise ValueError(
                "postgres needs VERBATIM_DATABASE_URL (or DATABASE_URL) to name a PostgreSQL database, e.g. postgresql://user@host/db"
            )
        return value

    @field_validator("download_allow", mode="before")
    @classmethod
    def _split_addresses(cls, value: object) -> object:
        if isinstance(value, str):
            return [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
        return value

    # What one record may hold (parser/readers/limits.py has the same defaults and says why).
    max_file_bytes: int = Field(default=100 * 2**20, ge=1, description="bytes in one record file")
    max_unpacked_bytes: int = Field(default=200 * 2**20, ge=1, description="bytes a DOCX or PDF may unpack to")
    max_turns: int = Field(default=50_000, ge=1, description="turns in one record")
    max_turn_chars: int = Field(default=500_000, ge=1, description="characters in one turn")

    @field_validator("owner_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.replace(" ", ",").split(",") if p.strip()]
            if not all(p.isascii() and p.isdigit() for p in parts):
                raise ValueError("must be whole numbers separated by commas, e.g. 0,1")
            return [int(p) for p in parts]
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


def _setting_name(loc: tuple[int | str, ...]) -> str:
    """The name a user sets: `prefix` → `VERBATIM_PREFIX`; an alias (`SHARD_COUNT`) as it is."""
    name = str(loc[0])
    return name if name.isupper() else f"VERBATIM_{name.upper()}"


def settings_or_exit(factory: Callable[[], Settings] = Settings) -> Settings:
    """The settings, or one line per bad one on stderr and exit code 2: each named, no value shown.

    pydantic's own message quotes the value it refused, which for a token is a secret; nothing
    here repeats a value.
    """
    try:
        return factory()
    except ValidationError as err:
        for error in err.errors(include_url=False, include_input=False, include_context=False):
            message = error["msg"].removeprefix("Value error, ")
            where = f"setting {_setting_name(error['loc'])}" if error["loc"] else "settings"
            print(f"bad {where}: {message}", file=sys.stderr)
    except OSError as err:  # `.env` a folder, or unreadable
        print(f"the settings file {err.filename or '.env'} cannot be read: {err.strerror or err}", file=sys.stderr)
    except Exception as err:  # pydantic-settings' own errors (e.g. a list setting that is not JSON)
        print(f"bad settings: {type(err).__name__}", file=sys.stderr)
    raise SystemExit(2)


class SecretMask(logging.Filter):
    """Replaces the token wherever a log line would show it (an exception's text, a URL, a header)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        text = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
        if any(s in message or s in text for s in self.secrets):
            for secret in self.secrets:
                message, text = message.replace(secret, "[token]"), text.replace(secret, "[token]")
            record.msg, record.args = message, None
            if record.exc_info:
                record.exc_info, record.exc_text = None, text
        return True


def mask_secrets(settings: Settings, handlers: Any = None) -> None:
    """Every log handler of the process masks the token from here on."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    mask = SecretMask([token])
    for handler in handlers if handlers is not None else logging.getLogger().handlers:
        handler.addFilter(mask)

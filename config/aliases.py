"""Speaker aliases from a TOML file: canonical name → other names that mean the same person."""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULT_ALIASES = Path(__file__).with_name("aliases.toml")


class AliasError(Exception):
    """The aliases file is not what it should be; the message says where."""


def load_aliases(path: Path | None = None) -> dict[str, list[str]]:
    """The aliases in `path` (default: `config/aliases.toml`); a missing file means none."""
    path = path or DEFAULT_ALIASES
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise AliasError(f"{path}: not valid TOML ({err})") from None
    except OSError as err:  # a folder, or a file we may not read
        raise AliasError(f"{path}: cannot be read ({err.strerror or err})") from None
    aliases: dict[str, list[str]] = {}
    for canonical, others in data.items():
        if isinstance(others, str):
            others = [others]
        if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
            raise AliasError(f"{path}: {canonical!r} must map to a list of names")
        aliases[canonical] = others
    return aliases

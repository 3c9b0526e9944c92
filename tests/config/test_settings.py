"""Settings from the environment and .env; aliases from TOML."""

from __future__ import annotations

from pathlib import Path

import pytest

from config.aliases import AliasError, load_aliases
from config.settings import SAMPLE_CORPUS, Settings


def test_defaults_serve_the_sample_meeting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISCORD_TOKEN", "VERBATIM_CORPUS", "VERBATIM_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.corpus == [SAMPLE_CORPUS]
    assert settings.prefix == "!"
    assert settings.discord_token is None


def test_environment_and_dotenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("DISCORD_TOKEN=abc.def\nVERBATIM_PREFIX=?\nVERBATIM_CHART_DIR=/srv/charts\n", encoding="utf-8")
    monkeypatch.setenv("VERBATIM_CORPUS", "/a/records, /b/more.vtt")
    monkeypatch.delenv("VERBATIM_CHART_DIR", raising=False)  # set for the whole run by tests/conftest.py
    monkeypatch.setenv("VERBATIM_CACHE_DIR", str(tmp_path / "cache"))
    settings = Settings(_env_file=env)
    assert settings.discord_token is not None and settings.discord_token.get_secret_value() == "abc.def"
    assert "abc.def" not in repr(settings)
    assert settings.prefix == "?"
    assert settings.chart_dir == Path("/srv/charts")
    assert settings.corpus == [Path("/a/records"), Path("/b/more.vtt")]
    assert settings.cache_dir == tmp_path / "cache"


def test_aliases_file(tmp_path: Path) -> None:
    good = tmp_path / "aliases.toml"
    good.write_text('"ALEJANDRO PISANTY" = ["Alex"]\n"X" = "Y"\n', encoding="utf-8")
    assert load_aliases(good) == {"ALEJANDRO PISANTY": ["Alex"], "X": ["Y"]}
    assert load_aliases(tmp_path / "none.toml") == {}
    bad = tmp_path / "bad.toml"
    bad.write_text('"A" = [1, 2]\n', encoding="utf-8")
    with pytest.raises(AliasError, match="must map to a list of names"):
        load_aliases(bad)
    bad.write_text("not = toml = at all\n", encoding="utf-8")
    with pytest.raises(AliasError, match="not valid TOML"):
        load_aliases(bad)
    with pytest.raises(AliasError, match="cannot be read"):
        load_aliases(tmp_path)


def test_project_aliases_name_real_speakers() -> None:
    aliases = load_aliases()
    assert aliases["MIGUEL IGNACIO ESTRADA"] == ["Nacho", "Nacho Estrada"]

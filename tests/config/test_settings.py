"""Settings from the environment and .env; aliases from TOML."""

from __future__ import annotations

import sys
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
    env.write_text("DISCORD_TOKEN=abc.def\nVERBATIM_PREFIX=?\nVERBATIM_LOG_LEVEL=DEBUG\n", encoding="utf-8")
    monkeypatch.setenv("VERBATIM_CORPUS", "/a/records, /b/more.vtt")
    monkeypatch.setenv("VERBATIM_CACHE_DIR", str(tmp_path / "cache"))
    settings = Settings(_env_file=env)
    assert settings.discord_token is not None and settings.discord_token.get_secret_value() == "abc.def"
    assert "abc.def" not in repr(settings)
    assert settings.prefix == "?"
    assert settings.log_level == "DEBUG"
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


def test_the_database_comes_from_verbatim_database_url_else_herokus_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://heroku@db.example/app")
    assert Settings(_env_file=None).database_url == "postgres://heroku@db.example/app"
    monkeypatch.setenv("VERBATIM_DATABASE_URL", "postgresql://mine@localhost/verbatim")
    assert Settings(_env_file=None).database_url == "postgresql://mine@localhost/verbatim"


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG data folder: Linux and the like")
def test_the_data_folder_defaults_to_the_users_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERBATIM_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert Settings(_env_file=None).data_dir == tmp_path / "verbatim"


def test_download_allow_takes_a_list_of_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERBATIM_DOWNLOAD_ALLOW", "127.0.0.1, ::1")
    assert Settings(_env_file=None).download_allow == ["127.0.0.1", "::1"]


def test_each_bad_setting_is_one_line_naming_it_without_its_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from config.settings import settings_or_exit

    token = "MTA5ODc2NTQzMjEwOTg3NjU0.GhIjKl.secretpartofthetoken"
    monkeypatch.setenv("DISCORD_TOKEN", token)
    monkeypatch.setenv("VERBATIM_OWNER_IDS", "12ab")
    monkeypatch.setenv("VERBATIM_MAX_TURNS", "0")
    monkeypatch.setenv("SHARD_COUNT", token[-6:])
    with pytest.raises(SystemExit) as exited:
        settings_or_exit(lambda: Settings(_env_file=None))
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "bad setting VERBATIM_OWNER_IDS: must be whole numbers separated by commas, e.g. 0,1",
        "bad setting SHARD_COUNT: Input should be a valid integer, unable to parse string as an integer",
        "bad setting VERBATIM_MAX_TURNS: Input should be greater than or equal to 1",
    ]
    assert token[:6] not in err and token[-6:] not in err and "12ab" not in err


def test_search_is_memory_unless_postgres_is_chosen_with_a_postgresql_database(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from config.settings import libpq_url, settings_or_exit

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("VERBATIM_DATABASE_URL", raising=False)
    assert Settings(_env_file=None).search == "memory"
    monkeypatch.setenv("VERBATIM_SEARCH", "PostgreSQL")
    for url in ("", "sqlite:////tmp/verbatim.sqlite3"):
        monkeypatch.setenv("VERBATIM_DATABASE_URL", url)
        with pytest.raises(SystemExit):
            settings_or_exit(lambda: Settings(_env_file=None))
        assert capsys.readouterr().err.splitlines() == ["bad setting VERBATIM_SEARCH: Input should be 'memory' or 'postgres'"]
        monkeypatch.setenv("VERBATIM_SEARCH", "postgres")
        with pytest.raises(SystemExit):
            settings_or_exit(lambda: Settings(_env_file=None))
        assert capsys.readouterr().err.splitlines() == [
            "bad setting VERBATIM_SEARCH: postgres needs VERBATIM_DATABASE_URL (or DATABASE_URL) to name a PostgreSQL "
            "database, e.g. postgresql://user@host/db"
        ]
        monkeypatch.setenv("VERBATIM_SEARCH", "PostgreSQL")
    monkeypatch.delenv("VERBATIM_DATABASE_URL")
    monkeypatch.setenv("DATABASE_URL", "postgres://heroku:secret@db.example:5432/app")  # Heroku's add-on
    monkeypatch.setenv("VERBATIM_SEARCH", " Postgres ")
    chosen = Settings(_env_file=None)
    assert chosen.search == "postgres"
    assert libpq_url(chosen.database_url or "") == "postgresql://heroku:secret@db.example:5432/app"

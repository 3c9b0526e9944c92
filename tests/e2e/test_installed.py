"""The package as a user installs it: a wheel in a fresh virtual environment, run from a folder that is
not the repository, finds its sample meeting and keeps its cache in the cache folder."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SOURCES = ["pyproject.toml", "README.md", "LICENSE", "bot", "parser", "config"]


def _call(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(map(str, args)), cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment holding the wheel built from this checkout (no network: the build and its
    dependencies come from the project's own environment)."""
    tmp = tmp_path_factory.mktemp("installed")
    source = tmp / "source"  # built from a copy: a build writes build/ and *.egg-info beside its sources
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    wheels = tmp / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    _call(*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, source, cwd=tmp)
    venv = tmp / "venv"
    _call(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    # The dependencies are read from this environment's site-packages, added as a plain path: its .pth
    # files (among them the editable install of this checkout) are not processed, so only the wheel
    # provides `bot`, `parser` and `config`.
    venv_site = Path(_call(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=tmp).stdout.strip())
    (venv_site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    (wheel,) = wheels.glob("verbatim-*.whl")
    _call(*pip, "--python", python, "install", "--no-deps", "--no-index", wheel, cwd=tmp)
    return venv


def _user_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERBATIM_", "DISCORD_", "PYTHON"))}
    env.update(HOME=str(tmp / "home"), XDG_CACHE_HOME=str(tmp / "xdg-cache"))
    return env


def test_installed_wheel_answers_from_its_sample_and_caches_in_the_users_folder(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = _user_env(tmp_path)
    code = "import bot, config, parser; print(bot.__file__, config.__file__, parser.__file__)"
    where = _call(installed / "bin" / "python", "-c", code, cwd=elsewhere, env=env)
    assert all(Path(line).is_relative_to(installed) for line in where.stdout.split()), where.stdout

    first = _call(installed / "bin" / "verbatim", "ask", "!quote DAAR", cwd=elsewhere, env=env)
    assert "1 turn matches “DAAR”" in first.stdout
    assert "GÖRAN MARBY" in first.stdout
    snapshots = list((tmp_path / "xdg-cache" / "verbatim").glob("store-*.npz"))
    assert len(snapshots) == 1
    assert list(elsewhere.iterdir()) == []  # nothing written in the current folder

    again = _call(installed / "bin" / "python", "-m", "bot", "ask", "!quote DAAR", cwd=elsewhere, env=env)
    assert again.stdout == first.stdout
    assert list((tmp_path / "xdg-cache" / "verbatim").glob("store-*.npz")) == snapshots


def test_installed_wheel_keeps_its_cache_where_the_setting_says(installed: Path, tmp_path: Path) -> None:
    env = _user_env(tmp_path) | {"VERBATIM_CACHE_DIR": str(tmp_path / "chosen")}
    done = _call(installed / "bin" / "verbatim", "ask", "--json", "!speaker goran", cwd=tmp_path, env=env)
    assert json.loads(done.stdout)["speaker"] == "GÖRAN MARBY"
    assert len(list((tmp_path / "chosen").glob("store-*.npz"))) == 1
    assert not (tmp_path / "xdg-cache" / "verbatim").exists()

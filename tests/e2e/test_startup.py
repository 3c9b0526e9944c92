"""What a command loads: `ask` never pays for the chart library, Discord or the PDF and Word readers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HEAVY = ("matplotlib", "discord", "pypdf", "docx", "lxml")

PROBE = """
import json, sys
from bot.__main__ import main
code = main(sys.argv[1:])
print(json.dumps([m for m in sys.modules if m.split(".")[0] in {heavy}]))
"""


def loaded_by(tmp_path: Path, *args: str) -> list[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VERBATIM_", "DISCORD_"))}
    env |= {"PYTHONPATH": str(ROOT), "VERBATIM_CACHE_DIR": str(tmp_path / "cache")}
    code = PROBE.format(heavy=set(HEAVY))
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_ask_loads_no_chart_discord_or_document_library(tmp_path: Path) -> None:
    assert loaded_by(tmp_path, "ask", "!help", "!quote DAAR", "!speaker goran") == []


def test_a_chart_loads_matplotlib_when_it_is_drawn(tmp_path: Path) -> None:
    loaded = loaded_by(tmp_path, "ask", "!stats")
    assert "matplotlib" in loaded
    assert not any(m.split(".")[0] in ("discord", "pypdf", "docx") for m in loaded)

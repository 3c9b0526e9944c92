"""The command-line contract of DESIGN.md, run as a user runs it: `python -m bot …`, `python -m parser …`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLE
from tests.facts import BY_SPEAKER, MEETING_ID, SPEAKERS, TURNS

OWN = ("VERBATIM_CACHE_DIR",)  # the run's temp cache (tests/conftest.py), kept


def run(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it, with none of the developer's settings but the run's temp folders."""
    environment = {k: v for k, v in os.environ.items() if k in OWN or not k.startswith(("VERBATIM_", "DISCORD_"))}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120, env=environment
    )


def test_ask_json_answers_the_done_when_questions() -> None:
    done = run("-m", "bot", "ask", "--json", "!speaker Goran", "!whosaid nous avons 29 associes", "!quote skype")
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["command"] for r in replies] == ["speaker", "whosaid", "quote"]
    assert replies[0]["speaker"] == "GÖRAN MARBY" and replies[0]["turn_count"] == BY_SPEAKER["GÖRAN MARBY"][0]
    assert replies[1]["hits"][0]["speaker"] == "MIGUEL IGNACIO ESTRADA"
    assert replies[2]["hits"][0]["speaker"] == "LEÓN SANCHEZ"
    hit = replies[2]["hits"][0]
    for field in ("speaker", "meeting_id", "turn_index", "text", "score", "page", "start"):
        assert field in hit
    assert all(r["error"] is None for r in replies)


def test_ask_json_failed_reply_has_an_error_sentence() -> None:
    done = run("-m", "bot", "ask", "--json", "!quote blockchain kangaroo")
    assert done.returncode == 1
    reply = json.loads(done.stdout)
    assert reply["command"] == "quote" and reply["error"].startswith("No quote matches")


def test_ask_json_lists_the_chart_as_a_png_file(tmp_path: Path) -> None:
    done = run("-m", "bot", "ask", "--json", "!stats speaker:leon", env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    [chart] = json.loads(done.stdout)["attachments"]
    saved = Path(chart)
    assert saved.parent == tmp_path and saved.name.startswith("verbatim-stats-leon-sanchez-") and saved.suffix == ".png"
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_ask_in_text_saves_the_chart_in_the_temp_folder_and_says_where(tmp_path: Path) -> None:
    done = run("-m", "bot", "ask", "!stats", env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    [line] = [line for line in done.stdout.splitlines() if line.startswith("Image: ")]
    saved = Path(line.removeprefix("Image: "))
    assert saved.parent == tmp_path and saved.suffix == ".png"
    assert saved.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_ask_with_a_corpus_file_and_plain_text_caches_where_the_setting_says(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    done = run("-m", "bot", "ask", "--corpus", str(SAMPLE), "!speaker de la parra", env={"VERBATIM_CACHE_DIR": str(cache)})
    assert done.returncode == 0, done.stderr
    assert [p.suffix for p in cache.iterdir()] == [".npz"]  # read back in tests/parser/index/test_snapshot.py
    assert done.stdout.startswith(f"RODRIGO DE LA PARRA: {BY_SPEAKER['RODRIGO DE LA PARRA'][0]} turns")


def test_corpus_that_does_not_exist_is_one_clear_line(tmp_path: Path) -> None:
    done = run("-m", "bot", "ask", "--corpus", str(tmp_path / "nowhere"), "!quote DAAR")
    assert done.returncode == 2
    assert done.stderr.strip() == f"No such file or folder: {tmp_path / 'nowhere'}"


def test_corpus_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "copy.txt").write_bytes(SAMPLE.read_bytes())
    done = run("-m", "bot", "ask", "--json", "!quote DAAR", env={"VERBATIM_CORPUS": str(tmp_path)})
    assert json.loads(done.stdout)["hits"][0]["meeting_id"] == "copy"


def test_chat_console_answers_what_is_typed() -> None:
    done = run("-m", "bot", "chat", stdin="!whosaid cheveux blancs\n!nope\nquit\n")
    assert done.returncode == 0, done.stderr
    assert f"1 meeting, {TURNS} turns, {SPEAKERS} speakers loaded" in done.stdout
    assert "[verbatim] Said word for word by SERGIO SALINAS PORTO" in done.stdout
    assert "Unknown command `!nope`." in done.stdout


def test_a_bad_aliases_file_at_start_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "aliases.toml"
    bad.write_text('"GÖRAN MARBY" = ["Goran"\n', encoding="utf-8")  # the list is never closed
    done = run("-m", "bot", "ask", "--corpus", str(SAMPLE), "!quote DAAR", env={"VERBATIM_ALIASES": str(bad)})
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"{bad}: not valid TOML") and done.stderr.count("\n") == 1


def test_run_without_a_token_says_what_to_set() -> None:
    done = run("-m", "bot", "run", env={"DISCORD_TOKEN": ""})
    assert done.returncode == 2
    assert "DISCORD_TOKEN is not set" in done.stderr and "python -m bot chat" in done.stderr


def test_parser_json_and_errors(tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text("nothing anyone said\n", encoding="utf-8")
    done = run("-m", "parser", str(SAMPLE), str(broken), "--json")
    assert done.returncode == 1
    data = json.loads(done.stdout)
    [meeting] = data["meetings"]
    assert meeting["id"] == MEETING_ID and len(meeting["turns"]) == TURNS
    assert set(meeting["turns"][0]) == {"index", "speaker", "text", "page", "start", "end", "chat"}
    assert data["errors"][0]["file"] == str(broken)
    assert done.stderr.strip().startswith(f"error: {broken}: ")


def test_whosaid_answers_from_every_format_in_the_corpus(corpus: Path) -> None:
    asked = {
        "!whosaid ai un look un peu plus jeune": ("MIGUEL IGNACIO ESTRADA", MEETING_ID),
        "!whosaid one other have implemented it": ("Kelly", "ethereum-acd-139"),  # markdown minutes
        "!whosaid And this is my favorite thing": ("Rebecca Hill", "ladybug-20-debugging"),  # otter
        "!whosaid will be giving away this week": ("Emma", "ladybug-62-security"),  # otter, .txt
        "!whosaid for most pod-casters the": ("Sarah", "podcast-namespace-episode"),  # srt and vtt
        "!whosaid some people use databases. Databases are": ("Michael Kennedy", "python-bytes-451"),  # <v> tags
        "!whosaid to only be one headliner proposal": ("stokes", "ethereum-acdc-174"),  # zoom vtt
        "!quote heliner proposal": ("stokes", "ethereum-acdc-174"),  # a typo
    }
    done = run("-m", "bot", "ask", "--json", "--corpus", str(corpus), *asked)
    assert done.returncode == 0, done.stderr
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r["hits"][0]["speaker"], r["hits"][0]["meeting_id"]) for r in replies] == list(asked.values())
    timed = replies[5]["hits"][0]
    assert timed["page"] is None and 98 <= timed["start"] < 99  # 1:38 in the record


def test_ask_piped_into_a_reader_that_stops_early_ends_without_a_traceback() -> None:
    command = [sys.executable, "-m", "bot", "ask", *["!speaker leon"] * 200]
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DISCORD_")}
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.readline()  # the first line, then the reader goes away, as `| head -1` does
        process.stdout.close()
        err = process.stderr.read().decode()
        process.wait(timeout=120)
    assert "Traceback" not in err, err

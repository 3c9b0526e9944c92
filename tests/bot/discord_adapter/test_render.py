"""Rendering replies for Discord: limits, escaping, links, pages and pictures."""

from __future__ import annotations

import datetime as dt

import discord

from bot.discord_adapter.render import (
    EMBED_TOTAL_LIMIT,
    edit_kwargs,
    escape,
    escape_prose,
    render,
    safe_url,
    shorten,
)
from bot.replies import Attachment, ContextReply, HelpReply, HitOut, MeetingOut, MeetingsReply, Reply, SpeakerShare, StatsReply


def hit(text: str = "We discussed DNS abuse today.", **fields: object) -> HitOut:
    values: dict[str, object] = {
        "speaker": "LEÓN SANCHEZ",
        "resolved_speaker": "LEÓN SANCHEZ",
        "meeting_id": "m1",
        "meeting_title": "Weekly call",
        "date": dt.date(2021, 3, 22),
        "turn_index": 4,
        "text": text,
        "score": 100.0,
        "page": 3,
        "span": (13, 23),
    }
    values.update(fields)
    return HitOut(**values)  # type: ignore[arg-type]


def embed_of(reply: Reply) -> discord.Embed:
    rendered = render(reply)
    return rendered.get("embed") or rendered["embeds"][0]


def test_nobody_can_be_pinged_or_linked() -> None:
    assert escape("@everyone look") == "@\u200beveryone look"
    assert escape("@HERE") == "@\u200bHERE"
    assert "<@" not in escape("<@123456789012345678>") and "<#" not in escape("<#1>") and "<@&" not in escape("<@&2>")
    assert "<:" not in escape("<:emoji:1>") and "<t:" not in escape("<t:1700000000:R>")
    assert "https://" not in escape("see https://evil.example now")
    assert escape("**bold** _x_ [link](a)") == "\\*\\*bold\\*\\* \\_x\\_ \\[link\\]\\(a\\)"


def test_lines_cannot_become_headings_quotes_or_lists() -> None:
    assert escape("# Big\n> quoted\n- item\n-# small\n1. first") == "\\# Big\n\\> quoted\n\\- item\n\\-# small\n\\1. first"


def test_our_own_sentences_keep_their_code_spans() -> None:
    assert escape_prose("Try `!quote DAAR` for *this*") == "Try `!quote DAAR` for \\*this\\*"
    assert escape_prose("`@everyone`") == "`@\u200beveryone`"


def test_shorten_cuts_at_a_word_with_an_ellipsis_and_never_leaves_an_escape_dangling() -> None:
    assert shorten("one two three four", 12) == "one two…"
    assert len(shorten("x" * 5000, 1024)) == 1024
    for limit in range(12, 18):
        cut = shorten("abcdefghijkl\\*\\*\\*\\*", limit)
        before = cut[:-1]
        assert cut.endswith("…") and (len(before) - len(before.rstrip("\\"))) % 2 == 0


def test_an_answer_shows_who_where_and_the_words_with_the_match_in_bold() -> None:
    embed = embed_of(Reply(command="quote", summary="1 turn", hits=[hit()], total=1))
    field = embed.fields[0]
    assert field.name == "LEÓN SANCHEZ — Weekly call · 2021-03-22 · p. 3 · turn 4"
    assert field.value == "We discussed **DNS abuse** today."


def test_timed_turns_show_their_timestamp_and_close_matches_their_score() -> None:
    field = embed_of(Reply(command="whosaid", hits=[hit(page=None, start=3725.0, score=87.4)], total=1)).fields[0]
    assert "1:02:05" in field.name and field.name.endswith("score 87")


def test_a_record_url_becomes_a_link_only_when_it_is_safe() -> None:
    assert safe_url("https://example.org/a(b)") == "https://example.org/a%28b%29"
    assert safe_url("javascript:alert(1)") is None and safe_url("https://a b") is None
    value = embed_of(Reply(command="quote", hits=[hit(url="https://example.org/rec")], total=1)).fields[0].value
    assert value.endswith("\n[open the record](https://example.org/rec)")


def test_every_limit_holds_for_huge_replies() -> None:
    long = "mot " * 5000
    big = hit(long, speaker="X" * 300, meeting_title="T" * 300, span=(100, 4000), score=90)
    embed = embed_of(Reply(command="quote", summary="S" * 400, hits=[big] * 30, total=30))
    assert len(embed) <= EMBED_TOTAL_LIMIT
    assert len(embed.title or "") <= 256 and len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert embed.footer.text == f"{30 - len(embed.fields)} more"


def test_n_more_is_always_said() -> None:
    assert embed_of(Reply(command="quote", hits=[hit()] * 5, total=23)).footer.text == "18 more"
    assert embed_of(Reply(command="quote", hits=[hit()] * 5, total=5)).footer.text is None


def meetings_page(page: int, pages: int, shown: int, total: int) -> MeetingsReply:
    meeting = MeetingOut(id="m", title="Call", turn_count=3, words=40, speakers=["Ana", "Bob"])
    return MeetingsReply(
        command="meetings", summary="x", meetings=[meeting] * shown, total=total, page=page, pages=pages, per_page=10
    )


def test_pages_say_where_they_are_and_how_many_remain() -> None:
    assert embed_of(meetings_page(1, 3, 10, 25)).footer.text == "15 more · page 1 of 3"
    assert embed_of(meetings_page(2, 3, 10, 25)).footer.text == "5 more · page 2 of 3"
    assert embed_of(meetings_page(3, 3, 5, 25)).footer.text == "page 3 of 3"


def test_context_marks_the_turn_asked_for() -> None:
    hits = [hit("Before.", turn_index=3, span=None), hit("The one.", turn_index=4, span=None), hit("After.", turn_index=5)]
    reply = ContextReply(command="context", summary="Around turn 4", hits=hits, total=3, focus=1, meeting_turns=9)
    names = [f.name for f in embed_of(reply).fields]
    assert names == ["3 · LEÓN SANCHEZ — p. 3", "▶ 4 · LEÓN SANCHEZ — p. 3", "5 · LEÓN SANCHEZ — p. 3"]


def test_stats_show_the_chart_as_an_attachment() -> None:
    chart = Attachment(filename="stats-león sanchez.png", data=b"\x89PNG fake")
    share = SpeakerShare(speaker="**Ana**", turns=3, words=40, share=0.5)
    reply = StatsReply(command="stats", summary="Call", speakers=[share], attachments=[chart])
    rendered = render(reply)
    (embed,) = rendered["embeds"]
    (file,) = rendered["files"]
    assert file.filename == "0-stats-le_n_sanchez.png" and embed.image.url == f"attachment://{file.filename}"
    assert file.fp.read() == b"\x89PNG fake"
    assert "**\\*\\*Ana\\*\\*** — 50.0 %" in (embed.description or "")
    assert edit_kwargs(rendered) == {"embeds": [embed], "attachments": [file]}


def test_errors_and_help_read_as_sentences() -> None:
    error = embed_of(Reply(command="quote", error="No quote matches “@everyone”. Try `!whosaid`."))
    assert error.description == "No quote matches “@\u200beveryone”. Try `!whosaid`."
    help_embed = embed_of(HelpReply(command="help", summary="Ask", commands=[("!quote WORDS", "Find `words`.")]))
    assert help_embed.description == "`!quote WORDS` — Find `words`."

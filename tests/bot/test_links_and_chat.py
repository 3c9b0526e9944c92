"""A hit's link opens the record at the hit's time where the host allows it; chat is said to be chat."""

from __future__ import annotations

import pytest

from bot.commands.base import timed_url


@pytest.mark.parametrize(
    ("url", "start", "expected"),
    [
        ("https://www.youtube.com/watch?v=abc", 75.4, "https://www.youtube.com/watch?v=abc&t=75s"),
        ("https://youtu.be/abc?t=10", 125.0, "https://youtu.be/abc?t=125s"),
        ("https://example.org/ep12.mp3", 61.0, "https://example.org/ep12.mp3#t=61"),
        ("https://example.org/minutes.html", 61.0, "https://example.org/minutes.html"),
        ("https://www.youtube.com/watch?v=abc", None, "https://www.youtube.com/watch?v=abc"),
        (None, 5.0, None),
    ],
)
def test_timed_url(url: str | None, start: float | None, expected: str | None) -> None:
    assert timed_url(url, start) == expected

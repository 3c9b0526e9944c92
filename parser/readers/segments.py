"""Timed text with nobody named (captions, `hh:mm:ss words` lines) cut into segments of the talk.

One turn for a one-hour podcast makes every hit say `0:00` and `!context` useless. A segment
ends at a pause or at a sentence's end once it holds about half a minute, and at a minute at the
latest, so a hit points at its minute and a segment reads as a paragraph.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

SHORTEST = 30.0  # seconds: from here a sentence's end or a pause ends a segment
LONGEST = 60.0  # seconds: a segment never runs past this without a cut at its next cue
PAUSE = 2.0  # seconds of silence between cues that end a segment of at least MIN_AT_PAUSE
MIN_AT_PAUSE = 10.0
_SENTENCE_END = (".", "!", "?", "…", '."', '?"', '!"', ".”", "?”", ".»", "?»")

Piece = tuple[str, str, float | None, float | None]  # speaker, text, start, end


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(_SENTENCE_END)


def segment(pieces: Iterable[Piece]) -> Iterator[Piece]:
    """One speaker's consecutive timed pieces, joined into segments (untimed pieces join the one before)."""
    current: list[str] = []
    speaker = ""
    start: float | None = None
    end: float | None = None
    previous_end: float | None = None

    def cut() -> Piece:
        return speaker, " ".join(current), start, end

    for who, text, piece_start, piece_end in pieces:
        if not text:
            continue
        if current and who != speaker:
            yield cut()
            current = []
        if current and start is not None and piece_start is not None:
            held = (end if end is not None else piece_start) - start
            gap = piece_start - previous_end if previous_end is not None else 0.0
            last = current[-1]
            if (
                held >= LONGEST
                or (held >= SHORTEST and (_ends_sentence(last) or gap >= PAUSE))
                or (held >= MIN_AT_PAUSE and gap >= PAUSE)
            ):
                yield cut()
                current = []
        if not current:
            speaker, start = who, piece_start
        current.append(text)
        end = piece_end
        previous_end = piece_end if piece_end is not None else piece_start
    if current:
        yield cut()

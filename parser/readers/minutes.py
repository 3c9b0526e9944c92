"""Hand-written Markdown minutes: a `**Name**` line, then that speaker's words as `* bullets`.

Only what follows a speaker line is somebody's words. Headings, rules and tables end a turn,
and what sits under them until the next speaker line — the summary and decisions table, the
attendee list, the next-meeting date, a pasted Zoom chat — is the write-up, not the meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from parser.models import Record, RecordError, Turn
from parser.readers import labels, limits, markup
from parser.readers.metadata import find_date, make_meeting
from parser.readers.naming import meeting_id
from parser.text import fold

NAME = "minutes"

# `**Name**`, `**Name**: words`, `**Name:** words` on a line of their own.
# Possessive runs and a name that cannot end in a space keep both linear on any line.
_LABEL = re.compile(
    r"^\s*+\*\*\s*+(?P<name>[^\W\d_](?:[^*:\n]{0,58}[^\s*:])?)\s*+(?P<colon>:)?+\s*+\*\*\s*+(?P<colon2>:)?+\s*+(?P<rest>.*)$"
)
_HEADING = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})(?:\s++(?P<text>.*))?$")
_RULE = re.compile(r"^\s{0,3}(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_TABLE = re.compile(r"^\s*\|")
_BULLET = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+")
_LOOSE_BULLET = re.compile(r"^\s*\*(?=[^\s*])(?!.*\*)")  # `*words` with no closing star: a bullet typed fast
_LINK = re.compile(r"\[([^\[\]\n]*)\]\([^()\n]*\)")
# Bold lines that title a part of the write-up rather than name a speaker.
_SECTIONS = {
    "agenda",
    "summary",
    "notes",
    "decisions",
    "decisions made",
    "action items",
    "actions",
    "attendees",
    "participants",
    "next meeting",
    "next steps",
    "zoom chat",
    "chat",
    "links",
    "resources",
}


def label(line: str) -> tuple[str, str] | None:
    """The speaker and same-line words of a `**Name**` speaker line, if `line` is one."""
    m = _LABEL.match(line)
    if not m:
        return None
    name = m["name"].strip()
    rest = m["rest"].strip()
    if rest and not (m["colon"] or m["colon2"]):
        return None
    if len(name.split()) > 6 or fold(name) in _SECTIONS or (fold(name).split() or [""])[0] in labels.NOT_NAMES:
        return None  # `**Break:** \\[24:27\\]`, `**Note:** …`: the write-up, not a speaker
    return name, rest


def _section_line(line: str) -> bool:
    """A bold line such as `**Summary**` that opens a part of the write-up."""
    m = _LABEL.match(line)
    if not m:
        return False
    name = fold(m["name"])
    rest = markup.leading_time(markup.unescape(m["rest"]))[1]
    return (not rest.strip() and name in _SECTIONS) or (name.split() or [""])[0] in labels.NOT_NAMES


def _strip_bullet(line: str) -> tuple[str, bool]:
    """The words of a line without its list marker, and whether it had one."""
    for pattern in (_BULLET, _LOOSE_BULLET):
        m = pattern.match(line)
        if m:
            return line[m.end() :].strip(), True
    return line.strip(), False


def _plain(line: str) -> str:
    """A heading's text without markdown: `### [Video](url)` → `Video`."""
    return _LINK.sub(r"\1", line).strip("#*_ ").strip()


@dataclass
class _Turn:
    speaker: str
    paragraphs: list[str] = field(default_factory=list)
    start: float | None = None

    def add(self, words: str) -> None:
        """A paragraph of words; a time that opens it (`\\[12:34\\] words`) is the turn's start if it has none."""
        time, words = markup.leading_time(markup.unescape(words))
        if self.start is None and not self.paragraphs:
            self.start = time
        if words:
            self.paragraphs.append(words)


def _scan(text: str) -> tuple[list[str], list[_Turn]]:
    """The lines before the first speaker, and the turns with their bullets as paragraphs."""
    preamble: list[str] = []
    turns: list[_Turn] = []
    current: _Turn | None = None
    open_paragraph = False  # whether the next plain line continues the last paragraph
    for raw in text.split("\n"):
        line = raw.replace("\u00a0", " ").rstrip()
        found = label(line)
        if found:
            speaker, rest = found
            if current is None or fold(current.speaker) != fold(speaker):  # the same speaker again: one turn
                current = _Turn(speaker)
                turns.append(current)
            open_paragraph = False
            if rest:
                current.add(rest)
                open_paragraph = bool(current.paragraphs)
            continue
        if _HEADING.match(line) or _RULE.match(line) or _TABLE.match(line) or _section_line(line):
            current = None
            if not turns:
                preamble.append(line)
            continue
        if not line.strip():
            open_paragraph = False
            continue
        if current is None:
            if not turns:
                preamble.append(line)
            continue
        words, bullet = _strip_bullet(line.lstrip("> "))
        if not words:
            continue
        if open_paragraph and not bullet and current.paragraphs:
            current.paragraphs[-1] = f"{current.paragraphs[-1]} {words}"
        else:
            current.add(words)
        open_paragraph = bool(current.paragraphs)
    return preamble, [t for t in turns if t.paragraphs]


def _title_and_date(preamble: list[str]) -> tuple[str | None, dt.date | None]:
    """The first `#` heading is the title; the date is the one a `Date` line states, else the first."""
    headings = [(len(m["hashes"]), _plain(m["text"] or "")) for line in preamble if (m := _HEADING.match(line))]
    title = next((text for level, text in headings if level == 1 and text), None)
    title = title or next((text for _, text in headings if text), None)
    plain = [_plain(line) for line in preamble if not _TABLE.match(line)]
    dated = [line for line in plain if "date" in fold(line)] + plain
    date = next((d for line in dated if (d := find_date(line))), None)
    return title, date


def read_text(text: str, path: Path) -> Record:
    """Read Markdown minutes; a `RecordError` when no `**Name**` line is followed by words."""
    preamble, turns = _scan(text)
    if not turns:
        raise RecordError(path, "no speaker turns found (expected a '**Name**' line followed by '* words')")
    limits.check("turns", len(turns), path)  # before a model is made of each
    the_id = meeting_id(path)
    made = []
    for i, t in enumerate(turns):
        following = turns[i + 1].start if i + 1 < len(turns) else None
        end = following if following is not None and t.start is not None and following >= t.start else None
        text = "\n".join(filter(None, map(markup.clean, t.paragraphs)))
        made.append(Turn(meeting_id=the_id, index=i, speaker=t.speaker, text=text, start=t.start, end=end))
    title, date = _title_and_date(preamble)
    return Record(meeting=make_meeting(path, NAME, made, title=title, date=date), turns=made)


def sniff(text: str) -> bool:
    """Several `**Name**` lines, each followed by a bullet or same-line words: minutes."""
    lines = [line for line in text[:200_000].split("\n") if line.strip()]
    hits = 0
    for line, following in zip(lines, [*lines[1:], ""], strict=False):
        found = label(line)
        if found and (found[1] or _BULLET.match(following) or _LOOSE_BULLET.match(following)):
            hits += 1
            if hits >= 3:
                return True
    return False

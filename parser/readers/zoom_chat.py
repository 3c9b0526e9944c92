"""Zoom chat exports: `hh:mm:ss<TAB>Name:<TAB>message` (or the older `hh:mm:ss From Name : message`).

The chat of a meeting, not its speech: every message is a turn marked as chat, searchable like the
rest. A message that runs over several lines continues until the next timed line.
"""

from __future__ import annotations

import re
from pathlib import Path

from parser.models import Record, RecordError, Turn
from parser.readers.markup import clean
from parser.readers.metadata import make_meeting
from parser.readers.naming import meeting_id

NAME = "zoom-chat"

_TIME = r"(?P<time>\d{1,2}:\d{2}:\d{2})"
# Newer exports: `00:05:12<TAB>Alice Smith:<TAB>message`; older: `10:01:23 From Alice Smith : message`,
# also `From Alice Smith to Everyone : message`. Names are short, so the patterns see at most 200 characters.
_NEW = re.compile(rf"^{_TIME}\t(?P<name>[^\t:]{{1,80}}?):\t(?P<rest>.*)$")
_OLD = re.compile(
    rf"^{_TIME}[ \t]+From[ \t]+(?P<name>[^:\t]{{1,80}}?)(?:[ \t]+to[ \t]+[^:\t]{{1,60}}?)?[ \t]*:[ \t]?(?P<rest>.*)$"
)
_HEAD = 200


def _message(line: str) -> tuple[float, str, str] | None:
    """(seconds, who, words) of a timed chat line."""
    head = line[:_HEAD]
    m = _NEW.match(head) or _OLD.match(head)
    if not m:
        return None
    hh, mm, ss = (int(p) for p in m["time"].split(":"))
    if mm >= 60 or ss >= 60:
        return None
    rest = m["rest"] + line[_HEAD:]
    return hh * 3600 + mm * 60 + ss, " ".join(m["name"].split()), rest.strip()


def read_text(text: str, path: Path) -> Record:
    """Read a Zoom chat export; every message is one turn marked as chat."""
    messages: list[tuple[float, str, list[str]]] = []
    for line in text.lstrip("\ufeff").split("\n"):
        found = _message(line)
        if found:
            messages.append((found[0], found[1], [found[2]]))
        elif messages and line.strip():
            messages[-1][2].append(line.strip())
    said = [(start, who, clean("\n".join(lines))) for start, who, lines in messages]
    turns = [
        Turn(meeting_id=meeting_id(path), index=i, speaker=who, text=words, start=start, chat=True)
        for i, (start, who, words) in enumerate(m for m in said if m[2])
    ]
    if not turns:
        raise RecordError(path, "no chat messages found (expected lines like '00:05:12<TAB>Name:<TAB>message')")
    meeting = make_meeting(path, NAME, turns, chat=True)
    return Record(meeting=meeting, turns=turns)


def sniff(text: str) -> bool:
    """Most of the opening lines are timed chat messages."""
    lines = [line for line in text.lstrip("\ufeff")[:50_000].split("\n")[:200] if line.strip()]
    found = sum(1 for line in lines if _message(line))
    return found >= 2 and found * 2 >= len(lines)

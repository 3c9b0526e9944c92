"""Bar charts for `!stats`, drawn off-screen (Agg) to PNG bytes in memory that read on a phone in any theme.

A solid slate card with light text is used rather than a transparent background: it keeps full
contrast whether the chat client is in light or dark mode, and never shows a checkerboard.
Figures are made with `matplotlib.figure.Figure`, not pyplot, so no global state is shared
between requests and drawing can run in a worker thread.
"""

from __future__ import annotations

import io
import logging
import textwrap
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from parser.text import fold

log = logging.getLogger(__name__)

MAX_BARS = 15
WIDTH_INCHES = 10.0
DPI = 80  # 800 pixels wide: as legible on a phone (which shows it at a third of that) as 1,000, and a sixth quicker
LABEL_CHARS = 24
MEETING_LABEL_CHARS = 28
TITLE_CHARS = 46
MARGIN = 0.3  # inches around the chart
LABEL_GAP = 0.15  # inches between a label and its bar
BOTTOM = 0.3
# zlib level of the PNG: level 6 (Pillow's default) took a fifth of a chart's time for a file a
# few per cent smaller than level 1's (flat colours compress well either way)
PNG_COMPRESSION = 1
WARM_UP_WAIT = 10.0  # seconds an exit waits for the warm-up to finish drawing

BACKGROUND = "#2b2f36"
TEXT = "#f0f2f5"
MUTED = "#b4bac3"
BAR = "#4fa3f7"
OTHERS = "#8a939e"
HIGHLIGHT = "#f5a524"

TITLE_SIZE = 24
SUBTITLE_SIZE = 17
LABEL_SIZE = 18
VALUE_SIZE = 17


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, the text printed at its end, and a count carried along."""

    label: str
    value: float
    note: str = ""
    others: bool = False
    count: int = 0


def file_name(name: str) -> str:
    """The name a chart of `name` is sent under: `LEÓN SANCHEZ` → `stats-leon-sanchez.png`."""
    slug = "-".join(fold(name).split())[:40] or "chart"
    return f"stats-{slug}.png"


def top_bars(bars: Sequence[Bar], limit: int = MAX_BARS, keep_order: bool = False, keep: str | None = None) -> list[Bar]:
    """The largest `limit - 1` bars and one "others" bar for the rest, when there are too many.

    Largest first, unless `keep_order` (a timeline keeps its order, only the smallest are folded);
    the bar labelled `keep` is never folded into "others".
    """
    ordered = sorted(bars, key=lambda b: (b.label != keep, -b.value))
    if len(ordered) <= limit:
        return list(bars) if keep_order else sorted(bars, key=lambda b: -b.value)
    kept, rest = ordered[: limit - 1], ordered[limit - 1 :]
    kept.sort(key=lambda b: -b.value)
    if keep_order:
        chosen = {id(b) for b in kept}
        kept = [b for b in bars if id(b) in chosen]
    label = f"{len(rest)} others"
    return [*kept, Bar(label, sum(b.value for b in rest), "", True, sum(b.count for b in rest))]


def _short(label: str, limit: int) -> str:
    """A label cut to `limit` characters, so long names do not squeeze the bars."""
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def title_lines(title: str, width: int = TITLE_CHARS, most: int = 2) -> list[str]:
    """The title wrapped to `most` lines, the last one ending in "…" when the title is longer."""
    lines = textwrap.wrap(title, width, break_on_hyphens=False) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def draw_bars(
    bars: Sequence[Bar],
    title: str,
    subtitle: str,
    label_chars: int = LABEL_CHARS,
    room: float = 0.32,
    highlight: str | None = None,
) -> bytes:
    """Horizontal bars, first on top, each labelled at its end; the PNG's bytes.

    `room` is the space left right of the longest bar for its note, as a fraction of its length.
    The bars' box is placed by hand from the labels' measured width, and labels and notes are
    plain texts: a layout engine and an axis's ticks drew every text two or three times over
    (about two thirds of a chart's time, `bench/worst.py`'s corpus-wide `!stats`).
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties
    from matplotlib.transforms import blended_transform_factory

    n = max(1, len(bars))
    lines = title_lines(title)
    header = 0.35 + 0.45 * len(lines) + 0.45
    height = header + 0.5 + 0.62 * n
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI, facecolor=BACKGROUND)
    canvas = FigureCanvasAgg(fig)
    labels = [_short(b.label, label_chars) for b in bars]
    measure = canvas.get_renderer().get_text_width_height_descent
    label_font = FontProperties(size=LABEL_SIZE)
    widest = max((measure(label, label_font, ismath=False)[0] for label in labels), default=0.0) / DPI
    left = MARGIN + widest + LABEL_GAP  # inches, as every length here
    box = (left / WIDTH_INCHES, BOTTOM / height, 1 - (left + MARGIN) / WIDTH_INCHES, 1 - (header + BOTTOM + 0.2) / height)
    subtitle_top = 0.3 + 0.45 * len(lines) + 0.15
    x = MARGIN / WIDTH_INCHES
    fig.text(x, 1 - 0.3 / height, "\n".join(lines), fontsize=TITLE_SIZE, color=TEXT, fontweight="bold", va="top")
    fig.text(x, 1 - subtitle_top / height, subtitle, fontsize=SUBTITLE_SIZE, color=MUTED, va="top")
    ax = fig.add_axes(box)
    ax.set_axis_off()
    positions = list(range(n))
    values = [b.value for b in bars]
    colours = [OTHERS if b.others else HIGHLIGHT if b.label == highlight else BAR for b in bars]
    ax.barh(positions, values, height=0.68, color=colours)
    ax.set_ylim(n - 0.5, -0.5)  # first bar on top
    top = max(values, default=0.0) or 1.0
    ax.set_xlim(0, top * (1 + room))
    beside = blended_transform_factory(ax.transAxes, ax.transData)  # x in the box's width, y in bars
    gap = -LABEL_GAP / (box[2] * WIDTH_INCHES)
    for y, bar, label in zip(positions, bars, labels, strict=True):
        ax.text(gap, y, label, transform=beside, va="center", ha="right", fontsize=LABEL_SIZE, color=TEXT, parse_math=False)
        ax.text(bar.value + top * 0.02, y, bar.note, va="center", ha="left", fontsize=VALUE_SIZE, color=MUTED, parse_math=False)
    out = io.BytesIO()
    fig.savefig(out, format="png", facecolor=BACKGROUND, pil_kwargs={"compress_level": PNG_COMPRESSION})
    return out.getvalue()


def warm() -> None:
    """Import matplotlib and draw one small chart, so that the first chart a user asks for finds
    the imports, the fonts and the text caches made (about 0.2 s, once per process). The bot and
    the console run this in a thread of their own once the records are loaded (`warm_up`), while
    the bot logs in or the user types."""
    draw_bars([Bar("warm-up", 1.0, "1 %")], "warm-up", "warm-up")


def warm_up() -> threading.Thread:
    """`warm` in a background thread; a failure is logged, and the first chart draws as before."""

    def run() -> None:
        try:
            warm()
        except Exception:
            log.exception("charts could not be prepared; the first chart will take longer")

    thread = threading.Thread(target=run, name="charts-warm-up", daemon=True)
    thread.start()
    return thread


def finish_warming(thread: threading.Thread, timeout: float = WARM_UP_WAIT) -> None:
    """Wait for a warm-up still drawing before the process exits (a signal soon after the start, on
    a busy machine): a daemon thread stopped inside matplotlib's compiled drawing aborts the process
    ("terminate called without an active exception", exit status -6) instead of its clean exit."""
    thread.join(timeout)


def share_chart(words_by_speaker: Sequence[tuple[str, int]], title: str, highlight: str | None = None) -> bytes:
    """Share of words per speaker, as percentages, the smallest speakers folded into "others"."""
    total = sum(words for _, words in words_by_speaker) or 1
    bars = [Bar(name, 100 * words / total) for name, words in words_by_speaker]
    bars = top_bars(bars, keep=highlight)
    bars = [Bar(b.label, b.value, f"{b.value:.1f} %" if b.value >= 0.1 else "<0.1 %", b.others) for b in bars]
    return draw_bars(bars, title, f"share of {total:,} words", highlight=highlight)


def meetings_chart(per_meeting: Sequence[tuple[str, int, int]], title: str) -> bytes:
    """One speaker's words and turns per meeting, in the order given; the smallest as "others"."""
    bars = top_bars([Bar(label, words, count=turns) for label, turns, words in per_meeting], keep_order=True)
    bars = [Bar(b.label, b.value, f"{int(b.value):,} words · {count(b.count, 'turn')}", b.others, b.count) for b in bars]
    total_words = sum(words for _, _, words in per_meeting)
    total_turns = sum(turns for _, turns, _ in per_meeting)
    subtitle = f"words per meeting · {total_words:,} words in {count(total_turns, 'turn')}"
    return draw_bars(bars, title, subtitle, label_chars=MEETING_LABEL_CHARS, room=1.0)


def count(n: int, noun: str) -> str:
    """`1 turn`, `1,204 turns`: big numbers read better with separators."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"

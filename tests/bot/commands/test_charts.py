"""Charts: real PNGs of phone-friendly size, at most fifteen bars, made in memory under a safe name."""

from __future__ import annotations

import io
import sys

import numpy as np
from matplotlib.image import imread

from bot.commands import charts
from bot.commands.charts import Bar, meetings_chart, share_chart, title_lines, top_bars

ICANN_WORDS = [  # counted by hand on the ICANN70 record (see test_stats.py)
    ("SERGIO SALINAS PORTO", 2223),
    ("RODRIGO DE LA PARRA", 1783),
    ("LEÓN SANCHEZ", 1299),
    ("LITO IBARRA", 1269),
    ("GÖRAN MARBY", 991),
    ("MIGUEL IGNACIO ESTRADA", 918),
    ("VANDA SCARTEZINI", 545),
    ("CLAUDIA RUIZ", 294),
    ("ALEJANDRO PISANTY", 267),
    ("LAURAN MARGOLIS", 157),
    ("ALBERTO SOTO", 132),
    ("INTERPRÈTE", 19),
]


def pixels(png: bytes) -> np.ndarray:
    return imread(io.BytesIO(png))[..., :3]


def test_share_chart_is_a_real_image() -> None:
    png = share_chart(ICANN_WORDS, "ICANN70 | Forum virtuel de la communauté - Table ronde d'At-Large LACRALO")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = pixels(png)
    height, width = image.shape[:2]
    assert width == 800 and 480 <= height <= 960
    assert image.std() > 0.05
    bar = np.array([int(charts.BAR[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert (np.abs(image - bar).sum(axis=2) < 0.02).mean() > 0.05  # a good part of it is bars


def test_the_background_is_solid_so_it_reads_in_both_themes() -> None:
    image = imread(io.BytesIO(share_chart(ICANN_WORDS, "t")))
    assert image.shape[2] == 3 or image[..., 3].min() == 1.0
    corner = image[2, 2, :3]
    background = np.array([int(charts.BACKGROUND[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    assert np.allclose(corner, background, atol=0.01)


def test_at_most_fifteen_bars_the_rest_as_others() -> None:
    bars = [Bar(f"speaker {i}", 100 - i, count=1) for i in range(40)]
    top = top_bars(bars)
    assert len(top) == 15
    assert top[-1].others and top[-1].label == "26 others"
    assert top[-1].value == sum(100 - i for i in range(14, 40)) and top[-1].count == 26
    assert [b.label for b in top[:3]] == ["speaker 0", "speaker 1", "speaker 2"]


def test_a_highlighted_speaker_is_never_folded_into_others() -> None:
    bars = [Bar(f"speaker {i}", 100 - i) for i in range(40)]
    top = top_bars(bars, keep="speaker 39")
    assert "speaker 39" in [b.label for b in top] and len(top) == 15


def test_a_timeline_keeps_its_order() -> None:
    bars = [Bar("jan", 5, count=1), Bar("feb", 50, count=2), Bar("mar", 20, count=3)]
    assert [b.label for b in top_bars(bars, keep_order=True)] == ["jan", "feb", "mar"]
    many = [Bar(f"week {i}", i % 7, count=1) for i in range(30)]
    kept = [b.label for b in top_bars(many, keep_order=True) if not b.others]
    assert kept == sorted(kept, key=lambda label: int(label.split()[1]))


def test_many_speakers_still_fit_a_phone_screen() -> None:
    many = [(f"Speaker number {i} with a long name", 1000 - i) for i in range(60)]
    image = pixels(share_chart(many, "A big meeting"))
    assert image.shape[1] == 800 and image.shape[0] <= 960


def test_meetings_chart() -> None:
    rows = [("2021-03-22 ICANN70 LACRALO", 2, 1299), ("2021-06-14 ICANN71 plenary", 5, 2400), ("undated notes", 1, 40)]
    image = pixels(meetings_chart(rows, "LEÓN SANCHEZ across 3 meetings"))
    assert image.shape[1] == 800 and 200 <= image.shape[0] <= 480
    assert image.std() > 0.05


def test_long_titles_wrap_to_two_lines_and_say_they_were_cut() -> None:
    lines = title_lines("LEÓN SANCHEZ in 2021-03-22 ICANN70 | Forum virtuel de la communauté - Table ronde d'At-Large LACRALO")
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(len(line) <= charts.TITLE_CHARS for line in lines)
    assert title_lines("Short") == ["Short"]


def test_a_chart_is_named_after_what_it_shows_in_plain_letters() -> None:
    assert charts.file_name("LEÓN SANCHEZ") == "stats-leon-sanchez.png"
    assert charts.file_name("icann70-lacralo-roundtable-fr") == "stats-icann70-lacralo-roundtable-fr.png"
    assert charts.file_name("   ") == "stats-chart.png"


def test_long_labels_are_drawn_whole_inside_the_margin() -> None:
    """The bars' box is placed by hand from the labels' measured width: no label runs off the left."""
    wide = [("WWWWWWWWWWWWWWWWWWWWWWWW", 500), ("MIGUEL IGNACIO ESTRADA", 300), ("Bo", 10)]
    image = pixels(share_chart(wide, "t"))
    background = np.array([int(charts.BACKGROUND[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    inked = np.abs(image - background).sum(axis=2) > 0.1
    margin = int(charts.MARGIN * charts.DPI)
    assert not inked[:, : margin - 2].any()  # nothing cut at the left edge
    columns = np.flatnonzero(inked.any(axis=0))
    assert columns.min() <= margin + 2  # the widest label starts at the margin: no space wasted


def test_dollar_signs_in_a_name_are_printed_not_read_as_maths() -> None:
    # As mathtext, "$h ^_^ Money$" does not parse: the chart was lost (the numbers still answered).
    image = pixels(share_chart([("Ca$h ^_^ Money$", 10), ("Bo", 5)], "t"))
    assert image.std() > 0.05


def test_warming_up_loads_matplotlib_in_the_background() -> None:
    thread = charts.warm_up()
    thread.join(timeout=120)
    assert not thread.is_alive()
    assert "matplotlib.backends.backend_agg" in sys.modules

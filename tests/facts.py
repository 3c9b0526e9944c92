"""What a person counted in the sample record, samples/icann70-lacralo-roundtable-fr.txt, once, for every test.

The sample is byte for byte the shared corpus's icann/icann70-lacralo-roundtable-fr.txt
(`cmp`). Each figure says how it was counted on the file itself, never by the parser: a test
that compares the parser with these numbers can then fail.
"""

from __future__ import annotations

import datetime as dt

MEETING_ID = "icann70-lacralo-roundtable-fr"  # the file's name without its extension
# The first two lines under the opening `---`, as printed.
TITLE = "ICANN70 | Forum virtuel de la communauté - Table ronde d'At-Large LACRALO"
DATE = dt.date(2021, 3, 22)  # "Lundi 22 mars 2021 – 14h30 à 16h00 EST"
LANGUAGE = "fr"

# `grep -cP '^[\p{Lu} .-]+ :'`: one speaker label (capitals, a space before the colon) per turn.
TURNS = 38

# The same labels, in order of first appearance (`grep -oP '^[\p{Lu} .-]+(?= :)' | awk '!seen[$0]++'`).
SPEAKERS_IN_ORDER = [
    "CLAUDIA RUIZ",
    "SERGIO SALINAS PORTO",
    "GÖRAN MARBY",
    "LEÓN SANCHEZ",
    "LITO IBARRA",
    "MIGUEL IGNACIO ESTRADA",
    "RODRIGO DE LA PARRA",
    "VANDA SCARTEZINI",
    "ALEJANDRO PISANTY",
    "INTERPRÈTE",
    "LAURAN MARGOLIS",
    "ALBERTO SOTO",
]
SPEAKERS = len(SPEAKERS_IN_ORDER)  # 12

# speaker: (turns, words). Turns: the labels above, `| sort | uniq -c`. Words: `wc -w` of each
# speaker's lines from line 7 on (after the title and date), without the `---` page breaks, the
# `**Remarque …**` box, `**[FIN DE LA TRANSCRIPTION]**` and the labels themselves.
BY_SPEAKER = {
    "SERGIO SALINAS PORTO": (17, 2223),
    "RODRIGO DE LA PARRA": (3, 1783),
    "LEÓN SANCHEZ": (2, 1299),
    "LITO IBARRA": (2, 1269),
    "GÖRAN MARBY": (2, 991),
    "MIGUEL IGNACIO ESTRADA": (1, 918),
    "VANDA SCARTEZINI": (2, 545),
    "CLAUDIA RUIZ": (2, 294),
    "ALEJANDRO PISANTY": (3, 267),
    "LAURAN MARGOLIS": (1, 157),
    "ALBERTO SOTO": (2, 132),  # "On m'entend ?" (3) + 129
    "INTERPRÈTE": (1, 19),
}
WORDS = 9897  # the sum of the words above

# Pages: 43 `---` lines, less the opening one and the one closing the disclaimer box on page 1;
# a turn's page is the number of breaks above its label, counted the same way.
PAGES = 42

# Turns (0-based, in label order) whose words contain "LACRALO" in any case: the file cut at
# its labels, and each piece searched with `grep -ic lacralo`.
LACRALO_TURNS = [0, 1, 4, 5, 6, 8, 10, 12, 28, 29, 30, 31, 36, 37]

# "DAAR" (`grep -n DAAR`) occurs in one turn only: the 22nd label, GÖRAN MARBY, 29 page breaks down.
DAAR_TURN, DAAR_SPEAKER, DAAR_PAGE = 21, "GÖRAN MARBY", 29

"""What a hostile record costs to read: time and peak memory, each in a fresh process.

`.venv/bin/python bench/bench_hostile.py` (~2 min). Each file is written to a temporary folder,
then read by the loader with the default limits in a child process that reports how long the
read took, the peak memory above the process's own (VmHWM − VmRSS before), and what the load
report said; medians of three runs. The sample meeting is the baseline: a real record, read the
same way. Then the real records of the shared corpus: the peak of Python's allocations while
one is read from its bytes (tracemalloc), as a multiple of the file's size.
"""

from __future__ import annotations

import io
import json
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "bot" / "samples" / "icann70-lacralo-roundtable-fr.txt"
CORPUS = ROOT.parent / "shared" / "corpus"
RUNS = 3

CHILD = """
import json, sys, time
from pathlib import Path
from parser.readers.loader import LoadResult, read_admitted
import parser.readers.registry  # every reader imported before the baseline

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
    return 0.0

path = Path(sys.argv[1])
base = status("VmRSS")
open("/proc/self/clear_refs", "w").write("5")  # reset the high-water mark to now
result = LoadResult()
start = time.perf_counter()
try:
    record = read_admitted(path, result)
    said = f"read: {len(record.turns):,} turns" + "".join(f"; {note}" for _, note in result.notes)
except Exception as err:
    said = getattr(err, "problem", repr(err))
took = time.perf_counter() - start
print(json.dumps({"s": took, "peak_mb": status("VmHWM") - base, "said": said}))
"""


def tiny_turns_vtt(path: Path, turns: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        out.write("WEBVTT\n\n")
        for n in range(turns):
            out.write(f"00:00:00.000 --> 00:00:01.000\n<v S{n % 2}>w\n\n")


def tiny_turns_srt(path: Path, turns: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(turns):
            out.write(f"{n + 1}\n00:00:00,000 --> 00:00:01,000\nS{n % 2}: w\n\n")


def tiny_turns_timed(path: Path, turns: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(turns):
            out.write(f"{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d} S{n % 2}: w\n")


def long_cue_vtt(path: Path, lines: int) -> None:
    path.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n" + "ab\n" * lines, encoding="utf-8")


def continued_cue_vtt(path: Path, blocks: int) -> None:
    """One cue whose text goes on in blocks after blank lines: each block was joined to the whole cue again."""
    path.write_text("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\nx\n\n" + "y\n\n" * blocks, encoding="utf-8")


def surrogate_utf16_vtt(path: Path) -> None:
    cues = "".join(f"00:00:{n:02d}.000 --> 00:00:{n + 1:02d}.000\n<v Ana>words \ud800 here\n\n" for n in range(10))
    path.write_bytes(b"\xff\xfe" + ("WEBVTT\n\n" + cues).encode("utf-16-le", errors="surrogatepass"))


def tiny_turns_json(path: Path, turns: int) -> None:
    entries = ",".join(f'{{"speaker":"S{n % 2}","content":"w"}}' for n in range(turns))
    path.write_text(f'{{"meeting_transcripts":[{entries}]}}', encoding="utf-8")


def bomb_docx(path: Path, unpacked: int) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document><w:body>')
            for _ in range(unpacked >> 20):
                member.write(b" " * (1 << 20))
            member.write(b"</w:body></w:document>")
    path.write_bytes(out.getvalue())


def surrogates_json(path: Path) -> None:
    entries = [{"speaker": "Grad A", "content": "words"}] * 10
    text = json.dumps({"meeting_transcripts": entries}).replace("words", "words \\ud800")
    path.write_text(text, encoding="utf-8")


RECORD_CHILD = """
import sys, tracemalloc
from pathlib import Path
from parser.readers.loader import admitted_bytes
import parser.readers.registry

for name in sys.argv[1:]:
    path = Path(name)
    data = path.read_bytes()
    tracemalloc.start()
    try:
        record, _ = admitted_bytes(data, path)
        held = tracemalloc.get_traced_memory()[0]
        said = f"{len(record.turns):,} turns"
    except Exception as err:
        held, said = 0, getattr(err, "problem", repr(err))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(name, len(data), peak, held, said, sep="\t")
"""


def child(path: Path) -> dict[str, object]:
    """The median time and peak of `RUNS` fresh reads of `path`, and what the last said."""
    runs = []
    for _ in range(RUNS):
        done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=600)
        if done.returncode:
            return {"failed": done.stderr.strip().splitlines()[-1]}
        runs.append(json.loads(done.stdout))
    return {
        "s": statistics.median(r["s"] for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "said": runs[-1]["said"],
    }


def real_records() -> None:
    """Each record of the shared corpus: Python's peak allocations while it is read, against its size."""
    paths = sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in ("README.md", "LICENSE"))
    if not paths:
        print(f"\n(no corpus at {CORPUS})")
        return
    done = subprocess.run([sys.executable, "-c", RECORD_CHILD, *map(str, paths)], capture_output=True, text=True, cwd=ROOT)
    print("\nThe shared corpus: peak of Python allocations while a record is read from its bytes (tracemalloc)\n")
    print(f"{'record':<44} {'size':>9} {'peak':>9} {'×size':>6} {'record':>9}  read")
    multiples = []
    for line in done.stdout.splitlines():
        name, size, peak, held, said = line.split("\t")
        multiple = int(peak) / int(size)
        if held != "0":
            multiples.append(multiple)
        print(
            f"{Path(name).relative_to(CORPUS)!s:<44} {int(size) / 1e3:6.0f} KB {int(peak) / 1e3:6.0f} KB "
            f"{multiple:5.1f}× {int(held) / 1e3:6.0f} KB  {said[:40]}"
        )
    if multiples:
        print(f"median {statistics.median(multiples):.1f}×, worst {max(multiples):.1f}× the file's size (records read)")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="verbatim-hostile-") as tmp:
        folder = Path(tmp)
        cases = {
            "the sample meeting (baseline)": SAMPLE,
            "VTT, 1M one-word turns": folder / "tiny.vtt",
            "SRT, 1M one-word turns": folder / "tiny.srt",
            "timed text, 1M one-word lines": folder / "tiny.txt",
            "VTT, 50,000 one-word turns": folder / "limit.vtt",
            "VTT, one cue of 1M lines": folder / "long.vtt",
            "VTT, one cue + 1M blocks": folder / "continued.vtt",
            "JSON, 1M one-word turns": folder / "tiny.json",
            "DOCX unpacking to 200 MB": folder / "bomb.docx",
            "JSON with lone surrogates": folder / "surrogate.json",
            "UTF-16 VTT, lone surrogates": folder / "surrogate16.vtt",
        }
        tiny_turns_vtt(cases["VTT, 1M one-word turns"], 1_000_000)
        tiny_turns_srt(cases["SRT, 1M one-word turns"], 1_000_000)
        tiny_turns_timed(cases["timed text, 1M one-word lines"], 1_000_000)
        tiny_turns_vtt(cases["VTT, 50,000 one-word turns"], 50_000)
        long_cue_vtt(cases["VTT, one cue of 1M lines"], 1_000_000)
        continued_cue_vtt(cases["VTT, one cue + 1M blocks"], 1_000_000)
        tiny_turns_json(cases["JSON, 1M one-word turns"], 1_000_000)
        bomb_docx(cases["DOCX unpacking to 200 MB"], 200 << 20)
        surrogates_json(cases["JSON with lone surrogates"])
        surrogate_utf16_vtt(cases["UTF-16 VTT, lone surrogates"])
        print(f"What a hostile record costs to read (default limits; median of {RUNS} runs, each in a fresh process)\n")
        print(f"{'file':<32} {'size':>9} {'time':>9} {'peak':>9}  what the load report says")
        for name, path in cases.items():
            got = child(path)
            if "failed" in got:
                print(f"{name:<32} failed: {got['failed']}")
                continue
            size = path.stat().st_size / 1e6
            print(f"{name:<32} {size:7.2f} MB {got['s']:7.2f} s {got['peak_mb']:6.0f} MB  {str(got['said'])[:90]}")
    real_records()
    return 0


if __name__ == "__main__":
    sys.exit(main())

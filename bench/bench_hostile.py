"""What a hostile record costs to read: time and peak memory, each in a fresh process.

`.venv/bin/python bench/bench_hostile.py` (~1 min). Each file is written to a temporary folder,
then read by the loader with the default limits in a child process that reports how long the
read took, the peak memory above the process's own (VmHWM − VmRSS before), and what the load
report said. The sample meeting is the baseline: a real record, read the same way.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "icann70-lacralo-roundtable-fr.txt"

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


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="verbatim-hostile-") as tmp:
        folder = Path(tmp)
        cases = {
            "the sample meeting (baseline)": SAMPLE,
            "VTT, 1M one-word turns": folder / "tiny.vtt",
            "JSON, 1M one-word turns": folder / "tiny.json",
            "DOCX unpacking to 200 MB": folder / "bomb.docx",
            "JSON with lone surrogates": folder / "surrogate.json",
        }
        tiny_turns_vtt(cases["VTT, 1M one-word turns"], 1_000_000)
        tiny_turns_json(cases["JSON, 1M one-word turns"], 1_000_000)
        bomb_docx(cases["DOCX unpacking to 200 MB"], 200 << 20)
        surrogates_json(cases["JSON with lone surrogates"])
        print("What a hostile record costs to read (default limits; one run each, fresh process)\n")
        print(f"{'file':<32} {'size':>9} {'time':>9} {'peak':>9}  what the load report says")
        for name, path in cases.items():
            done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=600)
            if done.returncode:
                print(f"{name:<32} failed: {done.stderr.strip().splitlines()[-1]}")
                continue
            got = json.loads(done.stdout)
            size = path.stat().st_size / 1e6
            print(f"{name:<32} {size:7.2f} MB {got['s']:7.2f} s {got['peak_mb']:6.0f} MB  {got['said'][:90]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

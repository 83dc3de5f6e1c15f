"""Extraction of one long text: seconds by size (issue 17: linear, not quadratic, in the text's length).

The bundled sample articles (data/sample/docs) are repeated into one text of each size, in English and in
Chinese; the figure is the extractor's own CPU time for that one document (reference data loaded before).
Prints and writes bench/results/extract_long.json: {lang: {chars: seconds}} and the ratio of the largest
size's time to the smallest's against the ratio of their sizes.

    python bench/extract_long.py [MAX_CHARS]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from etl.extract import extract  # noqa: E402
from etl.resolve.reference import load_reference  # noqa: E402
from etl.sources.base import SourceDocument  # noqa: E402


def text_of(lang: str, size: int) -> str:
    docs = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "sample" / "docs").glob(f"{lang}-*.txt"))]
    out, n, i = [], 0, 0
    while n < size:
        out.append(docs[i % len(docs)])
        n += len(out[-1]) + 2
        i += 1
    return "\n\n".join(out)


def main(largest: int = 2_000_000) -> dict:
    ref = load_reference(ROOT / "data" / "reference")
    extract(SourceDocument(uri="/warm.txt", text=text_of("en", 2000)), ref)
    result: dict = {}
    for lang, top in (("en", largest), ("zh", largest // 3)):  # (a Chinese character: three bytes)
        sizes = [top // 4, top // 2, top]
        secs = {}
        for size in sizes:
            doc = SourceDocument(uri=f"/long-{lang}-{size}.txt", text=text_of(lang, size))
            t = time.process_time()
            extract(doc, ref)
            secs[size] = round(time.process_time() - t, 2)
            print(f"{lang} {size:>9,} characters: {secs[size]:6.2f} s", flush=True)
        result[lang] = {"seconds": secs, "size_ratio": sizes[-1] / sizes[0],
                        "time_ratio": round(secs[sizes[-1]] / max(secs[sizes[0]], 1e-6), 2)}
        print(f"{lang}: {result[lang]['size_ratio']:.0f}× the text, {result[lang]['time_ratio']}× the time")
    out = ROOT / "bench" / "results" / "extract_long.json"
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_000_000)

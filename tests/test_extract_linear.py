"""Extraction time grows with the text, not with its square (issue 17: 1 MB of text took 19 s, a 19.9 MB
upload was still running after 14 minutes).

The work is counted, not timed: the Python calls the extractor makes (cProfile's call count, which counts
every step of the generator expressions the old rules scanned every name with) for a text and for the same
text twice as long. Linear work doubles; the old scans of every name found so far for each new one made it
four times as much. The texts are the bundled sample articles repeated, generated in the test; the counts are
taken in one child process bounded by a timeout, each measurement in a fork of it made after the import.
"""
from __future__ import annotations

import json
import random
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from etl.extract.spans import SpanIndex

ROOT = Path(__file__).resolve().parents[1]
CPU_BOUND = 25  # seconds of CPU for the 1 MB one-line text: 4 times what the linear code takes

_COUNT = r"""
import cProfile, glob, json, os, pstats, sys
from etl.extract import extract
from etl.sources.base import SourceDocument

def count(lang, one_line, sizes):
    docs = [open(f, encoding="utf-8").read() for f in sorted(glob.glob(f"data/sample/docs/{lang}-*.txt"))]
    if one_line:  # the articles run together on one line: one paragraph, as a pasted text can be
        docs = [d.replace("\n", " ") for d in docs]

    def text_of(size):
        out, n, i = [], 0, 0
        while n < size:
            out.append(docs[i % len(docs)])
            n += len(docs[i % len(docs)]) + 2
            i += 1
        return (" " if one_line else "\n\n").join(out)

    extract(SourceDocument(uri="/warm.txt", text=docs[0]))  # reference lists loaded before counting
    counts = {}
    for size in sizes:
        doc = SourceDocument(uri=f"/big-{size}.txt", text=text_of(size))
        prof = cProfile.Profile()
        prof.enable()
        ex = extract(doc)
        prof.disable()
        counts[size] = pstats.Stats(prof).total_calls
        assert ex.mentions, "the repeated articles name partners, units and people"
    return counts

# Each measurement in a fork of this process as it is after the import: the state a process of its own for
# each would start from (no cache warmed by another measurement), without importing the extractor again.
out = {}
for name, lang, one_line, sizes in json.loads(sys.argv[1]):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        code = 0
        try:
            data = json.dumps(count(lang, one_line, sizes)).encode()
        except BaseException as exc:
            data, code = json.dumps({"error": f"{exc.__class__.__name__}: {exc}"}).encode(), 1
        with os.fdopen(w, "wb") as f:
            f.write(data)
        os._exit(code)
    os.close(w)
    with os.fdopen(r, "rb") as f:
        got = json.loads(f.read() or b"{}")
    _, status = os.waitpid(pid, 0)
    assert status == 0 and "error" not in got, (name, status, got)
    out[name] = got
print(json.dumps(out))
"""

# The three measurements: (lang, the articles on one line, the two sizes of text, in characters).
MEASURES = {"en": ("en", False, [200_000, 400_000]), "en-one-line": ("en", True, [100_000, 200_000]),
            "zh": ("zh", False, [60_000, 120_000])}


@pytest.fixture(scope="module")
def work() -> dict[str, dict[int, int]]:
    """The Python calls of each measurement, counted in one child process (bounded by a timeout)."""
    jobs = [[name, *m] for name, m in MEASURES.items()]
    r = subprocess.run([sys.executable, "-c", _COUNT, json.dumps(jobs)], cwd=ROOT, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    return {name: {int(k): v for k, v in counts.items()} for name, counts in out.items()}


def test_english_extraction_work_doubles_with_the_text(work):
    calls = work["en"]
    ratio = calls[400_000] / calls[200_000]
    # linear: 2 (plus a little for a longer list of names); the old quadratic scans: 3.5 and more
    assert ratio < 2.5, calls


def test_work_doubles_with_a_text_of_one_long_line(work):
    """No paragraph breaks: the rules that look at "the line" or "the paragraph" around a name see all of it."""
    calls = work["en-one-line"]
    ratio = calls[200_000] / calls[100_000]
    assert ratio < 2.5, calls


def test_chinese_extraction_work_doubles_with_the_text(work):
    calls = work["zh"]
    ratio = calls[120_000] / calls[60_000]
    assert ratio < 2.5, calls


def test_span_index_answers_as_a_scan_does():
    """The index (etl/extract/spans.py) gives the same spans, in the same order, as a scan of the list would."""
    rnd = random.Random(17)
    spans = []
    for _ in range(600):
        s = rnd.randrange(0, 5000)
        spans.append((s, s + rnd.choice([0, 1, 3, 20, 64, 65, 130, 400]), rnd.choice("abc")))
    idx = SpanIndex(spans)
    removed = set(rnd.sample(range(len(spans)), 150))
    for i in sorted(removed):
        idx.discard(spans[i][0], spans[i][1], spans[i])
    live = [sp for i, sp in enumerate(spans) if i not in removed]
    assert len(idx) == len(live)
    for _ in range(2000):
        a = rnd.randrange(-10, 5100)
        b = a + rnd.choice([0, 1, 2, 5, 63, 64, 200])
        assert idx.overlapping(a, b) == [sp for sp in live if sp[0] < b and a < sp[1]]
        assert idx.overlaps(a, b) == any(sp[0] < b and a < sp[1] for sp in live)
        assert idx.starting_in(a, b) == [sp for sp in live if a <= sp[0] < b]
        assert idx.at(a) == [sp for sp in live if sp[0] <= a < sp[1] or a == sp[0]]
        assert idx.ending_in(a - 3, a) == [sp for sp in live if a - 3 <= sp[1] <= a]
    assert list(idx.items()) == live


def test_a_one_megabyte_text_on_one_line_is_extracted_within_a_bound_of_cpu_time(tmp_path):
    """The work the counts above cannot see (a regular expression or a search run over the whole line for
    each year or name: C code, no Python call) is bounded by the CPU time the child process may take
    (``RLIMIT_CPU``, which the kernel counts whatever the machine's load; a wall-clock timeout grew 15-20
    times on a busy machine). Measured with ``intl extract``: the linear code takes about 6 s of CPU for
    this text, start-up included; with the copyright check of each year scanning its whole line again (the
    quadratic code before af266f8) 17 s for half of it and over the 25 s bound for all of it, killed there."""
    docs = [p.read_text(encoding="utf-8").replace("\n", " ") for p in sorted((ROOT / "data" / "sample" / "docs")
                                                                           .glob("en-*.txt"))]
    parts, n, i = [], 0, 0
    while n < 1_000_000:
        parts.append(docs[i % len(docs)])
        n += len(parts[-1]) + 1
        i += 1
    big = tmp_path / "one-line.txt"
    big.write_text(" ".join(parts), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "etl.cli", "extract", "--format", "jsonl", str(big)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # the bound: CPU seconds (SIGXCPU past them), set as soon as the child exists; what it used before counts
    resource.prlimit(proc.pid, resource.RLIMIT_CPU, (CPU_BOUND, CPU_BOUND + 5))
    out, err = proc.communicate(timeout=900)  # wall: only against a hang, never reached by the work itself
    assert proc.returncode != -signal.SIGXCPU, f"over {CPU_BOUND} s of CPU for a 1 MB line: more than linear"
    assert proc.returncode == 0, err[-2000:]
    rec = json.loads(out.strip().splitlines()[-1])
    assert rec["doc"] == "one-line.txt" and rec["partners"] and rec["activities"]

"""Benchmark: the print edition — a volume of many documents, and PDFs per document.

Run: .venv/bin/python bench/bench_pdf.py [--docs 250,500,1000] [--per-doc 200] [--jobs 2]

Makes a TEI corpus by converting varied seed sources (bench_convert's corpus,
fixed random seed; not timed), then measures, each in a fresh process so
that its peak memory (ru_maxrss) is its own:

1. a volume of each size in ``--docs`` (title page, contents, conventions,
   the documents, the two-pass index): pages, seconds, pages per second, peak
   memory — the issue's target is at least 20 pages/s on a volume of 1,000 or
   more documents, with memory that does not grow beyond what one layout needs;
2. ``--per-doc`` PDFs of one document each, with ``--jobs`` processes.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def run_one(tei: Path, out: Path, volume: bool, jobs: int) -> dict[str, float]:
    """In this process: make the PDFs, return the figures."""
    from teikit.pdf import build_pdfs
    from teikit.settings import load_settings

    settings = load_settings(ROOT / "teikit.toml")
    cpu, t = time.process_time(), time.perf_counter()
    report = build_pdfs([tei], out, settings, documents=not volume, volume=volume, jobs=jobs)
    wall = time.perf_counter() - t
    errors = [str(d) for d in report.errors]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"pages": report.pages, "seconds": wall, "cpu": time.process_time() - cpu,
            "peak_mb": max(own, kids), "errors": len(errors), "stages": report.stages}


def measure(tei: Path, n: int, volume: bool, jobs: int) -> dict[str, float]:
    """Run in a fresh process on the first n documents."""
    with tempfile.TemporaryDirectory() as tmp:
        sub = Path(tmp) / "tei"
        sub.mkdir()
        docs = sorted(p for p in tei.glob("*.xml") if p.name not in ("persons.xml", "places.xml"))[:n]
        for p in [*docs, tei / "persons.xml", tei / "places.xml"]:
            (sub / p.name).symlink_to(p)
        code = (f"import json, sys; sys.path.insert(0, {str(ROOT / 'bench')!r}); "
                "from bench_pdf import run_one; from pathlib import Path; "
                f"print(json.dumps(run_one(Path({str(sub)!r}), Path({str(Path(tmp) / 'out')!r}), "
                f"{volume!r}, {jobs:d})))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", default="250,500,1000", help="volume sizes, comma-separated")
    parser.add_argument("--per-doc", type=int, default=200, help="documents printed one PDF each")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    sizes = [int(s) for s in args.docs.split(",")]
    from bench_html import tei_corpus

    with tempfile.TemporaryDirectory() as tmp:
        print(f"making a corpus of {max(sizes + [args.per_doc])} TEI documents (not timed) …", flush=True)
        tei = tei_corpus(Path(tmp), max(sizes + [args.per_doc]))
        print("\nvolume (one process; the index laid out in a second pass)")
        print(f"{'docs':>6} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'cpu s':>7} {'peak MB':>8}")
        for n in sizes:
            r = measure(tei, n, True, 1)
            print(f"{n:>6} {r['pages']:>6} {r['seconds']:>8.1f} {r['pages'] / r['seconds']:>8.1f} "
                  f"{r['cpu']:>7.1f} {r['peak_mb']:>8.0f}"
                  + (f"  ERRORS {r['errors']}" if r["errors"] else ""),
                  flush=True)
        if args.per_doc:
            r = measure(tei, args.per_doc, False, args.jobs)
            print(f"\none PDF per document: {args.per_doc} documents, {r['pages']} pages, "
                  f"{args.jobs} processes: "
                  f"{r['seconds']:.1f} s, {r['pages'] / r['seconds']:.1f} pages/s, "
                  f"{args.per_doc / r['seconds']:.1f} documents/s, peak {r['peak_mb']:.0f} MB per process")


if __name__ == "__main__":
    main()

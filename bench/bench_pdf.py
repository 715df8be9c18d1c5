"""Benchmark: the print edition — a volume of many documents, and PDFs per document.

Run: .venv/bin/python bench/bench_pdf.py [--docs 250,500,1000] [--per-doc 200] [--jobs 2]

Makes a TEI corpus by converting varied seed sources (bench_convert's corpus,
fixed random seed; not timed), then measures, each in a fresh process so
that its figures are its own:

1. a volume of each size in ``--docs`` with ``--jobs`` processes: pages,
   wall seconds, pages per second, CPU seconds (the process and its layout
   processes), pages per CPU second, and peak memory — the most the process
   and its children held at once (their resident sizes summed, sampled every
   50 ms), the most the parent held (it reads the documents and merges the
   parts), the most any one layout process held, and the most any one
   transform process held (Saxon; ``teikit-xslt``; told apart by the names
   ``pdf_parts.name_process`` gives them).
   The issue's target is at least
   20 pages/s on a volume of 1,000 or more documents, with memory that does
   not grow with the volume beyond what one layout needs;
2. ``--per-doc`` PDFs of one document each, with ``--jobs`` processes.

The machine may be shared: wall seconds are then noisy, and CPU seconds and
pages per CPU second are the steadier guide.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))


def _status_mb(pid: int) -> tuple[float, float, str]:
    """The process's resident size now and at its peak (VmHWM), in MB, and its name."""
    found = {"VmRSS": 0.0, "VmHWM": 0.0, "Name": ""}
    try:
        with open(f"/proc/{pid}/status", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in found:
                    found[key] = value.strip() if key == "Name" else int(value.split()[0]) / 1024
    except (OSError, ValueError):
        pass
    return float(found["VmRSS"]), float(found["VmHWM"]), str(found["Name"])


def _tree(pid: int) -> list[int]:
    """The process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo += children.get(p, [])
    return found


class PeakMemory:
    """The most the process tree held at once, and the most each kind of child process held
    (by its name: teikit-layout, teikit-xslt), sampled in a thread."""

    def __init__(self, every: float = 0.05) -> None:
        self.peak = 0.0
        self.by_name: dict[str, float] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.wait(self.every):
            seen = [(pid, *_status_mb(pid)) for pid in _tree(me)]
            self.peak = max(self.peak, sum(rss for _pid, rss, _hwm, _name in seen))
            for pid, _rss, hwm, name in seen:
                if pid != me:
                    self.by_name[name] = max(self.by_name.get(name, 0.0), hwm)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def _cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_one(tei: Path, out: Path, volume: bool, jobs: int) -> dict[str, float]:
    """In this process: make the PDFs, return the figures."""
    from teikit.pdf import build_pdfs
    from teikit.settings import load_settings

    settings = load_settings(ROOT / "teikit.toml")
    cpu, t = _cpu(), time.perf_counter()
    with PeakMemory() as memory:
        report = build_pdfs([tei], out, settings, documents=not volume, volume=volume, jobs=jobs)
    wall = time.perf_counter() - t
    errors = [str(d) for d in report.errors]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # any child's peak
    return {"pages": report.pages, "seconds": wall, "cpu": _cpu() - cpu, "peak_mb": memory.peak,
            "parent_mb": own, "child_mb": kids, "layout_mb": memory.by_name.get("teikit-layout", kids),
            "xslt_mb": memory.by_name.get("teikit-xslt", 0.0), "errors": len(errors),
            "first_errors": errors[:3], "stages": report.stages}


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
    parser.add_argument("--tei", type=Path, help="an existing corpus (made by bench_html.tei_corpus)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.docs.split(",") if s]
    from bench_html import tei_corpus

    with tempfile.TemporaryDirectory() as tmp:
        if args.tei:
            tei = args.tei
        else:
            print(f"making a corpus of {max(sizes + [args.per_doc])} TEI documents (not timed) …", flush=True)
            tei = tei_corpus(Path(tmp), max(sizes + [args.per_doc]))
        print(f"\nvolume ({args.jobs} processes)")
        print(f"{'docs':>6} {'pages':>6} {'seconds':>8} {'pages/s':>8} {'cpu s':>7} {'pages/cpu s':>11} "
              f"{'peak MB':>8} {'parent MB':>9} {'layout MB':>9} {'xslt MB':>8}")
        for n in sizes:
            r = measure(tei, n, True, args.jobs)
            print(f"{n:>6} {r['pages']:>6} {r['seconds']:>8.1f} {r['pages'] / r['seconds']:>8.1f} "
                  f"{r['cpu']:>7.1f} {r['pages'] / r['cpu']:>11.1f} {r['peak_mb']:>8.0f} "
                  f"{r['parent_mb']:>9.0f} {r['layout_mb']:>9.0f} {r['xslt_mb']:>8.0f}"
                  + (f"  ERRORS {r['errors']}: {r['first_errors']}" if r["errors"] else ""),
                  flush=True)
            print("       " + ", ".join(f"{k} {v:.1f} s" for k, v in r["stages"].items() if ":" in k))
        if args.per_doc:
            r = measure(tei, args.per_doc, False, args.jobs)
            print(f"\none PDF per document: {args.per_doc} documents, {r['pages']} pages, "
                  f"{args.jobs} processes: "
                  f"{r['seconds']:.1f} s, {r['pages'] / r['seconds']:.1f} pages/s, "
                  f"{r['cpu']:.1f} CPU s, {r['pages'] / r['cpu']:.1f} pages/CPU s, "
                  f"{args.per_doc / r['seconds']:.1f} documents/s, peak {r['peak_mb']:.0f} MB in all, "
                  f"{max(r['parent_mb'], r['child_mb']):.0f} MB in one process")


if __name__ == "__main__":
    main()

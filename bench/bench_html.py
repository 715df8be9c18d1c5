"""Benchmark: the HTML edition's transform per document, and a whole site.

Run: .venv/bin/python bench/bench_html.py [--docs 1000] [--site-docs 10000] [--jobs 2]

Makes a TEI corpus by converting varied seed sources (bench_convert's corpus,
fixed random seed; not timed), then measures:

1. the transform alone: tei2html.xsl compiled once, each document parsed
   beforehand, ``--docs`` transforms timed one by one (mean, median, 95th
   percentile in ms) — the issue's target is at most 1 ms per document;
2. the whole site for ``--site-docs`` documents with ``--jobs`` processes:
   document pages, copies of the TEI, the edition's pages (chronology,
   registers), and the pagefind search index — target under 60 s for 10,000
   documents on 2 cores — and a rebuild with nothing changed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_convert import REGISTERS, TODAY, make_corpus  # noqa: E402

import teikit  # noqa: E402
from teikit.settings import load_settings  # noqa: E402
from teikit.site_summary import summarize  # noqa: E402
from teikit.validate_safe import load_file  # noqa: E402
from teikit.web import ENTRY, build_html, entry_info  # noqa: E402
from teikit.xslt import compiled  # noqa: E402


def tei_corpus(directory: Path, n: int) -> Path:
    """N TEI documents (converted from varied seeds) and the registers, in one folder."""
    src, tei = directory / "texts", directory / "tei"
    src.mkdir()
    make_corpus(src, n)
    register = teikit.load_register(REGISTERS / "persons.xml", REGISTERS / "places.xml")
    teikit.convert_paths(sorted(src.glob("*.txt")), tei, register=register, today=TODAY)
    for name in ("persons.xml", "places.xml"):
        (tei / name).write_bytes((REGISTERS / name).read_bytes())
    return tei


def transform_only(tei: Path, n: int) -> None:
    sheet = compiled(ENTRY)
    regs = [sheet.parse((tei / r).read_text(encoding="utf-8")) for r in ("persons.xml", "places.xml")]
    sheet.set_params({"registers": regs, "tei-href": "", "pdf-href": ""})
    sheet.set_params({"entry-info": entry_info(sheet)})  # as web._start does
    docs = sorted(p for p in tei.glob("*.xml") if p.name not in ("persons.xml", "places.xml"))[:n]
    loaded = [load_file(p) for p in docs]
    nodes = [sheet.parse(x.data.decode("utf-8")) for x in loaded]
    for node, x in list(zip(nodes, loaded, strict=True))[:50]:  # warm the JIT
        sheet.apply(node, x.path, x.tree, x.data)
    times, cpu, summaries = [], [], []
    for node, x in zip(nodes, loaded, strict=True):
        sheet.set_params({"doc-id": Path(x.path).stem})
        t, c = time.perf_counter(), time.process_time()
        sheet.apply(node, x.path, x.tree, x.data)
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
        t = time.perf_counter()
        summarize(x.tree.getroot(), Path(x.path).stem)
        summaries.append((time.perf_counter() - t) * 1000)
    times.sort()
    size = statistics.mean(len(x.data) for x in loaded) / 1024
    print(f"transform only, {len(times)} documents of {size:.1f} KB:"
          f" mean {statistics.mean(times):.2f} ms, median {statistics.median(times):.2f} ms,"
          f" p95 {times[int(len(times) * .95)]:.2f} ms per document (CPU: mean {statistics.mean(cpu):.2f},"
          f" median {statistics.median(cpu):.2f} ms); the summary for the edition's pages"
          f" (site_summary): mean {statistics.mean(summaries):.2f} ms")


def whole_site(tei: Path, out: Path, jobs: int) -> None:
    settings = load_settings(ROOT / "teikit.toml")
    for label in ("full build", "rebuild, nothing changed"):
        r = build_html([tei], out, settings, jobs=jobs)
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in r.stages.items())
        errors = len(r.errors)
        print(f"{label}: {len(r.documents)} documents, {r.written} files written in {r.seconds:.1f} s "
              f"with {jobs} processes ({stages}); {errors} errors")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=1000, help="documents for the transform timing")
    ap.add_argument("--site-docs", type=int, default=10000, help="documents for the whole-site build")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        tei = tei_corpus(Path(tmp), max(args.docs, args.site_docs))
        made = time.perf_counter() - t
        print(f"corpus: {max(args.docs, args.site_docs)} TEI documents made in {made:.0f} s"
              " (not timed below)")
        transform_only(tei, args.docs)
        if args.site_docs:
            whole_site(tei, Path(tmp) / "site", args.jobs)


if __name__ == "__main__":
    main()

"""Benchmark: documents per second and memory for converting seed-sized sources.

Run: .venv/bin/python bench/bench_convert.py [--docs 1000] [--workers 1] [--profile]
                                             [--baseline REV]

Builds a corpus of N documents in a temporary directory by varying the seed
sources in texts/*.txt (numbers and names substituted, paragraphs shuffled;
fixed random seed, so every run converts the same corpus), then times:

1. ``convert_source`` in memory on the decoded sources (no file I/O), sampling
   peak RSS after 25/50/75/100 % of the documents to show whether memory
   stays flat, and the time per document (mean, 95th percentile);
2. ``convert_paths`` from the source folder into an output folder (reading,
   converting, writing atomically), split over ``--workers`` processes.

``--profile`` runs the in-memory pass under cProfile and prints the top
functions by cumulative time. ``--baseline REV`` converts the corpus with the
converter of git revision REV too, in the same process, document by document in
turn, and compares CPU time and output: on a shared machine the two then see the
same load, where runs minutes apart do not.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import teikit  # noqa: E402

SEEDS = sorted((ROOT / "texts").glob("*.txt"))
TODAY = "2000-01-01"
REGISTERS = ROOT / "tests" / "fixtures" / "registers"  # persons.xml, places.xml
NAMES = [("Shtykov", "Zakharov"), ("SHTYKOV", "ZAKHAROV"), ("Molotov", "Vyshinsky"),
         ("Pyongyang", "Seoul"), ("Beria", "Malenkov")]


def vary(text: str, rnd: random.Random) -> str:
    """One variant of a seed: other numbers, some names swapped, body paragraphs shuffled."""
    text = re.sub(r"\b\d{3,6}\b", lambda m: str(rnd.randint(10 ** (len(m.group()) - 1),
                                                              10 ** len(m.group()) - 1)), text)
    for a, b in NAMES:
        if rnd.random() < 0.3:
            text = text.replace(a, b)
    lines = text.split("\n")
    # shuffle long prose lines among themselves, leaving frame, headings and closers in place
    idx = [i for i, ln in enumerate(lines) if len(ln.split()) > 15]
    if len(idx) > 1:
        moved = [lines[i] for i in idx]
        rnd.shuffle(moved)
        for i, ln in zip(idx, moved, strict=True):
            lines[i] = ln
    return "\n".join(lines)


def make_corpus(directory: Path, n: int, seed: int = 1950) -> int:
    rnd = random.Random(seed)
    seeds = [p.read_text(encoding="utf-8") for p in SEEDS]
    total = 0
    for i in range(n):
        data = vary(seeds[i % len(seeds)], rnd).encode("utf-8")
        (directory / f"doc{i:05d}.txt").write_bytes(data)
        total += len(data)
    return total


def rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_memory(paths: list[Path], register: teikit.Register) -> tuple[float, float, list[float],
                                                                    list[tuple[int, float]], int]:
    """Convert every source in memory; return total s (wall, CPU), per-document CPU s,
    RSS marks, failures."""
    sources = [teikit.decode(p.read_bytes(), str(p)) for p in paths]
    marks = {max(1, len(sources) * q // 4) for q in (1, 2, 3, 4)}
    times, rss, bad = [], [], 0
    start, cpu = time.perf_counter(), time.process_time()
    for k, src in enumerate(sources, 1):
        t0 = time.process_time()
        conv = teikit.convert_source(src, register=register, today=TODAY)
        times.append(time.process_time() - t0)
        bad += not conv.report.get("round_trip")
        if k in marks:
            rss.append((k, rss_mb()))
    return time.perf_counter() - start, time.process_time() - cpu, times, rss, bad


def ms_stats(seconds: list[float]) -> str:
    ms = sorted(t * 1000 for t in seconds)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return (f"mean {statistics.fmean(ms):.2f} ms, median {statistics.median(ms):.2f} ms, "
            f"p95 {p95:.2f} ms, max {ms[-1]:.2f} ms")


def load_baseline(rev: str, directory: Path) -> ModuleType:
    """The teikit package of git revision ``rev``, imported beside the working tree's."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src/teikit"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(directory)], input=archive, check=True)
    current = {k: v for k, v in sys.modules.items() if k == "teikit" or k.startswith("teikit.")}
    for k in current:
        del sys.modules[k]
    sys.path.insert(0, str(directory / "src"))
    try:
        import teikit as baseline

        baseline.get_profile("default")  # the lazy imports, while the name is the baseline's
        baseline.convert_source(baseline.decode(b"July 8, 1950\nText [sic] here."), today=TODAY)
    finally:
        sys.path.remove(str(directory / "src"))
        for k in [k for k in sys.modules if k == "teikit" or k.startswith("teikit.")]:
            del sys.modules[k]
        sys.modules.update(current)
    return baseline


def compare(paths: list[Path], rev: str, rounds: int = 3) -> None:
    """CPU time of this converter and REV's, each document converted by both in turn."""
    with tempfile.TemporaryDirectory(prefix="teikit-baseline-") as tmp:
        base = load_baseline(rev, Path(tmp))
        sides = [(mod, mod.default_register(REGISTERS),
                  [mod.decode(p.read_bytes(), str(p)) for p in paths]) for mod in (base, teikit)]
        cpu: list[list[float]] = [[0.0] * len(paths), [0.0] * len(paths)]
        same = 0
        for r in range(rounds):
            for i in range(len(paths)):
                outputs = [b""] * 2
                for side in ((0, 1) if (i + r) % 2 == 0 else (1, 0)):
                    mod, register, sources = sides[side]
                    t0 = time.process_time()
                    conv = mod.convert_source(sources[i], register=register, today=TODAY)
                    cpu[side][i] += (time.process_time() - t0) / rounds
                    outputs[side] = conv.to_bytes()
                same += r == 0 and outputs[0] == outputs[1]
    print(f"\n{rev} and the working tree, each document in turn ({rounds} rounds, CPU time):")
    for name, times in ((rev, cpu[0]), ("working tree", cpu[1])):
        print(f"  {name}: {len(times) / sum(times):,.0f} documents/s per core; {ms_stats(times)}")
    ratios = sorted(b / a for a, b in zip(cpu[0], cpu[1], strict=True) if a)
    print(f"  working tree / {rev}: {sum(cpu[1]) / sum(cpu[0]):.3f} in total, per document "
          f"median {statistics.median(ratios):.3f} (quartiles {ratios[len(ratios) // 4]:.3f}-"
          f"{ratios[3 * len(ratios) // 4]:.3f})")
    print(f"  output byte-identical for {same} of {len(paths)} documents")


def _convert_chunk(args: tuple[list[str], str]) -> tuple[int, list[tuple[int, float]]]:
    """One worker's share; RSS sampled (through ``progress``) after each quarter of it."""
    paths, out = args
    marks = {max(1, len(paths) * q // 4) for q in (1, 2, 3, 4)}
    rss: list[tuple[int, float]] = []
    seen = 0

    def progress(_path: Path) -> None:
        nonlocal seen
        seen += 1
        if seen in marks:
            rss.append((seen, rss_mb()))

    results = teikit.convert_paths(paths, out, register=teikit.default_register(REGISTERS),
                                   force=True, today=TODAY, progress=progress)
    return sum(r.status == "converted" for r in results), rss


def on_disk(paths: list[Path], out: Path,
            workers: int) -> tuple[float, int, list[tuple[int, float]]]:
    """convert_paths from files to files, the way ``teikit convert`` runs."""
    start = time.perf_counter()
    if workers == 1:
        done, rss = _convert_chunk(([str(p) for p in paths], str(out)))
    else:
        chunks = [([str(p) for p in paths[i::workers]], str(out)) for i in range(workers)]
        with ProcessPoolExecutor(workers) as pool:
            parts = list(pool.map(_convert_chunk, chunks))
        done = sum(d for d, _ in parts)
        rss = parts[0][1]
    return time.perf_counter() - start, done, rss


def profile(paths: list[Path], register: teikit.Register, top: int) -> None:
    sources = [teikit.decode(p.read_bytes(), str(p)) for p in paths]
    prof = cProfile.Profile()
    prof.enable()
    for src in sources:
        teikit.convert_source(src, register=register, today=TODAY)
    prof.disable()
    print(f"\ncProfile of convert_source over {len(sources)} documents, top {top} by cumtime:")
    pstats.Stats(prof).strip_dirs().sort_stats("cumulative").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=1000, help="documents in the corpus (>= 1000)")
    ap.add_argument("--workers", type=int, default=1, help="processes for convert_paths")
    ap.add_argument("--profile", action="store_true", help="print the top cProfile functions")
    ap.add_argument("--top", type=int, default=25, help="functions to show with --profile")
    ap.add_argument("--baseline", metavar="REV",
                    help="also time git revision REV's converter, alternating per document")
    args = ap.parse_args()
    register = teikit.default_register(REGISTERS)
    with tempfile.TemporaryDirectory(prefix="teikit-bench-") as tmp:
        src_dir, out_dir = Path(tmp) / "src", Path(tmp) / "tei"
        src_dir.mkdir()
        out_dir.mkdir()
        size = make_corpus(src_dir, args.docs)
        paths = sorted(src_dir.glob("*.txt"))
        print(f"corpus: {len(paths)} documents from {len(SEEDS)} seeds, "
              f"{size / len(paths) / 1024:.1f} KB each on average, {size / 2**20:.1f} MB")
        print(f"RSS before converting: {rss_mb():.1f} MB")

        teikit.convert_source(teikit.decode(paths[0].read_bytes()), today=TODAY)  # warm up
        total, cpu, times, rss, bad = in_memory(paths, register)
        print(f"\nin memory (convert_source, 1 core): {len(times)} documents in {total:.2f} s "
              f"= {len(times) / total:,.0f} documents/s per core ({cpu:.2f} s of CPU time "
              f"= {len(times) / cpu:,.0f} documents/s)")
        print(f"  CPU time per document: {ms_stats(times)}")
        print("  peak RSS after " + ", ".join(f"{k} docs ({100 * k // len(times)}%): {m:.1f} MB"
                                              for k, m in rss))
        if bad:
            print(f"  {bad} documents failed the round trip")

        elapsed, done, disk_rss = on_disk(paths, out_dir, args.workers)
        per_core = done / elapsed / args.workers
        print(f"\non disk (convert_paths, {args.workers} worker(s)): {done} documents in "
              f"{elapsed:.2f} s = {done / elapsed:,.0f} documents/s, {per_core:,.0f} per core")
        extra = (elapsed * args.workers / done - total / len(times)) * 1000
        print(f"  reading, writing and batch overhead: {extra:.2f} ms per document "
              "over in-memory conversion")
        share = len(paths) // args.workers
        print(f"  peak RSS of {'the' if args.workers == 1 else 'one'} worker after "
              + ", ".join(f"{k} docs ({100 * k // max(share, 1)}%): {m:.1f} MB"
                          for k, m in disk_rss))
        if args.profile:
            profile(paths, register, args.top)
        if args.baseline:
            compare(paths, args.baseline)


if __name__ == "__main__":
    main()

"""Benchmark: documents per second for schema + rules over >= 1,000 documents.

Run: .venv/bin/python bench/bench_validate.py [--docs N] [--jobs J]

Makes N telegram-sized TEI documents (about 5 KB each) in a temporary
directory, varied from the test edition, with its registers beside them, and
times teikit.validate.validate_paths on them: once on one core, once on all.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from teikit.validate import validate_paths  # noqa: E402

EDITION = ROOT / "tests" / "fixtures" / "validate" / "edition"
SAMPLE = EDITION / "405976_shtykov_stalin.xml"


def make_corpus(directory: Path, n: int, seed: int = 1950) -> int:
    """n documents; every tenth has an error so that the slow explanation path runs too."""
    rnd = random.Random(seed)
    src = SAMPLE.read_text(encoding="utf-8")
    total = 0
    for i in range(n):
        doc = src.replace("405976", str(400000 + i)).replace(
            "8.7.50", f"{rnd.randint(1, 28)}.7.50")
        if i % 10 == 0:
            doc = doc.replace('<p n="1">', '<p n="1" align="left">')
        data = doc.encode("utf-8")
        (directory / f"doc{i:05d}.xml").write_bytes(data)
        total += len(data)
    shutil.copy(EDITION / "persons.xml", directory / "persons.xml")
    shutil.copy(EDITION / "places.xml", directory / "places.xml")
    return total


def run(directory: Path, jobs: int) -> tuple[float, int, int]:
    start = time.perf_counter()
    result = validate_paths([directory], jobs=jobs)
    elapsed = time.perf_counter() - start
    return elapsed, len(result.files), len(result.invalid_files())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        size = make_corpus(d, args.docs)
        print(f"{args.docs} documents, {size / args.docs / 1024:.1f} KB each on average, "
              f"10% invalid")
        for jobs in sorted({1, args.jobs}):
            run(d, jobs)  # warm the file cache and the schema
            elapsed, files, bad = run(d, jobs)
            print(f"jobs={jobs}: {files} files in {elapsed:.2f} s = {files / elapsed:,.0f} "
                  f"documents/s ({bad} invalid)")


if __name__ == "__main__":
    main()

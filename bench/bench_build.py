"""Benchmark: `teikit build` on a generated edition, from nothing and then again after small changes.

Run: .venv/bin/python bench/bench_build.py [--docs 10000] [--jobs 2] [--keep DIR]

Makes a project in a temporary folder (not timed): ``--docs`` sources from
bench_convert's corpus (the seed sources varied, fixed random seed), the
registers of tests/fixtures/registers, the sample edition's teikit.toml. Then
runs ``teikit build`` as a user does (a new process each time, with
``--format json``) and prints, for each build, the wall-clock time, the CPU
time of the build and all its processes, and each stage's time:

1. the full build: convert, validate, HTML site and search index (the
   settings turn the PDFs and the package off: the targets are for these);
2. a build with nothing changed;
3. one source's running text changed (its summary stays the same);
4. one source's title changed (the chronology and registers list it);
5. the deposit package of the whole edition (``package = true``), made once.

3 and 4 are each built twice: first with ``--skip search``, then without, so
the search index's own time shows apart (pagefind cannot update an index in
part, and indexes every page again).

About a fifth of bench_convert's varied documents convert to TEI with schema
errors (the shuffled paragraphs defeat the converter in places), so the
builds run with ``--allow-invalid``: every document is published, as the
other benchmarks do.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_convert import REGISTERS, TODAY, make_corpus  # noqa: E402

#: The CLI as users run it (falls back to the commands themselves until they are registered).
RUN = ("import sys, click\n"
       "from teikit.cli import main\n"
       "from teikit.cli_build import build, init\n"
       "if 'build' not in main.commands: main = click.Group('teikit', {'build': build, 'init': init})\n"
       "main(sys.argv[1:], prog_name='teikit')\n")


def make_project(folder: Path, docs: int) -> None:
    (folder / "texts").mkdir(parents=True)
    (folder / "tei").mkdir()
    make_corpus(folder / "texts", docs)
    for name in ("persons.xml", "places.xml"):
        shutil.copy(REGISTERS / name, folder / "tei" / name)
    settings = (ROOT / "teikit.toml").read_text(encoding="utf-8")
    for name in ("pdf", "volume", "package"):  # the targets are for convert, validate and HTML
        settings = settings.replace(f"\n{name} = true", f"\n{name} = false")
    (folder / "teikit.toml").write_text(settings, encoding="utf-8")


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def build(project: Path, label: str, jobs: int, *args: str) -> dict:
    """One `teikit build` in a new process; print its figures."""
    cmd = [sys.executable, "-c", RUN, "build", str(project), "--format", "json", "--allow-invalid",
           "-j", str(jobs), *args]
    cpu, t = children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, env={**os.environ, "TEIKIT_DATE": TODAY})
    wall, cpu = time.perf_counter() - t, children_cpu() - cpu
    if done.returncode not in (0, 1):
        sys.exit(f"{label}: the build failed:\n{done.stderr.decode()}")
    report = json.loads(done.stdout)
    stages = ", ".join(f"{s['name']} {s['seconds']:.1f} s"
                       + (f" ({len(s['done'])} done)" if s["done"] else "")
                       + "".join(f"; {k} {v:.1f} s" for k, v in s["timings"].items() if v >= 0.05)
                       for s in report["stages"] if s["status"] not in ("skipped", "not run"))
    print(f"{label}: {wall:.1f} s wall, {cpu:.1f} s CPU [{stages}]", flush=True)
    return report


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=10000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", type=Path, default=None, help="make the project here and keep it")
    args = ap.parse_args()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="teikit-bench-build-")
    project = args.keep or Path(tmp.name) / "edition"  # type: ignore[union-attr]
    if args.keep and project.exists():
        shutil.rmtree(project)
    t = time.perf_counter()
    make_project(project, args.docs)
    print(f"project: {args.docs} sources made in {time.perf_counter() - t:.0f} s (not timed); "
          f"{args.jobs} processes; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    full = build(project, "full build", args.jobs)
    print(f"  {full['errors']} errors, {full['warnings']} warnings; "
          f"{sum(1 for _ in (project / 'output' / 'html' / 'documents').glob('*.html'))} document pages")
    build(project, "no change", args.jobs)
    name = f"doc{args.docs // 10 * 5:05d}"  # from the first seed, in the middle of the edition
    one = project / "texts" / f"{name}.txt"
    edit(one, "I received the following letter", "I received the very following letter")
    body = build(project, "one source's text changed, --skip search", args.jobs, "--skip", "search")
    assert [s["done"] for s in body["stages"] if s["name"] == "html"] == [[f"tei/{name}.xml"]]
    build(project, "  then the search index", args.jobs)
    title = one.read_text(encoding="utf-8").split("\n")[0]  # the first seed's catalogue title
    edit(one, title, title + " (revised)")
    listed = build(project, "one source's title changed, --skip search", args.jobs, "--skip", "search")
    assert "edition pages made again" in [n for s in listed["stages"] for n in s["notes"]]
    build(project, "  then the search index", args.jobs)
    edit(project / "teikit.toml", "\npackage = false", "\npackage = true")
    build(project, "the deposit package", args.jobs)
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    if tmp is not None:
        tmp.cleanup()


if __name__ == "__main__":
    main()

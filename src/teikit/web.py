"""The HTML edition: TEI documents to a static site that needs no server.

Each document goes through ``xslt/tei2html.xsl`` once, which gives its page
and its summary (title, date, parties, mentions). The summaries make the
edition's own pages: home, chronological list, registers of persons and
places, conventions and search. Documents are transformed in parallel, each
process compiling the stylesheet once; a page is written only when its bytes
change, so a rebuild touches only what changed. The search index is built by
pagefind over the written pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.settings import Settings
from teikit.validate import collect_files
from teikit.validate_rules import REGISTERS
from teikit.validate_safe import UnsafeXMLError, load_file
from teikit.writer import atomic_write
from teikit.xslt import XSLT_DIR, Stylesheet, compiled

ENTRY = XSLT_DIR / "tei2html.xsl"
ASSETS = XSLT_DIR / "assets"
#: Pages of the edition: file name -> named template of tei2html.xsl.
EDITION_PAGES = {
    "index.html": "{https://teikit.org/ns/xslt}home",
    "documents.html": "{https://teikit.org/ns/xslt}chronology",
    "persons.html": "{https://teikit.org/ns/xslt}persons",
    "places.html": "{https://teikit.org/ns/xslt}places",
    "conventions.html": "{https://teikit.org/ns/xslt}conventions",
    "search.html": "{https://teikit.org/ns/xslt}search",
}
TK = "https://teikit.org/ns/xslt"
PARALLEL_THRESHOLD = 40


@dataclass
class HtmlReport:
    """What a build of the site did."""

    out_dir: Path
    documents: list[str] = field(default_factory=list)
    written: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    transform_seconds: float = 0.0
    #: wall-clock seconds of each stage: documents, copies, edition, search
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]


@dataclass(frozen=True)
class _Job:
    """What every worker needs, sent once to each process."""

    registers: tuple[str, ...]
    params: dict[str, Any]
    out_dir: str
    pdf_ids: frozenset[str]


@dataclass(frozen=True)
class _Page:
    doc_id: str
    summary: str
    diagnostics: list[Diagnostic]
    written: bool
    seconds: float


_STATE: dict[str, Any] = {}


def _start(job: _Job) -> None:
    """Compile once per process and read the registers once."""
    sheet = compiled(ENTRY)
    regs = [sheet.parse(load_file(r).data.decode("utf-8")) for r in job.registers]
    sheet.set_params({**job.params, "registers": regs, "root": "../"})
    _STATE.update(sheet=sheet, job=job)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write atomically unless the file already holds exactly these bytes."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(path, data, sync=False)  # the site can be built again
    return True


def _render(path: str) -> _Page:
    sheet: Stylesheet = _STATE["sheet"]
    job: _Job = _STATE["job"]
    doc_id = Path(path).stem
    try:
        loaded = load_file(path)
        node = sheet.parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8"
                                              else "utf-8-sig"))
    except UnsafeXMLError as e:
        return _Page(doc_id, "", [e.diagnostic], False, 0.0)
    sheet.set_params({
        "doc-id": doc_id,
        "tei-href": f"../tei/{Path(path).name}",
        "pdf-href": f"../pdf/{doc_id}.pdf" if doc_id in job.pdf_ids else "",
    })
    t = time.perf_counter()
    result = sheet.apply(node, path, loaded.tree, loaded.data)
    seconds = time.perf_counter() - t
    written = False
    if result.output:
        page = Path(job.out_dir) / "documents" / f"{doc_id}.html"
        written = write_if_changed(page, result.output.encode("utf-8"))
    return _Page(doc_id, result.documents.get("summary.xml", ""), result.diagnostics, written,
                 seconds)


def _static_params(settings: Settings, search: bool) -> dict[str, Any]:
    return {
        "edition-title": settings.title,
        "edition-editors": settings.editor_names,
        "edition-publisher": settings.publisher,
        "edition-licence": settings.licence,
        "base-url": settings.base_url,
        "introduction": list(settings.introduction),
        "search": search,
        "build-date": date.today().isoformat(),
    }


def split_registers(files: list[str]) -> tuple[list[str], list[str]]:
    """Documents and the registers (persons.xml, places.xml) among TEI files."""
    regs = [f for f in files if os.path.basename(f) in REGISTERS]
    return [f for f in files if f not in regs], regs


def build_html(paths: list[str | Path], out_dir: str | Path, settings: Settings | None = None, *,
               pdf_dir: str | Path | None = None, search: bool = True,
               jobs: int | None = None) -> HtmlReport:
    """Build the static site of the edition from TEI files and folders.

    ``pdf_dir``: PDFs named ``<stem>.pdf`` to link from each document page
    (copied into the site). ``search``: build the pagefind index. ``jobs``:
    processes (default: all cores for a large edition).
    """
    started = time.perf_counter()
    settings = settings or Settings()
    out = Path(out_dir)
    report = HtmlReport(out)
    files, problems = collect_files([str(p) for p in paths])
    report.diagnostics += problems
    docs, regs = split_registers(files)
    _check_ids(docs, report)
    pdf_ids = _copy_pdfs(Path(pdf_dir), out) if pdf_dir else frozenset()
    job = _Job(tuple(regs), _static_params(settings, search), str(out), pdf_ids)
    clock = time.perf_counter()
    summaries = _render_all(docs, job, jobs, report)
    _remove_stale(out / "documents", "*.html", {f"{d}.html" for d in report.documents})
    clock = _lap(report, "documents", clock)
    # pagefind indexes the document pages while the rest of the site is made
    indexing = start_pagefind(out) if search else None
    _copy_files(files, out / "tei", report)
    _copy_files([str(p) for p in sorted(ASSETS.iterdir())], out / "assets", report)
    clock = _lap(report, "copies", clock)
    _edition_pages(summaries, job, out, report)
    clock = _lap(report, "edition", clock)
    if indexing is not None:
        report.diagnostics += finish_pagefind(indexing, out)
        _lap(report, "search (after the rest)", clock)
    report.seconds = time.perf_counter() - started
    return report


def _lap(report: HtmlReport, stage: str, since: float) -> float:
    now = time.perf_counter()
    report.stages[stage] = now - since
    return now


def _check_ids(docs: list[str], report: HtmlReport) -> None:
    seen: dict[str, str] = {}
    for d in docs:
        stem = Path(d).stem
        if stem in seen:
            report.diagnostics.append(diag(
                "TK307", f"same file name as {seen[stem]}: both would be documents/{stem}.html; "
                "rename one", d))
        seen.setdefault(stem, d)
    docs[:] = [d for d in docs if seen[Path(d).stem] == d]


def _render_all(docs: list[str], job: _Job, jobs: int | None, report: HtmlReport) -> list[str]:
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1 and len(docs) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(jobs, initializer=_start, initargs=(job,)) as pool:
            pages = list(pool.map(_render, docs, chunksize=max(1, len(docs) // (jobs * 8))))
    else:
        _start(job)
        pages = [_render(d) for d in docs]
    summaries = []
    for page in pages:
        report.diagnostics += page.diagnostics
        report.transform_seconds += page.seconds
        report.written += page.written
        if page.summary:
            report.documents.append(page.doc_id)
            summaries.append(page.summary)
    return summaries


def _edition_pages(summaries: list[str], job: _Job, out: Path, report: HtmlReport) -> None:
    _start(job)
    sheet: Stylesheet = _STATE["sheet"]
    edition = sheet.parse(f'<tk:edition xmlns:tk="{TK}">' + "".join(summaries) + "</tk:edition>")
    sheet.set_params({"edition": edition, "root": ""})
    for name, template in EDITION_PAGES.items():
        if name == "search.html" and not job.params["search"]:
            continue
        result = sheet.call(template, str(out / name))
        report.diagnostics += result.diagnostics
        if result.output:
            report.written += write_if_changed(out / name, result.output.encode("utf-8"))


def _copy_files(files: list[str], dest: Path, report: HtmlReport) -> None:
    for f in files:
        report.written += write_if_changed(dest / os.path.basename(f), Path(f).read_bytes())
    _remove_stale(dest, "*", {os.path.basename(f) for f in files})


def _copy_pdfs(pdf_dir: Path, out: Path) -> frozenset[str]:
    pdfs = sorted(pdf_dir.glob("*.pdf")) if pdf_dir.is_dir() else []
    for p in pdfs:
        write_if_changed(out / "pdf" / p.name, p.read_bytes())
    return frozenset(p.stem for p in pdfs)


def _remove_stale(folder: Path, pattern: str, keep: set[str]) -> None:
    """Pages of documents no longer in the edition go; the site holds no orphans."""
    if folder.is_dir():
        for f in folder.glob(pattern):
            if f.is_file() and f.name not in keep:
                f.unlink()


def start_pagefind(site: Path) -> subprocess.Popen[str] | OSError:
    """Start indexing the site for search (pagefind indexes pages marked data-pagefind-body)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind",
           "--silent"]
    try:
        return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        return e


def finish_pagefind(proc: subprocess.Popen[str] | OSError, site: Path) -> list[Diagnostic]:
    """Wait for the index; a failure is a diagnostic, not a crash."""
    if isinstance(proc, OSError):
        return [diag("TK306", f"search index not built: {proc}", str(site))]
    try:
        out, err = proc.communicate(timeout=1800)
    except subprocess.TimeoutExpired:
        proc.kill()
        return [diag("TK306", "search index not built: pagefind ran for more than 30 minutes", str(site))]
    if proc.returncode != 0:
        words = (err or out).strip().splitlines()[-3:]
        return [diag("TK306", "search index not built: " + " ".join(words), str(site))]
    return []

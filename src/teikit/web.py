"""The HTML edition: TEI documents to a static site that needs no server.

Each document goes through ``xslt/tei2html.xsl`` once, which gives its page;
its summary (title, date, parties, mentions: ``site_summary``) is read from
the tree the safe reader built. The summaries make the
edition's own pages: home, chronological list, registers of persons and
places, conventions and search. Documents are transformed in parallel, each
process compiling the stylesheet once; a page is written only when its bytes
change, so a rebuild touches only what changed. The search index is built by
pagefind over the written pages.

``build_html`` makes the whole site. Its steps are public too
(``render_pages``, ``write_edition``, ``copy_into``, ``build_search_index``):
``teikit build`` calls them for the documents that changed only, with the
summaries of the others kept from earlier builds.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.lifeline import worker_init
from teikit.search import finish_pagefind, start_pagefind
from teikit.settings import Settings
from teikit.site_summary import summarize
from teikit.validate import collect_files
from teikit.validate_rules import REGISTERS
from teikit.validate_safe import UnsafeXMLError, load_file
from teikit.writer import atomic_write
from teikit.xslt import XSLT_DIR, Stylesheet, TransformError, compiled

ENTRY = XSLT_DIR / "tei2html.xsl"
ASSETS = XSLT_DIR / "assets"
#: Pages of the edition: file name -> named template of tei2html.xsl, the
#: costliest first (with many documents they are shared out over processes).
EDITION_PAGES = {
    "persons.html": "{https://teikit.org/ns/xslt}persons",
    "places.html": "{https://teikit.org/ns/xslt}places",
    "documents.html": "{https://teikit.org/ns/xslt}chronology",
    "index.html": "{https://teikit.org/ns/xslt}home",
    "conventions.html": "{https://teikit.org/ns/xslt}conventions",
    "search.html": "{https://teikit.org/ns/xslt}search",
}
TK = "https://teikit.org/ns/xslt"
PARALLEL_THRESHOLD = 40
#: From this many documents the edition's pages are made in several processes
#: (each reads every summary once: about 1.3 s for 10,000).
EDITION_PARALLEL_THRESHOLD = 1000


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
class SiteJob:
    """What every process making pages needs, sent once to each."""

    registers: tuple[str, ...]
    params: dict[str, Any]
    out_dir: str
    pdf_ids: frozenset[str]


@dataclass(frozen=True)
class Page:
    """One document's page as made: its summary, findings, and whether the file changed."""

    doc_id: str
    path: str
    summary: str
    diagnostics: list[Diagnostic]
    written: bool
    seconds: float
    #: SHA-256 of the page's bytes ("" when no page was made)
    digest: str = ""


_STATE: dict[str, Any] = {}


def site_job(registers: Sequence[str | Path], settings: Settings | None, out_dir: str | Path, *,
             search: bool = True, pdf_ids: frozenset[str] = frozenset()) -> SiteJob:
    """The parameters of a site: the registers, the edition's settings, where it goes."""
    return SiteJob(tuple(str(r) for r in registers), _static_params(settings or Settings(), search),
                   str(out_dir), pdf_ids)


def entry_info(sheet: Stylesheet) -> Any:
    """names.xsl's register lookups for the registers set on ``sheet``, made once per
    process (the stylesheet would otherwise make them in every transform)."""
    made = sheet.call(f"{{{TK}}}entry-info")
    if "entry-info.xml" not in made.documents:
        raise TransformError(f"{sheet.path}: tk:entry-info made nothing: "
                             + "; ".join(d.message for d in made.diagnostics))
    return sheet.parse(made.documents["entry-info.xml"])


def _start(job: SiteJob) -> None:
    """Compile once per process and read the registers once."""
    sheet = compiled(ENTRY)
    regs = [sheet.parse(load_file(r).data.decode("utf-8")) for r in job.registers]
    sheet.set_params({**job.params, "registers": regs, "root": "../"})
    sheet.set_params({"entry-info": entry_info(sheet)})
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


def _render(path: str) -> Page:
    sheet: Stylesheet = _STATE["sheet"]
    job: SiteJob = _STATE["job"]
    doc_id = Path(path).stem
    try:
        loaded = load_file(path)
        node = sheet.parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8"
                                              else "utf-8-sig"))
    except UnsafeXMLError as e:
        return Page(doc_id, path, "", [e.diagnostic], False, 0.0)
    sheet.set_params({
        "doc-id": doc_id,
        "tei-href": f"../tei/{Path(path).name}",
        "pdf-href": f"../pdf/{doc_id}.pdf" if doc_id in job.pdf_ids else "",
    })
    t = time.perf_counter()
    result = sheet.apply(node, path, loaded.tree, loaded.data)
    seconds = time.perf_counter() - t
    written, sha = False, ""
    if result.output:
        data = result.output.encode("utf-8")
        sha = hashlib.sha256(data).hexdigest()
        written = write_if_changed(Path(job.out_dir) / "documents" / f"{doc_id}.html", data)
    summary = summarize(loaded.tree.getroot(), doc_id) if result.output else ""
    return Page(doc_id, path, summary, result.diagnostics, written,
                seconds, sha)


def _static_params(settings: Settings, search: bool) -> dict[str, Any]:
    return {**settings.stylesheet_params(), "search": search}


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
    out = Path(out_dir)
    report = HtmlReport(out)
    files, problems = collect_files([str(p) for p in paths])
    report.diagnostics += problems
    docs, regs = split_registers(files)
    report.diagnostics += unique_ids(docs)
    pdf_ids = _copy_pdfs(Path(pdf_dir), out) if pdf_dir else frozenset()
    job = site_job(regs, settings, out, search=search, pdf_ids=pdf_ids)
    clock = time.perf_counter()
    pages = render_pages(docs, job, jobs=jobs)
    summaries = []
    for page in pages:
        report.diagnostics += page.diagnostics
        report.transform_seconds += page.seconds
        report.written += page.written
        if page.summary:
            report.documents.append(page.doc_id)
            summaries.append(page.summary)
    remove_stale(out / "documents", "*.html", {f"{d}.html" for d in report.documents})
    clock = _lap(report, "documents", clock)
    # pagefind indexes the document pages while the rest of the site is made
    shards = settings.search_shards if settings is not None else 1
    indexing = start_pagefind(out, count=shards, jobs=jobs) if search else None
    report.written += len(copy_into(files, out / "tei"))
    report.written += len(copy_assets(out))
    clock = _lap(report, "copies", clock)
    written, problems = write_edition(summaries, job, jobs=jobs)
    report.written += len(written)
    report.diagnostics += problems
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


def unique_ids(docs: list[str]) -> list[Diagnostic]:
    """Drop (in place) documents whose file name another one has; say which."""
    seen: dict[str, str] = {}
    found = []
    kept = []
    for d in docs:
        stem = os.path.splitext(os.path.basename(d))[0]
        if stem in seen:
            found.append(diag(
                "TK307", f"same file name as {seen[stem]}: both would be documents/{stem}.html; "
                "rename one", d))
            continue
        seen[stem] = d
        kept.append(d)
    docs[:] = kept
    return found


def _jobs(jobs: int | None) -> int:
    return jobs if jobs is not None else (os.cpu_count() or 1)


def render_pages(docs: Sequence[str], job: SiteJob, *, jobs: int | None = None,
                 progress: Callable[[Page], None] | None = None) -> list[Page]:
    """Transform documents to their pages (written when changed), in the order given."""
    jobs = _jobs(jobs)
    pages: list[Page] = []
    if not docs:
        return pages
    if jobs > 1 and len(docs) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(jobs, initializer=worker_init, initargs=(_start, job)) as pool:
            for page in pool.map(_render, docs, chunksize=max(1, min(64, len(docs) // (jobs * 8)))):
                pages.append(page)
                if progress:
                    progress(page)
    else:
        _start(job)
        for d in docs:
            pages.append(_render(d))
            if progress:
                progress(pages[-1])
    return pages


def write_edition(summaries: Sequence[str], job: SiteJob, *,
                  jobs: int | None = None) -> tuple[list[str], list[Diagnostic]]:
    """The edition's pages from the documents' summaries: the files written, and findings.

    Without search, the search page is removed. Many summaries: the pages are
    shared out over processes, the costliest first.
    """
    out = Path(job.out_dir)
    names = list(EDITION_PAGES)
    if not job.params["search"]:
        names.remove("search.html")
        with contextlib.suppress(FileNotFoundError):
            (out / "search.html").unlink()
    jobs = min(_jobs(jobs), len(names))
    if jobs > 1 and len(summaries) >= EDITION_PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(jobs, initializer=worker_init,
                                 initargs=(_start_edition, job, summaries)) as pool:
            done = list(pool.map(_edition_page, names, chunksize=1))
    else:
        _start_edition(job, summaries)
        done = [_edition_page(n) for n in names]
    return [n for n, written, _ in done if written], [d for _, _, ds in done for d in ds]


def _start_edition(job: SiteJob, summaries: Sequence[str]) -> None:
    _start(job)
    sheet: Stylesheet = _STATE["sheet"]
    edition = sheet.parse(f'<tk:edition xmlns:tk="{TK}">' + "".join(summaries) + "</tk:edition>")
    sheet.set_params({"edition": edition, "root": ""})


def _edition_page(name: str) -> tuple[str, bool, list[Diagnostic]]:
    sheet: Stylesheet = _STATE["sheet"]
    out = Path(_STATE["job"].out_dir)
    result = sheet.call(EDITION_PAGES[name], str(out / name))
    written = bool(result.output) and write_if_changed(out / name, result.output.encode("utf-8"))
    return name, written, result.diagnostics


def copy_into(files: Sequence[str | Path], dest: Path, *, prune: bool = True) -> list[str]:
    """Copy files into a folder of the site (when changed); ``prune`` removes the others there."""
    written = [os.path.basename(f) for f in files
               if write_if_changed(dest / os.path.basename(f), Path(f).read_bytes())]
    if prune:
        remove_stale(dest, "*", {os.path.basename(f) for f in files})
    return written


def copy_assets(out: Path) -> list[str]:
    """The stylesheets' CSS and JavaScript."""
    return copy_into(sorted(ASSETS.iterdir()), out / "assets")


def _copy_pdfs(pdf_dir: Path, out: Path) -> frozenset[str]:
    pdfs = sorted(pdf_dir.glob("*.pdf")) if pdf_dir.is_dir() else []
    for p in pdfs:
        write_if_changed(out / "pdf" / p.name, p.read_bytes())
    return frozenset(p.stem for p in pdfs)


def remove_stale(folder: Path, pattern: str, keep: set[str]) -> list[str]:
    """Pages of documents no longer in the edition go; the site holds no orphans."""
    removed = []
    if folder.is_dir():
        with os.scandir(folder) as entries:
            for e in entries:
                if (e.name not in keep and not e.name.startswith(".") and fnmatch(e.name, pattern)
                        and e.is_file()):
                    os.unlink(e.path)
                    removed.append(e.name)
    return removed

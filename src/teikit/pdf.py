"""The print edition: TEI documents to archival PDFs, one per document and a volume.

Each document goes through ``xslt/tei2print.xsl`` (which imports the HTML
edition's stylesheet and overrides what print needs) and is laid out by
WeasyPrint with ``xslt/assets/print.css``. Every PDF is PDF/A-3b, carries the
TEI it was made from as an attachment (relationship ``Source``), and takes
its metadata (title, author, subject, keywords, language) from the teiHeader.

The volume (``pdf_volume``) is laid out in parts, side by side in
processes, and the parts' PDFs are merged (``pdf_merge``); the index of
persons and places and the contents are laid out once the pages of the
documents are known. The documents are not laid out twice. With processes,
the volume's transforms run in a process of their own, so that Saxon's heap
never grows the parent.

Nothing outside the edition is read: WeasyPrint's URL fetcher refuses every
URL, and Saxon is locked down as for the HTML edition.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import weasyprint

from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.lifeline import worker_init
from teikit.printing import FONT_FAMILY, font_coverage, font_file, static_params
from teikit.settings import Settings
from teikit.validate import collect_files
from teikit.validate_rules import REGISTERS
from teikit.validate_safe import LoadedXML, UnsafeXMLError, line_col, load_file
from teikit.writer import atomic_write
from teikit.xslt import XSLT_DIR, Stylesheet, compiled

PRINT = XSLT_DIR / "tei2print.xsl"
PRINT_CSS = XSLT_DIR / "assets" / "print.css"
VARIANT = "pdf/a-3b"
TK = "{https://teikit.org/ns/xslt}"
TEI_NS = "{http://www.tei-c.org/ns/1.0}"
PARALLEL_THRESHOLD = 4


@dataclass
class PdfReport:
    """What a run of the print edition made."""

    out_dir: Path
    documents: list[str] = field(default_factory=list)
    volume: Path | None = None
    pages: int = 0
    written: int = 0
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    #: wall-clock seconds of each stage
    stages: dict[str, float] = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]


@dataclass(frozen=True)
class _Job:
    registers: tuple[str, ...]
    params: dict[str, Any]
    out_dir: str


@dataclass(frozen=True)
class _Made:
    doc_id: str
    pages: int
    written: bool
    diagnostics: list[Diagnostic]


_STATE: dict[str, Any] = {}


def _start(job: _Job) -> None:
    """Compile once per process and read the registers once."""
    sheet = compiled(PRINT)
    regs = [sheet.parse(load_file(r).data.decode("utf-8")) for r in job.registers]
    sheet.set_params({**job.params, "registers": regs})
    _STATE.update(sheet=sheet, job=job)


def missing_glyphs(loaded: LoadedXML, limit: int = 20) -> list[Diagnostic]:
    """A warning for each character of the text the print font cannot show."""
    covered = font_coverage()
    if not covered:
        return []
    root = loaded.tree.getroot()
    texts = [t for el in root.iter(f"{TEI_NS}text", f"{TEI_NS}teiHeader") for t in el.itertext()]
    chars = sorted({c for t in texts for c in t} - {"\n", "\r", "\t", " "})
    found = []
    source = loaded.data.decode("utf-8", "replace")
    for c in chars:
        if ord(c) in covered or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp"):
            continue
        at = source.find(c)
        line, col = line_col(source, at) if at >= 0 else (0, 0)
        name = unicodedata.name(c, "unnamed")
        found.append(diag("TK402", f"U+{ord(c):04X} {name} ({c}) has no glyph in {FONT_FAMILY}: "
                          "another font stands in, or the PDF shows an empty box", loaded.path, line, col))
        if len(found) >= limit:
            break
    return found


# --------------------------------------------------------------- layout

class _NoFetch(weasyprint.urls.URLFetcher):
    """WeasyPrint's URL fetcher for teikit: the print edition loads nothing."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"the print edition loads no outside resources ({url[:80]})")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _weasyprint_messages(path: str, into: list[Diagnostic]) -> Iterator[None]:
    """WeasyPrint's warnings (unsupported CSS, refused URLs) become TK400 diagnostics."""
    logger = logging.getLogger("weasyprint")
    handler = _Collect()
    logger.addHandler(handler)
    saved = logger.propagate
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved
        for m in dict.fromkeys(handler.messages):
            into.append(diag("TK400", m.strip().splitlines()[0][:300], path))


@lru_cache(maxsize=1)
def _css() -> Any:
    return weasyprint.CSS(string=PRINT_CSS.read_text(encoding="utf-8"), url_fetcher=_NoFetch())


def layout(html: str) -> Any:
    """Lay out print HTML with teikit's CSS; the WeasyPrint document."""
    doc = weasyprint.HTML(string=html, url_fetcher=_NoFetch()).render(
        stylesheets=[_css()], pdf_variant=VARIANT)
    return doc


def anchor_pages(doc: Any) -> dict[str, int]:
    """The page (from 1) on which each anchor starts."""
    pages: dict[str, int] = {}
    for i, page in enumerate(doc.pages, 1):
        for anchor in page.anchors:
            pages.setdefault(anchor, i)
    return pages


def _revision_date(loaded: LoadedXML) -> str:
    """The TEI's latest change date (for reproducible PDF dates), else today."""
    changes = loaded.tree.getroot().xpath("//*[local-name()='revisionDesc']//*[local-name()='change']/@when")
    whens = [w for w in changes if re.match(r"\d{4}-\d\d-\d\d", w)]
    return max(w[:10] for w in whens) if whens else date.today().isoformat()


def write_pdf(doc: Any, target: Path, attachments: list[tuple[str, bytes, str]], when: str) -> bool:
    """Write a PDF/A-3b with its TEI attached; reproducible for the same input.

    ``attachments``: (file name, bytes, relationship). Written atomically, and only
    when the bytes change. Returns whether the file was written.
    """
    return write_bytes(target, pdf_bytes(doc, attachments, when))


def pdf_bytes(doc: Any, attachments: list[tuple[str, bytes, str]], when: str) -> bytes:
    """A laid-out document as PDF/A-3b bytes, dated ``when`` (reproducible for the same input)."""
    stamp = datetime.fromisoformat(when).replace(tzinfo=UTC)
    doc.metadata.created = doc.metadata.modified = f"{when}T00:00:00Z"
    files = [weasyprint.Attachment(string=data, name=name, relationship=rel, created=stamp, modified=stamp,
                                   description=f"TEI P5 source: {name}" if rel == "Source" else name,
                                   url_fetcher=_NoFetch())
             for name, data, rel in attachments]
    ident = hashlib.sha256(b"".join(d for _n, d, _r in attachments) + when.encode()).hexdigest()[:32]
    data: bytes = doc.write_pdf(pdf_variant=VARIANT, attachments=files, pdf_identifier=ident.encode())
    return data


def write_bytes(target: Path, data: bytes) -> bool:
    """Write ``data`` atomically unless the file has those bytes already; whether it was written."""
    try:
        if target.read_bytes() == data:
            return False
    except OSError:
        pass
    atomic_write(target, data, sync=False)  # a PDF can be made again from its TEI
    return True


# ---------------------------------------------------------- documents

def _render_document(path: str) -> _Made:
    sheet: Stylesheet = _STATE["sheet"]
    job: _Job = _STATE["job"]
    doc_id = Path(path).stem
    found: list[Diagnostic] = []
    try:
        loaded = load_file(path)
        node = sheet.parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8" else "utf-8-sig"))
    except UnsafeXMLError as e:
        return _Made(doc_id, 0, False, [e.diagnostic])
    sheet.set_params({"documents": [node], "doc-ids": [doc_id], "volume": False, "doc-id": doc_id})
    result = sheet.call(f"{TK}print-main", path)
    found += result.diagnostics
    if not result.output or any(d.code in ("TK303", "TK304") for d in found):
        return _Made(doc_id, 0, False, found)
    found += missing_glyphs(loaded)
    try:
        with _weasyprint_messages(path, found):
            doc = layout(result.output)
            written = write_pdf(doc, Path(job.out_dir) / f"{doc_id}.pdf",
                                [(Path(path).name, loaded.data, "Source")], _revision_date(loaded))
    except Exception as e:  # WeasyPrint's failures have no common base class
        found.append(diag("TK403", f"the PDF was not made: {type(e).__name__}: {e}", path))
        return _Made(doc_id, 0, False, found)
    return _Made(doc_id, len(doc.pages), written, found)


def build_pdfs(paths: Sequence[str | Path], out_dir: str | Path, settings: Settings | None = None, *,
               documents: bool = True, volume: bool = False, volume_name: str = "volume",
               jobs: int | None = None, progress: Callable[[str], None] | None = None) -> PdfReport:
    """Make the print edition from TEI files and folders.

    ``documents``: one PDF per document, ``<stem>.pdf``. ``volume``: the whole
    edition in ``<volume_name>.pdf`` (title page, contents, introduction,
    conventions, the documents by date, index). ``jobs``: processes for the
    per-document PDFs and the volume's parts (default: all cores). ``progress`` is called with each
    document's id once its PDF is done.
    """
    started = time.perf_counter()
    settings = settings or Settings()
    out = Path(out_dir)
    report = PdfReport(out)
    files, problems = collect_files([str(p) for p in paths])
    report.diagnostics += problems
    regs = [f for f in files if os.path.basename(f) in REGISTERS]
    docs = _unique([f for f in files if f not in regs], report)
    if volume and any(Path(d).stem == volume_name for d in docs):
        report.diagnostics.append(diag("TK404", f"a document is named {volume_name}.xml: its PDF and the "
                                       "volume's would be the same file; choose another --volume-name",
                                       next(d for d in docs if Path(d).stem == volume_name)))
        volume = False
    if font_file() is None and docs:
        report.diagnostics.append(diag("TK401", f"the font {FONT_FAMILY} is not installed (Debian: "
                                       "fonts-noto-core; scripts/install-fonts): glyphs may be missing"))
    job = _Job(tuple(regs), static_params(settings), str(out))
    clock = time.perf_counter()
    if documents and docs:
        for made in _render_all(docs, job, jobs):
            if progress is not None:
                progress(made.doc_id)
            report.diagnostics += made.diagnostics
            report.written += made.written
            report.pages += made.pages
            if made.pages:
                report.documents.append(made.doc_id)
        clock = _lap(report, "documents", clock)
    if volume and docs:
        _build_volume(docs, regs, job, out / f"{volume_name}.pdf", report, jobs)
        _lap(report, "volume", clock)
    report.seconds = time.perf_counter() - started
    return report


def _unique(docs: list[str], report: PdfReport) -> list[str]:
    seen: dict[str, str] = {}
    for d in docs:
        stem = Path(d).stem
        if stem in seen:
            report.diagnostics.append(diag("TK307", f"same file name as {seen[stem]}: both would be "
                                           f"{stem}.pdf; rename one", d))
        seen.setdefault(stem, d)
    return [d for d in docs if seen[Path(d).stem] == d]


def _lap(report: PdfReport, stage: str, since: float) -> float:
    now = time.perf_counter()
    report.stages[stage] = now - since
    return now


def _render_all(docs: list[str], job: _Job, jobs: int | None) -> Iterator[_Made]:
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs > 1 and len(docs) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(min(jobs, len(docs)), initializer=worker_init,
                                 initargs=(_start, job)) as pool:
            yield from pool.map(_render_document, docs, chunksize=max(1, len(docs) // (jobs * 8)))
        return
    _start(job)
    yield from map(_render_document, docs)


# -------------------------------------------------------------- volume

def _build_volume(docs: list[str], regs: list[str], job: _Job, target: Path, report: PdfReport,
                  jobs: int | None) -> None:
    from teikit.pdf_volume import build_volume

    made = build_volume(docs, regs, job, target, report.diagnostics, jobs, report.stages)
    if made is not None:
        report.volume = target
        report.pages += made.pages
        report.written += made.written

"""The volume: the whole edition in one PDF, laid out in parts side by side.

One WeasyPrint layout of a thousand documents costs about 1.4 MB a page and
more time per page the longer it grows, so the volume is laid out in parts,
each starting on a new page: the front matter, the documents in chunks of
:data:`CHUNK_DOCS`, and the index. Processes (``jobs``) lay the chunks out
side by side (``pdf_parts``). A chunk's lines and pages do not depend on the
page it starts on, so each process paginates its chunk first and then asks
for the chunk's first page, which is known as soon as the chunks before it
are paginated (``pdf_pages``); nothing is laid out twice, and a process holds
one chunk's layout at a time. Each part is written to its own PDF and the
parts are merged (``pdf_merge``), so no layout grows with the volume.

The front matter (title page, colophon, contents, introduction,
conventions) is numbered in roman numerals and padded to an even number of
pages, as in printed editions; the documents start on page 1, a right page,
and the index follows them. The front matter and the index are laid out
last, when the pages of the documents and of every mention are known: the
contents give each document's page, the index each page a name stands on
once.

Nor does the parent hold the edition: it reads each document once for its
summary (``site_summary``: title, date, mentions of registered names, a few
hundred bytes), from which the stylesheet orders the volume and makes the
contents and the index, and reads a chunk's documents again when the chunk
is transformed. What it keeps per document is that summary and the TEI file
to attach.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from teikit.diagnostics import Diagnostic, diag
from teikit.pdf_merge import Part, merge
from teikit.pdf_parts import InProcess, Laid, Task, Workers, layouts
from teikit.site_summary import TK as SUMMARY_NS
from teikit.site_summary import summarize
from teikit.writer import move_if_changed

_TEI = "{http://www.tei-c.org/ns/1.0}TEI"

#: Documents in one part of the volume. WeasyPrint's cost per page grows with
#: a layout's length, so small parts are cheaper per page (bench/README.md);
#: each part adds its own font subsets (a few KB each) to the volume.
CHUNK_DOCS = 20

#: Page numbers (each a link) in one part of the index: its layout then needs about
#: what a chunk of documents does (bench/README.md).
INDEX_LINKS = 3000
#: The prefix of the ids of the index's entries (tei2print.xsl: tk-index-N).
INDEX_ITEM = "tk-index-"


# ---------------------------------------------------------------- volume

@dataclass(frozen=True)
class Made:
    """A volume made: its pages, and whether its file was written (its bytes changed)."""

    pages: int
    written: bool


@dataclass
class _Edition:
    #: document id → its TEI file
    paths: dict[str, str]
    #: the summaries of the documents (tk:doc elements under one root), parsed by Saxon
    summaries: Any
    order: list[str]
    attachments: list[tuple[str, bytes, str]]
    when: str


def build_volume(docs: list[str], regs: list[str], job: Any, target: Path, diagnostics: list[Diagnostic],
                 jobs: int | None = None, stages: dict[str, float] | None = None) -> Made | None:
    """Make the volume at ``target`` (None when it was not made: see the diagnostics).

    ``stages`` gets the wall-clock seconds of its steps.
    """
    from teikit.pdf import _start

    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    chunks = max(1, -(-len(docs) // CHUNK_DOCS))
    clock = _Clock(stages if stages is not None else {})
    with layouts(jobs, chunks) as lay:
        _start(job)
        edition = _read(docs, regs, str(target), diagnostics)
        clock.lap("volume: read")
        if edition is None:
            return None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            # beside the volume: the parts' PDFs are as large as the volume; named as the
            # build's temporary files (state.TEMPORARY), so a build killed here leaves a
            # folder that the next build sweeps away
            with tempfile.TemporaryDirectory(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent) as tmp:
                return _make(edition, lay, Path(tmp), target, diagnostics, clock)
        except Exception as e:  # WeasyPrint's failures have no common base class
            diagnostics.append(diag("TK403", f"the volume was not made: {type(e).__name__}: {e}",
                                    str(target)))
            lay.failed = True
            return None


def _read(docs: list[str], regs: list[str], path: str, diagnostics: list[Diagnostic]) -> _Edition | None:
    """Each document's summary, file and latest change, and the volume's order."""
    from teikit.pdf import _STATE, TK, _revision_date
    from teikit.validate_safe import UnsafeXMLError, load_file

    sheet = _STATE["sheet"]
    paths: dict[str, str] = {}
    summaries = []
    attachments = []
    when = "0001-01-01"
    for doc in docs:
        try:
            loaded = load_file(doc)
        except UnsafeXMLError as e:
            diagnostics.append(e.diagnostic)
            continue
        root = loaded.tree.getroot()
        if root.tag != _TEI:
            diagnostics.append(diag("TK303", f"the root element is {loaded.tree.docinfo.root_name}, "
                                    "not a TEI document", doc, root.sourceline or 1, 1))
            continue
        doc_id = Path(doc).stem
        paths[doc_id] = doc
        summaries.append(summarize(root, doc_id))
        attachments.append((Path(doc).name, loaded.data, "Source"))
        when = max(when, _revision_date(loaded))
    attachments += [(Path(r).name, Path(r).read_bytes(), "Supplement") for r in regs]
    if not paths:
        return None
    summarised = sheet.parse(f'<tk:summaries xmlns:tk="{SUMMARY_NS}">' + "".join(summaries)
                             + "</tk:summaries>")
    sheet.set_params({"documents": [], "doc-ids": [], "summaries": summarised, "volume": True, "doc-id": ""})
    result = sheet.call(f"{TK}print-order", path)
    diagnostics += result.diagnostics
    order = [i for i in result.output.split("\n") if i]
    if not order:
        return None
    latest = when if when > "0001" else date.today().isoformat()
    return _Edition(paths, summarised, order, attachments, latest)


def _parsed(path: str) -> Any:
    """A document for the stylesheet, read again (the parent keeps no document's tree)."""
    from teikit.pdf import _STATE
    from teikit.validate_safe import load_file

    loaded = load_file(path)
    return _STATE["sheet"].parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8"
                                                    else "utf-8-sig"))


def _transform(template: str, params: dict[str, Any], path: str, diagnostics: list[Diagnostic],
               empty_ok: bool = False) -> str:
    from teikit.pdf import _STATE, TK

    sheet = _STATE["sheet"]
    sheet.set_params(params)
    result = sheet.call(f"{TK}{template}", path)
    diagnostics += [d for d in result.diagnostics if d.code not in ("TK301", "TK302")]
    if not result.output and not (empty_ok and not any(d.code == "TK304" for d in result.diagnostics)):
        raise RuntimeError(f"the transform of the volume's {template} failed")
    return result.output


def _chunks(edition: _Edition, tmp: Path, path: str, diagnostics: list[Diagnostic]) -> Iterator[Task]:
    """The documents in parts of CHUNK_DOCS, each transformed when a process is free for it."""
    for key, at in enumerate(range(0, len(edition.order), CHUNK_DOCS), 1):
        ids = edition.order[at:at + CHUNK_DOCS]
        documents = [_parsed(edition.paths[i]) for i in ids]
        html = _transform("print-main", {"documents": documents, "doc-ids": ids, "first-n": at + 1},
                          path, diagnostics)
        yield Task(key, html, str(tmp / f"part-{key:05d}.pdf"), 1 if key == 1 else None, path,
                    when=edition.when)


class _Clock:
    def __init__(self, stages: dict[str, float]) -> None:
        self.stages = stages
        self.since = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.stages[stage] = now - self.since
        self.since = now


def _index(edition: _Edition, lay: InProcess | Workers, front: Task, mentions: list[str], key: int,
           page: int, tmp: Path, diagnostics: list[Diagnostic]) -> list[Laid]:
    """The front matter laid out beside the index's first part, then the index's other parts:
    the laid front matter and the index's parts, in order.

    The index is one list whose every page number is a link, and a layout's memory grows
    with its boxes, so it is laid out in parts of at most INDEX_LINKS page numbers, one
    after another: each part leaves out its last page, and the next starts with the entries
    that began there (pdf_parts.lay_part), so the parts' pages read as one list.
    """
    path = front.diag_path
    params = {"documents": [], "doc-ids": [], "summaries": edition.summaries, "anchor-pages": mentions}
    sizes = [int(n) for n in _transform("print-index-sizes", params, path, diagnostics,
                                        empty_ok=True).split()]
    laid: list[Laid] = []
    first = 1
    waiting = [front]
    while True:
        last, links = first, sizes[first - 1] if sizes else 0
        while last < len(sizes) and links + sizes[last] <= INDEX_LINKS:
            links += sizes[last]
            last += 1
        more = last < len(sizes)
        html = _transform("print-index", {**params, "index-from": first, "index-to": last if more else 0},
                          path, diagnostics)
        task = Task(key, html, str(tmp / f"index-{key:05d}.pdf"), page, path, when=edition.when,
                    carry=INDEX_ITEM if more else "")
        done = lay.lay([*waiting, task])
        waiting = []
        diagnostics += done[-1].diagnostics
        laid += done
        if not more:
            return laid
        first = done[-1].carried or last + 1
        page += done[-1].pages
        key += 1


def _make(edition: _Edition, lay: InProcess | Workers, tmp: Path, target: Path,
          diagnostics: list[Diagnostic], clock: _Clock) -> Made:
    path = str(target)
    body = lay.lay(_chunks(edition, tmp, path, diagnostics))
    clock.lap("volume: documents")
    clock.stages["volume: documents, processes waiting (sum)"] = sum(laid.waited for laid in body)
    for laid in body:
        diagnostics += laid.diagnostics
    pages = {a: laid.start + p - 1 for laid in body for a, p in laid.anchors.items()}
    index_page = body[-1].start + body[-1].pages
    everything = {"documents": [], "doc-ids": [], "summaries": edition.summaries}
    front_html = _transform("print-front", {**everything, "index-page": index_page,
                                            "doc-pages": [f"{i} {pages[i]}" for i in edition.order]},
                            path, diagnostics)
    mentions = [f"{a} {p}" for a, p in pages.items() if "-m" in a]
    front = Task(0, front_html, str(tmp / "front.pdf"), 1, path, tuple(edition.attachments), edition.when)
    index = _index(edition, lay, front, mentions, len(body) + 1, index_page, tmp, diagnostics)
    diagnostics += index[0].diagnostics  # the front matter's
    clock.lap("volume: front matter and index")
    parts = [Part(tmp / "front.pdf", 1), *(Part(Path(laid.path), laid.start) for laid in body),
             *(Part(Path(laid.path), laid.start, continues=n > 1) for n, laid in enumerate(index[1:], 1))]
    total = merge(parts, tmp / "merged.pdf")
    written = move_if_changed(tmp / "merged.pdf", target)  # the folder is beside the target
    clock.lap("volume: merge")
    return Made(total, written)

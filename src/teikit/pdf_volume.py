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
once. Both grow with the volume, so each is laid out in parts too, one
after another (:class:`_Flow`): each part leaves its last page out, and the
next starts with the entries that began there.

Nor does the parent hold the edition: it reads each document once for its
summary (``site_summary``: title, date, mentions of registered names, a few
hundred bytes), from which the stylesheet orders the volume and makes the
contents and the index; a chunk's documents are read again when the chunk
is transformed, and the TEI files the volume attaches when the front matter
is laid out. Nor does it run Saxon when the parts are laid out in processes:
the transforms (:class:`VolumeSheet`) run in a process of their own, made
anew every :data:`TRANSFORM_CHUNKS` chunks and for the front matter and the
index, since Saxon/C's heap grows with every transform and is collected on
the native image's own schedule. What the parent keeps per document is its
summary, its file, and the pages of its anchors.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from teikit.diagnostics import Diagnostic, diag
from teikit.pdf_merge import Part, merge
from teikit.pdf_parts import Apart, Here, InProcess, Laid, Task, Workers, layouts
from teikit.site_summary import TK as SUMMARY_NS
from teikit.site_summary import summarize
from teikit.writer import move_if_changed

_TEI = "{http://www.tei-c.org/ns/1.0}TEI"
Attachments = tuple[tuple[str, str, str], ...]  # (file name, file, relationship)

#: Documents in one part of the volume. WeasyPrint's cost per page grows with
#: a layout's length, so small parts are cheaper per page (bench/README.md);
#: each part adds its own font subsets (a few KB each) to the volume.
CHUNK_DOCS = 20

#: Page numbers (each a link) in one part of the index: its layout then needs about
#: what a chunk of documents does (bench/README.md).
INDEX_LINKS = 3000
#: The prefix of the ids of the index's entries (tei2print.xsl: tk-index-N).
INDEX_ITEM = "tk-index-"
#: Documents in one part of the contents (each a line with a link and a dot leader).
CONTENTS_ENTRIES = 400
#: The prefix of the ids of the contents' entries (tei2print.xsl: tk-toc-N).
CONTENTS_ITEM = "tk-toc-"
#: Chunks transformed by one process before a new one takes over: Saxon's heap grows with
#: each transform (by about 2.5 MB a chunk at first) until the native image collects it.
TRANSFORM_CHUNKS = 10


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
    #: the summaries of the documents (tk:doc elements under one root), as XML
    summaries: str
    attachments: list[tuple[str, str, str]]
    when: str
    order: list[str] = field(default_factory=list)


def build_volume(docs: list[str], regs: list[str], job: Any, target: Path, diagnostics: list[Diagnostic],
                 jobs: int | None = None, stages: dict[str, float] | None = None) -> Made | None:
    """Make the volume at ``target`` (None when it was not made: see the diagnostics).

    ``stages`` gets the wall-clock seconds of its steps.
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    chunks = max(1, -(-len(docs) // CHUNK_DOCS))
    clock = _Clock(stages if stages is not None else {})
    with layouts(jobs, chunks) as lay:
        edition = _read(docs, regs, diagnostics)
        if edition is None:
            return None
        sheet: Here | Apart | None = None
        try:
            sheet = lay.apart(VolumeSheet, job, edition.summaries, str(target))
            order, found = sheet.call("order")
            diagnostics += found
            clock.lap("volume: read")
            if not order:  # the transform failed (TK304)
                return None
            edition.order = order
            target.parent.mkdir(parents=True, exist_ok=True)
            # beside the volume: the parts' PDFs are as large as the volume; named as the
            # build's temporary files (state.TEMPORARY), so a build killed here leaves a
            # folder that the next build sweeps away
            with tempfile.TemporaryDirectory(prefix=f".{target.name}.", suffix=".tmp",
                                             dir=target.parent) as tmp:
                return _make(edition, lay, sheet, Path(tmp), target, diagnostics, clock)
        except Exception as e:  # WeasyPrint's failures have no common base class
            diagnostics.append(diag("TK403", f"the volume was not made: {type(e).__name__}: {e}",
                                    str(target)))
            lay.failed = True
            return None
        finally:
            if sheet is not None:
                sheet.close()


def _read(docs: list[str], regs: list[str], diagnostics: list[Diagnostic]) -> _Edition | None:
    """Each document's summary, file and latest change (lxml only: no Saxon here)."""
    from teikit.pdf import _revision_date
    from teikit.validate_safe import UnsafeXMLError, load_file

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
        attachments.append((Path(doc).name, doc, "Source"))
        when = max(when, _revision_date(loaded))
    attachments += [(Path(r).name, r, "Supplement") for r in regs]
    if not paths:
        return None
    latest = when if when > "0001" else date.today().isoformat()
    text = f'<tk:summaries xmlns:tk="{SUMMARY_NS}">' + "".join(summaries) + "</tk:summaries>"
    return _Edition(paths, text, attachments, latest)


class VolumeSheet:
    """The volume's transforms, with the print stylesheet of the process they run in.

    Made where the layouts put it (``pdf_parts``): in a process of its own beside the layout
    processes, so that Saxon's heap is never the parent's. Each method gives its result and
    the transform's diagnostics (TK304 when it failed: see :func:`_got`).
    """

    #: the name of its process (pdf_parts.name_process)
    process_name = "xslt"

    def __init__(self, job: Any, summaries: str, path: str) -> None:
        from teikit.pdf import _STATE, _start

        _start(job)
        self.sheet = _STATE["sheet"]
        self.path = path
        self.summaries = summaries
        self.parsed: dict[str, Any] = {}
        self.sheet.set_params({"documents": [], "doc-ids": [], "volume": True, "doc-id": ""})

    def _everything(self) -> dict[str, Any]:
        """The parameters of a transform over the whole edition (its summaries, parsed once)."""
        if "summaries" not in self.parsed:
            self.parsed["summaries"] = self.sheet.parse(self.summaries)
        return {"documents": [], "doc-ids": [], "summaries": self.parsed["summaries"]}

    def order(self) -> tuple[list[str], list[Diagnostic]]:
        """The documents' ids in the volume's order."""
        result, found = self._call("print-order", self._everything())
        return [i for i in result.output.split("\n") if i], found

    def chunk(self, paths: list[str], ids: list[str], first_n: int) -> tuple[str, list[Diagnostic]]:
        """The HTML of a chunk of documents, numbered from ``first_n``."""
        return self.html("print-main", {"documents": [self._parsed(p) for p in paths], "doc-ids": ids,
                                        "first-n": first_n})

    def _parsed(self, path: str) -> Any:
        from teikit.validate_safe import load_file

        loaded = load_file(path)
        return self.sheet.parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8"
                                                   else "utf-8-sig"))

    def index_sizes(self, mentions: str) -> tuple[list[int], list[Diagnostic]]:
        """How many pages each of the index's entries lists, given each mention's page (a line
        ``ANCHOR PAGE`` each: one string, where a string a mention took Saxon/C twice the heap);
        the entries are kept for :meth:`index`, worked out once."""
        result, found = self._call("print-index-sizes", {**self._everything(), "anchor-pages": [mentions],
                                                         "index-entries": []})
        if "index-entries.xml" in result.documents:
            self.parsed["index-entries"] = self.sheet.parse(result.documents["index-entries.xml"])
        return [int(n) for n in result.output.split()], found

    def front(self, params: dict[str, Any]) -> tuple[str, list[Diagnostic]]:
        """A part of the front matter."""
        return self.html("print-front", {**self._everything(), **params})

    def index(self, params: dict[str, Any]) -> tuple[str, list[Diagnostic]]:
        """A part of the index (after :meth:`index_sizes`)."""
        return self.html("print-index", {**self._everything(), "anchor-pages": [],
                                         "index-entries": self.parsed["index-entries"], **params})

    def html(self, template: str, params: dict[str, Any]) -> tuple[str, list[Diagnostic]]:
        result, found = self._call(template, params)
        return str(result.output), found

    def _call(self, template: str, params: dict[str, Any]) -> tuple[Any, list[Diagnostic]]:
        from teikit.pdf import TK

        self.sheet.set_params(params)
        result = self.sheet.call(f"{TK}{template}", self.path)
        return result, [d for d in result.diagnostics if d.code not in ("TK301", "TK302")]


def _got(answer: tuple[Any, list[Diagnostic]], what: str, diagnostics: list[Diagnostic]) -> Any:
    """A transform's result, its diagnostics added; a failed transform raises."""
    value, found = answer
    diagnostics += found
    if any(d.code == "TK304" for d in found) or (isinstance(value, str) and not value):
        raise RuntimeError(f"the transform of the volume's {what} failed")
    return value


def _chunks(edition: _Edition, sheet: Here | Apart, tmp: Path, path: str,
            diagnostics: list[Diagnostic]) -> Iterator[Task]:
    """The documents in parts of CHUNK_DOCS, each transformed when a process is free for it."""
    for key, at in enumerate(range(0, len(edition.order), CHUNK_DOCS), 1):
        if key > 1 and (key - 1) % TRANSFORM_CHUNKS == 0:
            sheet.renew()
        ids = edition.order[at:at + CHUNK_DOCS]
        html = _got(sheet.call("chunk", [edition.paths[i] for i in ids], ids, at + 1), "print-main",
                    diagnostics)
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


@dataclass
class _Flow:
    """A list laid out in parts, one after another (the contents, the index): each part holds
    items of at most ``limit`` in weight; each but the last leaves out its last page, and the
    next part starts with the items that began there (pdf_parts.lay_part), so the parts' pages
    read as one list. A layout's memory grows with its boxes, and these lists with the volume."""

    #: the VolumeSheet method that makes a part's HTML (``front``, ``index``)
    method: str
    #: the stylesheet's parameters for the part's first and last items
    names: tuple[str, str]
    params: dict[str, Any]
    #: the weight of each item (the index: its page numbers, each a link; the contents: 1)
    sizes: list[int]
    limit: int
    prefix: str  # of the items' ids, PREFIX<n> (tei2print.xsl)
    stem: str  # of the parts' file names
    key: int
    page: int
    step: int = 1  # from one part's key to the next's
    task: Task | None = None
    first: int = 1
    last: int = 0
    laid: list[Laid] = field(default_factory=list)
    #: the stylesheet's parameters of each part's items
    ranges: list[dict[str, int]] = field(default_factory=list)
    done: bool = False

    def next(self, edition: _Edition, sheet: Here | Apart, tmp: Path, path: str,
             diagnostics: list[Diagnostic], extra: dict[str, Any] | None = None,
             attachments: Attachments = ()) -> Task:
        """The next part to lay out."""
        last, weight = self.first, self.sizes[self.first - 1] if self.sizes else 0
        while last < len(self.sizes) and weight + self.sizes[last] <= self.limit:
            weight += self.sizes[last]
            last += 1
        self.last = last
        more = last < len(self.sizes)
        self.ranges.append({self.names[0]: self.first, self.names[1]: last if more else 0})
        html = _got(sheet.call(self.method, {**self.params, **(extra or {}), **self.ranges[-1]}),
                    f"print-{self.method}", diagnostics)
        self.task = Task(self.key, html, str(tmp / f"{self.stem}-{len(self.laid):05d}.pdf"), self.page, path,
                         attachments, edition.when, carry=self.prefix if more else "")
        return self.task

    def took(self, laid: Laid, diagnostics: list[Diagnostic]) -> None:
        """A part laid out: on to the next, or done."""
        diagnostics += laid.diagnostics
        self.laid.append(laid)
        self.done = self.last >= len(self.sizes)
        self.first = laid.carried or self.last + 1
        self.page += laid.pages
        self.key += self.step


def _flows(lay: InProcess | Workers, flows: list[_Flow], make: Any, diagnostics: list[Diagnostic]) -> None:
    """Lay the flows out side by side, each a part at a time."""
    while not all(f.done for f in flows):
        todo = [f for f in flows if not f.done]
        done = {laid.key: laid for laid in lay.lay([make(f) for f in todo])}
        for f in todo:
            f.took(done[f.key], diagnostics)


def _relay_contents(edition: _Edition, lay: InProcess | Workers, sheet: Here | Apart, front: _Flow, path: str,
                    diagnostics: list[Diagnostic]) -> None:
    """The contents' first part again, with the pages of the introduction and the conventions,
    which stand in the front matter's last part. Only those numbers change, and they stand at
    the end of their lines, after a dot leader: the part's pages break as before."""
    end = front.laid[-1]
    numbers = [f"{name} {end.start + end.anchors[name] - 1}" for name in ("introduction", "conventions")
               if name in end.anchors]
    html = _got(sheet.call(front.method, {**front.params, **front.ranges[0], "front-pages": numbers}),
                "print-front", diagnostics)
    before = front.laid[0]
    task = Task(before.key, html, before.path, before.start, path, tuple(edition.attachments), edition.when,
                carry=CONTENTS_ITEM)
    (again,) = lay.lay([task])
    if (again.pages, again.carried) != (before.pages, before.carried):
        raise RuntimeError("the contents' first part broke its pages otherwise when laid out again")
    front.laid[0] = again


def _make(edition: _Edition, lay: InProcess | Workers, sheet: Here | Apart, tmp: Path, target: Path,
          diagnostics: list[Diagnostic], clock: _Clock) -> Made:
    path = str(target)
    body = lay.lay(_chunks(edition, sheet, tmp, path, diagnostics))
    clock.lap("volume: documents")
    clock.stages["volume: documents, processes waiting (sum)"] = sum(laid.waited for laid in body)
    for laid in body:
        diagnostics += laid.diagnostics
    pages = {a: laid.start + p - 1 for laid in body for a, p in laid.anchors.items()}
    index_page = body[-1].start + body[-1].pages
    mentions = "\n".join(f"{a} {p}" for a, p in pages.items() if "-m" in a)
    doc_pages = [f"{i} {pages[i]}" for i in edition.order]
    # the merge reads the anchors from the parts' PDFs: the parent keeps their pages no longer
    # (nor does the transform process forked next)
    body = [replace(laid, anchors={}) for laid in body]
    del pages
    sheet.renew()  # the front matter and the index start from a heap of their own
    # the index's entries, worked out once for all its parts
    sizes = _got(sheet.call("index_sizes", mentions), "print-index-sizes", diagnostics)
    del mentions
    # the keys order a run's parts: the front matter's (0, -1, …) before the index's
    front = _Flow("front", ("contents-from", "contents-to"),
                  {"index-page": index_page, "doc-pages": doc_pages}, [1] * len(edition.order),
                  CONTENTS_ENTRIES, CONTENTS_ITEM, "front", 0, 1, step=-1)
    index = _Flow("index", ("index-from", "index-to"), {}, sizes, INDEX_LINKS, INDEX_ITEM, "index",
                  len(body) + 1, index_page)

    def make(flow: _Flow) -> Task:
        if flow is index:
            return flow.next(edition, sheet, tmp, path, diagnostics)
        # the contents in parts give the introduction's and the conventions' pages as numbers,
        # known once the last part is laid out: the first part is laid out again then (below)
        # (set every time: the stylesheet keeps a parameter from one transform to the next)
        extra = {"front-pages": ["introduction 1", "conventions 1"] if flow.sizes[flow.limit:] else []}
        return flow.next(edition, sheet, tmp, path, diagnostics, extra,
                         tuple(edition.attachments) if not flow.laid else ())

    _flows(lay, [front, index], make, diagnostics)
    if len(front.laid) > 1:
        _relay_contents(edition, lay, sheet, front, path, diagnostics)
    sheet.close()  # the merge needs no transform
    clock.lap("volume: front matter and index")
    parts = [*(Part(Path(laid.path), laid.start, front=True) for laid in front.laid),
             *(Part(Path(laid.path), laid.start) for laid in body),
             *(Part(Path(laid.path), laid.start, nests=n > 0) for n, laid in enumerate(index.laid))]
    total = merge(parts, tmp / "merged.pdf")
    written = move_if_changed(tmp / "merged.pdf", target)  # the folder is beside the target
    clock.lap("volume: merge")
    return Made(total, written)

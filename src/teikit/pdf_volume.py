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
from teikit.pdf_parts import InProcess, Task, Workers, layouts

#: Documents in one part of the volume. WeasyPrint's cost per page grows with
#: a layout's length, so small parts are cheaper per page (bench/README.md);
#: each part adds its own font subsets (a few KB each) to the volume.
CHUNK_DOCS = 20


# ---------------------------------------------------------------- volume

@dataclass(frozen=True)
class Made:
    """A volume made: its pages, and whether its file was written (its bytes changed)."""

    pages: int
    written: bool


@dataclass
class _Edition:
    nodes: dict[str, Any]
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
    from teikit.pdf import _STATE, TK, _revision_date
    from teikit.validate_safe import UnsafeXMLError, load_file

    sheet = _STATE["sheet"]
    nodes: dict[str, Any] = {}
    attachments = []
    when = "0001-01-01"
    for doc in docs:
        try:
            loaded = load_file(doc)
        except UnsafeXMLError as e:
            diagnostics.append(e.diagnostic)
            continue
        nodes[Path(doc).stem] = sheet.parse(loaded.data.decode(loaded.encoding if loaded.encoding != "utf-8"
                                                                else "utf-8-sig"))
        attachments.append((Path(doc).name, loaded.data, "Source"))
        when = max(when, _revision_date(loaded))
    attachments += [(Path(r).name, Path(r).read_bytes(), "Supplement") for r in regs]
    if not nodes:
        return None
    sheet.set_params({"documents": list(nodes.values()), "doc-ids": list(nodes), "volume": True,
                      "doc-id": ""})
    result = sheet.call(f"{TK}print-order", path)
    diagnostics += result.diagnostics
    order = [i for i in result.output.split("\n") if i]
    if not order:
        return None
    return _Edition(nodes, order, attachments, when if when > "0001" else date.today().isoformat())


def _transform(template: str, params: dict[str, Any], path: str, diagnostics: list[Diagnostic]) -> str:
    from teikit.pdf import _STATE, TK

    sheet = _STATE["sheet"]
    sheet.set_params(params)
    result = sheet.call(f"{TK}{template}", path)
    diagnostics += [d for d in result.diagnostics if d.code not in ("TK301", "TK302")]
    if not result.output:
        raise RuntimeError(f"the transform of the volume's {template} failed")
    return result.output


def _chunks(edition: _Edition, tmp: Path, path: str, diagnostics: list[Diagnostic]) -> Iterator[Task]:
    """The documents in parts of CHUNK_DOCS, each transformed when a process is free for it."""
    for key, at in enumerate(range(0, len(edition.order), CHUNK_DOCS), 1):
        ids = edition.order[at:at + CHUNK_DOCS]
        html = _transform("print-main", {"documents": [edition.nodes[i] for i in ids], "doc-ids": ids,
                                         "first-n": at + 1}, path, diagnostics)
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


def _make(edition: _Edition, lay: InProcess | Workers, tmp: Path, target: Path,
          diagnostics: list[Diagnostic], clock: _Clock) -> Made:
    from teikit.pdf import write_bytes

    path = str(target)
    body = lay.lay(_chunks(edition, tmp, path, diagnostics))
    clock.lap("volume: documents")
    clock.stages["volume: documents, processes waiting (sum)"] = sum(laid.waited for laid in body)
    for laid in body:
        diagnostics += laid.diagnostics
    pages = {a: laid.start + p - 1 for laid in body for a, p in laid.anchors.items()}
    index_page = body[-1].start + body[-1].pages
    everything = {"documents": list(edition.nodes.values()), "doc-ids": list(edition.nodes)}
    front_html = _transform("print-front", {**everything, "index-page": index_page,
                                            "doc-pages": [f"{i} {pages[i]}" for i in edition.order]},
                            path, diagnostics)
    mentions = [f"{a} {p}" for a, p in pages.items() if "-m" in a]
    index_html = _transform("print-index", {**everything, "anchor-pages": mentions}, path, diagnostics)
    front, index = lay.lay([
        Task(0, front_html, str(tmp / "front.pdf"), 1, path, tuple(edition.attachments), edition.when),
        Task(len(body) + 1, index_html, str(tmp / "index.pdf"), index_page, path, when=edition.when)])
    diagnostics += front.diagnostics + index.diagnostics
    clock.lap("volume: front matter and index")
    parts = [Part(tmp / "front.pdf", 1), *(Part(Path(laid.path), laid.start) for laid in body),
             Part(tmp / "index.pdf", index_page)]
    data, total = merge(parts)
    written = write_bytes(target, data)
    clock.lap("volume: merge")
    return Made(total, written)

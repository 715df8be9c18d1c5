"""Tell apart the web page's frame, the catalogue data and the document.

A source copied out of an archive's web page holds three things. The frame
(menus, widgets, rights boilerplate) is dropped and listed in the report; the
catalogue data (title, date, summary, archival reference, translator, funder,
rights) goes to the header; what is left is the document, handed on as lines
with their line numbers. A plain transcription without any frame passes
through whole. Lines and the frame are lines.py's, the catalogue catalogue.py's.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from teikit.catalogue import Catalogue, read_head, read_tail
from teikit.dates import parse_date
from teikit.diagnostics import Diagnostic, diag
from teikit.lines import ARTEFACT, Line, is_frame, split_lines
from teikit.source import Source


@dataclass
class Framed:
    """The document lines, the catalogue and what was dropped."""

    lines: list[Line]
    catalogue: Catalogue
    dropped: list[Line] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The document's own text: what the round trip must give back."""
        return document_text(self.lines)


def document_text(lines: list[Line]) -> str:
    return "\n".join(ARTEFACT.sub("", ln.text) for ln in lines)


def split_frame(src: Source) -> Framed:
    """Split a decoded source into frame, catalogue and document lines."""
    lines = split_lines(src.text)
    cat = Catalogue()
    dropped: list[Line] = []
    start = read_head(lines, cat, dropped)
    taken: set[int] = set()  # catalogue lines within the document (read, not text)
    end = read_tail(lines, start, cat, dropped, taken)
    doc: list[Line] = []
    for i, ln in enumerate(lines[start:end], start):
        if not ln.stripped or i in taken:
            continue
        if is_frame(ln) or (ln.stripped[0] == "[" and ARTEFACT.fullmatch(ln.stripped)):
            dropped.append(ln)
            continue
        doc.append(ln)
    if cat.title and cat.title not in cat.titles:
        cat.titles.insert(0, cat.title)
    if not cat.date and cat.titles:
        for t in cat.titles:
            d = parse_date(t)
            if d:
                cat.date_text, cat.date = d.text, d.iso
                break
    shown = sorted((ln for ln in dropped if ln.stripped), key=lambda ln: ln.no)
    diags = [diag("TK105", f"{len(shown)} line(s) of page frame left out, from {shown[0].stripped[:40]!r}"
                  " (listed in the report)", src.path, shown[0].no, 1)] if shown else []
    if not doc:
        diags.append(diag("TK010", "no document text found after removing the page frame",
                          src.path, 1, 1))
    return Framed(doc, cat, dropped, diags)

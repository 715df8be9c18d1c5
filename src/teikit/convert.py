"""Convert plain-text transcriptions to TEI P5: the library behind ``teikit convert``.

``convert_source`` turns one decoded source into a TEI tree and a report;
``convert_paths`` runs a batch: one bad file never stops it, outputs are
written atomically and hand-edited TEI is never overwritten unless forced.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

from teikit.catalogue import LANGUAGES
from teikit.context import Context, DocState
from teikit.dates import first_date
from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.elements import TEI_NS, TEI_TAG, XML_LANG, E, local
from teikit.errors import SourceError
from teikit.frame import split_frame
from teikit.header import add_char_decl, build_header
from teikit.lines import ARTEFACT, Line
from teikit.parse import Document, parse_document
from teikit.registers import Register, load_register
from teikit.rules import Profile, get_profile
from teikit.source import Source, read_source
from teikit.structure import MAX_TEXT_DEPTH, build_text, ensure_content
from teikit.totext import body_text, normalise, same_text
from teikit.writer import atomic_write, is_pristine, stamp


@dataclass
class Conversion:
    """The TEI of one document and what the converter has to say about it."""

    source: str
    tree: etree._ElementTree | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    report: dict[str, object] = field(default_factory=dict)
    output: str | None = None
    status: str = "converted"  # converted | unchanged | skipped | failed

    @property
    def ok(self) -> bool:
        return self.status != "failed" and not any(
            d.severity == Severity.ERROR for d in self.diagnostics)

    def to_bytes(self) -> bytes:
        assert self.tree is not None
        return etree.tostring(self.tree, xml_declaration=True, encoding="UTF-8",
                              pretty_print=False) + b"\n"


def default_register(tei_dir: Path | None = None) -> Register:
    """The edition's persons and places, from ``persons.xml``/``places.xml`` in ``tei_dir``."""
    folder = tei_dir or Path("tei")
    return load_register(folder / "persons.xml", folder / "places.xml")


def _own_date(body: etree._Element) -> etree._Element | None:
    """The document's own date: its opener's dateline, else its closer's (a date in the
    prose is what the document speaks of, not when it was written)."""
    for where in ("opener", "closer"):
        path = f"{{{TEI_NS}}}div/{{{TEI_NS}}}{where}/{{{TEI_NS}}}dateline//{{{TEI_NS}}}date"
        for d in body.iterfind(path):
            if len(d.get("when", "")) >= 10:
                return d
    return None


def convert_source(src: Source, *, profile: Profile | None = None,
                   register: Register | None = None, today: str | None = None) -> Conversion:
    """Convert one decoded source to TEI (nothing is written)."""
    profile = profile or get_profile("default")
    register = register if register is not None else Register()
    today = today or os.environ.get("TEIKIT_DATE") or _dt.date.today().isoformat()
    framed = split_frame(src)
    cat = framed.catalogue
    doc = parse_document(framed.lines, src.path)
    guessed = not cat.date
    if guessed:  # a transcription without catalogue data: its first full date, for now
        first = first_date([ln.text for ln in framed.lines[:15]])
        if first is not None:
            cat.date, cat.date_text = first.iso[:10], first.text
    if not cat.title:
        cat.title = _fallback_title(framed.lines)
    year = int(cat.date[:4]) if cat.date else None
    tei = _tei_root().__copy__()  # a copy: lxml checks a new element's name, map and attribute
    state, body = _body(doc, profile, register, src.path, year, src.forbidden,
                        LANGUAGES.get(cat.language.strip().lower()) if cat.language else None)
    if guessed and (own := _own_date(body)) is not None:
        cat.date, cat.date_text = own.get("when", "")[:10], "".join(own.itertext())
    header = build_header(cat, state, body, register, profile=profile.name,
                          source_name=Path(src.path).name, encoding=src.encoding,
                          today=today, dropped=len(framed.dropped))
    tei.append(header)
    tei.append(E("text", {}, body))
    add_char_decl(tei)
    tree = etree.ElementTree(tei)
    diags = [*src.diagnostics, *framed.diagnostics, *doc.diagnostics, *state.diagnostics]
    for name, (line, col) in state.candidates.items():
        diags.append(diag("TK106", f"{name!r} looks like a person's name but is not in the "
                          "edition's register", src.path, line, col))
    back_text = body_text(tree)  # tei_to_text's words, as the round trip compares them
    # doc.text is the same as framed.text: the lines the document was read from
    same = same_text(back_text, doc.text)
    if not same:
        back, expected = normalise(back_text), normalise(doc.text)
        at = next((i for i, (a, b) in enumerate(zip(back, expected, strict=False)) if a != b),
                  min(len(back), len(expected)))
        diags.append(diag("TK111", f"round trip differs at character {at}: "
                          f"{expected[max(0, at - 20):at + 30]!r} became "
                          f"{back[max(0, at - 20):at + 30]!r}", src.path, 1, 1))
    report: dict[str, object] = {
        "source": src.path,
        "encoding": src.encoding,
        "title": cat.title,
        "date": cat.date,
        "marks": dict(sorted(state.marks.items())),
        "doubtful": state.doubts,
        "frame_dropped": [{"line": ln.no, "text": ln.stripped} for ln in framed.dropped
                          if ln.stripped],
        "catalogue": {"summary": cat.summary, "archive": cat.archive_refs, "bibl": cat.bibl,
                      "translator": cat.translator, "funder": cat.funder,
                      "rights": cat.rights, "related": cat.related},
        "name_candidates": [{"name": n, "line": ln, "col": c}
                            for n, (ln, c) in state.candidates.items()],
        "round_trip": same,
    }
    return Conversion(src.path, tree, diags, report)


@cache
def _tei_root() -> etree._Element:
    """The root every TEI document begins as, copied for each (see elements._Prototypes)."""
    return etree.Element(TEI_TAG["TEI"], {XML_LANG: "en"}, nsmap={None: TEI_NS})


#: Elements nested in one another that an XML parser reads (libxml2 without huge_tree).
MAX_XML_DEPTH = 256
#: How deep the structure around inline content can be: TEI, text, body, div; a div,
#: floatingText, body and div for each text inside the text; a block and a part of it.
MAX_STRUCTURE_DEPTH = 4 + 4 * MAX_TEXT_DEPTH + 2


def _body(doc: Document, profile: Profile, register: Register, path: str,
          year: int | None, forbidden: bool | None = None,
          original_lang: str | None = None) -> tuple[DocState, etree._Element]:
    """The text's body: the document's own text in a div, and the texts attached to it.

    A document whose marks nest so deep that XML parsers could not read it back is read
    again with fewer levels of marks (the deeper ones kept as plain text).
    """
    state = DocState(path, year)
    ctx = Context(doc, profile, register, state, forbidden=forbidden)
    ctx.original_lang = original_lang
    body = _build_body(doc, ctx)
    # each level of marks is at most two elements, and a <g> can end them
    while MAX_STRUCTURE_DEPTH + 2 * ctx.deepest + 1 > MAX_XML_DEPTH:
        excess = _depth(body) + 2 - MAX_XML_DEPTH  # TEI and text are above the body
        levels = min(ctx.deepest, ctx.mark_depth) - excess  # each level is one element or more
        if excess <= 0 or levels < 1:
            break
        state = DocState(path, year)
        ctx = Context(doc, profile, register, state, mark_depth=levels, forbidden=ctx.forbidden)
        ctx.original_lang = original_lang
        body = _build_body(doc, ctx)
    return state, body


def _build_body(doc: Document, ctx: Context) -> etree._Element:
    main = E("div", {"type": "document"})
    attachments = []
    for b in build_text(doc.units, ctx):
        if local(b) == "div":
            attachments.append(b)
        else:
            main.append(b)
    ensure_content(main)
    return E("body", {}, main, *attachments)


def _depth(el: etree._Element) -> int:
    """How many elements deep a tree is (only asked of trees that may be too deep)."""
    depth = deepest = 0
    for event, _el in etree.iterwalk(el, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _fallback_title(lines: list[Line]) -> str:
    """A document that came without a title is named by its first line of words."""
    for ln in lines[:20]:
        bare = re.sub(r"\[[^\]]*\]?", " ", ln.text)
        if len(bare.split()) >= 2:
            text = " ".join(ARTEFACT.sub("", ln.text).split())
            return text if len(text) <= 100 else text[:99].rsplit(" ", 1)[0] + "…"
    return ""


def convert_file(path: str | Path, **kwargs: object) -> Conversion:
    """Read and convert one file; unreadable input becomes a failed Conversion."""
    encoding = kwargs.pop("encoding", None)
    try:
        src = read_source(path, encoding=encoding)  # type: ignore[arg-type]
    except SourceError as exc:
        return Conversion(str(path), None, [exc.diagnostic], {"source": str(path)},
                          status="failed")
    try:
        return convert_source(src, **kwargs)  # type: ignore[arg-type]
    except RecursionError:
        return Conversion(str(path), None, [diag("TK111", "brackets nest too deeply to read",
                                                 str(path), 1, 1)], status="failed")


def iter_sources(paths: Iterable[str | Path]) -> list[Path]:
    """The ``*.txt`` files named or found (recursively) in folders, sorted."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.txt") if q.is_file()))
        else:
            out.append(p)
    return out


def _conversion_date(target: Path) -> str | None:
    """The date a pristine earlier conversion recorded, so an unchanged re-run changes nothing."""
    if not target.exists() or not is_pristine(target):
        return None
    m = re.search(rb'<change when="(\d{4}-\d{2}-\d{2})" who="#teikit"', target.read_bytes())
    return m.group(1).decode() if m else None


def output_path(src: Path, out_dir: Path) -> Path:
    return out_dir / (src.stem + ".xml")


def convert_paths(paths: Iterable[str | Path], out_dir: str | Path, *,
                  profile: str | Profile = "default", encoding: str | None = None,
                  force: bool = False, register: Register | None = None,
                  progress: Callable[[Path], None] | None = None,
                  today: str | None = None, keep_trees: bool = False) -> list[Conversion]:
    """Convert every source and write ``out_dir/<stem>.xml``; return one result per source.

    The results keep their diagnostics and reports; their TEI trees only with
    ``keep_trees`` (a batch's memory then grows with its size).
    """
    out = Path(out_dir)
    today = today or os.environ.get("TEIKIT_DATE") or _dt.date.today().isoformat()
    prof = get_profile(profile) if isinstance(profile, str) else profile
    reg = register if register is not None else default_register(out)
    results = []
    for src in iter_sources(paths):
        target = output_path(src, out)
        earlier = _conversion_date(target)
        conv = convert_file(src, profile=prof, register=reg, today=earlier or today,
                            encoding=encoding)
        if conv.tree is not None and earlier and target.read_bytes() == stamp(conv.to_bytes()):
            conv.status = "unchanged"
            conv.output = str(target)
        elif conv.tree is not None:
            if earlier:  # the text changed: record today's conversion, not the earlier one
                for change in conv.tree.iter(f"{{{TEI_NS}}}change"):
                    if change.get("who") == "#teikit":
                        change.set("when", today)
            conv.output = str(target)
            if target.exists() and not force and not is_pristine(target):
                conv.status = "skipped"
                conv.diagnostics.append(diag(
                    "TK008", f"{target} was edited since teikit wrote it (or not written by "
                    "teikit); not overwritten: use --force to replace it", str(src), 1, 1))
            else:
                try:
                    atomic_write(target, stamp(conv.to_bytes()))
                except OSError as exc:
                    conv.status = "failed"
                    conv.diagnostics.append(diag("TK009", f"cannot write {target}: "
                                                 f"{exc.strerror or exc}", str(src), 0, 0))
        if not keep_trees:
            conv.tree = None
        results.append(conv)
        if progress:
            progress(src)
    return results

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
from pathlib import Path

from lxml import etree

from teikit.dates import parse_date
from teikit.diagnostics import Diagnostic, Severity, diag
from teikit.errors import SourceError
from teikit.frame import ARTEFACT, Line, split_frame
from teikit.header import add_char_decl, build_header
from teikit.inline import XML_LANG, Context, DocState, E, append_items, local
from teikit.parse import parse_document
from teikit.registers import Register, load_register
from teikit.rules import Profile, get_profile
from teikit.source import Source, read_source
from teikit.structure import COMMON, build_text
from teikit.totext import normalise, tei_to_text
from teikit.writer import atomic_write, is_pristine, stamp

TEI_NS = "http://www.tei-c.org/ns/1.0"


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


def convert_source(src: Source, *, profile: Profile | None = None,
                   register: Register | None = None, today: str | None = None) -> Conversion:
    """Convert one decoded source to TEI (nothing is written)."""
    profile = profile or get_profile("default")
    register = register if register is not None else Register()
    today = today or os.environ.get("TEIKIT_DATE") or _dt.date.today().isoformat()
    framed = split_frame(src)
    cat = framed.catalogue
    doc = parse_document(framed.lines, src.path)
    if not cat.date:  # a transcription without catalogue data: its first full date
        first = next((d for ln in framed.lines[:15] if (d := parse_date(ln.text))), None)
        if first is not None:
            cat.date, cat.date_text = first.iso[:10], first.text
    if not cat.title:
        cat.title = _fallback_title(framed.lines)
    year = int(cat.date[:4]) if cat.date else None
    state = DocState(src.path, year)
    ctx = Context(doc, profile, register, state)
    blocks = build_text(doc.units, ctx)
    main = E("div", {"type": "document"})
    attachments = []
    for b in blocks:
        if local(b) == "div":
            attachments.append(b)
        else:
            main.append(b)
    _ensure_content(main)
    body = E("body", {}, main, *attachments)
    header = build_header(cat, state, body, register, profile=profile.name,
                          source_name=Path(src.path).name, encoding=src.encoding, today=today,
                          dropped=len(framed.dropped))
    tei = E("TEI", {XML_LANG: "en"}, header, E("text", {}, body))
    add_char_decl(tei)
    tree = etree.ElementTree(tei)
    diags = [*src.diagnostics, *framed.diagnostics, *doc.diagnostics, *state.diagnostics]
    for name, (line, col) in state.candidates.items():
        diags.append(diag("TK106", f"{name!r} looks like a person's name but is not in the "
                          "edition's register", src.path, line, col))
    back = normalise(tei_to_text(tree))
    expected = normalise(doc.text)  # the same as framed.text: the lines the document was read from
    if back != expected:
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
        "round_trip": back == expected,
    }
    return Conversion(src.path, tree, diags, report)


def _fallback_title(lines: list[Line]) -> str:
    """A document that came without a title is named by its first line of words."""
    for ln in lines[:20]:
        bare = re.sub(r"\[[^\]]*\]?", " ", ln.text)
        if len(bare.split()) >= 2:
            text = " ".join(ARTEFACT.sub("", ln.text).split())
            return text if len(text) <= 100 else text[:99].rsplit(" ", 1)[0] + "…"
    return ""


def _ensure_content(div: etree._Element) -> None:
    """A div of nothing but form lines or closing matter: keep each as an ``ab``.

    TEI lets a closer follow only the text's own content, and a div must hold
    some; a document that is all closing matter (a signature, a seal) keeps its
    lines as anonymous blocks rather than being given invented content.
    """
    if any(local(ch) in COMMON for ch in div):
        return
    if not len(div):
        div.append(E("ab"))
        return
    for ch in list(div):
        if local(ch) in ("closer", "opener"):
            idx = div.index(ch)
            div.remove(ch)
            ab = E("ab", {"type": local(ch)})
            ab.text = ch.text
            for part in list(ch):  # each part was a line of its own
                if len(ab) or (ab.text or "").strip():
                    ab.append(E("lb"))
                if local(part) in ("signed", "salute", "dateline", "seg"):
                    _move_content(part, ab)
                else:
                    tail, part.tail = part.tail, None
                    ab.append(part)
                    if tail:
                        ab[-1].tail = tail
            div.insert(idx, ab)


def _move_content(src: etree._Element, dst: etree._Element) -> None:
    """Append an element's content (text and children, with their tails) to another."""
    append_items(dst, [src.text or "", *list(src), src.tail or ""])


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

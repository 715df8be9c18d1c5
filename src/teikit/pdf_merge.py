"""The volume's parts, each written to its own PDF, merged into one PDF/A-3b.

pikepdf (qpdf) copies the pages of the parts into the front matter's PDF,
which carries what makes the volume PDF/A-3b (XMP identification, output
intent, metadata) and the TEI attachments. qpdf reads the parts' streams
from their files as it writes, so the merge does not hold the volume's
layout in memory. What the parts do not know of each other is made whole
here:

- named destinations: every part's anchors, pointing at the merged pages;
- links between parts (contents → documents and index, index → the pages
  of a mention), which tei2print.xsl writes as ``teikit-anchor:ID`` URIs
  because WeasyPrint drops a link to an anchor outside its own layout: they
  become links to the named destination ``ID``;
- the outline: each part's bookmarks in order;
- page labels: the front matter in roman numerals, padded with a blank page
  to an even count so that page 1 is a right page, then 1, 2, 3…;
- font subsets: WeasyPrint tags a subset by the font alone, so each part's
  subset of Noto Serif would bear the same name with other glyphs in it;
  the subsets of each part are given a tag of their own.
"""

from __future__ import annotations

import hashlib
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, OutlineItem, Stream, String

#: How a link to another part of the volume is written (tei2print.xsl's tk:part-href).
ANCHOR_SCHEME = "teikit-anchor:"

_CONTAINERS = (Dictionary, Array, Stream)


@dataclass(frozen=True)
class Part:
    path: Path
    #: the number printed on its first page (the front matter: 1, printed i)
    start: int


def merge(parts: list[Part], target: Path) -> int:
    """Write to ``target`` the merged PDF of the front matter (first) and the other parts;
    its page count. qpdf writes it straight to the file, never holding it whole."""
    front, *rest = parts
    with ExitStack() as stack:
        out = stack.enter_context(pikepdf.open(front.path))
        same = {p.obj.objgen: p for p in out.pages}
        dests = NameTree.new(out)
        _add_dests(dests, out, same)
        outline = _outline(out, same)
        if len(out.pages) % 2:  # an empty page (one without contents), the size of the one before
            out.pages.append(pikepdf.Page(Dictionary(Type=Name.Page, MediaBox=out.pages[-1].mediabox,
                                                     Resources=Dictionary())))
        body = len(out.pages)
        for part in rest:
            with pikepdf.open(part.path) as src:
                offset = len(out.pages)
                out.pages.extend(src.pages)
                moved = {p.obj.objgen: out.pages[offset + i] for i, p in enumerate(src.pages)}
                _retag_fonts(out.pages[offset:], part.path.name)
                _add_dests(dests, src, moved)
                outline += _outline(src, moved)
                _own_streams(out.pages[offset:])
        _link(out, dests)
        if Name.Names not in out.Root:
            out.Root.Names = Dictionary()
        out.Root.Names.Dests = dests.obj
        with out.open_outline() as tree:
            tree.root.clear()
            tree.root.extend(outline)
        out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.r), body, Dictionary(S=Name.D)]))
        out.save(target, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return len(out.pages)


def _own_streams(pages: list[pikepdf.Page]) -> None:
    """Give the streams copied with these pages their data, still encoded, so that
    their part can be closed: qpdf would otherwise read them from the part when it
    writes the volume, keeping every part open and parsed (about 1.4 MB for a part
    of 20 documents, where its encoded streams take a fifth of that)."""
    seen: set[tuple[int, int]] = set()
    todo: list[Any] = [page.obj for page in pages]
    while todo:
        obj = todo.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Stream):
            coded: Any = (obj.get(Name.Filter), obj.get(Name.DecodeParms))
            obj.write(obj.read_raw_bytes(), filter=coded[0], decode_parms=coded[1], type_check=False)
        if isinstance(obj, Dictionary | Stream):
            # not up to the page tree (/Parent) nor from an annotation back to its page (/P)
            todo += [v for k, v in obj.items() if k not in ("/Parent", "/P") and isinstance(v, _CONTAINERS)]
        elif isinstance(obj, Array):
            todo += [v for v in obj if isinstance(v, _CONTAINERS)]


def _retarget(dest: Any, pages: dict[tuple[int, int], pikepdf.Page]) -> Array | None:
    """An explicit destination ``[page /XYZ left top zoom]`` on the merged page."""
    if not isinstance(dest, Array) or len(dest) < 2:
        return None
    page = pages.get(dest[0].objgen)
    if page is None:
        return None
    return Array([page.obj, *[_direct(v) for v in list(dest)[1:]]])


def _direct(value: Any) -> Any:
    if isinstance(value, Name):
        return Name(str(value))
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _add_dests(dests: NameTree, pdf: pikepdf.Pdf, pages: dict[tuple[int, int], pikepdf.Page]) -> None:
    """A part's named destinations, retargeted (the first part to name an anchor keeps it)."""
    names = pdf.Root.get(Name.Names)
    if names is None or Name.Dests not in names:
        return
    for name, dest in NameTree(names.Dests).items():
        moved = _retarget(dest, pages)
        if moved is not None and name not in dests:
            dests[name] = moved


def _outline(pdf: pikepdf.Pdf, pages: dict[tuple[int, int], pikepdf.Page]) -> list[OutlineItem]:
    with pdf.open_outline() as tree:
        return [item for item in (_copy_item(i, pages) for i in tree.root) if item is not None]


def _copy_item(item: OutlineItem, pages: dict[tuple[int, int], pikepdf.Page]) -> OutlineItem | None:
    dest = _retarget(item.destination, pages)
    if dest is None:
        return None
    copy = OutlineItem(item.title, dest)
    copy.is_closed = item.is_closed
    copy.children.extend(c for c in (_copy_item(c, pages) for c in item.children) if c is not None)
    return copy


def _retag_fonts(pages: list[pikepdf.Page], part: str) -> None:
    """Give a part's font subsets a subset tag (``ABCDEF+``) of their own."""
    seen: set[tuple[int, int]] = set()
    for page in pages:
        fonts = page.obj.get(Name.Resources, Dictionary()).get(Name.Font, Dictionary())
        for font in fonts.values():
            if font.is_indirect:
                if font.objgen in seen:
                    continue
                seen.add(font.objgen)
            for named, key in _font_names(font):
                name = str(named[key])[1:]
                tag, plus, rest = name.partition("+")
                if plus and len(tag) == 6:
                    digest = hashlib.md5(f"{part} {tag}".encode(), usedforsecurity=False).digest()
                    named[key] = Name("/" + "".join(chr(65 + b % 26) for b in digest[:6]) + "+" + rest)


def _font_names(font: Any) -> list[tuple[Any, Name]]:
    """The places a font dictionary names its font: BaseFont, its descendant's, the descriptors' FontName."""
    found = [(font, Name.BaseFont)] if Name.BaseFont in font else []
    for sub in [font, *font.get(Name.DescendantFonts, [])]:
        if sub is not font and Name.BaseFont in sub:
            found.append((sub, Name.BaseFont))
        descriptor = sub.get(Name.FontDescriptor)
        if descriptor is not None and Name.FontName in descriptor:
            found.append((descriptor, Name.FontName))
    return found


def _link(pdf: pikepdf.Pdf, dests: NameTree) -> None:
    """Links to ``teikit-anchor:ID`` become links to the named destination ID (or go, if it is missing)."""
    for page in pdf.pages:
        annots = page.obj.get(Name.Annots)
        if annots is None:
            continue
        keep = []
        for annot in annots:
            action = annot.get(Name.A)
            uri = str(action.get(Name.URI, "")) if action is not None else ""
            if uri.startswith(ANCHOR_SCHEME):
                name = unquote(uri[len(ANCHOR_SCHEME):])
                if name not in dests:
                    continue
                del annot.A
                annot.Dest = String(name)
            keep.append(annot)
        if len(keep) != len(annots):
            page.obj.Annots = Array(keep)

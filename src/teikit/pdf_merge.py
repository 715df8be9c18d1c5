"""The volume's parts, each written to its own PDF, merged into one PDF/A-3b.

The merge streams: it reads the parts one at a time (with pikepdf), twice:
first for their pages, anchors and bookmarks, then to write the objects
their pages reach to the volume's file as it goes, under new numbers. What
it keeps from part to part is small: the numbers of the pages, the named
destinations (name → page, place), the bookmarks, the page labels. The page
tree, the catalogue, the named destinations, the outline and the
cross-reference stream are written at the end. So the merge needs what
reading its largest part needs (the index, with a link per mention),
whatever the volume's length.

The front matter (first) gives the volume what makes it PDF/A-3b: its
catalogue (XMP identification, output intent, language, the TEI
attachments…) and its document information. What the parts do not know of
each other is made whole here:

- named destinations: every part's anchors, pointing at the merged pages
  (the first part to name an anchor keeps it);
- links between parts (contents → documents and index, index → the pages
  of a mention), which tei2print.xsl writes as ``teikit-anchor:ID`` URIs
  because WeasyPrint drops a link to an anchor outside its own layout: they
  become links to the named destination ``ID`` (or go, if it is missing);
- the outline: each part's bookmarks in order;
- page labels: the front matter in roman numerals, padded with a blank page
  to an even count so that page 1 is a right page, then 1, 2, 3…;
- font subsets: WeasyPrint tags a subset by the font alone, so each part's
  subset of Noto Serif would bear the same name with other glyphs in it;
  the subsets of each part are given a tag of their own.

Everything written depends on the parts alone (the trailer's /ID is a
digest of the bytes before it), so the same parts give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, ObjectType, OutlineItem, String

#: How a link to another part of the volume is written (tei2print.xsl's tk:part-href).
ANCHOR_SCHEME = "teikit-anchor:"

#: The catalogue's entries the merge makes anew rather than take from the front matter.
_REMADE = ("/Pages", "/Outlines", "/PageLabels", "/Names")
#: What a page may inherit from the page tree (ISO 32000-1, 7.7.3.4).
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")
#: Objects that go into one object stream, and leaves of the name tree of destinations.
_BATCH = 100
_LEAF = 64
#: Numbers fixed before the parts are read: the catalogue, the page tree, then the pages.
_CATALOG, _PAGES, _FIRST_PAGE = 1, 2, 3


@dataclass(frozen=True)
class Part:
    path: Path
    #: the number printed on its first page (the front matter: 1, printed i)
    start: int
    #: it goes on from the part before (the index in parts): its bookmarks go under that
    #: part's last one, as its headings would have in one layout
    nests: bool = False
    #: front matter (numbered in roman numerals): the first part always is, and so are the
    #: parts right after it that say so (the contents in parts)
    front: bool = False


@dataclass
class _Mark:
    """A bookmark: its title (as written), page (in the volume), place on it."""

    title: bytes
    page: int
    place: bytes
    closed: bool
    children: list[_Mark] = field(default_factory=list)


@dataclass
class _Plan:
    """What the first reading of the parts tells: the pages of each part, the
    volume's named destinations (name → page, place) and bookmarks."""

    version: str = "1.7"  # the front matter's, at least 1.5 (object streams)
    counts: list[int] = field(default_factory=list)
    front_parts: int = 1  # the parts of the front matter: the first, and those after it marked front
    padding: bytes | None = None  # the MediaBox of the empty page after an odd front matter
    dests: dict[str, tuple[int, bytes]] = field(default_factory=dict)
    outline: list[_Mark] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return sum(self.counts) + (self.padding is not None)


def merge(parts: list[Part], target: Path) -> int:
    """Write to ``target`` the merged PDF of the front matter (first) and the other parts;
    its page count. One part is open at a time, and its objects go to the file as they are read."""
    plan = _Plan()
    while plan.front_parts < len(parts) and parts[plan.front_parts].front:
        plan.front_parts += 1
    for n, part in enumerate(parts):
        _survey(part, plan, first=n == 0, front_ends=n == plan.front_parts - 1)
    try:
        with open(target, "wb") as file:
            _write(parts, plan, _Writer(file, plan.version))
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return plan.pages


# -- the first reading: pages, named destinations, bookmarks ----------------------------------

def _survey(part: Part, plan: _Plan, first: bool, front_ends: bool) -> None:
    start = plan.pages  # the index of its first page in the volume
    with pikepdf.open(part.path) as src:
        pages = {page.obj.objgen: start + i for i, page in enumerate(src.pages)}
        plan.counts.append(len(pages))
        names = src.Root.get(Name.Names)
        if names is not None and Name.Dests in names:
            for key, dest in NameTree(names.Dests).items():
                name = key if isinstance(key, str) else key.decode("utf-8", "replace")
                moved = _retarget(dest, pages)
                if moved is not None and name not in plan.dests:
                    plan.dests[name] = moved
        marks = _marks(src.open_outline().root, pages)
        if part.nests and plan.outline:
            plan.outline[-1].children += marks
        else:
            plan.outline += marks
        if first:
            plan.version = max(str(src.pdf_version), "1.5")
        if front_ends and sum(plan.counts) % 2:  # an empty page (one without contents), the size of
            plan.padding = _serialise(src.pages[-1].mediabox, _Refs.none)  # the one before


def _retarget(dest: Any, pages: dict[tuple[int, int], int]) -> tuple[int, bytes] | None:
    """An explicit destination ``[page /XYZ left top zoom]``: (the page in the volume, the rest)."""
    if not isinstance(dest, Array) or len(dest) < 2:
        return None
    page = pages.get(dest[0].objgen)
    if page is None:
        return None
    return page, b" ".join(_serialise(_direct(v), _Refs.none) for v in list(dest)[1:])


def _direct(value: Any) -> Any:
    if isinstance(value, Name):
        return value
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def _marks(items: list[OutlineItem], pages: dict[tuple[int, int], int]) -> list[_Mark]:
    marks = []
    for item in items:
        dest = _retarget(item.destination, pages)
        if dest is not None:
            marks.append(_Mark(bytes(String(item.title)), dest[0], dest[1], item.is_closed,
                               _marks(item.children, pages)))
    return marks


# -- the second reading: each part's objects, written as they are read -------------------------

def _write(parts: list[Part], plan: _Plan, out: _Writer) -> None:
    out.reserve(_FIRST_PAGE + plan.pages - 1)  # the catalogue, the page tree, the pages
    catalog: list[bytes] = []
    names: list[bytes] = []
    info: int | None = None
    page = _FIRST_PAGE
    for n, part in enumerate(parts):
        with pikepdf.open(part.path) as src:
            if n:
                _retag_fonts(list(src.pages), part.path.name)
            _link(src.pages, plan.dests)
            refs = _Refs(out, {p.obj.objgen: page + i for i, p in enumerate(src.pages)})
            if not n:
                catalog, names = _front_catalog(src.Root, refs)
                docinfo = src.trailer.get(Name.Info)
                if isinstance(docinfo, Dictionary):
                    info = refs.num(docinfo) if docinfo.is_indirect else out.put(_serialise(docinfo, refs))
                refs.drain()
            for p in src.pages:
                out.put(_page(p.obj, refs), page)
                refs.drain()
                page += 1
        if n == plan.front_parts - 1 and plan.padding is not None:
            out.put(b"<</Type /Page /MediaBox " + plan.padding + b" /Resources <<>> /Parent %d 0 R>>"
                    % _PAGES, page)
            page += 1
    kids = b" ".join(b"%d 0 R" % num for num in range(_FIRST_PAGE, page))
    out.put(b"<</Type /Pages /Kids [%s] /Count %d>>" % (kids, page - _FIRST_PAGE), _PAGES)
    body = sum(plan.counts[:plan.front_parts]) + (plan.padding is not None)
    names.append(b"/Dests %d 0 R" % _dest_tree(plan.dests, out))
    catalog += [b"/Pages %d 0 R" % _PAGES, b"/Names <<%s>>" % b" ".join(names),
                b"/Outlines %d 0 R" % _outline(plan.outline, out),
                b"/PageLabels <</Nums [0 <</S /r>> %d <</S /D>>]>>" % body]
    if not any(entry.startswith(b"/Type ") for entry in catalog):
        catalog.insert(0, b"/Type /Catalog")
    out.put(b"<<" + b" ".join(catalog) + b">>", _CATALOG)
    out.finish(_CATALOG, info)


def _front_catalog(root: Any, refs: _Refs) -> tuple[list[bytes], list[bytes]]:
    """The front matter's catalogue entries (all but those made anew) and its /Names entries
    but /Dests, written (the objects they reach are queued)."""
    catalog = [_name(key) + b" " + _serialise(value, refs)
               for key, value in root.items() if key not in _REMADE]
    names = root.get(Name.Names)
    kept = [] if not isinstance(names, Dictionary) else [
        _name(key) + b" " + _serialise(value, refs) for key, value in names.items() if key != "/Dests"]
    return catalog, kept


def _page(page: Any, refs: _Refs) -> bytes:
    """A page's dictionary, its /Parent the volume's page tree and what it inherited its own."""
    entries = [_name(key) + b" " + _serialise(value, refs)
               for key, value in page.items() if key != "/Parent"]
    for key in _INHERITED:
        if key not in page:
            node = page.get(Name.Parent)
            while isinstance(node, Dictionary) and key not in node:
                node = node.get(Name.Parent)
            if isinstance(node, Dictionary):
                entries.append(_name(key) + b" " + _serialise(node[key], refs))
    entries.append(b"/Parent %d 0 R" % _PAGES)
    return b"<<" + b" ".join(entries) + b">>"


def _dest_tree(dests: dict[str, tuple[int, bytes]], out: _Writer) -> int:
    """The name tree of the named destinations: its leaves, sorted by name, and its root's number."""
    leaves = []
    entries = sorted((bytes(String(name)), page, place) for name, (page, place) in dests.items())
    for at in range(0, len(entries), _LEAF):
        leaf = entries[at:at + _LEAF]
        pairs = b" ".join(_string(key) + b" [%d 0 R " % (_FIRST_PAGE + page) + place + b"]"
                          for key, page, place in leaf)
        leaves.append((leaf[0][0], leaf[-1][0], pairs))
    if len(leaves) <= 1:
        return out.put(b"<</Names [%s]>>" % (leaves[0][2] if leaves else b""))
    kids = [out.put(b"<</Limits [%s %s] /Names [%s]>>" % (_string(low), _string(high), pairs))
            for low, high, pairs in leaves]
    return out.put(b"<</Kids [%s]>>" % b" ".join(b"%d 0 R" % kid for kid in kids))


def _outline(marks: list[_Mark], out: _Writer) -> int:
    """The outline (as pikepdf writes one: /Count the open descendants, negative when closed)."""
    root = out.reserve()
    count, first, last = _outline_level(marks, root, out)
    ends = b" /First %d 0 R /Last %d 0 R /Count %d" % (first, last, count) if marks else b""
    out.put(b"<</Type /Outlines%s>>" % ends, root)
    return root


def _outline_level(marks: list[_Mark], parent: int, out: _Writer) -> tuple[int, int, int]:
    """Write the items of one level; the count of those open to view, the first's and last's numbers."""
    nums = [out.reserve() for _ in marks]
    count = 0
    for i, (mark, num) in enumerate(zip(marks, nums, strict=True)):
        below, first, last = _outline_level(mark.children, num, out)
        entries = [b"/Title " + _string(mark.title),
                   b"/Dest [%d 0 R %s]" % (_FIRST_PAGE + mark.page, mark.place), b"/Parent %d 0 R" % parent]
        if i:
            entries.append(b"/Prev %d 0 R" % nums[i - 1])
        if i + 1 < len(nums):
            entries.append(b"/Next %d 0 R" % nums[i + 1])
        if mark.children:
            entries.append(b"/First %d 0 R /Last %d 0 R" % (first, last))
        entries.append(b"/Count %d" % (-below if mark.closed else below))
        out.put(b"<<" + b" ".join(entries) + b">>", num)
        count += 1 + (0 if mark.closed else below)
    return count, (nums[0] if nums else 0), (nums[-1] if nums else 0)


# -- what is made whole in each part ----------------------------------------------------------

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


def _link(pages: Any, dests: dict[str, tuple[int, bytes]]) -> None:
    """Links to ``teikit-anchor:ID`` become links to the named destination ID (or go, if it is missing)."""
    for page in pages:
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


# -- writing PDF objects -------------------------------------------------------------------------

class _Writer:
    """The volume's file: objects under numbers given out in order, those without a stream
    gathered by the hundred into compressed object streams, and at the end a cross-reference
    stream, whose /ID is the MD5 of all that precedes it."""

    def __init__(self, file: IO[bytes], version: str) -> None:
        self._file = file
        self._digest = hashlib.md5(usedforsecurity=False)
        self._at = 0
        # per object: its kind (0 free, 1 at an offset, 2 in an object stream), where, which
        self._kind = bytearray([0])
        self._where = array("Q", [0])
        self._which = array("L", [65535])
        self._batch: list[tuple[int, bytes]] = []
        self._firsts: dict[int, tuple[int, int]] = {}
        self._emit(b"%%PDF-%s\n%%\xbf\xf7\xa2\xfe\n" % version.encode())

    def reserve(self, count: int = 1) -> int:
        """Give out ``count`` numbers; the last."""
        for _ in range(count):
            self._kind.append(0)
            self._where.append(0)
            self._which.append(0)
        return len(self._kind) - 1

    def put(self, body: bytes, num: int | None = None) -> int:
        """An object without a stream (into the object stream being gathered); its number."""
        if num is None:
            num = self.reserve()
        self._batch.append((num, body))
        if len(self._batch) >= _BATCH:
            self._flush()
        return num

    def put_stream(self, num: int, entries: list[bytes], data: bytes) -> None:
        self._place(num)
        entries.append(b"/Length %d" % len(data))
        self._emit(b"%d 0 obj\n<<%s>>\nstream\n" % (num, b" ".join(entries)), data, b"\nendstream\nendobj\n")

    def finish(self, root: int, info: int | None) -> None:
        self._flush()
        xref = self.reserve()
        self._place(xref)
        size = len(self._kind)
        width = max(1, (self._at.bit_length() + 7) // 8)
        rows = bytearray()
        for num in range(size):
            rows += self._kind[num].to_bytes(1, "big") + self._where[num].to_bytes(width, "big")
            rows += self._which[num].to_bytes(2, "big")
        data = zlib.compress(bytes(rows))
        ident = _string_hex(self._digest.digest())
        entries = [b"/Type /XRef /Size %d /W [1 %d 2] /Root %d 0 R" % (size, width, root)]
        if info is not None:
            entries.append(b"/Info %d 0 R" % info)
        entries.append(b"/ID [%s %s] /Filter /FlateDecode /Length %d" % (ident, ident, len(data)))
        start = self._at
        self._emit(b"%d 0 obj\n<<%s>>\nstream\n" % (xref, b" ".join(entries)), data,
                   b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)

    def _flush(self) -> None:
        if not self._batch:
            return
        stream = self.reserve()
        head, objects, at = [], [], 0
        for i, (num, body) in enumerate(self._batch):
            self._kind[num], self._where[num], self._which[num] = 2, stream, i
            head.append(b"%d %d" % (num, at))
            objects.append(body)
            at += len(body) + 1
        first = b" ".join(head) + b"\n"
        data = zlib.compress(first + b"\n".join(objects) + b"\n")
        self._batch = []
        entries = [b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(head), len(first))]
        self.put_stream(stream, entries, data)

    def _place(self, num: int) -> None:
        self._kind[num], self._where[num], self._which[num] = 1, self._at, 0

    def _emit(self, *chunks: bytes) -> None:
        for chunk in chunks:
            self._file.write(chunk)
            self._digest.update(chunk)
            self._at += len(chunk)


class _Refs:
    """One part's objects under their numbers in the volume: a number is given to an object
    the first time it is referred to, and the object queued to be written."""

    none: _Refs  # refers to nothing: indirect objects are written as null

    def __init__(self, out: _Writer | None, seed: dict[tuple[int, int], int]) -> None:
        self._out = out
        self._nums = seed
        self._queue: list[Any] = []

    def num(self, obj: Any) -> int | None:
        num = self._nums.get(obj.objgen)
        if num is None:
            if self._out is None or _is_tree(obj):  # not up the page tree, nor to another catalogue
                return None
            num = self.add(obj)
        return num

    def add(self, obj: Any) -> int:
        assert self._out is not None
        num = self._nums[obj.objgen] = self._out.reserve()
        self._queue.append(obj)
        return num

    def drain(self) -> None:
        """Write the queued objects (and those they refer to, as they are met)."""
        assert self._out is not None
        while self._queue:
            obj = self._queue.pop()
            num = self._nums[obj.objgen]
            if obj._type_code == ObjectType.stream:
                entries = [_name(k) + b" " + _serialise(v, self) for k, v in obj.items() if k != "/Length"]
                self._out.put_stream(num, entries, obj.read_raw_bytes())
            else:
                self._out.put(_serialise(obj, self, top=True), num)


_Refs.none = _Refs(None, {})


def _is_tree(obj: Any) -> bool:
    kind = obj.get(Name.Type) if obj._type_code == ObjectType.dictionary else None
    return kind == Name.Pages or kind == Name.Catalog


def _serialise(value: Any, refs: _Refs, top: bool = False) -> bytes:
    """A value in PDF syntax, its indirect objects referred to by their numbers in the volume."""
    return b"".join(_tokens(value, refs, top))


def _tokens(value: Any, refs: _Refs, top: bool = False) -> Iterator[bytes]:
    if isinstance(value, pikepdf.Object):
        if value.is_indirect and not top:
            num = refs.num(value)
            yield b"null" if num is None else b"%d 0 R" % num
            return
        kind = value._type_code
        if kind == ObjectType.dictionary:
            yield b"<<"
            for i, (key, item) in enumerate(value.items()):
                yield b" " + _name(key) + b" " if i else _name(key) + b" "
                yield from _tokens(item, refs)
            yield b">>"
        elif kind == ObjectType.array:
            yield b"["
            for i, item in enumerate(value):
                if i:
                    yield b" "
                yield from _tokens(item, refs)
            yield b"]"
        elif kind == ObjectType.name_:
            yield _name(str(value))
        elif kind == ObjectType.string:
            yield _string(bytes(value))
        elif kind == ObjectType.stream:  # a stream is always indirect
            yield b"null"
        else:
            yield from _tokens(_scalar(value), refs)
    elif value is None:
        yield b"null"
    elif isinstance(value, bool):
        yield b"true" if value else b"false"
    elif isinstance(value, int):
        yield b"%d" % value
    elif isinstance(value, Decimal):
        yield _real(value)
    elif isinstance(value, float):
        yield _real(Decimal(repr(value)))
    else:
        raise TypeError(f"not a PDF value: {value!r}")


def _scalar(value: Any) -> Any:
    """A scalar pikepdf left as an Object (a null, boolean or number), as Python's."""
    kind = value._type_code
    if kind == ObjectType.null:
        return None
    if kind == ObjectType.boolean:
        return bool(value)
    if kind == ObjectType.integer:
        return int(value)
    if kind == ObjectType.real:
        return Decimal(str(value))
    raise TypeError(f"not a PDF value: {value!r}")


def _real(value: Decimal) -> bytes:
    """A real without exponent (PDF has none)."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".") or "0"
    return text.encode()


_REGULAR = frozenset(c for c in range(0x21, 0x7F) if chr(c) not in "()<>[]{}/%#")
_PRINTABLE = re.compile(rb"[\x20-\x7e]*")


@lru_cache(maxsize=4096)
def _name(name: str) -> bytes:
    """A name (``/Type``), with ``#xx`` for what may not stand in one as itself."""
    raw = name[1:].encode("utf-8", "surrogateescape")
    return b"/" + b"".join(bytes([c]) if c in _REGULAR else b"#%02X" % c for c in raw)


def _string(raw: bytes) -> bytes:
    """A string: literal if it is printable ASCII, else in hex."""
    if _PRINTABLE.fullmatch(raw):
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"
    return _string_hex(raw)


def _string_hex(raw: bytes) -> bytes:
    return b"<" + raw.hex().upper().encode() + b">"

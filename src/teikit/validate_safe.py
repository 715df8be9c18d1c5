"""Read XML that may be hostile without resolving anything.

An edition's files come from editors' XML editors, from deposits and from
the web. Whatever they hold, reading one must never open another file, reach
the network, expand entities or use unbounded memory. So:

- the size is checked before the file is read;
- the bytes must be UTF-8 (or carry a byte-order mark for UTF-16); invalid
  UTF-8 is reported with its line and column;
- a DOCTYPE is refused before libxml2 sees it: that one check covers
  external DTDs, external entities (file and network), billion laughs and
  quadratic blow-up, all of which need a DOCTYPE;
- libxml2 runs with entity resolution, DTD loading and the network off, and
  with its default limits (no ``huge_tree``);
- XInclude elements are refused, never processed.
"""

from __future__ import annotations

import codecs
import os
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from teikit.diagnostics import Diagnostic, diag
from teikit.errors import TeikitError

TEI_NS = "http://www.tei-c.org/ns/1.0"
XINCLUDE_NS = ("http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude")
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"

#: A TEI letter or telegram is a few kilobytes; a whole volume a few megabytes.
DEFAULT_MAX_BYTES = 32 * 1024 * 1024

_PROLOG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:<\?xml\b.*?\?>)?(?:\s+|<!--.*?-->|<\?.*?\?>)*", re.S)
_ENCODING_DECL = re.compile(
    rb"\A(?:\xef\xbb\xbf)?<\?xml\b[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)")


class UnsafeXMLError(TeikitError):
    """A file that teikit refuses to read or cannot parse; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


@dataclass(frozen=True)
class LoadedXML:
    """A parsed document with the bytes it came from (to locate columns later)."""

    path: str
    data: bytes
    tree: etree._ElementTree
    encoding: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, remove_blank_text=False, collect_ids=False,
    )


_PARSER = _parser()


def line_col(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index."""
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _decode(data: bytes, path: str) -> tuple[str, str]:
    """The text and its encoding name; refuse bytes that are not what they claim."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
    else:
        m = _ENCODING_DECL.match(data)
        enc = m.group(1).decode("ascii").lower() if m else "utf-8"
        if enc in ("utf8", "utf-8"):
            enc = "utf-8"
    try:
        return data.decode("utf-8-sig" if enc == "utf-8" else enc), enc
    except LookupError:
        raise UnsafeXMLError(diag(
            "TK202", f"the XML declaration names an unknown encoding {enc!r}; "
            "save the file as UTF-8", path, 1, 1)) from None
    except UnicodeDecodeError as e:
        good = data[: e.start].decode(enc if enc != "utf-8" else "utf-8-sig", "replace")
        line, col = line_col(good, len(good))
        bad = data[e.start: e.start + 1].hex().upper()
        raise UnsafeXMLError(diag(
            "TK202", f"byte 0x{bad} is not valid {enc.upper()}; save the file as UTF-8 "
            "(in most editors: File, Save with encoding, UTF-8)", path, line, col)) from None


def load_bytes(data: bytes, path: str = "<bytes>") -> LoadedXML:
    """Parse bytes safely; raise UnsafeXMLError with a diagnostic when refused."""
    if not data.strip():
        raise UnsafeXMLError(diag("TK002", "the file is empty", path, 1, 1))
    text, enc = _decode(data, path)
    prolog = _PROLOG.match(text.encode("utf-8") if enc != "utf-8" else data)
    head = (text.encode("utf-8") if enc != "utf-8" else data)[prolog.end() if prolog else 0:]
    if head[:9].upper() == b"<!DOCTYPE":
        at = text.find("<!DOCTYPE")
        if at < 0:
            at = text.upper().find("<!DOCTYPE")
        line, col = line_col(text, max(at, 0))
        raise UnsafeXMLError(diag(
            "TK203", "the document has a DOCTYPE declaration; teikit refuses DTDs and "
            "entity declarations (they can read other files, reach the network or "
            "expand without bound); delete the DOCTYPE and write characters directly",
            path, line, col))
    try:
        root = etree.fromstring(data, _PARSER, base_url=None)
    except etree.XMLSyntaxError as e:
        line, col = e.position if e.position else (e.lineno or 0, e.offset or 0)
        msg = str(e.msg or e).split(" (line ")[0].rstrip(". ")
        raise UnsafeXMLError(diag(
            "TK201", f"not well-formed XML: {_plain_syntax(msg)}", path, line, col)) from None
    tree = root.getroottree()
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise UnsafeXMLError(diag("TK203", "the document has a DOCTYPE declaration", path, 1, 1))
    return LoadedXML(path, data, tree, enc)


def _plain_syntax(msg: str) -> str:
    """libxml2's wording, shortened to what an editor can act on."""
    msg = re.sub(r"\s+", " ", msg)
    m = re.match(r"Opening and ending tag mismatch: ([^\s,]+) line (\d+) and ([^\s,]+)", msg)
    if m:
        return (f"<{m.group(1)}> opened on line {m.group(2)} is closed by </{m.group(3)}>; "
                "close elements in the reverse order they were opened")
    m = re.match(r"Entity '([^']+)' not defined", msg)
    if m:
        return (f"&{m.group(1)}; is not an XML entity; write the character itself "
                "(only &amp; &lt; &gt; &quot; &apos; and numeric references are allowed)")
    if msg.startswith("Premature end of data"):
        return "the file ends before all elements are closed"
    if msg.startswith("Extra content at the end of the document"):
        return "content after the root element's end; a document has one root element"
    return msg[:1].lower() + msg[1:]


def load_file(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> LoadedXML:
    """Read and parse one file safely; raise UnsafeXMLError when refused."""
    name = str(path)
    try:
        size = os.stat(name).st_size
        if size > max_bytes:
            raise UnsafeXMLError(diag(
                "TK205", f"the file is {size / 1048576:.1f} MiB, over the limit of "
                f"{max_bytes / 1048576:.1f} MiB; split it or raise the limit with --max-size",
                name, 0, 0))
        with open(name, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as e:
        reason = e.strerror or str(e)
        raise UnsafeXMLError(diag("TK001", f"cannot read the file: {reason}", name)) from None
    if len(data) > max_bytes:  # grew while we looked
        raise UnsafeXMLError(diag("TK205", "the file is over the size limit", name))
    return load_bytes(data, name)


def parse_xml_safely(path: str | os.PathLike[str] | Path,
                     max_bytes: int = DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """Parse a file with no DTD, no entities, no network, no XInclude, bounded size.

    Raises UnsafeXMLError (a TeikitError) whose ``diagnostic`` says why.
    """
    loaded = load_file(path, max_bytes)
    refused = foreign_machinery(loaded)
    if refused:
        code, message, el = refused[0]
        raise UnsafeXMLError(diag(code, message, loaded.path, el.sourceline or 0, 0))
    return loaded.tree


_FOREIGN = etree.XPath("//xi:*|//xi3:*|//*[@xsi:*]", namespaces={
    "xi": XINCLUDE_NS[0], "xi3": XINCLUDE_NS[1], "xsi": XSI_NS})


def foreign_machinery(loaded: LoadedXML) -> list[tuple[str, str, etree._Element]]:
    """XInclude elements and xsi: attributes, as (code, message, element).

    Both would make other tools load things; teikit refuses the document.
    """
    out: list[tuple[str, str, etree._Element]] = []
    for el in _FOREIGN(loaded.tree):
        if etree.QName(el).namespace in XINCLUDE_NS:
            out.append(("TK204", f"<{etree.QName(el).localname}> is an XInclude; teikit never "
                        "follows XIncludes: put the included text into the document itself", el))
            continue
        for name in el.attrib:
            if name.startswith("{" + XSI_NS):
                out.append(("TK219", f"attribute xsi:{etree.QName(name).localname} is not TEI; "
                            "delete it (schemas are chosen by teikit, not by the document)", el))
    return out

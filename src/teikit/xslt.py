"""Saxon, compiled once and locked down, with its messages turned into diagnostics.

Saxon reads and writes any file a stylesheet names unless told otherwise:
before the first transform, ``allowedProtocols`` is set to nothing, so a document cannot
make the transform read ``file:`` or ``http:`` resources, and secondary
results are captured in memory instead of written. Saxon prints
``xsl:message`` to file descriptor 2, which Python cannot capture; messages
are saved instead and read back after each transform.

teikit's stylesheets write messages as ``CODE<TAB>path()<TAB>words``; the
path is resolved against the lxml tree to give a line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree
from saxonche import PySaxonApiError, PySaxonProcessor, PyXdmNode, PyXdmValue

from teikit.diagnostics import Diagnostic, diag
from teikit.errors import TeikitError
from teikit.validate_explain import Locator

#: The project's xslt/ folder (src/teikit/xslt links to it; a wheel carries a copy)
XSLT_DIR = Path(__file__).resolve().parent / "xslt"
ALLOWED_PROTOCOLS = "http://saxon.sf.net/feature/allowedProtocols"
_STEP = re.compile(r"Q\{([^}]*)\}([^\[/]+)\[(\d+)\]")
_MESSAGE = re.compile(r"^(TK\d{3})\t([^\t]*)\t(.*)$")


class TransformError(TeikitError):
    """A stylesheet that cannot be compiled: a bug or a broken installation."""


@dataclass(frozen=True)
class Result:
    """One transform: the main result, the captured secondary results, the messages."""

    output: str
    documents: dict[str, str]
    diagnostics: list[Diagnostic]


#: Every entry stylesheet of teikit: all are compiled together, before the
#: first transform locks Saxon down (a later compile could not read them).
ENTRY_SHEETS = (XSLT_DIR / "tei2html.xsl", XSLT_DIR / "tei2print.xsl")

#: Serialization parameters an entry stylesheet gets beyond its xsl:output, by
#: file name. tei2html.xsl escapes the URL attributes it writes itself (tk:uri,
#: layout.xsl), exactly as the HTML serializer would; the serializer's own pass
#: over every attribute of every element, a twentieth of a document's
#: transform, is then switched off without changing a byte. (Not in the
#: stylesheet's xsl:output: tei2print.xsl imports it and would inherit it.)
SERIALIZATION = {"tei2html.xsl": {"escape-uri-attributes": "no"}}

_PROCESSOR: list[PySaxonProcessor] = []
_COMPILED: dict[Path, Stylesheet] = {}
_LOCKED: list[bool] = []


def started() -> bool:
    """Whether Saxon has started in this process (its native image's threads do not
    survive a fork: a process forked after this cannot use it)."""
    return bool(_PROCESSOR)


def lock_down() -> None:
    """From now on no transform in this process reads a file or a URL.

    Saxon keeps the setting for good (it cannot be lifted again), so every
    stylesheet is compiled first; teikit locks at the first transform.
    """
    if not _LOCKED:
        processor().set_configuration_property(ALLOWED_PROTOCOLS, "")
        _LOCKED.append(True)


def processor() -> PySaxonProcessor:
    """The process's one Saxon processor (a second one in a process crashes Saxon/C)."""
    if not _PROCESSOR:
        _PROCESSOR.append(PySaxonProcessor(license=False))
    return _PROCESSOR[0]


def compiled(path: Path) -> Stylesheet:
    """The stylesheet at ``path``, compiled on first use in this process.

    teikit's entry stylesheets are compiled together on the first call, so a
    process that has transformed with one can still use the others.
    """
    if path not in _COMPILED:
        for sheet in (*ENTRY_SHEETS, path) if not _LOCKED else (path,):
            if sheet not in _COMPILED:
                _COMPILED[sheet] = Stylesheet(sheet)
    return _COMPILED[path]


class Stylesheet:
    """A compiled stylesheet, reused for every transform in this process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.proc = processor()
        self._held: dict[str, Any] = {}
        if _LOCKED:
            raise TransformError(
                f"{path}: compile every stylesheet before the first transform: Saxon is locked "
                "down then and reads no more files")
        try:
            self.exe = self.proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(path))
        except PySaxonApiError as e:
            raise TransformError(f"{path}: the stylesheet does not compile: {e}") from None
        for name, value in SERIALIZATION.get(path.name, {}).items():
            self.exe.set_property(f"!{name}", value)
        self.exe.set_save_xsl_message(True, None)
        self.exe.set_capture_result_documents(True)
        self.exe.set_base_output_uri("file:///teikit-captured/")

    def parse(self, text: str) -> PyXdmNode:
        """A Saxon tree of XML text that teikit has already read safely."""
        return self.proc.parse_xml(xml_text=text)

    def set_params(self, params: dict[str, Any]) -> None:
        """Set stylesheet parameters; the values are held here, as Saxon/C does not
        keep them alive (a collected value crashes the next transform)."""
        for name, value in params.items():
            self._held[name] = (value, self._value(value))
            self.exe.set_parameter(name, self._held[name][1])

    def _value(self, value: Any) -> Any:
        if isinstance(value, bool):
            return self.proc.make_boolean_value(value)
        if isinstance(value, int):
            return self.proc.make_integer_value(value)
        if isinstance(value, str):
            return self.proc.make_string_value(value)
        if isinstance(value, PyXdmNode | PyXdmValue):
            return value
        seq = self.proc.empty_sequence()
        for item in value:
            seq.add_xdm_item(self.proc.make_string_value(item) if isinstance(item, str) else item)
        return seq

    def apply(self, node: PyXdmNode, path: str, tree: etree._ElementTree | None = None,
              data: bytes = b"") -> Result:
        """Apply the stylesheet to a document; errors become diagnostics."""
        lock_down()
        try:
            out = self.exe.transform_to_string(xdm_node=node) or ""
            failed = None
        except PySaxonApiError as e:
            out, failed = "", str(e)
        return self._finish(out, path, tree, data, failed)

    def call(self, template: str, path: str = "") -> Result:
        """Call a named template (the edition's own pages)."""
        lock_down()
        try:
            out = self.exe.call_template_returning_string(template) or ""
            failed = None
        except PySaxonApiError as e:
            out, failed = "", str(e)
        return self._finish(out, path, None, b"", failed)

    def _finish(self, out: str, path: str, tree: etree._ElementTree | None, data: bytes,
                failed: str | None) -> Result:
        saved = self.exe.get_xsl_messages()
        messages = "\n".join(str(saved.item_at(i)) for i in range(saved.size)) if saved else ""
        self.exe.clear_xsl_messages()
        docs = {uri.rsplit("/", 1)[-1]: str(node)
                for uri, node in (self.exe.get_result_documents() or {}).items()}
        self.exe.set_capture_result_documents(True)  # forget them before the next transform
        diagnostics = messages_to_diagnostics(messages, path, tree, data)
        if failed and not any(d.code == "TK303" for d in diagnostics):
            diagnostics.append(diag("TK304", f"the transform failed: {failed.strip()}", path))
        return Result(out, docs, diagnostics) if not failed else Result("", {}, diagnostics)


def messages_to_diagnostics(messages: str, path: str, tree: etree._ElementTree | None,
                            data: bytes) -> list[Diagnostic]:
    """Diagnostics from teikit's coded messages; other messages are kept as TK300."""
    found: list[Diagnostic] = []
    locator = Locator(data, tree.getroot()) if tree is not None and data else None
    for line in messages.splitlines():
        if not line.strip():
            continue
        m = _MESSAGE.match(line)
        if not m:
            found.append(diag("TK300", line.strip(), path))
            continue
        code, where, words = m.groups()
        el = element_at(tree, where) if tree is not None else None
        at = locator.locate(el) if locator is not None and el is not None else (0, 0)
        found.append(diag(code, words, path, *at))
    return found


def element_at(tree: etree._ElementTree, xpath: str) -> etree._Element | None:
    """The element an XPath 3.0 ``path()`` names (``/Q{ns}TEI[1]/Q{ns}text[1]``)."""
    steps = _STEP.findall(xpath)
    if not steps:
        return None
    el: etree._Element | None = tree.getroot()
    ns, name, n = steps[0]
    if el is None or el.tag != (f"{{{ns}}}{name}" if ns else name) or n != "1":
        return None
    for ns, name, n in steps[1:]:
        tag = f"{{{ns}}}{name}" if ns else name
        kids = [k for k in el if k.tag == tag]
        if int(n) > len(kids):
            return None
        el = kids[int(n) - 1]
    return el

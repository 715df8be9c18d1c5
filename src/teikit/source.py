"""Read a source file into text, never losing a character.

Decoding order: byte-order mark, strict UTF-8, then detection restricted to
the encodings editors actually receive (UTF-16 without BOM, cp1252, cp1251).
Short texts are where detectors fail, so the candidates are few and the
result is reported as a guess.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, count
from operator import add
from pathlib import Path

from teikit.diagnostics import Diagnostic, diag
from teikit.errors import SourceError

BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
DETECT_CANDIDATES = ["utf_16_le", "utf_16_be", "cp1252", "cp1251"]

#: Characters XML 1.0 cannot carry (controls other than tab/LF/CR, surrogates,
#: U+FFFE/U+FFFF). They are kept in the TEI as <g ref="#U...."/> references.
XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Source:
    """Decoded text of one source file, with a map from offsets to lines."""

    path: str
    text: str
    encoding: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False)
    #: Whether ``text`` holds characters XML cannot carry, when known (decode looks for
    #: them anyway, and a text without any spares the converter looking again).
    forbidden: bool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # a line starts after each line before it and its line end (counted in C, not per match)
        lines = self.text.split("\n")
        self._starts = [0, *map(add, accumulate(map(len, lines[:-1])), count(1))]

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset in ``text``."""
        i = bisect_right(self._starts, offset) - 1
        return i + 1, offset - self._starts[i] + 1


def decode(data: bytes, path: str = "<bytes>", encoding: str | None = None) -> Source:
    """Decode bytes to a Source or raise SourceError with a clear message."""
    notes: list[Diagnostic] = []
    if not data.strip(b" \t\r\n\x00"):
        raise SourceError(diag("TK002", "file is empty (no text to convert)", path, 1, 1))
    if encoding:
        try:
            text = data.decode(encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise SourceError(diag("TK004", f"cannot decode as {encoding}: {exc}", path, 1, 1)) from exc
        used = encoding
    else:
        text, used = _auto_decode(data, path, notes)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append(diag("TK007", "CRLF or CR line ends read as LF", path, 1, 1))
    src = Source(path, text, used, notes)
    src.forbidden = False
    for m in XML_FORBIDDEN.finditer(text):
        src.forbidden = True
        line, col = src.position(m.start())
        notes.append(diag("TK006", f"character U+{ord(m.group()):04X} is not allowed in XML; "
                          "kept as <g ref=\"#U{:04X}\"/>".format(ord(m.group())), path, line, col))
    return src


def _auto_decode(data: bytes, path: str, notes: list[Diagnostic]) -> tuple[str, str]:
    for bom, name in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(name), name
            except UnicodeDecodeError as exc:
                raise SourceError(diag("TK004", f"byte-order mark says {name} but the bytes are not "
                                       f"{name}: {exc.reason} at byte {exc.start}", path, 1, 1)) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if "\x00" in text:
            guess = _detect(data) if _looks_utf16(data) else None
            if guess is not None:
                notes.append(diag("TK005", f"no byte-order mark; read as {guess[0]} by detection",
                                  path, 1, 1))
                return guess[1], guess[0]
            raise SourceError(diag("TK003", "file contains NUL bytes: not a text file "
                                   "(pass --encoding if it is UTF-16 without a byte-order mark)",
                                   path, 1, 1))
        return text, "utf-8"
    if _looks_binary(data):
        raise SourceError(diag("TK003", "file looks binary (many control bytes), not a text "
                               "transcription", path, 1, 1))
    guess = _detect(data)
    if guess is None:
        raise SourceError(diag("TK004", "not UTF-8 and no likely encoding found; "
                               "pass --encoding (e.g. cp1251)", path, 1, 1))
    name, text = guess
    notes.append(diag("TK005", f"not UTF-8; decoded as {name} by detection, check the text "
                      "or pass --encoding", path, 1, 1))
    return text, name


def _detect(data: bytes) -> tuple[str, str] | None:
    if _looks_utf16(data):
        for name in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            if not XML_FORBIDDEN.search(text.replace("\x00", "")) and "\x00" not in text:
                return name, text
    if data.count(b"\x00") > len(data) // 100:
        return None
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=["cp1252", "cp1251"]).best()
    if best is None:
        return None
    name = best.encoding.replace("_", "")
    return name, str(best)


def _looks_binary(data: bytes) -> bool:
    if _looks_utf16(data):
        return False
    sample = data[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > max(2, len(sample) // 20)


def _looks_utf16(data: bytes) -> bool:
    if len(data) < 4:
        return False
    even = data[0::2].count(0)
    odd = data[1::2].count(0)
    half = len(data) // 2
    return max(even, odd) > 0.3 * half and min(even, odd) < 0.05 * half


def read_source(path: str | Path, encoding: str | None = None) -> Source:
    """Read and decode one source file; raise SourceError on unusable input."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise SourceError(diag("TK001", f"cannot read: {exc.strerror or exc}", str(p), 0, 0)) from exc
    return decode(data, str(p), encoding)

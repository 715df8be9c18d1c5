"""Diagnostics as data: one frozen type, stable codes in one registry.

Codes: ``TK0xx`` input and files, ``TK1xx`` conversion, ``TK2xx`` schema and
rules, ``TK3xx`` transforms. A code keeps its meaning forever; retired codes
are not reused.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


#: code -> (default severity, short title). The title documents the code;
#: the message of each diagnostic says what happened in this instance.
CODES: dict[str, tuple[Severity, str]] = {
    "TK001": (Severity.ERROR, "file cannot be read"),
    "TK002": (Severity.ERROR, "file is empty"),
    "TK003": (Severity.ERROR, "file looks binary"),
    "TK004": (Severity.ERROR, "encoding cannot be determined"),
    "TK005": (Severity.WARNING, "encoding guessed by detection"),
    "TK006": (Severity.WARNING, "character not allowed in XML kept as a <g> reference"),
    "TK007": (Severity.INFO, "line ends normalised"),
    "TK008": (Severity.WARNING, "output skipped: edited by hand since teikit wrote it"),
    "TK009": (Severity.ERROR, "output cannot be written"),
    "TK010": (Severity.ERROR, "no document text left after removing the page frame"),
    "TK011": (Severity.ERROR, "settings file (teikit.toml) cannot be used"),
    "TK101": (Severity.WARNING, "unclosed bracket"),
    "TK102": (Severity.WARNING, "closing bracket without an opening one"),
    "TK103": (Severity.INFO, "doubtful classification of a bracketed mark"),
    "TK104": (Severity.INFO, "web-page artefact left out of the text"),
    "TK105": (Severity.INFO, "page frame left out of the text"),
    "TK106": (Severity.INFO, "possible person name not in the edition's register"),
    "TK107": (Severity.WARNING, "date outside the document's period"),
    "TK108": (Severity.WARNING, "[sic] with no preceding word"),
    "TK109": (Severity.INFO, "doubtful reading of a date (day or month first)"),
    "TK111": (Severity.ERROR, "internal conversion failure"),
    "TK300": (Severity.INFO, "message of a user stylesheet"),
    "TK301": (Severity.WARNING, "element with no rule in the stylesheets: shown unstyled"),
    "TK302": (Severity.WARNING, "name points to no entry of the registers"),
    "TK303": (Severity.ERROR, "not a TEI document"),
    "TK304": (Severity.ERROR, "transform failed"),
    "TK305": (Severity.WARNING, "label missing from the stylesheets' words"),
    "TK306": (Severity.WARNING, "search index not built"),
    "TK307": (Severity.ERROR, "two documents with the same file name"),
    "TK400": (Severity.WARNING, "message of the PDF layout (WeasyPrint)"),
    "TK401": (Severity.WARNING, "print font not installed: another font is used"),
    "TK402": (Severity.WARNING, "character with no glyph in the print font"),
    "TK403": (Severity.ERROR, "PDF not made"),
    "TK404": (Severity.ERROR, "a document's file name is the volume's"),
    "TK501": (Severity.WARNING, "base_url not set: the package has no URLs (CMIF needs them)"),
    "TK502": (Severity.WARNING, "setting missing or not understood: recorded as unavailable"),
    "TK503": (Severity.INFO, "correspondent or place with no authority identifier in the register"),
    "TK504": (Severity.WARNING, "document without sender or addressee: CMIF lists it as Unknown"),
    "TK505": (Severity.ERROR, "output folder holds files that are not a teikit package"),
    "TK506": (Severity.WARNING, "date not usable in CMIF (YYYY, YYYY-MM or YYYY-MM-DD): left out"),
    "TK507": (Severity.ERROR, "no TEI documents to package"),
    "TK601": (Severity.ERROR, "two sources with the same file name"),
    "TK602": (Severity.WARNING, "TEI file whose source has gone"),
    "TK603": (Severity.ERROR, "build stopped before publishing: the sources or TEI have errors"),
    "TK604": (Severity.ERROR, "another build is running in this project"),
    "TK605": (Severity.ERROR, "registers or profile cannot be read: nothing converted"),
    "TK606": (Severity.ERROR, "not a teikit project (no teikit.toml)"),
    "TK607": (Severity.ERROR, "a teikit project is there already"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding about one place in one file."""

    code: str
    severity: Severity
    message: str
    path: str = ""
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        """``path:line:col: severity[code] message``; without a line (a finding about a
        whole file) ``path: severity[code] message``, as compilers write it."""
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        what = f"{self.severity}[{self.code}] {self.message}"
        return f"{where}: {what}" if where else what

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = str(self.severity)
        return d


def diag(code: str, message: str, path: str = "", line: int = 0, col: int = 0,
         severity: Severity | None = None) -> Diagnostic:
    """Make a diagnostic with the code's registered severity unless overridden."""
    default, _title = CODES[code]
    return Diagnostic(code, severity or default, message, path, line, col)


def render(diagnostics: list[Diagnostic], fmt: str = "text") -> str:
    if fmt == "json":
        return json.dumps([d.to_dict() for d in diagnostics], ensure_ascii=False, indent=2)
    return "\n".join(str(d) for d in diagnostics)

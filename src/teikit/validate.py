"""Validate an edition's TEI files: safe reading, the schema, the rules.

Each file goes through three stages and stops at the first that refuses it:

1. safe reading (validate_safe): size, encoding, no DOCTYPE, well-formed,
   no XInclude, no xsi: attributes, a TEI root;
2. the schema, schema/teikit.xsd, with libxml2 (fast); only when it fails is
   the failure explained in plain words (validate_explain);
3. the rules XSD cannot state (validate_rules), and optionally the official
   tei_all RELAX NG.

Many files are spread over processes; each process compiles the schema once.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from teikit.diagnostics import CODES, Diagnostic, Severity, diag
from teikit.errors import TeikitError
from teikit.lifeline import worker_init
from teikit.validate_explain import Finding, Locator, explain_schema_error, xpath_of
from teikit.validate_rules import REGISTERS, Edition, check
from teikit.validate_safe import (
    DEFAULT_MAX_BYTES,
    TEI_NS,
    LoadedXML,
    UnsafeXMLError,
    foreign_machinery,
    load_bytes,
    load_file,
    parse_xml_safely,
)

__all__ = [
    "VALIDATE_CODES", "ValidationResult", "ValidateError", "parse_xml_safely",
    "validate_paths", "validate_bytes", "SCHEMA_DIR", "TEIKIT_XSD", "collect_files",
]

E, W = Severity.ERROR, Severity.WARNING

#: Codes of the validator (TK2xx). Stable: a code keeps its meaning forever.
VALIDATE_CODES: dict[str, tuple[Severity, str]] = {
    "TK201": (E, "not well-formed XML"),
    "TK202": (E, "bytes are not valid in the file's encoding"),
    "TK203": (E, "DOCTYPE refused (DTDs and entity declarations are not allowed)"),
    "TK204": (E, "XInclude refused"),
    "TK205": (E, "file over the size limit"),
    "TK206": (E, "root element is not TEI"),
    "TK207": (E, "element not allowed here, or content incomplete"),
    "TK208": (E, "attribute not allowed, or required attribute missing"),
    "TK209": (E, "attribute value not allowed"),
    "TK210": (E, "text not allowed here"),
    "TK211": (E, "xml:id used twice"),
    "TK212": (E, "pointer leads nowhere in the edition"),
    "TK213": (E, "date not valid ISO 8601"),
    "TK214": (W, "date implausible for the document"),
    "TK215": (E, "correspondence without a sender or an addressee"),
    "TK216": (E, "choice without its pair (sic/corr, abbr/expan, orig/reg)"),
    "TK217": (E, "empty paragraph"),
    "TK218": (W, "register missing: pointers into it not checked"),
    "TK219": (E, "xsi: attribute refused"),
    "TK220": (E, "not valid against the official TEI schema (tei_all)"),
    "TK221": (W, "file not encoded in UTF-8"),
    "TK222": (E, "pointer leads to the wrong kind of element"),
}
CODES.update(VALIDATE_CODES)

#: The project's schema/ folder (src/teikit/schema links to it; a wheel carries a copy)
SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
TEIKIT_XSD = SCHEMA_DIR / "teikit.xsd"

#: Below this many files, one process is faster than starting a pool.
PARALLEL_THRESHOLD = 64


class ValidateError(TeikitError):
    """The validator itself cannot run (schema missing or broken): a usage error."""


@dataclass
class ValidationResult:
    """Diagnostics of a run over some files."""

    files: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == Severity.WARNING]

    @property
    def unreadable(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.code == "TK001"]

    def ok(self, strict: bool = False) -> bool:
        return not self.errors and not (strict and self.warnings)

    def invalid_files(self) -> set[str]:
        return {d.path for d in self.errors}


# ----------------------------------------------------------------------------
# Schemas, compiled once per process

_SCHEMAS: dict[str, etree.XMLSchema] = {}
_RNGS: dict[str, etree.RelaxNG] = {}
_SCHEMA_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xsd(path: str) -> etree.XMLSchema:
    if path not in _SCHEMAS:
        try:
            _SCHEMAS[path] = etree.XMLSchema(etree.parse(path, _SCHEMA_PARSER))
        except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as e:
            raise ValidateError(f"cannot load the schema {path}: {e}") from None
    return _SCHEMAS[path]


def load_tei_all(path: str | os.PathLike[str]) -> etree.RelaxNG:
    """The official RELAX NG schema (about 10 s to compile; cached per process)."""
    key = str(path)
    if key not in _RNGS:
        try:
            _RNGS[key] = etree.RelaxNG(etree.parse(key, _SCHEMA_PARSER))
        except (OSError, etree.XMLSyntaxError, etree.RelaxNGParseError) as e:
            raise ValidateError(f"cannot load the RELAX NG schema {key}: {e}") from None
    return _RNGS[key]


# ----------------------------------------------------------------------------
# One document


def _finish(findings: Iterable[Finding], loaded: LoadedXML | None, path: str) -> list[Diagnostic]:
    """Findings to diagnostics: columns located, duplicates dropped, sorted."""
    locator = Locator(loaded.data, loaded.tree.getroot()) if loaded is not None else None
    seen: set[tuple[str, int, int, str]] = set()
    out: list[Diagnostic] = []
    for f in findings:
        line, col = f.line, f.col
        if f.element is not None and locator is not None:
            line, col = locator.locate(f.element, f.attr)
        # a bad date is found by the schema and again by the rules: report it once
        # and libxml2 may report one bad value twice (facet, then type): once is enough
        key = (f.code, line, col, "" if f.code in ("TK209", "TK213") else f.message)
        if key in seen:
            continue
        seen.add(key)
        out.append(diag(f.code, f.message, path, line, col))
    return out


def _root_findings(loaded: LoadedXML) -> list[Finding]:
    root = loaded.tree.getroot()
    if root.tag == f"{{{TEI_NS}}}TEI":
        return []
    q = etree.QName(root)
    if q.localname == "TEI" and q.namespace is None:
        msg = (f"/TEI: the root <TEI> is in no namespace; write <TEI xmlns=\"{TEI_NS}\">")
    elif q.localname == "TEI":
        msg = f"/TEI: the root <TEI> is in the namespace {q.namespace}, not {TEI_NS}"
    else:
        in_ns = f" in the namespace {q.namespace}" if q.namespace else ""
        msg = (f"/{q.localname}: the root element is <{q.localname}>{in_ns}; a TEI document's "
               f"root is <TEI xmlns=\"{TEI_NS}\">")
    return [Finding("TK206", msg, root)]


def check_loaded(loaded: LoadedXML, edition: Edition, xsd_path: str,
                 tei_all: etree.RelaxNG | None = None) -> list[Diagnostic]:
    """Schema and rules on a document that was read safely."""
    path = loaded.path
    refused = [Finding(code, f"{xpath_of(el)}: {msg}", el)
               for code, msg, el in foreign_machinery(loaded)]
    refused += _root_findings(loaded)
    if refused:
        return _finish(refused, loaded, path)
    findings: list[Finding] = []
    if loaded.encoding not in ("utf-8",):
        findings.append(Finding("TK221", f"the file is encoded in {loaded.encoding.upper()}; "
                                "deposit copies should be UTF-8", line=1, col=1))
    schema = _xsd(xsd_path)
    if not schema.validate(loaded.tree):
        findings += [explain_schema_error(e, loaded.tree, xsd_path) for e in schema.error_log]
    findings += check(loaded.tree, path, edition)
    if tei_all is not None and not tei_all.validate(loaded.tree):
        for e in tei_all.error_log:
            findings.append(Finding("TK220", f"tei_all: {e.message}", line=e.line, col=e.column))
    return _finish(findings, loaded, path)


def validate_file(path: str, edition: Edition, xsd_path: str = str(TEIKIT_XSD),
                  tei_all: etree.RelaxNG | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> list[Diagnostic]:
    """All diagnostics for one file; never raises on what the file holds."""
    try:
        loaded = load_file(path, max_bytes)
    except UnsafeXMLError as e:
        return [e.diagnostic]
    return check_loaded(loaded, edition, xsd_path, tei_all)


def validate_bytes(data: bytes, path: str = "<bytes>", *, edition: Edition | None = None,
                   xsd_path: str | os.PathLike[str] = TEIKIT_XSD,
                   tei_all: etree.RelaxNG | None = None) -> list[Diagnostic]:
    """Validate a document held in memory (used by tests and by the converter)."""
    try:
        loaded = load_bytes(data, path)
    except UnsafeXMLError as e:
        return [e.diagnostic]
    return check_loaded(loaded, edition or Edition(), str(xsd_path), tei_all)


# ----------------------------------------------------------------------------
# Many files


def collect_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[str], list[Diagnostic]]:
    """The .xml files named or found under the given paths, and those that cannot be read."""
    files: list[str] = []
    problems: list[Diagnostic] = []
    for p in paths:
        p = str(p)
        if os.path.isdir(p):
            found = sorted(str(f) for f in Path(p).rglob("*.xml") if f.is_file())
            if not found:
                problems.append(diag("TK001", "no .xml files in this directory", p))
            files += found
        elif os.path.isfile(p):
            files.append(p)
        else:
            problems.append(diag("TK001", "no such file or directory", p))
    return files, problems


@dataclass
class _WorkerState:
    editions: dict[str, Edition]
    xsd: str
    rng: etree.RelaxNG | None
    max_bytes: int


_WORKER: list[_WorkerState] = []


def _init_worker(editions: dict[str, Edition], xsd_path: str, tei_all: str | None,
                 max_bytes: int) -> None:
    _WORKER[:] = [_WorkerState(editions, xsd_path,
                               load_tei_all(tei_all) if tei_all else None, max_bytes)]


def _work(path: str) -> list[Diagnostic]:
    w = _WORKER[0]
    return validate_file(path, w.editions[os.path.dirname(os.path.abspath(path))], w.xsd,
                         w.rng, w.max_bytes)


def validate_paths(paths: Sequence[str | os.PathLike[str]], *,
                   tei_all: str | os.PathLike[str] | None = None,
                   xsd_path: str | os.PathLike[str] = TEIKIT_XSD,
                   jobs: int | None = None,
                   max_bytes: int = DEFAULT_MAX_BYTES) -> ValidationResult:
    """Validate files and directories (recursively, *.xml) against schema and rules.

    Registers (persons.xml, places.xml) are looked for beside each file.
    ``tei_all`` adds the official RELAX NG check. ``jobs`` processes (default:
    all cores when there are many files). Raises ValidateError only when a
    schema cannot be loaded; problems with the files are diagnostics.
    """
    files, problems = collect_files(paths)
    xsd = str(xsd_path)
    _xsd(xsd)  # fail early, as a usage error, if the schema is broken
    rng = load_tei_all(tei_all) if tei_all else None
    dirs = sorted({os.path.dirname(os.path.abspath(f)) for f in files})
    editions = {d: Edition.for_directory(d) for d in dirs}
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    diagnostics: list[Diagnostic] = list(problems)
    if jobs > 1 and len(files) >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(jobs, initializer=worker_init,
                                 initargs=(_init_worker, editions, xsd,
                                           str(tei_all) if tei_all else None, max_bytes)) as pool:
            for ds in pool.map(_work, files, chunksize=max(1, len(files) // (jobs * 8))):
                diagnostics += ds
    else:
        for f in files:
            diagnostics += validate_file(f, editions[os.path.dirname(os.path.abspath(f))], xsd,
                                         rng, max_bytes)
    return ValidationResult(files, diagnostics)


def registers_of(directory: str | os.PathLike[str]) -> list[str]:
    """The register files present in a directory."""
    return [n for n in REGISTERS if (Path(directory) / n).is_file()]

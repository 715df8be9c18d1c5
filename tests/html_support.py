"""Helpers of the real-browser and quality tests of the HTML edition.

The tools come from outside Python: Debian's chromium (driven by playwright,
never downloaded), a Java runtime and the npm packages of package.json
(vnu-jar, axe-core). ``scripts/install-test-deps`` installs them all. When
one is missing the tests that need it are skipped, except under CI (the
environment variable CI is set), where a missing tool fails the test: a
green CI must not hide a missing install step.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
TEI_DIR = ROOT / "tei"
SETTINGS_FILE = ROOT / "teikit.toml"
NODE_MODULES = ROOT / "node_modules"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
#: Test artefacts (screenshots) for a person to look at; output/ is git-ignored.
ARTEFACTS = ROOT / "output" / "test-artefacts"
INSTALL = "scripts/install-test-deps"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
TEI_NS = "http://www.tei-c.org/ns/1.0"
#: The stem of the document that tests the views (see ``write_views_fixture``).
VIEWS_FIXTURE = "zz_views_fixture"


def missing(what: str) -> NoReturn:
    """A tool is missing: fail under CI, skip elsewhere; say how to install it."""
    message = f"{what} not found: run {INSTALL} (installs chromium, java, vnu-jar, axe-core)"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def chromium_path() -> Path:
    found = CHROMIUM if CHROMIUM.is_file() else None
    if found is None:
        which = shutil.which("chromium")
        found = Path(which) if which else None
    if found is None:
        missing(f"Debian's chromium ({CHROMIUM})")
    return found


def java_path() -> str:
    java = shutil.which("java")
    if not java:
        missing("java (a Java runtime, for the Nu HTML checker)")
    return java


def vnu_jar() -> Path:
    if not VNU_JAR.is_file():
        missing(f"the Nu HTML checker ({VNU_JAR.relative_to(ROOT)})")
    return VNU_JAR


def axe_js() -> str:
    if not AXE_JS.is_file():
        missing(f"axe-core ({AXE_JS.relative_to(ROOT)})")
    return AXE_JS.read_text(encoding="utf-8")


def artefacts_dir() -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    return ARTEFACTS


def write_views_fixture(folder: Path) -> Path:
    """A document with a deletion and a sic/corr choice (the sample has neither).

    Made from the sample's 004 (which has supplied words): ``<del>`` and
    ``<choice>`` exist only in one view each, so the diplomatic view has
    something to show that the reading view hides.
    """
    source = TEI_DIR / "004_7d1e84286a5ab663.xml"
    tree = etree.parse(str(source))
    ns = {"t": TEI_NS}
    title = tree.find(".//t:titleStmt/t:title", ns)
    title.text = "Views fixture: a deletion and a correction"
    p = tree.find(".//t:body//t:p", ns)
    if len(p):
        p[-1].tail = (p[-1].tail or "") + " Fixture: "
    else:
        p.text = (p.text or "") + " Fixture: "
    deleted = etree.SubElement(p, f"{{{TEI_NS}}}del", rend="strikethrough")
    deleted.text = "cancelled-words"
    deleted.tail = " kept "
    choice = etree.SubElement(p, f"{{{TEI_NS}}}choice")
    etree.SubElement(choice, f"{{{TEI_NS}}}sic").text = "recieved"
    etree.SubElement(choice, f"{{{TEI_NS}}}corr").text = "received"
    choice.tail = "."
    out = folder / f"{VIEWS_FIXTURE}.xml"
    tree.write(str(out), xml_declaration=True, encoding="UTF-8")
    return out


def build_site(out: Path, *, views_fixture: bool = False) -> Path:
    """Build the sample edition (./tei with ./teikit.toml) into ``out``, with the search index.

    ``views_fixture``: add one document with a deletion and a choice, so the
    diplomatic view can be tested (the sample has no diplomatic-only content).
    """
    from teikit.settings import load_settings
    from teikit.web import build_html

    paths: list[str | Path] = [TEI_DIR]
    if views_fixture:
        extra = out.parent / f"{out.name}-tei"
        extra.mkdir(parents=True, exist_ok=True)
        paths.append(write_views_fixture(extra))
    report = build_html(paths, out, load_settings(SETTINGS_FILE))
    assert not report.errors, [str(d) for d in report.errors]
    assert (out / "pagefind").is_dir(), "the search index was not built"
    return out


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` over http on a free localhost port; yields the base URL ending in "/"."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def launch_chromium() -> Iterator[Any]:
    """Debian's headless chromium through playwright (no browser is downloaded)."""
    executable = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("playwright (pip install -e '.[test]')")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def document_pages(site: Path) -> list[str]:
    """Site-relative URLs of every document page."""
    return sorted(f"documents/{p.name}" for p in (site / "documents").glob("*.html"))

"""The HTML edition against the W3C Nu HTML checker and axe-core.

The site is the sample edition plus the views fixture (a document with a
deletion and a correction, which the sample lacks, so that their markup is
checked too). The Nu checker (vnu.jar) runs once over every page; axe-core
runs in Chromium on every page type, every document page, both views and
with a tooltip open. Each checker first proves on a broken canary that it
reports errors at all, so a silent tool cannot pass the test.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from html_support import (
    VIEWS_FIXTURE,
    axe_js,
    build_site,
    document_pages,
    java_path,
    launch_chromium,
    serve,
    vnu_jar,
)

EDITION_PAGES = ["index.html", "documents.html", "persons.html", "places.html",
                 "conventions.html", "search.html"]
DOC_WITH_MARKS = "documents/001_daaa185b9623fcbd.html"
FIXTURE_PAGE = f"documents/{VIEWS_FIXTURE}.html"
CANARY_HTML = ('<!DOCTYPE html><html lang="en"><head><title>canary</title></head>'
               '<body><p><div>block in a paragraph</div></p><img src="a.png"></body></html>\n')
SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(tmp_path_factory.mktemp("quality") / "site", views_fixture=True)


# (a) the W3C Nu HTML checker

def run_vnu(files: list[Path]) -> list[dict[str, Any]]:
    cmd = [java_path(), "-Xss4m", "-jar", str(vnu_jar()), "--errors-only", "--also-check-css",
           "--format", "json", *map(str, files)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    try:
        report = json.loads(done.stderr or done.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"vnu.jar gave no JSON report (exit {done.returncode}): "
                    f"{(done.stderr or done.stdout)[-2000:]}")
    return report["messages"]


def test_every_page_is_valid_html(site: Path, tmp_path: Path) -> None:
    pages = sorted(p for p in site.rglob("*.html") if "pagefind" not in p.relative_to(site).parts)
    assert len(pages) == len(EDITION_PAGES) + len(document_pages(site))
    canary = tmp_path / "canary.html"
    canary.write_text(CANARY_HTML, encoding="utf-8")
    messages = run_vnu([canary, *pages, site / "assets" / "teikit.css"])
    canary_url = canary.as_uri().replace("file:///", "file:/")
    found = [m for m in messages if m.get("url") in (canary_url, canary.as_uri())]
    assert len(found) >= 2, f"the Nu checker did not report the canary's errors: {messages[:5]}"
    errors = [m for m in messages if m not in found and m.get("type") in ("error", "non-document-error")]

    def where(m: dict[str, Any]) -> str:
        url = m.get("url", "")
        name = url.split(site.name + "/", 1)[-1] if site.name + "/" in url else url
        return f"{name}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}"

    report = "\n".join(f"{where(m)}: {m.get('message')}  [{m.get('extract', '').strip()[:80]}]"
                       for m in errors)
    if errors:
        print(report)
    assert not errors, f"{len(errors)} Nu checker error(s):\n{report}"


# (b) axe-core in Chromium

@pytest.fixture(scope="module")
def axe_page(site: Path) -> Iterator[tuple[Any, str, str]]:
    source = axe_js()
    with serve(site) as base, launch_chromium() as browser:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.set_default_timeout(15_000)
        yield ctx.new_page(), base, source
        ctx.close()


def run_axe(page: Any, source: str) -> list[dict[str, Any]]:
    """Serious and critical violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v.get("impact") in SERIOUS]


def describe(violations: list[dict[str, Any]]) -> list[str]:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n.get("target", []))) for n in v["nodes"]]
        summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")[:200] if v["nodes"] else ""
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} — {len(targets)} node(s): "
                     f"{'; '.join(targets[:6])}{' …' if len(targets) > 6 else ''} — {summary}")
    return lines


@pytest.mark.browser
def test_axe_reports_a_violation_on_a_canary(axe_page: tuple[Any, str, str]) -> None:
    page, _base, source = axe_page
    page.set_content(CANARY_HTML)
    ids = {v["id"] for v in run_axe(page, source)}
    assert "image-alt" in ids, ids


@pytest.mark.browser
def test_no_serious_accessibility_violations(axe_page: tuple[Any, str, str], site: Path) -> None:
    page, base, source = axe_page
    found: dict[str, list[str]] = {}

    def check(label: str) -> None:
        violations = run_axe(page, source)
        if violations:
            found[label] = describe(violations)

    for url in EDITION_PAGES:
        page.goto(base + url)
        if url == "search.html":
            check("search.html (empty)")
            page.locator("#search input").fill("advisers")
            page.locator(".pagefind-ui__result a.pagefind-ui__result-link").first.wait_for()
            check("search.html (with results)")
        else:
            check(url)
    for url in document_pages(site):
        page.goto(base + url)
        check(f"{url} (reading)")
        page.click("label[for=view-diplomatic]")
        check(f"{url} (diplomatic)")
        page.click("label[for=view-reading]")
    # a tooltip open: a mark's on hover, a name's on keyboard focus
    page.goto(base + DOC_WITH_MARKS)
    mark = page.locator(".text .mk.supplied").first
    mark.hover()
    assert mark.locator(":scope > .tip").is_visible()
    check(f"{DOC_WITH_MARKS} (mark tooltip open)")
    page.mouse.move(0, 0)
    name = page.locator(".text a.name").first
    name.focus()
    assert name.locator(":scope > .tip").is_visible()
    check(f"{DOC_WITH_MARKS} (name tooltip open)")
    page.goto(base + FIXTURE_PAGE)
    page.click("label[for=view-diplomatic]")
    deleted = page.locator(".text del.del").first
    deleted.focus()
    assert deleted.locator(":scope > .tip").is_visible()
    check(f"{FIXTURE_PAGE} (diplomatic, deletion tooltip open)")
    report = "\n".join(f"{label}: {line}" for label, lines in found.items() for line in lines)
    if found:
        print(report)
    assert not found, f"serious or critical axe violations:\n{report}"

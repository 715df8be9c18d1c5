"""Golden HTML: every convention case and seed, rendered by xslt/tei2html.xsl.

Each ``tests/fixtures/convert/<case>.xml`` has its rendering beside it as
``<case>.html`` (the document's text and its notes, one block per line so a
diff reads well); the seeds' renderings are in ``tests/golden/seeds``.
Regenerate on purpose only: ``pytest tests/test_html_golden.py --update-golden``,
then read the diff.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import FIXTURES, ROOT
from teikit.validate_safe import load_file
from teikit.web import ENTRY
from teikit.xslt import Result, Stylesheet, compiled

CASES = sorted((FIXTURES / "convert").glob("*.xml"))
SEEDS = sorted((Path(__file__).resolve().parent / "golden" / "seeds").glob("*.xml"))
BLOCKS = re.compile(r"(?=<(?:p|div|section|li|ol|ul|blockquote|h2)[ >])")


@pytest.fixture(scope="module")
def sheet() -> Stylesheet:
    s = compiled(ENTRY)
    regs = [s.parse((FIXTURES / "registers" / n).read_text(encoding="utf-8"))
            for n in ("persons.xml", "places.xml")]
    s.set_params({"registers": regs, "root": "../", "pdf-href": "", "tei-href": "x.xml"})
    return s


def render(sheet: Stylesheet, path: Path) -> tuple[Result, html.HtmlElement]:
    loaded = load_file(path)
    sheet.set_params({"doc-id": path.stem})
    result = sheet.apply(sheet.parse(loaded.data.decode("utf-8")), str(path), loaded.tree, loaded.data)
    return result, html.fromstring(result.output)


def fragment(page: html.HtmlElement) -> str:
    """The text and the notes of a document page, a block per line."""
    parts = page.xpath("//div[@class='text'] | //section[@class='footnotes']")
    out = "".join(etree.tostring(p, method="html", encoding="unicode") for p in parts)
    return BLOCKS.sub("\n", out).strip() + "\n"


def _words(text: str) -> Counter[str]:
    return Counter(re.findall(r"\w+", text))


def check(sheet: Stylesheet, path: Path, expected: Path, update: bool) -> None:
    result, page = render(sheet, path)
    assert not [d for d in result.diagnostics if d.code != "TK302"], result.diagnostics
    got = fragment(page)
    if update:
        expected.write_text(got, encoding="utf-8")
    elif not expected.exists():
        pytest.fail(f"no golden file {expected.name}: run with --update-golden and review it")
    assert got == expected.read_text(encoding="utf-8"), f"{path.name}: HTML differs from {expected.name}"
    # nothing of the document is lost: every word of the TEI text is on the page
    tei_words = _words(" ".join(load_file(path).tree.xpath("//*[local-name()='text']//text()")))
    for tip in page.xpath("//span[@class='tip']"):
        tip.getparent().remove(tip)
    page_words = _words(" ".join(page.xpath("//article//text()")))
    missing = tei_words - page_words
    assert not missing, f"{path.name}: words of the TEI missing from the page: {dict(missing)}"


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_convention_case(case: Path, sheet: Stylesheet, update_golden: bool) -> None:
    check(sheet, case, case.with_suffix(".html"), update_golden)


@pytest.mark.parametrize("seed", SEEDS, ids=[s.stem for s in SEEDS])
def test_seed(seed: Path, sheet: Stylesheet, update_golden: bool) -> None:
    check(sheet, seed, seed.with_suffix(".html"), update_golden)


def test_every_mark_explains_itself(sheet: Stylesheet) -> None:
    """Each mark on every case page has a non-empty explanation for hover and focus."""
    seen = set()
    for case in CASES:
        _result, page = render(sheet, case)
        for mk in page.xpath("//*[contains(concat(' ', @class, ' '), ' mk ')]"):
            tip = mk.xpath("span[@class='tip']")
            assert tip and tip[0].text_content().strip(), f"{case.name}: mark without explanation"
            assert mk.get("tabindex") == "0", f"{case.name}: mark cannot be focused"
            seen.add(mk.get("class").split()[1])
    assert {"sic", "choice", "gap", "unclear", "supplied", "add", "del", "stamp", "pb"} <= seen


def test_peer_shortcomings_are_fixed(sheet: Stylesheet) -> None:
    """What the TEI Consortium's html.xsl loses on telegrams like these, teikit keeps."""
    _r, page = render(sheet, FIXTURES / "convert" / "sic-correction.xml")
    choice = page.xpath("//*[contains(@class, 'choice')]")[0]
    assert choice.xpath(".//span[@class='r']") and choice.xpath(".//span[@class='d']"), "sic dropped"
    _r, page = render(sheet, FIXTURES / "convert" / "gap-counted.xml")
    gaps = [g.text for g in page.xpath("//*[contains(@class, ' gap')]")]
    assert any(g and re.search(r"\d|two|three", g) for g in gaps), gaps  # extent shown, not "[...]"
    _r, page = render(sheet, FIXTURES / "convert" / "handwritten.xml")
    add = page.xpath("//ins[contains(@class, 'add')]")[0]
    assert "hand" in add.xpath("string(span[@class='tip'])")
    _r, page = render(sheet, FIXTURES / "convert" / "supplied.xml")
    sup = page.xpath("//*[contains(@class, 'supplied')]")[0]
    assert "supplied" in sup.xpath("string(span[@class='tip'])") and " r" in sup.get("class")
    _r, page = render(sheet, ROOT / "tei" / "000_e0272aa94a0e144f.xml")
    assert page.xpath("//time[@datetime='1950-07-08T09:26:00']")
    assert page.xpath("//a[contains(@class, 'name')][starts-with(@href, '../persons.html#')]")
    assert page.xpath("//section[@class='metadata']//dt"), "header shown beyond the title"

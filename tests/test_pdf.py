"""The print edition, read as a reader reads it: through poppler's tools.

pdftotext gives each page's text (pages split at form feeds), pdfdetach the
attachments, pdfinfo the PDF/A identification and metadata, pdffonts the
fonts, pdftoppm page 1 as a picture for a person to look at. A test edition
is made here with names and notes placed so that the expected pages can be
computed from the text itself, independently of teikit's own page map.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from html_support import ARTEFACTS, SETTINGS_FILE, TEI_DIR, missing
from teikit.cli import main
from teikit.settings import Editor, Settings, load_settings
from teikit.writer import FILE_MODE

pytestmark = pytest.mark.slow

POPPLER = ("pdftotext", "pdfinfo", "pdfdetach", "pdffonts", "pdftoppm")
SETTINGS = Settings(title="Print Test Edition", editors=(Editor("Ada Editor"),), publisher="Test Press",
                    licence="CC BY 4.0", base_url="https://example.org/ed/",
                    introduction=("An introduction of one paragraph.",))


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        missing(f"{name} (Debian: poppler-utils)")
    return path


def run(*args: str | Path) -> str:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=True).stdout


def page_texts(pdf: Path) -> list[str]:
    """The text of each page, in order (pdftotext ends every page with a form feed)."""
    text = run(tool("pdftotext"), "-enc", "UTF-8", pdf, "-")
    return text.split("\f")[:-1]


def pdf_objects(pdf: Path) -> bytes:
    """The PDF's objects with its compressed streams (object streams among them) inflated."""
    data = pdf.read_bytes()
    parts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompressobj().decompress(data[m.end():]))
    return b"\n".join(parts)


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00ad", "")).replace("- ", "-").strip()


# ------------------------------------------------------------- test edition

REGISTER = """<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>
<publicationStmt><p>test</p></publicationStmt><sourceDesc><p>test</p></sourceDesc></fileDesc></teiHeader>
<text><body>{body}</body></text></TEI>
"""
PERSONS = REGISTER.format(title="Persons", body="""<listPerson>
<person xml:id="zeb"><persName type="main">Zebulon Quartermain</persName>
<persName type="alias">ZEBULON</persName><note>A person of the test.</note></person>
<person xml:id="ynez"><persName type="main">Ynez Oddfellow</persName>
<persName type="alias">YNEZ</persName></person>
</listPerson>""")
PLACES = REGISTER.format(title="Places", body="""<listPlace>
<place xml:id="xan"><placeName type="main">Xanadu</placeName>
<placeName type="alias">XANADU</placeName></place>
</listPlace>""")

FILLER = ("The committee considered the matter at length and resolved to report on the supplies, "
          "the roads and the weather of the season to the ministry without delay. ")


def document(doc_id: str, title: str, when: str, paragraphs: int, extra: str = "") -> str:
    """A TEI document: paragraphs of filler with numbered notes and names placed by number."""
    ps = []
    for i in range(1, paragraphs + 1):
        name = ('<persName ref="#zeb">ZEBULON</persName> met ' if i % 4 == 1 else "")
        name += ('<persName ref="#ynez">YNEZ</persName> in <placeName ref="#xan">XANADU</placeName>. '
                 if i % 7 == 3 else "")
        note = f'<note type="editorial">NOTE {doc_id} {i} BODY</note>' if i % 2 == 0 else ""
        ps.append(f"<p>{name}P{doc_id}x{i} CALL {doc_id} {i} END{note} {FILLER * 2}</p>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:lang="en">
<teiHeader><fileDesc><titleStmt><title>{title}</title></titleStmt>
<publicationStmt><availability><p>Free to reuse.</p></availability></publicationStmt>
<sourceDesc><bibl>Test archive, box 1</bibl></sourceDesc></fileDesc>
<profileDesc><abstract><p>Summary of {title}.</p></abstract>
<correspDesc>
<correspAction type="sent"><persName ref="#zeb">Zebulon</persName><date when="{when}"/></correspAction>
<correspAction type="received"><persName ref="#ynez">Ynez</persName></correspAction></correspDesc>
<langUsage><language ident="en">English</language></langUsage></profileDesc>
<revisionDesc><change when="2001-02-03">converted</change></revisionDesc></teiHeader>
<text><body><div>{extra}{''.join(ps)}</div></body></text></TEI>
"""


SCRIPTS = "Latin: café Œuvre; Cyrillic: Москва, Шифртелеграмма; Greek: Ἀθῆναι, λόγος."


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    src = tmp_path_factory.mktemp("tei")
    (src / "persons.xml").write_text(PERSONS, encoding="utf-8")
    (src / "places.xml").write_text(PLACES, encoding="utf-8")
    # b is dated before a: the volume puts it first.
    (src / "a.xml").write_text(document("A", "Alpha telegram", "1950-07-08", 40, f"<p>{SCRIPTS}</p>"),
                               encoding="utf-8")
    (src / "b.xml").write_text(document("B", "Beta letter", "1950-06-01", 25), encoding="utf-8")
    return src


@pytest.fixture(scope="module")
def built(edition: Path, tmp_path_factory: pytest.TempPathFactory):
    from teikit.pdf import build_pdfs

    out = tmp_path_factory.mktemp("pdf")
    report = build_pdfs([edition], out, SETTINGS, volume=True, jobs=1)
    assert not report.errors, report.errors
    return out, report


# ------------------------------------------------------------------ tests

def test_a_pdf_per_document_and_a_volume(built) -> None:
    out, report = built
    assert sorted(p.name for p in out.glob("*.pdf")) == ["a.pdf", "b.pdf", "volume.pdf"]
    assert sorted(report.documents) == ["a", "b"]
    assert (out / "a.pdf").stat().st_mode & 0o777 == FILE_MODE
    assert not list(out.glob(".*.tmp"))


def test_footnotes_stand_on_the_page_of_their_call(built) -> None:
    out, _ = built
    for pdf in ("a.pdf", "volume.pdf"):
        pages = page_texts(out / pdf)
        calls = 0
        for text in pages:
            body = flat(text)
            for doc, i in re.findall(r"CALL ([AB]) (\d+) END", body):
                if int(i) % 2 == 0:
                    calls += 1
                    assert f"NOTE {doc} {i} BODY" in body, f"{pdf}: note {doc} {i} not on its call's page"
        assert calls >= 20, pdf


def test_notes_are_numbered_anew_in_each_document(built) -> None:
    out, _ = built
    text = flat(" ".join(page_texts(out / "volume.pdf")))
    # The first note of each document is note 1 (paragraph 2 carries it).
    assert re.search(r"1\. Editor.s note: NOTE B 2 BODY", text)
    assert re.search(r"1\. Editor.s note: NOTE A 2 BODY", text)
    assert re.search(r"20\. Editor.s note: NOTE A 40 BODY", text)


def test_contents_give_the_pages_the_documents_start_on(built) -> None:
    out, _ = built
    pages = page_texts(out / "volume.pdf")
    contents = next(i for i, t in enumerate(pages) if t.strip().splitlines()[1:2] == ["Contents"]
                    or "\nContents\n" in t)
    entries = re.findall(r"^(.+?)[ .]*\.\s*(\d+)\s*$", pages[contents], re.M)
    found = {title.strip(" ."): int(n) for title, n in entries}
    assert set(found) >= {"Introduction", "Editorial conventions", "1. Beta letter, 1 June 1950",
                          "2. Alpha telegram, 8 July 1950", "Index of persons and places"}, found
    for title, n in found.items():
        heading = re.sub(r",\s*\d+ \w+ \d{4}$", "", title)
        assert heading in flat(pages[n - 1]), f"{title!r} is not on page {n}"
        assert heading not in flat(" ".join(pages[contents + 1:n - 1])), f"{title!r} starts before page {n}"


def test_index_lists_each_page_of_a_name_once(built) -> None:
    out, _ = built
    pages = page_texts(out / "volume.pdf")
    index_at = max(i for i, t in enumerate(pages) if "Index of persons and places" in t)
    index = flat(" ".join(pages[index_at:]))
    body = pages[:index_at]
    for entry, mark in (("Zebulon Quartermain", "ZEBULON met"), ("Ynez Oddfellow", "YNEZ in"),
                       ("Xanadu", "in XANADU")):
        m = re.search(re.escape(entry) + r"(?:, [^0-9]*?)? ((?:\d+, )*\d+)", index)
        assert m, f"{entry} not in the index: {index[:400]}"
        listed = [int(n) for n in m.group(1).split(", ")]
        expected = [n for n, text in enumerate(body, 1) if mark in flat(text)]
        assert listed == expected, entry
        assert len(listed) == len(set(listed))
    assert len([n for n, t in enumerate(body, 1) if "ZEBULON met" in flat(t)]) >= 3


def test_the_tei_comes_back_byte_identical(built, edition: Path, tmp_path: Path) -> None:
    out, _ = built
    for pdf, names in (("a.pdf", ["a.xml"]), ("volume.pdf", ["a.xml", "b.xml", "persons.xml", "places.xml"])):
        dest = tmp_path / pdf
        dest.mkdir()
        listing = run(tool("pdfdetach"), "-list", out / pdf)
        assert f"{len(names)} embedded files" in listing
        run(tool("pdfdetach"), "-saveall", "-o", dest, out / pdf)
        assert sorted(p.name for p in dest.iterdir()) == names
        for name in names:
            assert (dest / name).read_bytes() == (edition / name).read_bytes(), name


def test_pdfa_identification_and_metadata_from_the_header(built) -> None:
    out, _ = built
    meta = run(tool("pdfinfo"), "-meta", out / "a.pdf")
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    info = run(tool("pdfinfo"), out / "a.pdf")
    assert re.search(r"^Title:\s+Alpha telegram$", info, re.M)
    assert re.search(r"^Author:\s+Zebulon$", info, re.M)
    assert re.search(r"^Subject:\s+Summary of Alpha telegram\.$", info, re.M)
    assert re.search(r"^Keywords:\s+.*TEI", info, re.M)
    assert b"/Lang (en)" in pdf_objects(out / "a.pdf")
    vol = run(tool("pdfinfo"), out / "volume.pdf")
    assert re.search(r"^Title:\s+Print Test Edition$", vol, re.M)
    assert re.search(r"^Author:\s+Ada Editor$", vol, re.M)


def test_fonts_embedded_and_scripts_printed(built) -> None:
    out, _ = built
    fonts = run(tool("pdffonts"), out / "a.pdf").splitlines()[2:]
    assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts), fonts
    assert any("Noto-Serif" in f for f in fonts)
    assert SCRIPTS in flat(" ".join(page_texts(out / "a.pdf")))


def test_first_page_rendered_for_a_person_to_look_at(built) -> None:
    out, _ = built
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for pdf in ("a", "volume"):
        run(tool("pdftoppm"), "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", out / f"{pdf}.pdf",
            ARTEFACTS / f"pdf-{pdf}-page1")
        png = ARTEFACTS / f"pdf-{pdf}-page1.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_running_heads_and_title_page(built) -> None:
    out, _ = built
    pages = page_texts(out / "volume.pdf")
    assert "Print Test Edition" in pages[0] and "Edited by Ada Editor" in pages[0]
    assert not re.search(r"^\s*1\s*$", pages[0], re.M), "the title page has no page number"
    alpha = [t for t in pages if "CALL A" in t]
    right = [t for t in alpha if "Alpha telegram, 8 July 1950" in t.strip().splitlines()[0]]
    left = [t for t in alpha if t.strip().splitlines()[0].strip() == "Print Test Edition"]
    assert right and left


def test_a_rebuild_writes_nothing_when_nothing_changed(built, edition: Path) -> None:
    from teikit.pdf import build_pdfs

    out, _ = built
    again = build_pdfs([edition], out, SETTINGS, volume=True, jobs=1)
    assert again.written == 0


def test_glyph_missing_from_the_font_is_reported_with_its_place(tmp_path: Path) -> None:
    from teikit.pdf import build_pdfs, font_file

    if font_file() is None:
        missing("the font Noto Serif (scripts/install-fonts)")
    doc = document("C", "Gamma", "1950-01-01", 2, "<p>A sign: \u2603 and \u4e2d.</p>")
    (tmp_path / "c.xml").write_text(doc, encoding="utf-8")
    report = build_pdfs([tmp_path / "c.xml"], tmp_path / "out", SETTINGS)
    found = [d for d in report.diagnostics if d.code == "TK402"]
    assert {d.message.split()[0] for d in found} == {"U+2603", "U+4E2D"}
    line = next(i for i, t in enumerate(doc.splitlines(), 1) if "\u2603" in t)
    assert all(d.line == line and d.col > 1 for d in found)
    assert (tmp_path / "out" / "c.pdf").exists()


def test_hostile_and_broken_tei_are_reported_and_the_rest_printed(tmp_path: Path) -> None:
    (tmp_path / "good.xml").write_text(document("G", "Good", "1950-01-01", 2), encoding="utf-8")
    (tmp_path / "evil.xml").write_text('<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM '
                                       '"file:///etc/passwd">]>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">'
                                       '&x;</TEI>\n', encoding="utf-8")
    (tmp_path / "broken.xml").write_text("<TEI><p>unclosed</TEI>\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["pdf", str(tmp_path), "-o", str(tmp_path / "out"),
                                       "--settings", str(SETTINGS_FILE)])
    assert result.exit_code == 1, result.output
    assert re.search(r"evil\.xml:\d+:\d+: error\[TK203\]", result.output)
    assert re.search(r"broken\.xml:1:\d+: error\[TK2\d\d\]", result.output)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good.pdf"]
    assert "passwd" not in (tmp_path / "out" / "good.pdf").read_bytes().decode("latin-1")


def test_the_layout_loads_nothing_from_outside(tmp_path: Path) -> None:
    from teikit.pdf import _weasyprint_messages, layout

    secret = tmp_path / "secret.css"
    secret.write_text("body { color: red }")
    found: list = []
    with _weasyprint_messages("x.html", found):
        doc = layout(f'<html><head><link rel="stylesheet" href="file://{secret}"></head>'
                     f'<body><img src="file:///etc/hostname" alt="img"><p>text</p></body></html>')
    assert len(doc.pages) == 1
    assert any(d.code == "TK400" and "outside" in d.message for d in found), found


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(main, ["pdf", str(TEI_DIR), "-o", str(tmp_path), "--volume-name", "a/b"])
    assert bad.exit_code == 2
    assert runner.invoke(main, ["pdf", str(tmp_path / "nope"), "-o", str(tmp_path)]).exit_code == 2


def test_a_document_named_like_the_volume_is_refused(tmp_path: Path) -> None:
    from teikit.pdf import build_pdfs

    (tmp_path / "volume.xml").write_text(document("V", "Vee", "1950-01-01", 2), encoding="utf-8")
    report = build_pdfs([tmp_path], tmp_path / "out", SETTINGS, volume=True)
    assert [d.code for d in report.errors] == ["TK404"]
    assert report.volume is None and (tmp_path / "out" / "volume.pdf").exists()


def test_sample_edition_volume_from_the_cli(tmp_path: Path) -> None:
    """The README's main command makes the sample edition's PDFs this way."""
    result = CliRunner().invoke(main, ["pdf", str(TEI_DIR), "-o", str(tmp_path), "--volume",
                                       "--settings", str(SETTINGS_FILE)])
    assert result.exit_code == 0, result.output
    docs = sorted(p.stem for p in TEI_DIR.glob("*.xml") if p.name not in ("persons.xml", "places.xml"))
    assert sorted(p.stem for p in tmp_path.glob("*.pdf")) == sorted([*docs, "volume"])
    pages = page_texts(tmp_path / "volume.pdf")
    title = load_settings(SETTINGS_FILE).title
    assert title in pages[0]
    assert "Stalin" in flat(" ".join(pages[-2:]))  # the index
    assert os.path.getsize(tmp_path / "volume.pdf") > 20_000

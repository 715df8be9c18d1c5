"""The print edition, read as a reader reads it: through poppler's tools.

pdftotext gives each page's text (pages split at form feeds), pdfdetach the
attachments, pdfinfo the PDF/A identification and metadata, pdffonts the
fonts, pdftoppm page 1 as a picture for a person to look at; pikepdf reads
what poppler's tools do not show (links, the outline, page labels). A test
edition is made here with names and notes placed so that the expected pages
can be computed from the text itself, independently of teikit's own page
map. The volume is laid out in parts; it is made once in one part and once
in a part per document, laid out by two processes, and the two must read
alike.
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


FOLIO = re.compile(r"\d+|[ivxlc]+")


def folios(pages: list[str]) -> list[str]:
    """The number printed at the foot of each page ("" where none is)."""
    found = []
    for text in pages:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        found.append(lines[-1] if lines and FOLIO.fullmatch(lines[-1]) else "")
    return found


def page_of(pages: list[str], number: str) -> int:
    """The index (from 0) of the page printed with ``number``."""
    return folios(pages).index(number)


def links_and_outline(pdf: Path) -> tuple[list[tuple[int, int]], list[tuple[int, str, int]], list[str]]:
    """(page, target page) of each internal link; (level, title, page) of each bookmark; page labels."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        at = {page.obj.objgen: i for i, page in enumerate(doc.pages)}
        dests = {str(k): v for k, v in pikepdf.NameTree(doc.Root.Names.Dests).items()}
        links = []
        for i, page in enumerate(doc.pages):
            for annot in page.obj.get("/Annots", []):
                assert "/A" not in annot or "teikit-anchor" not in str(annot.A.get("/URI", "")), annot
                if "/Dest" in annot:
                    dest = annot.Dest
                    dest = dests[str(dest)] if isinstance(dest, pikepdf.String) else dest
                    links.append((i, at[dest[0].objgen]))
        outline: list[tuple[int, str, int]] = []

        def walk(items: list, level: int) -> None:
            for item in items:
                outline.append((level, item.title, at[item.destination[0].objgen]))
                walk(item.children, level + 1)

        with doc.open_outline() as tree:
            walk(tree.root, 0)
        labels = [page.label for page in doc.pages]
    return links, outline, labels


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


@pytest.fixture(scope="module")
def chunked(edition: Path, tmp_path_factory: pytest.TempPathFactory):
    """The volume in a part per document, laid out by two processes side by side."""
    from teikit import pdf_volume
    from teikit.pdf import build_pdfs

    out = tmp_path_factory.mktemp("chunked")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf_volume, "CHUNK_DOCS", 1)
        report = build_pdfs([edition], out, SETTINGS, documents=False, volume=True, jobs=2)
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


@pytest.mark.parametrize("volume", ["built", "chunked"])
def test_contents_give_the_pages_the_documents_start_on(volume: str, request: pytest.FixtureRequest) -> None:
    out, _ = request.getfixturevalue(volume)
    pages = page_texts(out / "volume.pdf")
    contents = next(i for i, t in enumerate(pages) if t.strip().splitlines()[1:2] == ["Contents"]
                    or "\nContents\n" in t)
    entries = re.findall(r"^(.+?)[ .]*\.\s*(\d+|[ivxlc]+)\s*$", pages[contents], re.M)
    found = {title.strip(" ."): n for title, n in entries}
    assert found.keys() >= {"Introduction", "Editorial conventions", "1. Beta letter, 1 June 1950",
                            "2. Alpha telegram, 8 July 1950", "Index of persons and places"}, found
    assert found["Introduction"] == "iv" and found["1. Beta letter, 1 June 1950"] == "1"
    for title, n in found.items():
        heading = re.sub(r",\s*\d+ \w+ \d{4}$", "", title)
        at = page_of(pages, n)
        assert heading in flat(pages[at]), f"{title!r} is not on page {n}"
        assert heading not in flat(" ".join(pages[contents + 1:at])), f"{title!r} starts before page {n}"


@pytest.mark.parametrize("volume", ["built", "chunked"])
def test_index_lists_each_page_of_a_name_once(volume: str, request: pytest.FixtureRequest) -> None:
    out, _ = request.getfixturevalue(volume)
    pages = page_texts(out / "volume.pdf")
    index_at = max(i for i, t in enumerate(pages) if "Index of persons and places" in t)
    index = flat(" ".join(pages[index_at:]))
    body = list(zip(folios(pages), pages, strict=True))[:index_at]
    for entry, mark in (("Zebulon Quartermain", "ZEBULON met"), ("Ynez Oddfellow", "YNEZ in"),
                       ("Xanadu", "in XANADU")):
        m = re.search(re.escape(entry) + r"(?:, [^0-9]*?)? ((?:\d+, )*\d+)", index)
        assert m, f"{entry} not in the index: {index[:400]}"
        listed = [int(n) for n in m.group(1).split(", ")]
        expected = [int(n) for n, text in body if mark in flat(text)]
        assert listed == expected, entry
        assert len(listed) == len(set(listed))
    assert len([n for n, t in body if "ZEBULON met" in flat(t)]) >= 3


def test_a_volume_made_in_parts_reads_as_one_made_whole(built, chunked) -> None:
    """Text, folios, running heads, contents and index: page by page the same."""
    one, parts = page_texts(built[0] / "volume.pdf"), page_texts(chunked[0] / "volume.pdf")
    assert len(one) == len(parts) == chunked[1].pages
    for n, (a, b) in enumerate(zip(one, parts, strict=True)):
        assert a == b, f"page {n + 1} differs"
    assert links_and_outline(built[0] / "volume.pdf") == links_and_outline(chunked[0] / "volume.pdf")


def crowded_edition(folder: Path) -> Path:
    """An edition whose index runs over several pages: 200 persons, each named on ten or so pages."""
    folder.mkdir()
    people = "".join(f'<person xml:id="p{i:03d}"><persName type="main">Person{i:03d} Surname</persName>'
                     f"<note>Clerk {i}.</note></person>" for i in range(200))
    persons = REGISTER.format(title="Persons", body=f"<listPerson>{people}</listPerson>")
    (folder / "persons.xml").write_text(persons, encoding="utf-8")
    (folder / "places.xml").write_text(PLACES, encoding="utf-8")
    for d in range(4):
        paragraphs = "".join(
            "<p>" + " ".join(f'<persName ref="#p{(i * 13 + k * 17 + d) % 200:03d}">P{k}</persName>'
                             for k in range(10))
            + (' in <placeName ref="#xan">XANADU</placeName>' if i % 5 == 0 else "") + f". {FILLER * 2}</p>"
            for i in range(50))
        text = document(f"C{d}", f"Crowded {d}", f"1951-01-0{d + 1}", 1)
        text = text.replace("<div>", "<div>" + paragraphs)
        (folder / f"c{d}.xml").write_text(text, encoding="utf-8")
    return folder


def one_and_in_parts(edition: Path, out: Path, monkeypatch: pytest.MonkeyPatch, limit: str, value: int,
                     stem: str) -> tuple[list[str], int]:
    """The volume made in one part of a kind and with ``limit`` set to ``value``: checks that
    they read alike page by page (text, links, bookmarks); the pages, and how many parts of
    the kind (file names ``stem-…``) the second had."""
    from teikit import pdf_volume
    from teikit.pdf import build_pdfs

    merged: list[list[str]] = []
    merge = pdf_volume.merge
    monkeypatch.setattr(pdf_volume, "merge", lambda parts, target: (
        merged.append([p.path.name for p in parts]), merge(parts, target))[1])
    one = build_pdfs([edition], out / "one", SETTINGS, documents=False, volume=True, jobs=2)
    monkeypatch.setattr(pdf_volume, limit, value)
    parts = build_pdfs([edition], out / "parts", SETTINGS, documents=False, volume=True, jobs=2)
    assert not one.errors and not parts.errors, (one.errors, parts.errors)
    counts = [sum(n.startswith(f"{stem}-") for n in names) for names in merged]
    assert counts[0] == 1, counts
    a, b = page_texts(out / "one" / "volume.pdf"), page_texts(out / "parts" / "volume.pdf")
    assert len(a) == len(b)
    for n, (x, y) in enumerate(zip(a, b, strict=True)):
        assert x == y, f"page {n + 1} differs"
    assert links_and_outline(out / "one" / "volume.pdf") == links_and_outline(out / "parts" / "volume.pdf")
    return b, counts[1]


def test_an_index_laid_out_in_parts_reads_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each part of the index leaves its last page to the next: the pages read as one list."""
    pages, parts = one_and_in_parts(crowded_edition(tmp_path / "tei"), tmp_path, monkeypatch,
                                    "INDEX_LINKS", 700, "index")
    assert parts >= 3
    index = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Index of persons"))
    assert len(pages) - index >= 4, "the index should run over several pages"
    text = flat(" ".join(pages[index:]))
    for i in range(200):  # every entry once
        assert text.count(f"Person{i:03d} Surname") == 1, i


def test_contents_laid_out_in_parts_read_as_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The contents of 90 documents in parts of at most 40: each part leaves its last page to the
    next, the first part is laid out again with the introduction's and conventions' pages."""
    edition = tmp_path / "tei"
    edition.mkdir()
    (edition / "persons.xml").write_text(PERSONS, encoding="utf-8")
    (edition / "places.xml").write_text(PLACES, encoding="utf-8")
    for d in range(90):
        title = f"Short note {d:02d}" + (" with a title long enough to run over onto a second line of"
                                        " the contents, as titles of telegrams do" if d % 7 == 0 else "")
        (edition / f"n{d:02d}.xml").write_text(document(f"N{d}", title, f"1952-03-{d % 28 + 1:02d}", 1),
                                               encoding="utf-8")
    pages, parts = one_and_in_parts(edition, tmp_path, monkeypatch, "CONTENTS_ENTRIES", 40, "front")
    assert parts >= 3
    contents = flat(" ".join(pages[2:6]))
    for d in range(90):  # every document once, with its number
        assert contents.count(f"Short note {d:02d}") == 1, d
    given = re.search(r"Introduction [. ]*\b([ivx]+) Editorial", contents)
    assert given, contents[:300]
    assert "An introduction of one paragraph" in pages[page_of(pages, given.group(1))]


def test_a_part_that_fails_leaves_no_volume_and_no_process(edition: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import multiprocessing

    from teikit import pdf_parts, pdf_volume
    from teikit.pdf import build_pdfs

    real = pdf_parts.lay_part

    def failing(task, ask):  # the layout processes are forked with this in place
        if task.key == 2:
            raise ValueError("no room for this part")
        return real(task, ask)

    monkeypatch.setattr(pdf_volume, "CHUNK_DOCS", 1)
    monkeypatch.setattr(pdf_parts, "lay_part", failing)
    report = build_pdfs([edition], tmp_path, SETTINGS, documents=False, volume=True, jobs=2)
    assert [d.code for d in report.errors] == ["TK403"]
    assert "no room for this part" in report.errors[0].message
    assert report.volume is None and list(tmp_path.iterdir()) == []
    assert not multiprocessing.active_children()


def test_front_matter_in_roman_numerals_and_page_1_a_right_page(chunked) -> None:
    out, _ = chunked
    pages = page_texts(out / "volume.pdf")
    printed = folios(pages)
    first = printed.index("1")
    assert printed[:first] == ["", "", "iii", "iv", "v", ""]  # title, colophon, ..., a blank verso
    assert printed[first:] == [str(n) for n in range(1, len(pages) - first + 1)]
    _, _, labels = links_and_outline(out / "volume.pdf")
    assert labels == ["i", "ii", "iii", "iv", "v", "vi", *printed[first:]]
    # Right pages (odd) carry the document's head, left pages (even) the edition's, across the parts.
    alpha_starts = next(i for i, t in enumerate(pages) if "2. Alpha telegram" in t and i > first)
    assert int(printed[alpha_starts]) % 2 == 0, "the test wants a part that starts on a left page"
    for text, n in zip(pages[first:], printed[first:], strict=True):
        head = text.strip().splitlines()[0].strip()
        assert head == "Print Test Edition" if int(n) % 2 == 0 else head != "Print Test Edition", (n, head)


@pytest.mark.parametrize("volume", ["built", "chunked"])
def test_links_and_outline_reach_across_the_parts(volume: str, request: pytest.FixtureRequest) -> None:
    out, _ = request.getfixturevalue(volume)
    pages = page_texts(out / "volume.pdf")
    printed = folios(pages)
    links, outline, _ = links_and_outline(out / "volume.pdf")
    # The contents link to the introduction, the conventions, each document and the index.
    contents = next(i for i, t in enumerate(pages) if "Contents" in t.strip().splitlines()[:2])
    starts = [next(i for i, t in enumerate(pages) if heading in flat(t) and printed[i] != "iii")
              for heading in ("Introduction", "Editorial conventions", "1. Beta letter", "2. Alpha telegram",
                              "Index of persons and places")]
    assert list(dict.fromkeys(to for at, to in links if at == contents)) == starts  # a link per box
    # Each page number of the index links to that page.
    index_at = starts[-1]
    index = " ".join(pages[i].rsplit(printed[i], 1)[0] for i in range(index_at, len(pages)))
    numbers = re.findall(r"\b\d+\b", flat(index).split("Persons", 1)[1])
    reached = [printed[to] for at, to in links if at >= index_at]
    assert reached == numbers and len(reached) >= 8
    titles = [(level, title) for level, title, _ in outline]
    assert titles[:4] == [(0, "Print Test Edition"), (0, "Contents"), (0, "Introduction"),
                          (0, "Editorial conventions")]
    assert (0, "1. Beta letter") in titles and (0, "2. Alpha telegram") in titles
    assert titles[-3:] == [(0, "Index of persons and places"), (1, "Persons"), (1, "Places")]
    for _level, title, page in outline:
        assert flat(title) in flat(pages[page]), title


def test_the_tei_comes_back_byte_identical(built, chunked, edition: Path, tmp_path: Path) -> None:
    volume = ["a.xml", "b.xml", "persons.xml", "places.xml"]
    for n, (pdf, names) in enumerate(((built[0] / "a.pdf", ["a.xml"]), (built[0] / "volume.pdf", volume),
                                      (chunked[0] / "volume.pdf", volume))):
        dest = tmp_path / str(n)
        dest.mkdir()
        listing = run(tool("pdfdetach"), "-list", pdf)
        assert f"{len(names)} embedded files" in listing
        run(tool("pdfdetach"), "-saveall", "-o", dest, pdf)
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


@pytest.mark.parametrize("volume", ["built", "chunked"])
def test_the_volume_is_pdfa_3b_with_the_edition_s_metadata(volume: str,
                                                           request: pytest.FixtureRequest) -> None:
    out, _ = request.getfixturevalue(volume)
    meta = run(tool("pdfinfo"), "-meta", out / "volume.pdf")
    assert 'pdfaid:part="3"' in meta and 'pdfaid:conformance="B"' in meta
    vol = run(tool("pdfinfo"), out / "volume.pdf")
    assert re.search(r"^Title:\s+Print Test Edition$", vol, re.M)
    assert re.search(r"^Author:\s+Ada Editor$", vol, re.M)


@pytest.mark.parametrize("volume", ["built", "chunked"])
def test_fonts_embedded_and_scripts_printed(volume: str, request: pytest.FixtureRequest) -> None:
    out, _ = request.getfixturevalue(volume)
    for pdf in ("a.pdf", "volume.pdf"):
        if not (out / pdf).exists():
            continue
        fonts = run(tool("pdffonts"), out / pdf).splitlines()[2:]
        assert fonts and all(re.search(r"\byes\s+yes\s+yes\b", f) for f in fonts), fonts
        assert any("Noto-Serif" in f for f in fonts)
        # each part's subset of a font has a name of its own
        names = [f.split()[0] for f in fonts]
        assert len(names) == len(set(names)), names
        assert SCRIPTS in flat(" ".join(page_texts(out / pdf)))


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


def test_a_file_that_is_not_tei_is_reported_and_left_out_of_the_volume(tmp_path: Path) -> None:
    from teikit.pdf import build_pdfs

    (tmp_path / "good.xml").write_text(document("G", "Good", "1950-01-01", 2), encoding="utf-8")
    (tmp_path / "page.xml").write_text('<?xml version="1.0"?>\n\n<html xmlns="http://www.w3.org/1999/xhtml">'
                                       "<body><p>Not TEI</p></body></html>\n", encoding="utf-8")
    report = build_pdfs([tmp_path], tmp_path / "out", SETTINGS, documents=False, volume=True, jobs=1)
    assert [(d.code, Path(d.path).name, d.line) for d in report.errors] == [("TK303", "page.xml", 3)]
    assert "html, not a TEI document" in report.errors[0].message
    text = flat(" ".join(page_texts(tmp_path / "out" / "volume.pdf")))
    assert "1. Good" in text and "Not TEI" not in text


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

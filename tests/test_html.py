"""The HTML edition as a build: pages, indexes, diagnostics, safety, rebuilds, CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html

from conftest import ROOT
from teikit.cli import main
from teikit.settings import Settings, SettingsError, load_settings, parse_settings
from teikit.web import build_html
from teikit.xslt import element_at, messages_to_diagnostics

TEI = ROOT / "tei"
SETTINGS = load_settings(ROOT / "teikit.toml")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    report = build_html([TEI], out, SETTINGS, search=False)
    assert not report.diagnostics, report.diagnostics
    return out


def page(site: Path, name: str) -> html.HtmlElement:
    return html.fromstring((site / name).read_bytes())


def test_the_sample_edition_has_every_page(site: Path) -> None:
    for name in ("index.html", "documents.html", "persons.html", "places.html", "conventions.html",
                 "assets/teikit.css", "assets/teikit.js", "tei/persons.xml"):
        assert (site / name).is_file(), name
    docs = sorted(p.stem for p in (site / "documents").glob("*.html"))
    assert docs == sorted(p.stem for p in TEI.glob("0*.xml"))
    assert not (site / "search.html").exists()  # built without search


def test_home_page_comes_from_the_settings(site: Path) -> None:
    home = page(site, "index.html")
    assert home.xpath("string(//h1)") == SETTINGS.title
    assert SETTINGS.introduction[0][:40] in home.text_content()
    assert "5 documents" in home.xpath("string(//p[@class='extent'])")


def test_an_edition_of_one_document_says_so_in_the_singular(tmp_path: Path) -> None:
    (tmp_path / "tei").mkdir()
    for name in ("persons.xml", "places.xml", sorted(p.name for p in TEI.glob("0*.xml"))[0]):
        shutil.copy(TEI / name, tmp_path / "tei" / name)
    build_html([tmp_path / "tei"], tmp_path / "site", SETTINGS, search=False)
    assert page(tmp_path / "site", "index.html").xpath("string(//p[@class='extent'])").startswith(
        "1 document")
    assert "1 documents" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    caption = page(tmp_path / "site", "documents.html").xpath("string(//caption)")
    assert caption == "1 document", caption


def test_chronology_is_sorted_and_filterable(site: Path) -> None:
    doc = page(site, "documents.html")
    when = doc.xpath("//table[@class='chronology']//time/@datetime")
    assert len(when) == 5 and when == sorted(when)
    senders = doc.xpath("//select[@data-filter='sender']/option/@value")
    assert "stalin" in senders and "shtykov" in senders
    rows = doc.xpath("//tbody/tr[contains(concat(' ', @data-sender, ' '), ' stalin ')]")
    assert rows and all("Stalin" in r.xpath("string(td[3])") for r in rows)


def test_register_lists_every_mention_with_a_link_to_it(site: Path) -> None:
    persons = page(site, "persons.html")
    links = persons.xpath("//section[@id='stalin']//a[@class='mention']/@href")
    in_docs = 0
    for f in (site / "documents").glob("*.html"):
        in_docs += len(page(site, f"documents/{f.name}").xpath(
            "//div[@class='text']//a[contains(@class,'name')][@href='../persons.html#stalin']")) + len(
            page(site, f"documents/{f.name}").xpath(
                "//section[@class='footnotes']//a[@href='../persons.html#stalin']"))
    assert len(links) == in_docs > 0
    for href in links:
        name, anchor = href.split("#")
        target = page(site, name).xpath(f"//*[@id='{anchor}']")
        assert target and target[0].get("href") == "../persons.html#stalin"
    assert page(site, "places.html").xpath("//section[@id='pyongyang']//a[@class='mention']")


def test_document_page_metadata_and_links(site: Path) -> None:
    doc = page(site, "documents/003_bc18ef6dd29c6293.html")
    fields = {dt.text: dt.getnext().text_content() for dt in doc.xpath("//section[@class='metadata']//dt")}
    assert fields["Translated by"] == "Vladislav Zubok"
    assert fields["Archive"].startswith("Archive of the President of the Russian Federation")
    doc = page(site, "documents/001_daaa185b9623fcbd.html")
    fields = {dt.text: dt.getnext().text_content() for dt in doc.xpath("//section[@class='metadata']//dt")}
    assert "→" in fields["From → to"] and "Stalin" in fields["From → to"]
    assert doc.xpath("//a[@href='../tei/001_daaa185b9623fcbd.xml']")
    assert (site / "tei" / "001_daaa185b9623fcbd.xml").read_bytes() == (
        TEI / "001_daaa185b9623fcbd.xml").read_bytes()
    notes = doc.xpath("//sup[@class='fn-ref']/a")
    assert [a.text for a in notes] == [str(i) for i in range(1, len(notes) + 1)]
    for a in notes:
        n = a.get("href")[1:]
        back = doc.xpath(f"//li[@id='{n}']/a[@class='backlink']/@href")
        assert back == [f"#{a.get('id')}"]


def test_a_metadata_field_shows_only_when_the_header_has_a_value(tmp_path: Path) -> None:
    """A date with @when but no words still shows (its label comes from @when); an empty
    abstract, rights statement or date does not; nor do the files without a TEI or PDF link."""
    header = ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>T</title>'
              '</titleStmt><publicationStmt><availability><p> </p></availability></publicationStmt>'
              '<sourceDesc><p/></sourceDesc></fileDesc><profileDesc><abstract><p/></abstract>'
              '<correspDesc><correspAction type="sent"><persName>A</persName>{date}</correspAction>'
              '</correspDesc></profileDesc></teiHeader><text><body><p>x</p></body></text></TEI>')
    src = tmp_path / "tei"
    src.mkdir()
    (src / "dated.xml").write_text(header.format(date='<date when="1950-07-08"/>'), encoding="utf-8")
    (src / "undated.xml").write_text(header.format(date="<date/>"), encoding="utf-8")
    build_html([src], tmp_path / "site", search=False)
    for name, date in (("dated", "8 July 1950"), ("undated", None)):
        doc = page(tmp_path / "site", f"documents/{name}.html")
        fields = {dt.getparent().get("class"): dt.getnext().text_content()
                  for dt in doc.xpath("//section[@class='metadata']//dt")}
        assert fields.get("field field-date") == date
        assert fields["field field-from-to"] == "A → unknown"
        assert {"field field-summary", "field field-rights"}.isdisjoint(fields)
        assert "field field-files" in fields  # the TEI copy is linked


def test_stable_url_in_citation_when_base_url_is_set(tmp_path: Path) -> None:
    s = parse_settings('[edition]\ntitle = "E"\nbase_url = "https://example.org/ed"\n')
    build_html([TEI / "000_e0272aa94a0e144f.xml"], tmp_path, s, search=False)
    cite = page(tmp_path, "documents/000_e0272aa94a0e144f.html").xpath("//section[@class='cite']//a/@href")
    assert cite == ["https://example.org/ed/documents/000_e0272aa94a0e144f.html"]


def test_pdf_linked_only_when_there_is_one(tmp_path: Path) -> None:
    pdfs = tmp_path / "pdf"
    pdfs.mkdir()
    (pdfs / "000_e0272aa94a0e144f.pdf").write_bytes(b"%PDF-1.7\n")
    out = tmp_path / "site"
    build_html([TEI / "000_e0272aa94a0e144f.xml", TEI / "002_d3fe4099076271ef.xml"], out, pdf_dir=pdfs,
               search=False)
    linked = page(out, "documents/000_e0272aa94a0e144f.html")
    assert linked.xpath("//a[@href='../pdf/000_e0272aa94a0e144f.pdf']")
    assert not page(out, "documents/002_d3fe4099076271ef.html").xpath("//a[@type='application/pdf']")
    assert (out / "pdf" / "000_e0272aa94a0e144f.pdf").is_file()


def test_rebuild_writes_only_what_changed(tmp_path: Path) -> None:
    src = tmp_path / "tei"
    shutil.copytree(TEI, src)
    out = tmp_path / "site"
    first = build_html([src], out, search=False)
    assert first.written > 10
    assert build_html([src], out, search=False).written == 0
    # regression: the edition's pages (root "") once leaked their root into the next build
    assert page(out, "documents/000_e0272aa94a0e144f.html").xpath("//link[@href='../assets/teikit.css']")
    (src / "002_d3fe4099076271ef.xml").unlink()
    again = build_html([src], out, search=False)
    assert not (out / "documents" / "002_d3fe4099076271ef.html").exists()  # no orphan page
    assert not (out / "tei" / "002_d3fe4099076271ef.xml").exists()
    assert 0 < again.written <= 6  # the edition's pages that list it


TEI_NS = 'xmlns="http://www.tei-c.org/ns/1.0"'


def _doc(body: str) -> str:
    return (f'<TEI {TEI_NS}><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
            '<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
            f'</teiHeader>\n<text><body>\n<p>one <persName ref="#nobody">X</persName>\n'
            f'two {body}</p></body></text></TEI>')


def test_bad_documents_are_diagnosed_and_the_rest_builds(tmp_path: Path) -> None:
    src = tmp_path / "tei"
    src.mkdir()
    (src / "good.xml").write_text(_doc("<w>kept</w>"), encoding="utf-8")
    (src / "hostile.xml").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        f'<TEI {TEI_NS}>&x;</TEI>', encoding="utf-8")
    (src / "broken.xml").write_text(f"<TEI {TEI_NS}><text>\n<p>unclosed</text></TEI>", encoding="utf-8")
    (src / "other.xml").write_text("<html><body/></html>", encoding="utf-8")
    out = tmp_path / "site"
    report = build_html([src], out, search=False)
    by_code = {(d.code, Path(d.path).name): d for d in report.diagnostics}
    assert by_code[("TK203", "hostile.xml")].line == 2
    assert by_code[("TK201", "broken.xml")].line == 2
    assert ("TK303", "other.xml") in by_code
    unhandled = by_code[("TK301", "good.xml")]
    assert (unhandled.line, unhandled.col) == (4, 5) and "w" in unhandled.message
    unresolved = by_code[("TK302", "good.xml")]
    assert (unresolved.line, unresolved.col) == (3, 8)
    assert report.documents == ["good"]
    good = (out / "documents" / "good.html").read_text(encoding="utf-8")
    assert "kept" in good and "passwd" not in good
    assert not list(out.rglob("*.tmp")) and not (out / "documents" / "hostile.html").exists()


PROBE = """
import sys
from pathlib import Path
from teikit.xslt import Stylesheet, TransformError
s = Stylesheet(Path(sys.argv[1]))
r = s.apply(s.parse("<a/>"), "a.xml")
print(r.output, sorted(r.documents))
try:
    Stylesheet(Path(sys.argv[1]))
except TransformError as e:
    print("refused:", e)
"""


def test_saxon_cannot_read_or_write_files(tmp_path: Path) -> None:
    """A stylesheet (or a document steering one) reaches no file: reads fail, writes are captured."""
    xsl = tmp_path / "probe.xsl"
    xsl.write_text(
        '<xsl:stylesheet version="3.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">'
        '<xsl:template match="/"><xsl:result-document href="escaped.txt">x</xsl:result-document>'
        '<r><xsl:value-of select="unparsed-text-available(\'file:///etc/hostname\')"/>'
        '<xsl:value-of select="doc-available(\'file:///etc/passwd\')"/></r></xsl:template>'
        '</xsl:stylesheet>', encoding="utf-8")
    # Saxon's lock-down lasts for the process: probe it in a fresh one
    done = subprocess.run([sys.executable, "-c", PROBE, str(xsl)], capture_output=True, text=True,
                          cwd=tmp_path, check=True)
    assert "falsefalse" in done.stdout and "escaped.txt" in done.stdout
    assert not list(tmp_path.rglob("escaped.txt"))
    assert "refused: " in done.stdout and "compile every stylesheet" in done.stdout


def test_messages_become_diagnostics_with_line_and_column() -> None:
    from lxml import etree

    data = b'<a xmlns="urn:x">\n  <b/><b><c/></b>\n</a>'
    tree = etree.fromstring(data).getroottree()
    msgs = "TK301\t/Q{urn:x}a[1]/Q{urn:x}b[2]/Q{urn:x}c[1]\tno rule\nplain words"
    d1, d2 = messages_to_diagnostics(msgs, "f.xml", tree, data)
    assert (d1.code, d1.line, d1.col, d1.message) == ("TK301", 2, 10, "no rule")
    assert (d2.code, d2.message) == ("TK300", "plain words")
    assert element_at(tree, "/Q{urn:x}a[1]/Q{urn:x}b[3]") is None


def test_settings_are_checked_with_clear_messages(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r":3:1: error\[TK011\] edition.base_url"):
        parse_settings('[edition]\ntitle = "T"\nbase_url = "example.org"\n', Path("teikit.toml"))
    with pytest.raises(SettingsError, match="unknown setting"):
        parse_settings('[edition]\ntitel = "T"\n')
    with pytest.raises(SettingsError, match="ORCID"):
        parse_settings('[edition]\neditors = [{ name = "A", orcid = "123" }]\n')
    s = parse_settings('[edition]\neditors = ["A. B", { name = "C", orcid = "0000-0002-1825-0097" }]\n'
                       'base_url = "https://x.org"\nintroduction = """one\ntwo\n\nthree"""\n')
    assert s.editor_names == "A. B; C" and s.base_url == "https://x.org/"
    assert s.introduction == ("one two", "three")
    with pytest.raises(SettingsError, match="no such settings file"):
        load_settings(tmp_path / "absent.toml")
    assert parse_settings("") == Settings()


def test_cli_builds_the_site_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "site"
    r = CliRunner().invoke(main, ["html", str(TEI), "-o", str(out), "--no-search",
                                  "--settings", str(ROOT / "teikit.toml")])
    assert r.exit_code == 0, r.output
    assert "5 documents" in r.output and (out / "index.html").is_file()
    bad = tmp_path / "bad.toml"
    bad.write_text("[edition]\ntitle = 3\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["html", str(TEI), "-o", str(out), "--settings", str(bad)])
    assert r.exit_code == 2 and "edition.title" in r.output
    broken = tmp_path / "broken.xml"
    broken.write_text("<TEI", encoding="utf-8")
    r = CliRunner().invoke(main, ["html", str(broken), "-o", str(out), "--no-search"])
    assert r.exit_code == 1 and "TK201" in r.output


@pytest.mark.slow
def test_search_index_is_built(tmp_path: Path) -> None:
    report = build_html([TEI], tmp_path, SETTINGS, search=True)
    assert not report.diagnostics, report.diagnostics
    assert (tmp_path / "pagefind" / "pagefind-ui.js").is_file()
    assert (tmp_path / "search.html").is_file()
    assert list((tmp_path / "pagefind").glob("shards/*/index/*.pf_index"))  # see test_search.py
    # what the index holds of a page (and its excerpts show): the metadata's values, without
    # their terms, which pagefind would run into them ("Date1 July 1950", "From → toStalin")
    import gzip
    import json

    contents = {}
    for fragment in (tmp_path / "pagefind").glob("shards/*/fragment/*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        record = json.loads(raw[raw.index(b"{"):])
        contents[record["url"]] = record["content"]
    page_text = contents["/documents/002_d3fe4099076271ef.html"]
    assert "About this document. 1 July 1950. Feng Xi (Joseph Stalin) → Soviet Ambassador" in page_text
    terms = ("Date1", "From → to", "Archive Archive")
    assert not any(term in text for text in contents.values() for term in terms)
    # nor what every page repeats: rights, how to cite, the view switch, the encoding notes
    repeated = ("welcomes reuse", "How to cite", "Diplomatic", "Converted to TEI", "↩")
    assert not any(words in text for text in contents.values() for words in repeated)
    assert all("About this document" in text for text in contents.values())


def test_summary_anchors_are_the_ids_the_page_gives_its_names(tmp_path: Path) -> None:
    """site_summary counts names as names.xsl's accumulator does, nested texts included:
    each mention's anchor is the id of that very name on the document page."""
    from lxml import etree

    from teikit.site_summary import summarize

    src = tmp_path / "tei"
    shutil.copytree(TEI, src)
    (src / "grouped.xml").write_text(
        f'<TEI {TEI_NS}><teiHeader><fileDesc><titleStmt><title> A\n group &amp; &lt;"x"&gt;</title>'
        '</titleStmt>'
        '<publicationStmt><p/></publicationStmt><sourceDesc><p/></sourceDesc></fileDesc>'
        '<profileDesc><correspDesc><correspAction type="sent"><persName ref="#stalin">Filippov'
        '</persName><date when="1950-07">July</date></correspAction></correspDesc></profileDesc>'
        '</teiHeader><text><group><text><body><p><persName ref="#stalin">St<hi>al</hi>in</persName> and '
        '<persName ref="#nobody">X</persName></p></body></text><text><body><p><placeName '
        'ref="#pyongyang">Pyong\u00a0yang</placeName> <rs ref="https://example.org/x">it</rs> '
        '<persName ref="#shtykov">Shtykov</persName></p></body></text></group></text></TEI>',
        encoding="utf-8")
    build_html([src], tmp_path / "site", search=False)
    entries = {i for r in ("persons", "places")
               for i in etree.parse(str(src / f"{r}.xml")).xpath("//@xml:id")}
    checked = 0
    for tei in sorted(src.glob("*.xml")):
        if tei.stem in ("persons", "places"):
            continue
        summary = etree.fromstring(summarize(etree.parse(str(tei)).getroot(), tei.stem))
        doc = page(tmp_path / "site", f"documents/{tei.stem}.html")
        for mention in summary.iterfind("{https://teikit.org/ns/xslt}mention"):
            if mention.get("ref") not in entries:  # no entry, no link: the registers never ask
                continue
            target = doc.xpath(f"//*[@id='{mention.get('anchor')}']")
            assert len(target) == 1, (tei.name, mention.get("anchor"))
            shown = "".join(target[0].xpath("text() | *[not(@class='tip')]//text()"))
            assert " ".join(shown.split()) == " ".join((mention.text or "").split())
            assert target[0].get("href", "").endswith(f"#{mention.get('ref')}") or target[0].tag == "span"
            checked += 1
    assert checked > 20
    grouped = etree.fromstring(summarize(etree.parse(str(src / "grouped.xml")).getroot(), "grouped"))
    assert grouped.get("title") == 'A group & <"x">' and grouped.get("when") == "1950-07"
    assert grouped.find("{*}mention").text == "Stalin"
    assert [(m.get("ref"), m.get("anchor")) for m in grouped.iterfind("{*}mention")] == [
        ("stalin", "m1"), ("nobody", "m2"), ("pyongyang", "m3"), ("shtykov", "m5")]
    assert [m.text for m in grouped.iterfind("{*}mention")][2] == "Pyong\u00a0yang"  # not XML space
    assert [(p.get("ref"), p.get("name")) for p in grouped.iterfind("{*}sender")] == [("#stalin", "Filippov")]
    months = page(tmp_path / "site", "documents.html").xpath("//time[@datetime='1950-07']/text()")
    assert months == ["July 1950"]


ENTRY_INFO = """
import sys
from pathlib import Path
from teikit.validate_safe import load_file
from teikit.web import ENTRY, entry_info
from teikit.xslt import compiled

tei = Path(sys.argv[1])
sheet = compiled(ENTRY)
regs = [sheet.parse(load_file(tei / r).data.decode("utf-8")) for r in ("persons.xml", "places.xml")]
sheet.set_params({"registers": regs, "doc-id": "001_daaa185b9623fcbd"})
doc = load_file(tei / "001_daaa185b9623fcbd.xml")
if sys.argv[2] == "passed":
    sheet.set_params({"entry-info": entry_info(sheet)})
sys.stdout.write(sheet.apply(sheet.parse(doc.data.decode("utf-8")), doc.path, doc.tree, doc.data).output)
"""


def test_entry_info_passed_once_gives_the_pages_computing_it_gives() -> None:
    """web passes names.xsl's register lookups (entry-info) once per process; a caller that
    does not gets the same page, the stylesheet computing them itself. Each in a process of
    its own, as the parameters of the shared compiled stylesheet are the site's."""
    pages = [subprocess.run([sys.executable, "-c", ENTRY_INFO, str(TEI), how], capture_output=True,
                            text=True, check=True).stdout for how in ("computed", "passed")]
    assert pages[0] == pages[1]
    assert 'href="../persons.html#stalin"' in pages[1] and "Chairman of the Council of Ministers" in pages[1]

"""The merge of a volume's parts (``pdf_merge``), on small PDFs made here with WeasyPrint.

Three parts: a front matter of three pages (PDF/A-3b, with an attachment,
a contents page linking to the other parts and a link to an anchor nobody
has), then two parts of documents, each with anchors, bookmarks and links
to the other parts. The merged PDF is read back with pikepdf.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from pikepdf import Name, NameTree

from teikit.pdf_merge import Part, merge

weasyprint = pytest.importorskip("weasyprint")

STYLE = "<style>@page { size: A6 } .new { break-before: page }</style>"
TEI = b"<TEI xmlns='http://www.tei-c.org/ns/1.0'><text><body><p>x</p></body></text></TEI>"

FRONT = STYLE + """<html lang="en"><body>
<h1 id="title">Title page</h1>
<section class="new" id="contents"><h1>Contents</h1>
  <p><a href="teikit-anchor:doc-a">Document A</a></p>
  <p><a href="teikit-anchor:doc-b">Document B</a></p>
  <p><a href="teikit-anchor:nowhere">A page that is not there</a></p>
  <p><a href="https://example.org/">A site</a></p></section>
<section class="new" id="intro"><h1>Introduction</h1><p>Words.</p></section>
</body></html>"""

PART_A = STYLE + """<html lang="en"><body>
<section id="doc-a"><h1>Document A</h1><h2 id="a-sub">A's section</h2>
  <p id="a-1">A first mention, <a href="teikit-anchor:b-1">see B</a>.</p></section>
<section class="new" id="a-more"><p id="a-2">A second page.</p></section>
<p id="shared">Named twice: here first.</p>
</body></html>"""

PART_B = STYLE + """<html lang="en"><body>
<section id="doc-b"><h1>Document B</h1>
  <p id="b-1">B's mention, <a href="teikit-anchor:a-2">back to A</a>.</p>
  <p id="shared">Named twice: here second.</p></section>
</body></html>"""


@pytest.fixture(scope="module")
def parts(tmp_path_factory: pytest.TempPathFactory) -> list[Part]:
    folder = tmp_path_factory.mktemp("parts")
    front = folder / "front.pdf"
    attachment = weasyprint.Attachment(string=TEI, name="doc-a.xml", relationship="Source")
    weasyprint.HTML(string=FRONT).write_pdf(front, pdf_variant="pdf/a-3b", attachments=[attachment])
    (folder / "a.pdf").write_bytes(weasyprint.HTML(string=PART_A).write_pdf(pdf_variant="pdf/a-3b"))
    (folder / "b.pdf").write_bytes(weasyprint.HTML(string=PART_B).write_pdf(pdf_variant="pdf/a-3b"))
    return [Part(front, 1), Part(folder / "a.pdf", 1), Part(folder / "b.pdf", 3)]


@pytest.fixture(scope="module")
def merged(parts: list[Part], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    target = tmp_path_factory.mktemp("merged") / "volume.pdf"
    return target, merge(parts, target)


def pages_of(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.obj.objgen: n for n, page in enumerate(pdf.pages)}


def test_the_parts_made_with_weasyprint_are_as_the_tests_expect(parts: list[Part]) -> None:
    counts = []
    for part in parts:
        with pikepdf.open(part.path) as pdf:
            counts.append(len(pdf.pages))
    assert counts == [3, 2, 1]


def test_pages_and_labels(merged: tuple[Path, int]) -> None:
    target, count = merged
    with pikepdf.open(target) as pdf:
        assert count == len(pdf.pages) == 3 + 1 + 2 + 1  # the front matter padded to an even count
        assert [page.label for page in pdf.pages] == ["i", "ii", "iii", "iv", "1", "2", "3"]
        padding = pdf.pages[3]
        assert Name.Contents not in padding.obj
        assert list(padding.mediabox) == list(pdf.pages[2].mediabox)
        assert all(page.obj.Parent.objgen == pdf.Root.Pages.objgen for page in pdf.pages)
        assert pdf.check_pdf_syntax() == []


def test_named_destinations_point_at_the_merged_pages(merged: tuple[Path, int]) -> None:
    with pikepdf.open(merged[0]) as pdf:
        at = pages_of(pdf)
        dests = {name: at[dest[0].objgen] for name, dest in NameTree(pdf.Root.Names.Dests).items()}
        place = NameTree(pdf.Root.Names.Dests)["a-1"]
        assert place[1] == Name.XYZ and len(place) == 5
    assert {name: dests.get(name) for name in ("title", "contents", "intro", "doc-a", "a-sub", "a-1", "a-2",
                                                "a-more", "doc-b", "b-1")} == {
        "title": 0, "contents": 1, "intro": 2, "doc-a": 4, "a-sub": 4, "a-1": 4, "a-2": 5, "a-more": 5,
        "doc-b": 6, "b-1": 6}
    assert dests["shared"] == 5  # the first part to name an anchor keeps it


def test_links_between_parts_become_links_to_named_destinations(merged: tuple[Path, int]) -> None:
    with pikepdf.open(merged[0]) as pdf:
        at = pages_of(pdf)
        tree = NameTree(pdf.Root.Names.Dests)
        links = []
        for n, page in enumerate(pdf.pages):
            for annot in page.obj.get(Name.Annots, []):
                if Name.Dest in annot:
                    name = str(annot.Dest)
                    assert Name.A not in annot
                    links.append((n, name, at[tree[name][0].objgen]))
                else:
                    links.append((n, str(annot.A.URI), None))
    # the link to "nowhere" is gone; the link to a site stays as it was
    assert links == [(1, "doc-a", 4), (1, "doc-b", 6), (1, "https://example.org/", None),
                     (4, "b-1", 6), (6, "a-2", 5)]


def test_outline_is_the_parts_bookmarks_in_order(merged: tuple[Path, int]) -> None:
    with pikepdf.open(merged[0]) as pdf:
        at = pages_of(pdf)
        found: list[tuple[int, str, int]] = []

        def walk(items: list[pikepdf.OutlineItem], level: int) -> None:
            for item in items:
                found.append((level, item.title, at[item.destination[0].objgen]))
                walk(item.children, level + 1)

        with pdf.open_outline() as tree:
            walk(tree.root, 0)
        assert pdf.Root.Outlines.Count == len(found)
    assert found == [(0, "Title page", 0), (0, "Contents", 1), (0, "Introduction", 2),
                     (0, "Document A", 4), (1, "A's section", 4), (0, "Document B", 6)]


def test_pdfa_catalogue_attachments_and_info_come_from_the_front_matter(parts: list[Part],
                                                                        merged: tuple[Path, int]) -> None:
    with pikepdf.open(parts[0].path) as front, pikepdf.open(merged[0]) as pdf:
        assert pdf.Root.Metadata.read_bytes() == front.Root.Metadata.read_bytes()
        assert b"pdfaid:part=\"3\"" in pdf.Root.Metadata.read_bytes()
        assert [o.DestOutputProfile.read_bytes() for o in pdf.Root.OutputIntents] == \
               [o.DestOutputProfile.read_bytes() for o in front.Root.OutputIntents]
        assert str(pdf.Root.Lang) == str(front.Root.Lang)
        assert pdf.attachments["doc-a.xml"].get_file().read_bytes() == TEI
        assert str(pdf.Root.AF[0].AFRelationship) == "/Source"
        assert {k: str(v) for k, v in pdf.docinfo.items()} == {k: str(v) for k, v in front.docinfo.items()}
        assert len(pdf.trailer.ID) == 2


def test_each_part_s_font_subsets_bear_a_tag_of_their_own(merged: tuple[Path, int]) -> None:
    def tags(pdf: pikepdf.Pdf, pages: range) -> set[str]:
        return {str(font.BaseFont) for n in pages
                for font in pdf.pages[n].obj.Resources.get(Name.Font, {}).values()}

    with pikepdf.open(merged[0]) as pdf:
        a, b = tags(pdf, range(4, 6)), tags(pdf, range(6, 7))
    assert a and b and not a & b
    assert {name.partition("+")[2] for name in b} <= {name.partition("+")[2] for name in a}


def test_the_same_parts_give_the_same_bytes(parts: list[Part], merged: tuple[Path, int],
                                            tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    assert merge(parts, again) == merged[1]
    assert again.read_bytes() == merged[0].read_bytes()


def test_a_volume_of_the_front_matter_alone(parts: list[Part], tmp_path: Path) -> None:
    target = tmp_path / "front.pdf"
    assert merge(parts[:1], target) == 4
    with pikepdf.open(target) as pdf:
        assert [page.label for page in pdf.pages] == ["i", "ii", "iii", "iv"]
        assert not any(Name.Annots in page.obj and any(
            str(a.get(Name.A, {}).get(Name.URI, "")).startswith("teikit-anchor:") for a in page.obj.Annots)
            for page in pdf.pages)


# ------------------------------------------------ a part that flows into the next

def _items(html_items: str) -> object:
    import weasyprint

    css = "@page { size: A6; margin: 10mm } li { break-inside: avoid } body { font-size: 10pt }"
    return weasyprint.HTML(string=f"<style>{css}</style><ul>{html_items}</ul>").render()


def _item(n: int, words: int) -> str:
    return f'<li id="tk-index-{n}">Entry {n} ' + "word " * words + "</li>"


def test_a_flowing_part_leaves_the_entries_of_its_last_page_to_the_next() -> None:
    from teikit.pdf_parts import _carried

    doc = _items("".join(_item(n, 3) for n in range(1, 80)))
    assert len(doc.pages) >= 3
    carried = _carried(doc, "tk-index-")
    on_last = [a for a in doc.pages[-1].anchors if a.startswith("tk-index-") and a[9:].isdigit()]
    assert carried == min(int(a[9:]) for a in on_last)
    assert f"tk-index-{carried}" not in doc.pages[-2].anchors  # it starts on the last page


def test_an_entry_that_runs_onto_the_last_page_keeps_the_page() -> None:
    from teikit.pdf_parts import _carried

    # entry 2 is longer than a page: it runs from a page before onto the last, where entry 3 starts
    doc = _items(_item(1, 3) + _item(2, 1200) + _item(3, 3))
    assert len(doc.pages) >= 3 and "tk-index-3" in doc.pages[-1].anchors
    assert "tk-index-2" in doc.pages[-1].anchors and "tk-index-2" in doc.pages[-2].anchors
    assert _carried(doc, "tk-index-") is None
    assert _carried(_items(_item(1, 3)), "tk-index-") is None  # one page: nothing to carry


def test_a_part_whose_first_item_starts_on_its_last_page_keeps_it() -> None:
    import weasyprint

    from teikit.pdf_parts import _carried

    css = "@page { size: A6; margin: 10mm } .title { break-after: page }"
    items = "".join(_item(n, 3) for n in range(1, 4))
    html = f"<style>{css}</style><p class='title'>Title page</p><ul>{items}</ul>"
    doc = weasyprint.HTML(string=html).render()
    assert len(doc.pages) == 2 and "tk-index-1" in doc.pages[-1].anchors
    assert _carried(doc, "tk-index-") is None

"""``teikit package``: the bag, the teiCorpus, CMIF, DataCite/Zenodo metadata, the CLI, kill safety."""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import bagit
import pytest
from click.testing import CliRunner
from lxml import etree

from conftest import ROOT
from teikit.cli_package import package as package_cmd
from teikit.diagnostics import CODES, Severity
from teikit.package import MARKER, make_package, package_name
from teikit.settings import Editor, Settings, load_settings

TEI = ROOT / "tei"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
WHEN = datetime(2030, 5, 6, 7, 8, 9, tzinfo=UTC)
ORCID = "0000-0002-1825-0097"
SETTINGS = dataclasses.replace(
    load_settings(ROOT / "teikit.toml"), base_url="https://edition.example.org/korea/",
    editors=(Editor("Ada Editor", ORCID), Editor("Bo Second")))
DOCS = sorted(TEI.glob("0*.xml"))
PACKAGE_CODES = [c for c in CODES if c.startswith("TK5")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    out = tmp_path_factory.mktemp("pkg") / "package"
    report = make_package([TEI], out, SETTINGS, when=WHEN)
    assert not report.errors, report.diagnostics
    return out, report


def bag_of(out: Path) -> Path:
    bags = [p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(bags) == 1, bags
    return bags[0]


def xml(path: Path) -> etree._ElementTree:
    return etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))


# ----------------------------------------------------------------------------
# The bag


def test_package_has_every_part(built: tuple[Path, Any]) -> None:
    out, report = built
    name = package_name(SETTINGS.title)
    assert report.name == name == "soviet-cables-on-the-korean-war-1950"
    for f in (f"{name}-corpus.xml", "cmif.xml", "datacite.json", "zenodo.json", MARKER):
        assert (out / f).is_file(), f
    bag = bag_of(out)
    assert bag.name == name
    payload = {str(p.relative_to(bag / "data")) for p in (bag / "data").rglob("*") if p.is_file()}
    assert {f"tei/{p.name}" for p in TEI.glob("*.xml")} <= payload
    assert {"schema/teikit.odd", "schema/teikit.xsd", "schema/xml.xsd", f"{name}-corpus.xml",
            "metadata/cmif.xml", "metadata/datacite.json", "metadata/zenodo.json"} <= payload
    for p in TEI.glob("*.xml"):  # byte for byte, the stamp included
        assert (bag / "data" / "tei" / p.name).read_bytes() == p.read_bytes()
    for f in ("cmif.xml", "datacite.json", "zenodo.json"):
        assert (bag / "data" / "metadata" / f).read_bytes() == (out / f).read_bytes()
    assert sorted(report.documents) == sorted(str(p) for p in DOCS)


def test_bag_validates_with_bagit(built: tuple[Path, Any]) -> None:
    bag = bagit.Bag(str(bag_of(built[0])))
    bag.validate()
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert bag.is_valid()


def test_bag_info_comes_from_the_settings(built: tuple[Path, Any]) -> None:
    info = bagit.Bag(str(bag_of(built[0]))).info
    assert info["Source-Organization"] == SETTINGS.publisher
    assert info["Contact-Name"] == ["Ada Editor", "Bo Second"]
    assert info["External-Identifier"] == SETTINGS.base_url
    assert info["Bagging-Date"] == "2030-05-06"
    assert info["External-Description"].startswith(SETTINGS.introduction[0][:50])
    assert info["Internal-Sender-Identifier"] == package_name(SETTINGS.title)
    assert re.fullmatch(r"\d+\.\d+", info["Payload-Oxum"])


@pytest.mark.parametrize("tamper", ["edit payload", "delete payload", "add payload", "edit bag-info"])
def test_bag_fails_validation_when_tampered_with(built: tuple[Path, Any], tmp_path: Path,
                                                tamper: str) -> None:
    bag = tmp_path / "bag"
    shutil.copytree(bag_of(built[0]), bag)
    bagit.Bag(str(bag)).validate()  # the copy is intact
    target = bag / "data" / "tei" / DOCS[0].name
    if tamper == "edit payload":
        target.write_bytes(target.read_bytes().replace(b"Shtykov", b"Shtykoff", 1))
    elif tamper == "delete payload":
        target.unlink()
    elif tamper == "add payload":
        (bag / "data" / "tei" / "extra.xml").write_text("<x/>")
    else:
        info = bag / "bag-info.txt"
        info.write_text(info.read_text().replace("Bagging-Date: 2030-05-06", "Bagging-Date: 2031-01-01"))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()


# ----------------------------------------------------------------------------
# The teiCorpus


def corpus_of(out: Path) -> etree._ElementTree:
    return xml(out / f"{package_name(SETTINGS.title)}-corpus.xml")


@pytest.mark.slow
def test_corpus_is_valid_against_tei_all(built: tuple[Path, Any], tei_all: etree.RelaxNG) -> None:
    tree = corpus_of(built[0])
    assert tei_all.validate(tree), tei_all.error_log


def test_corpus_holds_every_document_whole(built: tuple[Path, Any]) -> None:
    root = corpus_of(built[0]).getroot()
    assert root.tag == "{http://www.tei-c.org/ns/1.0}teiCorpus"
    members = root.findall("t:TEI", NS)
    assert len(members) == len(DOCS) + 2  # the documents, then both registers
    for doc, member in zip(DOCS, members, strict=False):
        original = xml(doc).getroot()
        assert member.get(XML_ID) == f"doc-{doc.stem}"
        for part in ("t:text", "t:teiHeader"):
            assert "".join(member.find(part, NS).itertext()) == "".join(original.find(part, NS).itertext())
        assert etree.tostring(member.find("t:text", NS), method="c14n").count(b"<") == \
            etree.tostring(original.find("t:text", NS), method="c14n").count(b"<")


def test_corpus_ids_are_unique_and_every_pointer_resolves(built: tuple[Path, Any]) -> None:
    root = corpus_of(built[0]).getroot()
    ids = [el.get(XML_ID) for el in root.iter(etree.Element) if el.get(XML_ID)]
    assert len(ids) == len(set(ids))
    pointers = [t[1:] for el in root.iter(etree.Element) for name, v in el.attrib.items()
                if name != XML_ID for t in v.split() if t.startswith("#")]
    assert pointers and set(pointers) <= set(ids), set(pointers) - set(ids)


def test_sample_documents_share_ids_so_the_corpus_must_rename_them() -> None:
    """Without renaming, the corpus would repeat xml:ids (every document has #teikit)."""
    seen: list[str] = []
    for doc in DOCS:
        seen += [el.get(XML_ID) for el in xml(doc).getroot().iter() if el.get(XML_ID)]
    assert len(seen) != len(set(seen))


def test_corpus_header_comes_from_settings_and_document_headers(built: tuple[Path, Any]) -> None:
    h = corpus_of(built[0]).getroot().find("t:teiHeader", NS)
    assert h.findtext("t:fileDesc/t:titleStmt/t:title", namespaces=NS) == SETTINGS.title
    editors = h.findall("t:fileDesc/t:titleStmt/t:editor", NS)
    assert [e.text for e in editors] == ["Ada Editor", "Bo Second"]
    assert editors[0].get("ref") == f"https://orcid.org/{ORCID}"
    assert h.findtext("t:fileDesc/t:publicationStmt/t:publisher", namespaces=NS) == SETTINGS.publisher
    assert h.findtext("t:fileDesc/t:publicationStmt/t:availability/t:licence",
                      namespaces=NS) == SETTINGS.licence
    assert h.find("t:fileDesc/t:titleStmt/t:funder", NS).text == "Leon Levy Foundation"
    date = h.find("t:profileDesc/t:creation/t:date", NS)
    assert (date.get("from"), date.get("to")) == ("1950-01-19", "1950-10-01")
    bibls = h.findall("t:fileDesc/t:sourceDesc/t:listBibl/t:bibl", NS)
    assert [b.get("corresp") for b in bibls] == [f"#doc-{d.stem}" for d in DOCS]
    assert [lang.get("ident") for lang in h.iterfind(".//t:langUsage/t:language", NS)] == ["en", "ru"]


# ----------------------------------------------------------------------------
# CMIF

AUTHORITY = re.compile(r"^https?://(viaf\.org/viaf/|d-nb\.info/gnd/|id\.loc\.gov/|id\.ndl\.go\.jp/|"
                       r"www\.geonames\.org/\d+$|www\.wikidata\.org/entity/Q\d+$)")
CMIF_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
XSD_DATETIME = re.compile(r"^-?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$")


def cmif_of(out: Path) -> etree._Element:
    return xml(out / "cmif.xml").getroot()


@pytest.mark.slow
def test_cmif_is_valid_against_tei_all(built: tuple[Path, Any], tei_all: etree.RelaxNG) -> None:
    tree = xml(built[0] / "cmif.xml")
    assert tei_all.validate(tree), tei_all.error_log


def test_cmif_file_description(built: tuple[Path, Any]) -> None:
    root = cmif_of(built[0])
    fd = root.find("t:teiHeader/t:fileDesc", NS)
    assert fd.findtext("t:titleStmt/t:title", namespaces=NS) == SETTINGS.title
    editors = fd.findall("t:titleStmt/t:editor", NS)
    assert [e.text for e in editors] == ["Ada Editor", "Bo Second"]
    assert not root.findall(".//t:email", NS)
    ps = fd.find("t:publicationStmt", NS)
    assert "".join(ps.find("t:publisher", NS).itertext()).strip() == SETTINGS.publisher
    idno = ps.find("t:idno", NS)
    assert idno.get("type") == "url" and idno.text == SETTINGS.base_url + "cmif.xml"
    assert XSD_DATETIME.match(ps.find("t:date", NS).get("when"))
    licence = ps.find("t:availability/t:licence", NS)
    assert licence.get("target") == "https://creativecommons.org/licenses/by/4.0/"
    assert "CC-BY 4.0" in licence.text
    bibl = fd.find("t:sourceDesc/t:bibl", NS)
    assert bibl.get("type") == "online" and bibl.get(XML_ID)
    assert re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", bibl.get(XML_ID))
    assert SETTINGS.base_url in "".join(bibl.itertext())


def test_cmif_has_one_correspdesc_per_document_by_the_rules(built: tuple[Path, Any]) -> None:
    root = cmif_of(built[0])
    bibl_id = root.find(".//t:sourceDesc/t:bibl", NS).get(XML_ID)
    descs = root.findall("t:teiHeader/t:profileDesc/t:correspDesc", NS)
    assert len(descs) == len(DOCS)
    assert [d.get("ref") for d in descs] == [f"{SETTINGS.base_url}documents/{p.stem}.html" for p in DOCS]
    for desc in descs:
        assert desc.get("source") == f"#{bibl_id}"
        actions = desc.findall("t:correspAction", NS)
        assert [a.get("type") for a in actions] == ["sent", "received"]
        for action in actions:
            assert not (action.text or "").strip()
            kids = [etree.QName(k).localname for k in action]
            assert set(kids) <= {"persName", "orgName", "placeName", "date"}
            assert {"persName", "orgName"} & set(kids)
            for name in action.findall("t:persName", NS) + action.findall("t:placeName", NS):
                assert name.text.strip()
                assert name.get("ref") is None or AUTHORITY.match(name.get("ref")), name.get("ref")
            for date in action.findall("t:date", NS):
                values = [date.get(a) for a in ("when", "from", "to", "notBefore", "notAfter")
                          if date.get(a)]
                assert values and all(CMIF_DATE.match(v) for v in values), values
        assert actions[0].find("t:date", NS) is not None  # every sample document is dated
        for ref in desc.findall("t:note/t:ref", NS):
            assert ref.get("type").startswith("https://lod.academy/cmif/vocab/terms#")
            assert ref.get("target").startswith("http")


def test_cmif_names_come_from_the_registers_with_authority_ids(built: tuple[Path, Any]) -> None:
    first = cmif_of(built[0]).find("t:teiHeader/t:profileDesc/t:correspDesc", NS)
    sent, received = first.findall("t:correspAction", NS)
    # the header has "Shtykov" sending from Pyongyang to "Feng Xi", Stalin's pseudonym
    assert sent.findtext("t:persName", namespaces=NS) == "Terentii Shtykov"
    assert sent.find("t:persName", NS).get("ref") is None  # no authority id in persons.xml
    assert sent.find("t:placeName", NS).get("ref") == "http://www.geonames.org/1871859"
    assert sent.find("t:date", NS).get("when") == "1950-07-08"  # 1950-07-08T09:26:00 in the TEI
    stalin = received.find("t:persName", NS)
    assert (stalin.text, stalin.get("ref")) == ("Joseph Stalin", "http://www.wikidata.org/entity/Q855")
    refs = {r.get("type").rsplit("#")[1]: r.get("target") for r in first.findall("t:note/t:ref", NS)}
    assert refs["isAvailableAsTEIfile"] == f"{SETTINGS.base_url}tei/{DOCS[0].name}"


def test_cmif_urls_follow_the_html_editions_scheme() -> None:
    """@ref is the page the HTML edition's "how to cite" gives (xslt/header.xsl, tk:page-url)."""
    header = (ROOT / "xslt" / "header.xsl").read_text(encoding="utf-8")
    m = re.search(r'name="tk:page-url".*?select="([^"]+)"', header, re.S)
    assert m and m.group(1) == "$base-url || 'documents/' || encode-for-uri($id) || '.html'"


def test_authority_ids_prefer_the_files_cmif_names(tmp_path: Path) -> None:
    ed = tmp_path / "tei"
    shutil.copytree(TEI, ed)
    persons = ed / "persons.xml"
    persons.write_text(persons.read_text(encoding="utf-8").replace(
        '<idno type="Wikidata">Q855</idno>',
        '<idno type="Wikidata">Q855</idno><idno type="VIAF">101787139</idno>').replace(
        '<persName type="main">Terentii Shtykov</persName>',
        '<persName type="main">Terentii Shtykov</persName>'
        '<idno type="URI">https://d-nb.info/gnd/1234567X</idno>'), encoding="utf-8")
    out = tmp_path / "out"
    report = make_package([ed], out, SETTINGS, when=WHEN)
    refs = {p.text: p.get("ref") for p in cmif_of(out).iterfind(".//t:correspAction/t:persName", NS)}
    assert refs["Joseph Stalin"] == "http://viaf.org/viaf/101787139"
    assert refs["Terentii Shtykov"] == "https://d-nb.info/gnd/1234567X"
    assert not [d for d in report.diagnostics if d.code == "TK503" and "Shtykov" in d.message]


def test_document_without_correspondence_or_usable_date(tmp_path: Path) -> None:
    ed = tmp_path / "tei"
    shutil.copytree(TEI, ed)
    tree = xml(ed / DOCS[1].name)
    cd = tree.find(".//t:profileDesc/t:correspDesc", NS)
    cd.getparent().remove(cd)
    tree.write(str(ed / DOCS[1].name), xml_declaration=True, encoding="UTF-8")
    tree = xml(ed / DOCS[2].name)
    tree.find(".//t:correspAction[@type='sent']/t:date", NS).set("when", "--07-01")
    tree.write(str(ed / DOCS[2].name), xml_declaration=True, encoding="UTF-8")
    out = tmp_path / "out"
    report = make_package([ed], out, SETTINGS, when=WHEN)
    assert not report.errors
    codes = {(d.code, Path(d.path).name) for d in report.diagnostics}
    assert ("TK504", DOCS[1].name) in codes and ("TK506", DOCS[2].name) in codes
    tk506 = next(d for d in report.diagnostics if d.code == "TK506")
    assert tk506.line > 0 and tk506.col > 0
    descs = cmif_of(out).findall(".//t:correspDesc", NS)
    assert len(descs) == len(DOCS)
    unknown = descs[1].findall("t:correspAction/t:persName", NS)
    assert [p.text for p in unknown] == ["Unknown", "Unknown"]
    # the document's date is still found in its text (the dateline), as the HTML shows it
    assert descs[1].find("t:correspAction[@type='sent']/t:date", NS).get("when") == "1950-09-30"
    assert descs[2].find("t:correspAction[@type='sent']/t:date", NS) is None


def test_without_base_url_cmif_has_no_urls_and_a_warning(tmp_path: Path) -> None:
    settings = dataclasses.replace(SETTINGS, base_url="")
    report = make_package([TEI], tmp_path / "out", settings, when=WHEN)
    tk501 = [d for d in report.diagnostics if d.code == "TK501"]
    assert len(tk501) == 1 and tk501[0].severity == Severity.WARNING
    root = cmif_of(tmp_path / "out")
    assert root.find(".//t:publicationStmt/t:idno", NS) is None
    assert all(d.get("ref") is None for d in root.iterfind(".//t:correspDesc", NS))
    assert not root.findall(".//t:ref[@type='https://lod.academy/cmif/vocab/terms#isAvailableAsTEIfile']",
                            NS)


# ----------------------------------------------------------------------------
# DataCite and Zenodo: the rules of the specifications, written out here

RESOURCE_TYPE_GENERAL = {
    "Audiovisual", "Book", "BookChapter", "Collection", "ComputationalNotebook", "ConferencePaper",
    "ConferenceProceeding", "DataPaper", "Dataset", "Dissertation", "Event", "Image", "Instrument",
    "InteractiveResource", "Journal", "JournalArticle", "Model", "OutputManagementPlan",
    "PeerReview", "PhysicalObject", "Preprint", "Report", "Service", "Software", "Sound",
    "Standard", "StudyRegistration", "Text", "Workflow", "Other"}
DATE_TYPE = {"Accepted", "Available", "Copyrighted", "Collected", "Created", "Issued", "Submitted",
             "Updated", "Valid", "Withdrawn", "Other"}
DESCRIPTION_TYPE = {"Abstract", "Methods", "SeriesInformation", "TableOfContents", "TechnicalInfo",
                    "Other"}
CONTRIBUTOR_TYPE = {
    "ContactPerson", "DataCollector", "DataCurator", "DataManager", "Distributor", "Editor",
    "HostingInstitution", "Producer", "ProjectLeader", "ProjectManager", "ProjectMember",
    "RegistrationAgency", "RegistrationAuthority", "RelatedPerson", "Researcher", "ResearchGroup",
    "RightsHolder", "Sponsor", "Supervisor", "WorkPackageLeader", "Other"}
RELATED_IDENTIFIER_TYPE = {"ARK", "arXiv", "bibcode", "DOI", "EAN13", "EISSN", "Handle", "IGSN",
                           "ISBN", "ISSN", "ISTC", "LISSN", "LSID", "PMID", "PURL", "UPC", "URL",
                           "URN", "w3id"}
RELATION_TYPE = {
    "IsCitedBy", "Cites", "IsCollectedBy", "Collects", "IsSupplementTo", "IsSupplementedBy",
    "IsContinuedBy", "Continues", "IsDescribedBy", "Describes", "HasMetadata", "IsMetadataFor",
    "HasVersion", "IsVersionOf", "IsNewVersionOf", "IsPartOf", "IsPreviousVersionOf",
    "IsPublishedIn", "HasPart", "IsReferencedBy", "References", "IsDocumentedBy", "Documents",
    "IsCompiledBy", "Compiles", "IsVariantFormOf", "IsOriginalFormOf", "IsIdenticalTo",
    "IsReviewedBy", "Reviews", "IsDerivedFrom", "IsSourceOf", "IsRequiredBy", "Requires",
    "IsObsoletedBy", "Obsoletes"}
NAME_TYPE = {"Personal", "Organizational"}
ISO_DATE = r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?)?)?"
DATACITE_DATE = re.compile(rf"^{ISO_DATE}(/{ISO_DATE})?$")
URI = re.compile(r"^https?://\S+$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID iDs use."""
    digits = orcid.replace("-", "")
    total = 0
    for c in digits[:-1]:
        total = (total + int(c)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def datacite_problems(record: dict[str, Any]) -> list[str]:
    """The DataCite Metadata Schema 4.x rules the package's JSON must keep (DOI aside)."""
    p: list[str] = []
    a = record.get("data", {}).get("attributes", {})
    if record.get("data", {}).get("type") != "dois":
        p.append("data.type is not 'dois'")
    for key in ("creators", "titles", "publisher", "publicationYear", "types", "schemaVersion"):
        if not a.get(key):
            p.append(f"mandatory {key} missing")
    if a.get("schemaVersion") != "http://datacite.org/schema/kernel-4":
        p.append("schemaVersion")
    for c in a.get("creators", []) + a.get("contributors", []):
        if not (isinstance(c.get("name"), str) and c["name"].strip()):
            p.append(f"creator without name: {c}")
        if "nameType" in c and c["nameType"] not in NAME_TYPE:
            p.append(f"nameType {c['nameType']}")
        for ni in c.get("nameIdentifiers", []):
            if not ni.get("nameIdentifier") or not ni.get("nameIdentifierScheme"):
                p.append("nameIdentifier incomplete")
            if ni.get("nameIdentifierScheme") == "ORCID":
                m = re.fullmatch(r"https://orcid\.org/(\d{4}-\d{4}-\d{4}-\d{3}[\dX])", ni["nameIdentifier"])
                if not m or not orcid_checksum_ok(m.group(1)):
                    p.append(f"bad ORCID {ni['nameIdentifier']}")
    for c in a.get("contributors", []):
        if c.get("contributorType") not in CONTRIBUTOR_TYPE:
            p.append(f"contributorType {c.get('contributorType')}")
    if not all(isinstance(t.get("title"), str) and t["title"].strip() for t in a.get("titles", [])):
        p.append("empty title")
    pub = a.get("publisher")
    if not (isinstance(pub, dict) and pub.get("name")) and not (isinstance(pub, str) and pub):
        p.append("publisher has no name")
    if not re.fullmatch(r"\d{4}", str(a.get("publicationYear", ""))):
        p.append("publicationYear is not YYYY")
    if a.get("types", {}).get("resourceTypeGeneral") not in RESOURCE_TYPE_GENERAL:
        p.append("resourceTypeGeneral not in the vocabulary")
    for d in a.get("dates", []):
        if d.get("dateType") not in DATE_TYPE or not DATACITE_DATE.match(d.get("date", "")):
            p.append(f"date {d}")
    for d in a.get("descriptions", []):
        if d.get("descriptionType") not in DESCRIPTION_TYPE or not d.get("description"):
            p.append(f"description {d.get('descriptionType')}")
    for r in a.get("relatedIdentifiers", []):
        if r.get("relationType") not in RELATION_TYPE or \
                r.get("relatedIdentifierType") not in RELATED_IDENTIFIER_TYPE:
            p.append(f"relatedIdentifier {r}")
        if r.get("relatedMetadataScheme") and r["relationType"] not in ("HasMetadata", "IsMetadataFor"):
            p.append("relatedMetadataScheme only with HasMetadata/IsMetadataFor")
        if "resourceTypeGeneral" in r and r["resourceTypeGeneral"] not in RESOURCE_TYPE_GENERAL:
            p.append("related resourceTypeGeneral")
    for r in a.get("rightsList", []):
        if "rightsUri" in r and not URI.match(r["rightsUri"]):
            p.append("rightsUri")
    for s in a.get("subjects", []):
        if not s.get("subject") or ("valueUri" in s and not URI.match(s["valueUri"])):
            p.append(f"subject {s}")
    if "language" in a and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*", a["language"]):
        p.append("language is not BCP 47")
    for key in ("titles", "subjects", "dates", "descriptions", "rightsList"):
        items = [json.dumps(i, sort_keys=True) for i in a.get(key, [])]
        if len(items) != len(set(items)):
            p.append(f"{key} repeats an item")
    return p


def test_datacite_checker_can_fail() -> None:
    assert datacite_problems({}) and datacite_problems({"data": {"type": "dois", "attributes": {
        "creators": [{"name": "A", "nameIdentifiers": [{"nameIdentifier": "https://orcid.org/0000-0002-1825-0098",
                                                        "nameIdentifierScheme": "ORCID"}]}],
        "titles": [{"title": "T"}], "publisher": {"name": "P"}, "publicationYear": "2030",
        "types": {"resourceTypeGeneral": "Edition"}, "schemaVersion": "http://datacite.org/schema/kernel-4",
    }}}) == ["bad ORCID https://orcid.org/0000-0002-1825-0098", "resourceTypeGeneral not in the vocabulary"]


def test_datacite_record_keeps_the_rules_and_comes_from_headers(built: tuple[Path, Any]) -> None:
    record = json.loads((built[0] / "datacite.json").read_text(encoding="utf-8"))
    assert datacite_problems(record) == []
    a = record["data"]["attributes"]
    assert a["titles"][0]["title"] == SETTINGS.title
    assert a["creators"][0]["nameIdentifiers"][0]["nameIdentifier"] == f"https://orcid.org/{ORCID}"
    assert a["creators"][1] == {"name": "Bo Second"}
    assert a["publisher"]["name"] == SETTINGS.publisher
    assert a["publicationYear"] == "2030"
    assert a["types"]["resourceTypeGeneral"] == "Collection"
    assert a["language"] == "en"
    assert {"date": "1950-01-19/1950-10-01", "dateType": "Other",
            "dateInformation": "Dates of the documents (the period the edition covers)"} in a["dates"]
    assert a["rightsList"][0]["rightsIdentifier"] == "cc-by-4.0"
    assert a["rightsList"][0]["rightsUri"] == "https://creativecommons.org/licenses/by/4.0/"
    assert {"subject": "Joseph Stalin", "subjectScheme": "Wikidata", "schemeUri": "https://www.wikidata.org/",
            "valueUri": "http://www.wikidata.org/entity/Q855"} in a["subjects"]
    assert {r["relatedIdentifier"] for r in a["relatedIdentifiers"]} == {
        SETTINGS.base_url, SETTINGS.base_url + "cmif.xml"}
    assert a["fundingReferences"] == [{"funderName": "Leon Levy Foundation"}]
    assert {"name": "Vladislav Zubok", "contributorType": "Other"} in a["contributors"]
    abstract = next(d for d in a["descriptions"] if d["descriptionType"] == "Abstract")
    assert abstract["description"].startswith(SETTINGS.introduction[0])
    toc = next(d for d in a["descriptions"] if d["descriptionType"] == "TableOfContents")
    assert all(xml(p).findtext(".//t:titleStmt/t:title", namespaces=NS) in toc["description"] for p in DOCS)


ZENODO_UPLOAD_TYPE = {"publication", "poster", "presentation", "dataset", "image", "video",
                      "software", "lesson", "physicalobject", "other"}
ZENODO_RELATION = {
    "isCitedBy", "cites", "isSupplementTo", "isSupplementedBy", "isContinuedBy", "continues",
    "isDescribedBy", "describes", "hasMetadata", "isMetadataFor", "isNewVersionOf",
    "isPreviousVersionOf", "isPartOf", "hasPart", "isReferencedBy", "references",
    "isDocumentedBy", "documents", "isCompiledBy", "compiles", "isVariantFormOf",
    "isOriginalFormOf", "isIdenticalTo", "isAlternateIdentifier", "isReviewedBy", "reviews",
    "isDerivedFrom", "isSourceOf", "requires", "isRequiredBy", "isObsoletedBy", "obsoletes"}


def zenodo_problems(record: dict[str, Any]) -> list[str]:
    """The rules of Zenodo's deposit metadata that the package's JSON must keep."""
    p: list[str] = []
    m = record.get("metadata", {})
    if m.get("upload_type") not in ZENODO_UPLOAD_TYPE:
        p.append("upload_type")
    if m.get("upload_type") == "publication" and not m.get("publication_type"):
        p.append("publication needs publication_type")
    if len(m.get("title", "")) < 3 or not m.get("description"):
        p.append("title or description")
    if not m.get("creators") or not all(c.get("name") for c in m["creators"]):
        p.append("creators")
    for c in m.get("creators", []) + m.get("contributors", []):
        if "orcid" in c and not (re.fullmatch(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]", c["orcid"])
                                 and orcid_checksum_ok(c["orcid"])):
            p.append("orcid")
    if m.get("access_right") not in {"open", "embargoed", "restricted", "closed"}:
        p.append("access_right")
    if m.get("access_right") in ("open", "embargoed") and not m.get("license"):
        p.append("open access needs a license")
    if "publication_date" in m and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", m["publication_date"]):
        p.append("publication_date")
    if "language" in m and not re.fullmatch(r"[a-z]{3}", m["language"]):
        p.append("language must be ISO 639-2/3")
    if len(m.get("keywords", [])) != len(set(m.get("keywords", []))):
        p.append("keywords repeat")
    for r in m.get("related_identifiers", []):
        if r.get("relation") not in ZENODO_RELATION or not r.get("identifier"):
            p.append(f"related identifier {r}")
    return p


def test_zenodo_record_keeps_the_rules(built: tuple[Path, Any]) -> None:
    record = json.loads((built[0] / "zenodo.json").read_text(encoding="utf-8"))
    assert zenodo_problems(record) == []
    assert zenodo_problems({"metadata": {"upload_type": "book"}})  # the check can fail
    m = record["metadata"]
    assert m["title"] == SETTINGS.title
    assert m["creators"][0] == {"name": "Ada Editor", "orcid": ORCID}
    assert (m["license"], m["language"], m["publication_date"]) == ("cc-by-4.0", "eng", "2030-05-06")
    assert "Joseph Stalin" in m["keywords"] and "Pyongyang" in m["keywords"]
    assert "1950-01-19 to 1950-10-01" in m["description"]


def test_nothing_is_hard_coded_per_edition(tmp_path: Path) -> None:
    other = Settings(title="Briefe an Elise", editors=(Editor("E. Herausgeberin"),),
                     publisher="Verlag X", licence="CC BY-SA 4.0", base_url="https://x.example/",
                     languages=("de",), introduction=("Eine Einleitung.",))
    report = make_package([TEI], tmp_path / "out", other, when=WHEN)
    assert report.name == "briefe-an-elise"
    out = tmp_path / "out"
    assert (out / "briefe-an-elise-corpus.xml").is_file() and (out / "briefe-an-elise").is_dir()
    dc = json.loads((out / "datacite.json").read_text())["data"]["attributes"]
    assert datacite_problems({"data": {"type": "dois", "attributes": dc}}) == []
    assert (dc["titles"][0], dc["publisher"], dc["language"]) == (
        {"title": "Briefe an Elise", "lang": "de"}, {"name": "Verlag X"}, "de")
    assert dc["rightsList"][0]["rightsIdentifier"] == "cc-by-sa-4.0"
    zen = json.loads((out / "zenodo.json").read_text())["metadata"]
    assert (zen["language"], zen["license"]) == ("deu", "cc-by-sa-4.0")
    assert bagit.Bag(str(out / "briefe-an-elise")).info["Source-Organization"] == "Verlag X"
    cmif = cmif_of(out)
    assert cmif.find(".//t:correspDesc", NS).get("ref").startswith("https://x.example/documents/")
    for text in [(out / f).read_text(encoding="utf-8") for f in ("cmif.xml", "datacite.json", "zenodo.json")]:
        assert "Soviet Cables" not in text and "teikit sample edition" not in text


def test_missing_settings_are_warned_and_marked_unavailable(tmp_path: Path) -> None:
    report = make_package([TEI], tmp_path / "out", Settings(), when=WHEN)
    assert not report.errors
    assert {d.code for d in report.diagnostics} >= {"TK501", "TK502"}
    a = json.loads((tmp_path / "out" / "datacite.json").read_text())["data"]["attributes"]
    assert a["publisher"] == {"name": "(:unav)"} and a["creators"] == [{"name": "(:unav)"}]
    assert datacite_problems({"data": {"type": "dois", "attributes": a}}) == []


def test_same_input_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(WHEN.timestamp())))
    make_package([TEI], tmp_path / "a", SETTINGS)
    make_package([TEI], tmp_path / "b", SETTINGS)
    for f in ("cmif.xml", "datacite.json", "zenodo.json", f"{package_name(SETTINGS.title)}-corpus.xml"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    assert b'when="2030-05-06T07:08:09Z"' in (tmp_path / "a" / "cmif.xml").read_bytes()


# ----------------------------------------------------------------------------
# Refusals: nothing is written


def test_refused_input_writes_nothing_and_keeps_the_old_package(tmp_path: Path) -> None:
    ed = tmp_path / "tei"
    shutil.copytree(TEI, ed)
    out = tmp_path / "out"
    assert not make_package([ed], out, SETTINGS, when=WHEN).errors
    before = snapshot(out)
    (ed / DOCS[0].name).write_text('<!DOCTYPE TEI [<!ENTITY x "y">]><TEI/>')
    report = make_package([ed], out, SETTINGS, when=WHEN)
    assert [d.code for d in report.errors] == ["TK203"]
    assert snapshot(out) == before and report.files == []


def test_registers_alone_are_no_package(tmp_path: Path) -> None:
    report = make_package([TEI / "persons.xml", TEI / "places.xml"], tmp_path / "out", SETTINGS)
    assert [d.code for d in report.errors] == ["TK507"]
    assert not (tmp_path / "out").exists()


def test_a_folder_of_other_files_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.tex").write_text("mine")
    report = make_package([TEI], out, SETTINGS)
    assert [d.code for d in report.errors] == ["TK505"]
    assert [p.name for p in out.iterdir()] == ["thesis.tex"]


# ----------------------------------------------------------------------------
# The command line


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(package_cmd, [str(a) for a in args])


def test_cli_writes_the_package_and_exits_0(tmp_path: Path) -> None:
    settings = tmp_path / "teikit.toml"
    settings.write_text((ROOT / "teikit.toml").read_text(encoding="utf-8").replace(
        'base_url = ""', 'base_url = "https://edition.example.org/"'), encoding="utf-8")
    r = run(TEI, "-o", tmp_path / "out", "--settings", settings)
    assert r.exit_code == 0, r.output
    assert "5 documents packaged" in r.output
    for line in r.output.splitlines()[:-1]:
        assert re.match(r"^\S+:\d+:\d+: (error|warning|info)\[TK\d{3}\] ", line), line
    assert "persons.xml:24:0: info[TK503]" in r.output
    bagit.Bag(str(bag_of(tmp_path / "out"))).validate()


def test_cli_json_format(tmp_path: Path) -> None:
    r = CliRunner().invoke(package_cmd, [str(TEI), "-o", str(tmp_path / "out"), "--settings",
                                         str(ROOT / "teikit.toml"), "--format", "json"])
    assert r.exit_code == 0
    data = json.loads(r.stdout)
    assert data["name"] == package_name(SETTINGS.title) and len(data["documents"]) == 5
    assert "cmif.xml" in data["files"] and data["diagnostics"][0]["code"] == "TK501"


def test_cli_exits_1_on_a_broken_document_with_its_place(tmp_path: Path) -> None:
    ed = tmp_path / "tei"
    shutil.copytree(TEI, ed)
    (ed / DOCS[0].name).write_text('<?xml version="1.0"?>\n<TEI xmlns="http://www.tei-c.org/ns/1.0">\n'
                                   "  <teiHeader></TEI>\n")
    r = run(ed, "-o", tmp_path / "out", "--settings", ROOT / "teikit.toml")
    assert r.exit_code == 1
    assert re.search(rf"{re.escape(str(ed / DOCS[0].name))}:3:\d+: error\[TK201\]", r.output), r.output
    assert "no package written" in r.output and not (tmp_path / "out").exists()


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path / "missing", "-o", tmp_path / "out").exit_code == 2
    bad = tmp_path / "bad.toml"
    bad.write_text("[edition]\nbase_url = 'ftp://x'\n")
    r = run(TEI, "-o", tmp_path / "out", "--settings", bad)
    assert r.exit_code == 2 and "TK011" in r.output
    assert run(TEI, "--format", "xml").exit_code == 2


def test_every_option_and_code_is_documented() -> None:
    docs = (ROOT / "docs" / "package.md").read_text(encoding="utf-8")
    for param in package_cmd.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("--"):
                assert f"`{opt}" in docs, opt
        assert param.name == "sources" or param.help, param.name
    assert PACKAGE_CODES
    for code in [*PACKAGE_CODES, "TK009", "TK307", "TK211"]:
        assert code in docs, code


# ----------------------------------------------------------------------------
# Kill safety


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def title_of_whole_package(out: Path) -> str:
    """The title of the package at ``out``, after checking that it is complete."""
    assert (out / MARKER).is_file()
    bag = bag_of(out)
    bagit.Bag(str(bag)).validate()
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert names == sorted(["cmif.xml", "datacite.json", "zenodo.json", bag.name,
                            f"{bag.name}-corpus.xml"]), names
    corpus = xml(out / f"{bag.name}-corpus.xml").getroot()
    assert len(corpus.findall("t:TEI", NS)) >= 5
    title = cmif_of(out).findtext(".//t:titleStmt/t:title", namespaces=NS)
    record = json.loads((out / "datacite.json").read_text())
    assert record["data"]["attributes"]["titles"][0]["title"] == title
    assert json.loads((out / "zenodo.json").read_text())["metadata"]["title"] == title
    return title


def leftovers(out: Path) -> list[str]:
    return [p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")]


def test_a_failure_mid_way_keeps_the_old_package(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    make_package([TEI], out, SETTINGS, when=WHEN)
    before = snapshot(out)

    def broken_bag(path: str, *args: Any, **kwargs: Any) -> None:
        (Path(path) / "half-written").write_bytes(b"x" * 100)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bagit, "make_bag", broken_bag)
    report = make_package([TEI], out, dataclasses.replace(SETTINGS, title="New title"), when=WHEN)
    assert [d.code for d in report.errors] == ["TK009"]
    assert "No space left on device" in report.errors[0].message
    assert snapshot(out) == before
    assert leftovers(out) == []


KILLER = """
import os, signal, sys
from pathlib import Path
import bagit
import teikit.package as P
from teikit.settings import load_settings

point, src, out, settings = sys.argv[1:5]
die = lambda *a, **k: os.kill(os.getpid(), signal.SIGKILL)
if point == "payload":
    P.bagit.make_bag = die
elif point == "manifests":
    P.bagit._make_tag_file = die
elif point == "fsync":
    P._fsync_tree = die
elif point == "swapped":
    swap = P._exchange
    P._exchange = lambda a, b: swap(a, b) and die()
elif point == "between-renames":
    P._exchange = lambda a, b: False
    rename = os.rename
    def rename_then_die(a, b):
        rename(a, b)
        if Path(a) == Path(out):
            die()
    P.os.rename = rename_then_die
P.make_package([src], out, load_settings(settings))
"""


def settings_file(tmp_path: Path, title: str) -> Path:
    p = tmp_path / f"{package_name(title)}.toml"
    p.write_text(f'[edition]\ntitle = "{title}"\npublisher = "P"\nbase_url = "https://e.example/"\n'
                 'editors = [{ name = "E" }]\nlicence = "CC BY 4.0"\n', encoding="utf-8")
    return p


@pytest.mark.parametrize("point", ["payload", "manifests", "fsync", "swapped", "between-renames"])
def test_killed_at_each_step_leaves_a_whole_package(tmp_path: Path, point: str) -> None:
    out = tmp_path / "out"
    make_package([TEI], out, load_settings(settings_file(tmp_path, "Old")))
    before = snapshot(out)
    proc = subprocess.run([sys.executable, "-c", KILLER, point, str(TEI), str(out),
                           str(settings_file(tmp_path, "New"))], capture_output=True, cwd=tmp_path)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    if point == "between-renames":  # no one-step swap: the old package was set aside...
        assert not out.exists() and leftovers(out)
        report = make_package([tmp_path / "nothing-here"], out, Settings())
        assert report.errors  # ...and even a run that fails puts it back first
    if point == "swapped":
        assert title_of_whole_package(out) == "New"
    else:
        assert snapshot(out) == before
    make_package([TEI], out, load_settings(settings_file(tmp_path, "Newer")))
    assert title_of_whole_package(out) == "Newer"
    assert leftovers(out) == []


@pytest.mark.slow
def test_killed_at_random_moments_never_leaves_half_a_package(tmp_path: Path) -> None:
    big = tmp_path / "big"
    big.mkdir()
    for i in range(40):  # a larger edition, so that kills land while files are written
        for doc in DOCS:
            shutil.copyfile(doc, big / f"{i:03d}{doc.name}")
    for reg in ("persons.xml", "places.xml"):
        shutil.copyfile(TEI / reg, big / reg)
    out = tmp_path / "out"
    old, new = settings_file(tmp_path, "Old"), settings_file(tmp_path, "New")
    make_package([big], out, load_settings(old))
    cmd = [sys.executable, "-c", "from teikit.cli_package import package; package()", str(big),
           "-o", str(out), "--settings"]
    started = time.perf_counter()
    subprocess.run([*cmd, str(old)], capture_output=True, check=True)
    full = time.perf_counter() - started
    rng = random.Random(20300506)
    titles = set()
    for i in range(10):
        proc = subprocess.Popen([*cmd, str(new if i % 2 else old)], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.0) * full)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        titles.add(title_of_whole_package(out))
    assert titles <= {"Old", "New"}
    subprocess.run([*cmd, str(new)], capture_output=True, check=True)
    assert title_of_whole_package(out) == "New"
    assert leftovers(out) == []


def test_a_leftover_of_a_live_run_is_not_touched(tmp_path: Path) -> None:
    out = tmp_path / "out"
    live = tmp_path / f".out.tmp-{os.getppid()}-0123abcd"  # the test runner's parent is alive
    live.mkdir()
    dead = tmp_path / ".out.tmp-999999999-0123abcd"
    dead.mkdir()
    make_package([TEI], out, SETTINGS)
    assert live.is_dir() and not dead.exists()

"""The teiHeader, from the catalogue data and what the conversion found."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from lxml import etree

from teikit import __version__
from teikit.catalogue import LANGUAGES, Catalogue, repository_of
from teikit.context import DocState
from teikit.elements import E, append_items, attr_value, set_text
from teikit.registers import Register

TEI_NS = "http://www.tei-c.org/ns/1.0"
NS = {"tei": TEI_NS}
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
DATELINE = f"{{{TEI_NS}}}dateline"
PLACE_DESC = {"above": "above the line or form", "below": "below the line", "margin": "in the margin",
              "top": "at the top of the page", "bottom": "at the foot of the page",
              "across": "across the document", "inline": "between the lines"}


@dataclass
class Party:
    """A sender or addressee named in the catalogue title."""

    name: str
    ref: str | None = None
    gloss: str = ""


@dataclass
class Parties:
    senders: list[Party] = field(default_factory=list)
    addressees: list[Party] = field(default_factory=list)


PARTY = re.compile(r"(?P<name>[^\[\],]+?)\s*(?:\[(?P<gloss>[^\]]+)\])?$")
TITLE_DATE = re.compile(r"\s*\((?:[A-Z][a-z]+ \d{1,2}, \d{4}|\d{1,2} [A-Z][a-z]+ \d{4})\)")
FROM_TO = re.compile(r"\bfrom\s+(?P<s>.+?)\s+to\s+(?P<a>.+?)(?:,?\s+(?:transmitting|regarding|"
                     r"concerning|on|about|re:|with|in reply|in response|relaying|informing"
                     r"|requesting|asking)\b|,\s*\d|,?\s*\d{1,2} \w+ \d{4}|$)")
NUMBER_TO = re.compile(r"(?:No\.?|Nº|N°|№)\s*[\w/.-]+,?\s+(?P<s>[^,]+?)\s+to\s+(?P<a>[^,]+?)"
                       r"(?:,|$)")
#: "Telegram, Zhou Enlai to Mao Zedong, on …", "Ciphered Telegram, Filippov [Stalin] to Kim Il Sung (via …)"
GENRE_TO = re.compile(r"^[\w ]*?(?:Telegram|Letter|Cable|Cablegram|Memorandum|Report|Note|Message"
                      r"|Radiogram|Record|Minutes)s?,\s+(?P<s>[^,]+?)\s+to\s+(?P<a>[^,(]+?)"
                      r"(?:,|\s+\(|$)")
AUTHOR_OF = re.compile(r"^(?P<s>[A-Z][^,]+),\s*(?:\w+\s+)?(?:Telegram|Letter|Cable|Memorandum"
                       r"|Report)")
PARTY_SEP = re.compile(r"\s*(?:,|\band\b)\s*(?![^\[]*\])")
REPOSITORY = re.compile(r"^([A-Z][^,;()]*?(?:Archive|Archives|Library|Museum|Collection)[^,;()]*)")
CHAR_REF = re.compile(r"#U[0-9A-F]{4,6}")
FROM_LINE = re.compile(r"^\s*from\b", re.I)
TO_LINE = re.compile(r"^\s*to\b", re.I)
SENT_LINE = re.compile(r"^\s*(from|sent)\b", re.I)


#: The header's skeleton: the elements every header has, in order, with the parts that are
#: the same in every document. It is parsed once and copied for each header, whose own
#: texts go into its empty elements and whose other elements are put in among them:
#: copying a tree takes a fraction of the instructions of making its elements one by one,
#: where lxml checks each new element's name and namespace and each attribute's name. No
#: whitespace between the elements: it would be text in the header.
_SKELETON_XML = (
    f'<teiHeader xmlns="{TEI_NS}"><fileDesc>'
    '<titleStmt><title/>'
    '<respStmt><resp>Converted to TEI by</resp>'
    f'<name type="software">teikit {__version__}</name></respStmt></titleStmt>'
    '<publicationStmt><publisher/><availability/></publicationStmt>'
    '</fileDesc>'
    '<encodingDesc><editorialDecl><p/>'
    '<correction><p>Errors of the original are kept and marked with sic, with the '
    "translator's correction in corr where given.</p></correction>"
    '<normalization><p>Dates are normalised to ISO 8601 in @when; the text is not '
    'normalised.</p></normalization>'
    "<interpretation><p>Doubtful readings of the translators' brackets carry @cert and are "
    'listed in the conversion report.</p></interpretation>'
    '</editorialDecl>'
    f'<appInfo><application xml:id="teikit" ident="teikit" version="{__version__}">'
    '<label>teikit</label></application></appInfo>'
    '</encodingDesc>'
    '<profileDesc><langUsage><language ident="en">English (translation)</language></langUsage>'
    '</profileDesc>'
    '<revisionDesc><change when="" who="#teikit"/></revisionDesc>'
    '</teiHeader>')


@cache
def _skeleton() -> etree._Element:
    return etree.fromstring(_SKELETON_XML, etree.XMLParser(resolve_entities=False,
                                                           no_network=True))


def parse_parties(titles: list[str], register: Register) -> Parties:
    """Sender and addressee from titles like 'Telegram No. 1 from A [B] to C' or 'A to B'."""
    cleaned = [TITLE_DATE.sub("", t) for t in titles]
    for t in cleaned:
        m = FROM_TO.search(t) or NUMBER_TO.search(t) or GENRE_TO.match(t)
        if m:
            return Parties(_parties(m.group("s"), register), _parties(m.group("a"), register))
    for t in cleaned:
        m = AUTHOR_OF.match(t)
        if m:
            return Parties(_parties(m.group("s"), register), [])
    return Parties()


#: An office with its holder's name after it in brackets, as FRUS titles name parties.
OFFICE_NAME = re.compile(r"^(?:the\s+)?[A-Z][\w .,'’-]*?\s\((?P<name>[A-Z][\w .’'-]{1,40})\)$")


def _parties(s: str, register: Register) -> list[Party]:
    out = []
    for part in PARTY_SEP.split(s):
        part = part.strip()
        if (office := OFFICE_NAME.match(part)) is not None:
            part = office.group("name")  # "the Director of … Affairs (Johnson)": Johnson
        m = PARTY.match(part)
        if not part or not m:
            continue
        name, gloss = m.group("name").strip(), (m.group("gloss") or "").strip()
        entry = ((register.lookup(gloss, "person") if gloss else None)
                 or register.lookup(name, "person"))
        out.append(Party(name, entry.id if entry else None, gloss))
    return out


def _pers(p: Party) -> etree._Element:
    el = E("persName", {"ref": "#" + p.ref} if p.ref else {}, p.name)
    return el


def build_header(cat: Catalogue, state: DocState, body: etree._Element, register: Register,
                 *, profile: str, source_name: str, encoding: str, today: str,
                 dropped: int) -> etree._Element:
    """The whole teiHeader for one converted document: a copy of the skeleton, filled in."""
    title = cat.title or source_name
    parties = parse_parties(cat.titles or [title], register)
    h = _skeleton().__copy__()
    fd, ed, pd, rd = h
    ts, ps = fd
    set_text(ts[0], title)
    fixed_resp = ts[1]
    for alt in cat.titles[1:]:
        fixed_resp.addprevious(E("title", {"type": "alt"}, alt))
    if cat.translator:
        fixed_resp.addprevious(E("respStmt", {}, E("resp", {}, "Translated by"),
                                 E("persName", {}, cat.translator)))
    if cat.funder:
        fixed_resp.addprevious(E("funder", {}, cat.funder))
    publisher, avail = ps
    set_text(publisher, cat.publisher or "Unpublished edition (teikit project)")
    for r in cat.rights or ["Rights not stated in the source; check before publishing."]:
        avail.append(E("p", {}, r))
    fd.append(_source_desc(cat, source_name, encoding, state))
    _encoding_desc(ed, state, profile)
    _profile_desc(pd, cat, state, body, parties)
    change = rd[0]
    change.set("when", attr_value(today))
    set_text(change, f"Converted from {source_name} ({encoding}) by teikit {__version__}, "
                     f"profile {profile}; {dropped} line(s) of page frame left out.")
    return h


def _source_desc(cat: Catalogue, source_name: str, encoding: str,
                 state: DocState) -> etree._Element:
    sd = E("sourceDesc")
    hands = _hand_notes(state)
    if cat.archive_refs:
        md = E("msDesc")
        for k, ref in enumerate(cat.archive_refs):
            repo = repository_of(ref) or _repo_in(ref)
            ident = E("msIdentifier")
            if repo:
                ident.append(E("repository", {}, repo))
            ident.append(E("idno", {"type": "archival"}, ref))
            if k == 0:
                md.append(ident)
            else:
                alt = E("altIdentifier", {}, *list(ident))
                md[0].append(alt)
        if len(hands):
            md.append(E("physDesc", {}, E("handDesc", {}, *hands)))
        sd.append(md)
    if cat.bibl or cat.citation:
        sd.append(E("bibl", {}, cat.bibl or cat.citation))
    if not len(sd):
        sd.append(E("bibl", {}, E("title", {}, cat.title or source_name),
                    E("note", {}, f"Transcription received as plain text ({source_name}, "
                              f"{encoding}).")))
    return sd


def _repo_in(ref: str) -> str:
    m = REPOSITORY.match(ref)
    return m.group(1).strip() if m else ""


def _hand_notes(state: DocState) -> list[etree._Element]:
    out = []
    for _key, (hid, who) in state.hands.items():
        desc = f"Handwriting of {who}" if who else "Handwritten additions (hand not identified)"
        out.append(E("handNote", {XML_ID: hid, "medium": "unknown"}, desc))
    return out


def _encoding_desc(ed: etree._Element, state: DocState, profile: str) -> None:
    """Fill in the skeleton's encodingDesc: the rules applied, the renditions."""
    set_text(ed[0][0], f"Converted from a plain-text transcription with teikit {__version__}, "
                       f"convention profile '{profile}'. Rules applied: "
                       + (", ".join(sorted(state.rules_used)) or "none") + ".")
    if state.renditions:
        td = E("tagsDecl")
        for template, rid in state.renditions.items():
            td.append(E("rendition", {XML_ID: rid, "scheme": "free"}, template))
        ed[0].addnext(td)


def add_char_decl(tei: etree._Element) -> None:
    """Declare every character kept as a <g> reference (derived from the finished tree)."""
    codes = sorted({g.get("ref", "")[2:] for g in tei.iter(f"{{{TEI_NS}}}g")
                    if CHAR_REF.fullmatch(g.get("ref", ""))})
    if not codes:
        return
    ed = tei.find(f"{{{TEI_NS}}}teiHeader/{{{TEI_NS}}}encodingDesc")
    assert ed is not None
    cd = E("charDecl")
    for code in codes:
        cd.append(E("char", {XML_ID: f"U{code}"},
                    E("desc", {}, f"U+{code}: a character of the source that XML cannot "
                                  "carry, kept as a reference.")))
    app = ed.find(f"{{{TEI_NS}}}appInfo")
    ed.insert(ed.index(app) if app is not None else len(ed), cd)


def _profile_desc(pd: etree._Element, cat: Catalogue, state: DocState, body: etree._Element,
                  parties: Parties) -> None:
    """Fill in the skeleton's profileDesc around its langUsage."""
    lang_usage = pd[0]
    if cat.summary:
        lang_usage.addprevious(E("abstract", {}, *[E("p", {}, s) for s in cat.summary]))
    cd = E("correspDesc")
    sent = E("correspAction", {"type": "sent"})
    for p in parties.senders:
        sent.append(_pers(p))
    lines = _form_lines(body)
    place = _place_in(lines, FROM_LINE)
    if place is not None:
        sent.append(place)
    when, when_text = _sent_when(lines, cat)
    if when:
        sent.append(E("date", {"when": when}, when_text))
    recv = E("correspAction", {"type": "received"})
    for p in parties.addressees:
        recv.append(_pers(p))
    rplace = _place_in(lines, TO_LINE)
    if rplace is not None:
        recv.append(rplace)
    if parties.senders and parties.addressees:
        cd.append(sent)
        cd.append(recv)
        lang_usage.addprevious(cd)
    elif when or parties.senders or parties.addressees:
        # correspondence needs both parties; what is known goes to creation
        creation = E("creation")
        for p in parties.senders + parties.addressees:
            append_items(creation, [_pers(p), " "])
        if when:
            creation.append(E("date", {"when": when}, when_text))
        lang_usage.addprevious(creation)
    original = cat.language or _original_in(cat) or "Russian"
    code = LANGUAGES.get(original.lower(), "und")
    if code == "en":  # not a translation: the text is in its original language
        lang_usage[0].text = "English (language of the original)"
    else:
        lang_usage.append(E("language", {"ident": code},
                            f"{original} (language of the original)"))
    if state.hands and not cat.archive_refs:  # else they are in msDesc/physDesc/handDesc
        pd.append(E("handNotes", {}, *_hand_notes(state)))


ORIGINAL_IN = re.compile(r"\boriginal(?: language)?(?: is| was)? in (?P<lang>[A-Z][a-z]+)"
                         r"|\bno translation\b", re.I)


def _original_in(cat: Catalogue) -> str:
    """The original's language as the source line says it ("No translation; original in English")."""
    m = ORIGINAL_IN.search(" ".join([cat.bibl, cat.citation, *cat.archive_refs]))
    return (m.group("lang") or "English") if m else ""


FormLines = list[tuple[etree._Element, str]]


def _form_lines(body: etree._Element) -> FormLines:
    """The datelines and segs of the body with their text, in order (read once, asked thrice)."""
    return [(el, "".join(el.itertext()))
            for el in body.iter(f"{{{TEI_NS}}}dateline", f"{{{TEI_NS}}}seg")]


def _place_in(lines: FormLines, lead: re.Pattern[str]) -> etree._Element | None:
    for el, text in lines:
        if lead.match(text):
            for pn in el.iter(f"{{{TEI_NS}}}placeName"):
                out = E("placeName", {"ref": pn.get("ref")} if pn.get("ref") else {},
                        "".join(pn.itertext()))
                return out
    return None


def _sent_when(lines: FormLines, cat: Catalogue) -> tuple[str, str]:
    """When the document was sent: the telegram's 'sent' dateline, else the catalogue date."""
    for dl, text in lines:
        if dl.tag == DATELINE and SENT_LINE.match(text):
            for d in dl.iter(f"{{{TEI_NS}}}date"):
                if cat.date and not d.get("when", "").startswith(cat.date[:4]):
                    continue
                return d.get("when", ""), "".join(d.itertext())
    return cat.date, cat.date_text


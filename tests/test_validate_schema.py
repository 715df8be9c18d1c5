"""schema/: the XSD is local, a subset of tei_all, and agrees with the ODD."""

from __future__ import annotations

import functools

from lxml import etree

from validate_support import ROOT, TEI_ALL_RNG, content_schema

SCHEMA = ROOT / "schema"
XS = {"xs": "http://www.w3.org/2001/XMLSchema"}
TEI = {"tei": "http://www.tei-c.org/ns/1.0"}
RNG = "{http://relaxng.org/ns/structure/1.0}"


def test_xsd_compiles_with_libxml2_and_loads_only_local_files():
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    etree.XMLSchema(etree.parse(str(SCHEMA / "teikit.xsd"), parser))
    for name in ("teikit.xsd", "xml.xsd"):
        tree = etree.parse(str(SCHEMA / name))
        for loc in tree.xpath("//xs:import/@schemaLocation|//xs:include/@schemaLocation",
                              namespaces=XS):
            assert "://" not in loc and (SCHEMA / loc).is_file()


def test_xsd_loads_with_xmlschema_allowing_local_files_only():
    schema = content_schema()
    assert "TEI" in schema.elements


@functools.cache
def _tei_all_flat() -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """For each tei_all element: the child element names and attribute names it allows."""
    root = etree.parse(str(TEI_ALL_RNG)).getroot()
    defs: dict[str, list[etree._Element]] = {}
    for d in root.iter(RNG + "define"):
        defs.setdefault(d.get("name"), []).append(d)
    element_of = {n: ds[0].find(RNG + "element").get("name") for n, ds in defs.items()
                  if ds[0].find(RNG + "element") is not None}

    def walk(node, kids, atts, seen):
        for c in node:
            if not isinstance(c.tag, str) or c.tag == RNG + "element":
                continue
            if c.tag == RNG + "ref":
                n = c.get("name")
                if n in element_of:
                    kids.add(element_of[n])
                elif n not in seen:
                    seen.add(n)
                    for d in defs.get(n, []):
                        walk(d, kids, atts, seen)
            elif c.tag == RNG + "attribute":
                name = c.get("name")
                if name is None:
                    x = c.find(RNG + "name")
                    if x is None:
                        continue  # a wildcard attribute (anyName)
                    name = ("xml:" if x.get("ns", "").endswith("namespace") else "") + x.text
                atts.add(name)
            elif c.tag == RNG + "text":
                kids.add("#text")
            else:
                walk(c, kids, atts, seen)

    out = {}
    for n, name in element_of.items():
        kids: set[str] = set()
        atts: set[str] = set()
        walk(defs[n][0].find(RNG + "element"), kids, atts, set())
        out[name] = (frozenset(kids), frozenset(atts))
    return out


def _xsd_children(decl) -> set[str]:
    from xmlschema.validators import XsdElement

    ct = decl.type
    if ct.is_simple() or ct.has_simple_content():
        return {"#text"}
    out: set[str] = {"#text"} if ct.mixed else set()

    def walk(group):
        for p in group:
            if isinstance(p, XsdElement):
                out.add(p.local_name)
            else:
                walk(p)

    if not ct.is_empty():
        walk(ct.content)
    return out


def test_every_element_allows_no_child_or_attribute_that_tei_all_forbids():
    flat = _tei_all_flat()
    problems = []
    for name, decl in content_schema().elements.items():
        assert name in flat, f"<{name}> is not a TEI element"
        kids, atts = flat[name]
        extra_kids = _xsd_children(decl) - kids
        ours = {a.replace("{http://www.w3.org/XML/1998/namespace}", "xml:")
                for a in decl.attributes if isinstance(a, str)}
        extra_atts = ours - atts
        if extra_kids or extra_atts:
            problems.append((name, extra_kids, extra_atts))
    assert problems == []


# ---------------------------------------------------------------------------- ODD


def _odd() -> etree._ElementTree:
    return etree.parse(str(SCHEMA / "teikit.odd"))


def test_odd_selects_exactly_the_xsd_elements():
    odd = _odd()
    included = set()
    for ref in odd.xpath("//tei:schemaSpec/tei:moduleRef[@include]", namespaces=TEI):
        names = ref.get("include").split()
        assert not set(names) & included, "an element is included twice"
        included |= set(names)
    assert included == set(content_schema().elements)


def _xsd_enumerations() -> dict[tuple[str, str], set[str]]:
    """(element, attribute) -> closed list of values, as the XSD states them."""
    out: dict[tuple[str, str], set[str]] = {}
    for name, decl in content_schema().elements.items():
        for aname, attr in decl.attributes.items():
            if not isinstance(aname, str) or aname.startswith("{"):
                continue  # xml:space's list is XML's own, not the customisation's
            t = attr.type
            enum = getattr(t, "enumeration", None)
            if not enum and t.is_list():
                item = t
                while not hasattr(item, "item_type") and getattr(item, "base_type", None):
                    item = item.base_type
                enum = getattr(getattr(item, "item_type", None), "enumeration", None)
            if enum:
                out[(name, aname)] = {str(v) for v in enum}
    return out


def test_odd_closes_the_same_value_lists_as_the_xsd():
    odd = _odd()
    stated: dict[tuple[str, str], set[str]] = {}
    global_lists: dict[str, set[str]] = {}
    for att in odd.xpath("//tei:attDef[tei:valList/@type='closed']", namespaces=TEI):
        values = set(att.xpath("tei:valList/tei:valItem/@ident", namespaces=TEI))
        spec = att.getparent().getparent()
        if etree.QName(spec).localname == "classSpec":
            global_lists[att.get("ident")] = values
        else:
            stated[(spec.get("ident"), att.get("ident"))] = values
    xsd = _xsd_enumerations()
    for (element, attr), values in xsd.items():
        expected = stated.get((element, attr), global_lists.get(attr))
        assert expected == values, (element, attr)
    for key in stated:
        assert key in xsd, key


def test_odd_required_attributes_match():
    odd = _odd()
    for att in odd.xpath("//tei:elementSpec/tei:attList/tei:attDef[@usage='req']",
                         namespaces=TEI):
        element = att.getparent().getparent().get("ident")
        decl = content_schema().elements[element]
        assert decl.attributes[att.get("ident")].use == "required"

"""Parse XML without trusting it: no DTDs, no entities, no network, no XInclude."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from teikit.errors import TeikitError


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def parse_file(path: Path) -> etree._ElementTree:
    """Parse a file or raise TeikitError with path:line:col."""
    try:
        tree = etree.parse(str(path), safe_parser())
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise TeikitError(f"{path}:{line}:{col}: error[TK001] not well-formed XML: {exc.msg}") from exc
    except OSError as exc:
        raise TeikitError(f"{path}:0:0: error[TK001] cannot read: {exc}") from exc
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise TeikitError(f"{path}:1:1: error[TK001] document type declarations are refused "
                          "(entities could expand or read files)")
    return tree

"""Page numbers given after pagination: a part of the volume laid out before
it is known on which page the part starts.

A part of the volume (a chunk of documents, the front matter, the index)
starts on a new page, and left and right pages have the same margins, so
where its lines and pages break does not depend on the page it starts on.
Only the margin boxes do: the folio, and which running head a page shows
(the edition's title on left pages, the document's on right pages).

WeasyPrint makes the margin boxes after it has paginated the whole document
(``weasyprint.layout.layout_document``). teikit wraps the function that makes
them: for a layout made through :func:`layout_from`, the first call asks for
the part's first page number, given the part's page count, and then numbers
each page from there and makes it a left or right page by the parity of its
number. Processes laying out parts side by side thus each learn their start
from the parts before them while holding only their own layout; nothing is
laid out twice. Outside :func:`layout_from` the wrapper changes nothing.

This relies on two of WeasyPrint's internals (``layout.make_margin_boxes``
and ``layout.page.set_page_type_computed_styles``); ``tests/test_pdf.py``
checks the folios and running heads of a volume made in several parts.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import weasyprint
import weasyprint.layout
from weasyprint.layout.page import set_page_type_computed_styles

#: Given the part's page count, the number of its first page.
AskStart = Callable[[int], int]


@dataclass
class _Numbering:
    html: Any
    ask: AskStart
    start: int | None = None
    styled: set[Any] = field(default_factory=set)


_NUMBERING: ContextVar[_Numbering | None] = ContextVar("teikit_numbering", default=None)
_make_margin_boxes = weasyprint.layout.make_margin_boxes


def _renumber(numbering: _Numbering, context: Any, page: Any, state: Any) -> None:
    index = context.current_page - 1
    if numbering.start is None:
        numbering.start = numbering.ask(len(context.page_maker) - 1)
    number = numbering.start + index
    state[1]["page"] = [number]
    side = "right" if number % 2 else "left"
    if page.page_type.side != side:
        page_type = page.page_type._replace(side=side)
        if page_type not in numbering.styled:
            set_page_type_computed_styles(page_type, numbering.html, context.style_for)
            numbering.styled.add(page_type)
            style = context.style_for(page_type)
            if any(style[m] != page.style[m] for m in ("margin_left", "margin_right", "size")):
                raise ValueError("left and right pages must have the same size and margins: a part of "
                                 "the volume is laid out before its first page's side is known")
        page.page_type = page_type


def _margin_boxes(context: Any, page: Any, state: Any) -> Any:
    numbering = _NUMBERING.get()
    if numbering is not None:
        _renumber(numbering, context, page, state)
    return _make_margin_boxes(context, page, state)


weasyprint.layout.make_margin_boxes = _margin_boxes


def layout_from(html: Any, ask_start: AskStart, **options: Any) -> Any:
    """Render a ``weasyprint.HTML``, its pages numbered from ``ask_start(page count)``."""
    token = _NUMBERING.set(_Numbering(html, ask_start))
    try:
        return html.render(**options)
    finally:
        _NUMBERING.reset(token)

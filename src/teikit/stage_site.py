"""The stages of ``teikit build`` that publish: the HTML site, then its search index.

The site's pages are made as ``teikit html`` makes them (``web.py``), but only
for the documents whose TEI (or PDF) changed; the edition's own pages are made
again only when a document's summary changed, from the summaries of the
others kept from earlier builds (``output/.teikit/summaries.json``).
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

from teikit import search, web
from teikit.build import BuildContext, remember
from teikit.diagnostics import Diagnostic
from teikit.project import REGISTER_FILES
from teikit.stage_tei import Found, edition_files
from teikit.state import digest

# --------------------------------------------------------------------------- html


def html_stage(ctx: BuildContext) -> None:
    """Pages of new or changed documents; the edition's pages when a summary changed."""
    p, result = ctx.project, ctx.result
    site, settings = p.html, p.settings
    files = edition_files(ctx)
    docs = [f for f in files if os.path.basename(f.name) not in REGISTER_FILES]
    registers = [f.path for f in files if os.path.basename(f.name) in REGISTER_FILES]
    paths = [f.path for f in docs]
    problems = ctx.own(web.unique_ids(paths))
    kept = set(paths)
    docs = [f for f in docs if f.path in kept]
    pdf_dir = ctx.path(str(p.pdf))
    pdfs = {n[:-4]: ctx.sha(os.path.join(pdf_dir, n)) for n in sorted(os.listdir(pdf_dir))
            if n.endswith(".pdf")} if os.path.isdir(pdf_dir) else {}
    job = web.site_job(registers, settings, site, search=settings.search, pdf_ids=frozenset(pdfs))
    params = {k: v for k, v in job.params.items() if k != "build-date"}
    key = digest(ctx.toolkit("teikit.web", web.XSLT_DIR), params,
                 [(ctx.rel(r), ctx.sha(r)) for r in registers])
    items = ctx.items(key)
    pages_dir = os.path.join(ctx.path(str(site)), "documents")
    pages = set(os.listdir(pages_dir)) if os.path.isdir(pages_dir) else set()
    todo = [f for f in docs if not _page_current(ctx, items.get(f.stem), f, pdfs.get(f.stem), pages)]
    result.up_to_date = len(docs) - len(todo)
    clock = time.perf_counter()
    fresh = _render(ctx, [f.path for f in todo], job, items, pdfs)
    clock = _lap(result.timings, "document pages", clock)
    ids = [f.stem for f in docs]
    for doc_id in set(items) - set(ids):
        del items[doc_id]
    result.removed += [ctx.rel(site / "documents" / n) for n in web.remove_stale(
        site / "documents", "*.html", {f"{i}.html" for i in ids if items[i]["page"]})]
    ctx.shared["pages"] = {i: items[i]["page"] for i in ids}
    _start_search(ctx)
    _copies(ctx, [f.path for f in todo], paths, registers, pdfs)
    clock = _lap(result.timings, "copies", clock)
    _edition(ctx, key, [i for i in ids if items[i]["summary"]], fresh, job, problems)
    _lap(result.timings, "edition pages", clock)


def _lap(timings: dict[str, float], part: str, since: float) -> float:
    now = time.perf_counter()
    timings[part] = round(now - since, 3)
    return now


def _page_current(ctx: BuildContext, rec: dict[str, Any] | None, doc: Found, pdf: str | None,
                  pages: set[str]) -> bool:
    if not rec or rec["path"] != doc.name or rec["tei"] != ctx.sha(doc.path) or rec["pdf"] != pdf:
        return False
    return not rec["page"] or f"{doc.stem}.html" in pages


def _render(ctx: BuildContext, todo: list[str], job: Any, items: dict[str, Any],
            pdfs: dict[str, str | None]) -> dict[str, str]:
    """Transform documents; record each; return their summaries."""
    ctx.progress.start("html", len(todo))
    fresh = {}
    for page in web.render_pages(todo, job, jobs=ctx.jobs, progress=lambda _: ctx.progress.advance()):
        name = ctx.rel(page.path)
        found = ctx.own(page.diagnostics)
        items[page.doc_id] = {"path": name, "tei": ctx.sha(page.path), "pdf": pdfs.get(page.doc_id),
                              "page": page.digest, "summary": _sha(page.summary),
                              "diagnostics": remember(found)}
        fresh[page.doc_id] = page.summary
        ctx.result.diagnostics += found
        ctx.result.done.append(name)
        if page.written:
            ctx.wrote(ctx.project.html / "documents" / f"{page.doc_id}.html")
    return fresh


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest() if text else ""


def _copies(ctx: BuildContext, changed: list[str], docs: list[str], registers: list[str],
            pdfs: dict[str, str | None]) -> None:
    """The TEI of changed documents and the registers, the PDFs, the CSS and JavaScript."""
    site, p = ctx.project.html, ctx.project
    ctx.result.written += [ctx.rel(site / "tei" / n)
                           for n in web.copy_into([*changed, *registers], site / "tei", prune=False)]
    ctx.result.removed += [ctx.rel(site / "tei" / n) for n in web.remove_stale(
        site / "tei", "*", {os.path.basename(f) for f in [*docs, *registers]})]
    stems, documents = {Path(f).stem for f in changed}, {Path(f).stem for f in docs}
    # a document's PDF with its page; the volume (no document's) whenever it changed
    ctx.result.written += [ctx.rel(site / "pdf" / n) for n in web.copy_into(
        [p.pdf / f"{i}.pdf" for i in pdfs if i in stems or i not in documents], site / "pdf",
        prune=False)]
    ctx.result.removed += [ctx.rel(site / "pdf" / n)
                           for n in web.remove_stale(site / "pdf", "*.pdf", {f"{i}.pdf" for i in pdfs})]
    ctx.result.written += [ctx.rel(site / "assets" / n) for n in web.copy_assets(site)]


def _edition(ctx: BuildContext, key: str, order: list[str], fresh: dict[str, str], job: Any,
             problems: list[Diagnostic]) -> None:
    """Remake the edition's pages when the summaries they are made from changed."""
    items, site = ctx.items(key), ctx.project.html
    wanted = [n for n in web.EDITION_PAGES if n != "search.html" or job.params["search"]]
    edition_key = digest(key, [(i, items[i]["summary"]) for i in order])
    if edition_key != ctx.record.get("edition") or not all((site / n).exists() for n in wanted):
        summaries = ctx.state.load_blob("summaries")
        summaries.update(fresh)
        stale = [items[i]["path"] for i in order if _sha(summaries.get(i, "")) != items[i]["summary"]]
        if stale:  # kept summaries lost (an interrupted build): make them again
            summaries.update(_render(ctx, [ctx.path(s) for s in stale], job, items,
                                     {i: items[i]["pdf"] for i in items}))
        summaries = {i: summaries[i] for i in order}
        ctx.state.save_blob("summaries", summaries)
        written, found = web.write_edition(list(summaries.values()), job, jobs=ctx.jobs)
        found = ctx.own(found)
        ctx.result.written += [ctx.rel(site / n) for n in written]
        ctx.result.diagnostics += found
        ctx.result.notes.append("edition pages made again" if written else
                                "edition pages made again, unchanged")
        ctx.record["edition"] = edition_key
        ctx.record["edition diagnostics"] = remember(found)
    ctx.record["diagnostics"] = remember(problems) + ctx.record.get("edition diagnostics", [])
    ctx.result.diagnostics += problems


# --------------------------------------------------------------------------- search


def search_stage(ctx: BuildContext) -> None:
    """The search index: the bundles of the shards whose pages changed are made again
    (pagefind has no partial update; see ``search.py``)."""
    site = ctx.project.html
    pages = _search_pages(ctx)
    if not ctx.project.settings.search or not pages:  # nothing to index
        if search.remove_search_index(site):
            ctx.result.removed.append(ctx.rel(site / search.SEARCH_DIR))
        ctx.record.clear()
        return
    key = _search_key(ctx)
    early = ctx.shared.pop("indexing", None)
    if early is not None and early[1] != key:
        search.cancel_pagefind(early[0])
        early = None
    if early is None:
        early = (search.start_pagefind(site, pages, salt=key, jobs=ctx.jobs,
                                    count=ctx.project.settings.search_shards), key, time.perf_counter())
    indexing: search.Indexing = early[0]
    if indexing.current:
        ctx.result.up_to_date = len(indexing.shards)
        return
    ctx.progress.start("search", len(indexing.waiting) + len(indexing.running))
    found = ctx.own(search.finish_pagefind(indexing, progress=ctx.progress.advance))
    ctx.result.timings["pagefind"] = round(time.perf_counter() - early[2], 3)
    ctx.result.diagnostics += found
    ctx.result.up_to_date = len(indexing.shards) - len(indexing.made)
    target = site / search.SEARCH_DIR
    ctx.result.done += [ctx.rel(target / search.SHARDS_DIR / n) for n in indexing.made]
    ctx.result.written += [ctx.rel(target / search.SHARDS_DIR / n) for n in indexing.made]
    ctx.result.removed += [ctx.rel(target / n) for n in indexing.removed]
    if indexing.made:
        ctx.result.notes.append(f"{len(indexing.made)} of {len(indexing.shards)} "
                                f"shard{'s' * (len(indexing.shards) != 1)} indexed")
    ctx.record.clear()
    ctx.record["shards"] = [] if found else [s.name for s in indexing.shards]
    ctx.record["diagnostics"] = remember(found)
    if indexing.listed:
        ctx.result.written.append(ctx.rel(target / search.MANIFEST))


def _search_pages(ctx: BuildContext) -> dict[str, str]:
    """The document pages there are (id -> hash of the page), as the html stage left them."""
    return {i: d for i, d in ctx.shared.get("pages", {}).items() if d}


def _search_key(ctx: BuildContext) -> str:
    """What every bundle depends on besides its pages: teikit's search code."""
    return ctx.toolkit("teikit.search")


def _start_search(ctx: BuildContext) -> None:
    """Start indexing the shards whose pages changed as soon as the document pages are
    final (pagefind reads no other page), so that it runs while the edition's pages are
    made; the search stage waits for it."""
    pages = _search_pages(ctx)
    if not ctx.project.settings.search or "search" in ctx.options.skip or not pages:
        return
    key = _search_key(ctx)
    indexing = search.start_pagefind(ctx.project.html, pages, salt=key, jobs=ctx.jobs,
                                    count=ctx.project.settings.search_shards)
    ctx.shared["indexing"] = (indexing, key, time.perf_counter())

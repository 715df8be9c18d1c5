"""The stages of ``teikit build`` that make the print edition: one PDF per
document, then the volume.

A document's PDF is made again when its TEI changed, or when what every PDF
depends on changed (teikit's print code and stylesheets, the settings the
title page and colophon show, the registers, the font). The volume lists
every document, so it is made again when any of them changed. PDFs are
written atomically and only when their bytes change (``pdf.write_pdf``).
"""

from __future__ import annotations

import os
from typing import Any

from teikit.build import BuildContext, remember
from teikit.diagnostics import Diagnostic
from teikit.project import REGISTER_FILES
from teikit.stage_tei import Found, edition_files
from teikit.state import digest
from teikit.xslt import XSLT_DIR

#: The volume's file name in output/pdf/ (a document named so keeps its own PDF; see TK404).
VOLUME = "volume"


def _print_key(ctx: BuildContext, registers: list[Found]) -> str:
    """What every PDF of the edition depends on, apart from its own TEI."""
    from teikit.printing import font_description, static_params

    params = {k: v for k, v in static_params(ctx.project.settings).items() if k != "build-date"}
    return digest(ctx.toolkit("teikit.pdf", XSLT_DIR), params, font_description(),
                  [(r.name, ctx.sha(r.path)) for r in registers])


def _split(ctx: BuildContext) -> tuple[list[Found], list[Found]]:
    files = edition_files(ctx)
    registers = [f for f in files if os.path.basename(f.name) in REGISTER_FILES]
    return [f for f in files if f not in registers], registers


def _by_file(ctx: BuildContext, found: list[Diagnostic]) -> dict[str, list[Diagnostic]]:
    grouped: dict[str, list[Diagnostic]] = {}
    for d in ctx.own(found):
        grouped.setdefault(d.path, []).append(d)
    return grouped


def pdf_stage(ctx: BuildContext) -> None:
    """A PDF for each new or changed document; the PDFs of removed documents go."""
    result, out = ctx.result, ctx.project.pdf
    if not ctx.project.settings.pdf:
        _remove(ctx, out, keep={f"{VOLUME}.pdf"})
        ctx.record.clear()
        return
    docs, registers = _split(ctx)
    items = ctx.items(_print_key(ctx, registers))
    present = set(os.listdir(out)) if out.is_dir() else set()
    todo = [f for f in docs if items.get(f.stem, {}).get("tei") != ctx.sha(f.path)
            or items[f.stem].get("path") != f.name
            or (items[f.stem].get("made") and f"{f.stem}.pdf" not in present)]
    result.up_to_date = len(docs) - len(todo)
    for stem in set(items) - {f.stem for f in docs}:
        del items[stem]
    _remove(ctx, out, keep={f"{f.stem}.pdf" for f in docs} | {f"{VOLUME}.pdf"})
    if not todo:
        return
    from teikit.pdf import build_pdfs  # WeasyPrint takes most of a second to load

    ctx.progress.start("pdf", len(todo))
    report = build_pdfs([f.path for f in todo] + [r.path for r in registers], out,
                        ctx.project.settings, jobs=ctx.jobs, progress=lambda _: ctx.progress.advance())
    found = _by_file(ctx, report.diagnostics)
    made = set(report.documents)
    for f in todo:
        mine = found.pop(f.name, [])
        items[f.stem] = {"path": f.name, "tei": ctx.sha(f.path), "made": f.stem in made,
                         "diagnostics": remember(mine)}
        result.diagnostics += mine
        result.done.append(f.name)
    result.diagnostics += [d for rest in found.values() for d in rest]
    ctx.record["diagnostics"] = remember([d for rest in found.values() for d in rest])
    if report.written:
        result.notes.append(f"{report.written} PDF{'s' * (report.written != 1)} written")
        for stem in made:
            ctx.state.files.forget(out / f"{stem}.pdf")


def volume_stage(ctx: BuildContext) -> None:
    """The whole edition in ``output/pdf/volume.pdf``, made again when any document changed."""
    target = ctx.project.pdf / f"{VOLUME}.pdf"
    docs, registers = _split(ctx)
    if not (ctx.project.settings.pdf and ctx.project.settings.volume) or not docs:
        if target.exists():
            target.unlink()
            ctx.result.removed.append(ctx.rel(target))
        ctx.record.clear()
        return
    key = digest(_print_key(ctx, registers), [(f.name, ctx.sha(f.path)) for f in docs])
    if ctx.record.get("key") == key and target.is_file():
        ctx.result.up_to_date = 1
        return
    from teikit.pdf import build_pdfs

    ctx.progress.start("volume", 1)
    report = build_pdfs([f.path for f in docs] + [r.path for r in registers], ctx.project.pdf,
                        ctx.project.settings, documents=False, volume=True, volume_name=VOLUME,
                        jobs=ctx.jobs)
    ctx.progress.advance()
    found = ctx.own(report.diagnostics)
    ctx.result.diagnostics += found
    ctx.record["diagnostics"] = remember(found)
    ctx.record["key"] = key if report.volume else None
    if report.volume:
        ctx.result.done.append(ctx.rel(target))
        ctx.result.notes.append(f"{report.pages} pages")
        if report.written:
            ctx.wrote(target)


def _remove(ctx: BuildContext, out: Any, keep: set[str]) -> None:
    """PDFs in output/pdf/ of documents that are no longer in the edition."""
    if not out.is_dir():
        return
    for name in sorted(os.listdir(out)):
        if name.endswith(".pdf") and name not in keep and not name.startswith("."):
            (out / name).unlink()
            ctx.result.removed.append(ctx.rel(out / name))

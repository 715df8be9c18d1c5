"""The last stage of ``teikit build``: the deposit package in ``output/package``.

The package holds every TEI file, so it is made again when any of them
changed, or the edition's settings, or teikit's packaging code or schema.
``package.make_package`` builds it aside and swaps it in whole.
"""

from __future__ import annotations

import os
import shutil

from teikit.build import BuildContext, remember
from teikit.project import REGISTER_FILES
from teikit.stage_tei import edition_files
from teikit.state import digest
from teikit.validate import SCHEMA_DIR


def package_stage(ctx: BuildContext) -> None:
    """BagIt bag, teiCorpus, CMIF, DataCite and Zenodo metadata of the whole edition."""
    from teikit.package import make_package

    s, out = ctx.project.settings, ctx.project.output / "package"
    files = edition_files(ctx)
    if not s.package or all(os.path.basename(f.name) in REGISTER_FILES for f in files):
        # left out, or nothing to deposit yet (registers alone are no edition)
        if out.exists():
            shutil.rmtree(out)
            ctx.result.removed.append(ctx.rel(out))
        ctx.record.clear()
        return
    edition = (s.title, [(e.name, e.orcid) for e in s.editors], s.publisher, s.licence, s.base_url,
               list(s.languages), list(s.introduction))
    key = digest(ctx.toolkit("teikit.package", SCHEMA_DIR), edition,
                 [(f.name, ctx.sha(f.path)) for f in files])
    if ctx.record.get("key") == key and out.is_dir():
        ctx.result.up_to_date = 1
        return
    ctx.progress.start("package", 1)
    report = make_package([f.path for f in files], out, s)
    ctx.progress.advance()
    found = ctx.own(report.diagnostics)
    ctx.result.diagnostics += found
    ctx.record["diagnostics"] = remember(found)
    ctx.record["key"] = None if report.errors else key
    if not report.errors:
        ctx.result.done.append(ctx.rel(out))
        ctx.result.written.append(ctx.rel(out))

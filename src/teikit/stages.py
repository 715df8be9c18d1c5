"""The stages of ``teikit build``, in the order they run.

Adding a stage is one function (``def my_stage(ctx: BuildContext) -> None``,
see ``stage_tei.py``, ``stage_print.py``, ``stage_site.py``) and one row here.
"""

from __future__ import annotations

from teikit.build import Stage
from teikit.stage_package import package_stage
from teikit.stage_print import pdf_stage, volume_stage
from teikit.stage_site import html_stage, search_stage
from teikit.stage_tei import convert_stage, validate_stage

STAGES: list[Stage] = [
    Stage("convert", convert_stage, outputs=("reports",)),
    Stage("validate", validate_stage),
    # before html: the pages link to the PDFs there are
    Stage("pdf", pdf_stage, outputs=("pdf",), publishes=True, optional=True),
    Stage("volume", volume_stage, publishes=True, optional=True),
    Stage("html", html_stage, outputs=("html",), publishes=True),
    Stage("search", search_stage, publishes=True, optional=True),
    Stage("package", package_stage, outputs=("package",), publishes=True, optional=True),
]

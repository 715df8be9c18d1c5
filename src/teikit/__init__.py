"""teikit: plain-text archival transcriptions to TEI P5, validated and published.

The functions the command line calls, for scripting a project's own pipeline::

    import teikit
    results = teikit.convert_paths(["texts/"], "tei/")
    text = teikit.tei_to_text(results[0].tree)
    report = teikit.build_html(["tei/"], "output/html", teikit.load_settings("teikit.toml"))
    report = teikit.build_pdfs(["tei/"], "output/pdf", teikit.load_settings("teikit.toml"), volume=True)
    report = teikit.make_package(["tei/"], "output/package", teikit.load_settings("teikit.toml"))
    report = teikit.run_build(teikit.load_project("."))   # all of it, only what changed
"""

__version__ = "0.1.0"

from teikit.build import BuildOptions, BuildReport, run_build  # noqa: E402
from teikit.convert import (  # noqa: E402
    Conversion,
    convert_file,
    convert_paths,
    convert_source,
    default_register,
)
from teikit.diagnostics import CODES, Diagnostic, Severity  # noqa: E402
from teikit.errors import TeikitError  # noqa: E402
from teikit.project import Project, init_project, load_project  # noqa: E402
from teikit.registers import Register, load_register  # noqa: E402
from teikit.rules import get_profile, register_profile, register_rule  # noqa: E402
from teikit.settings import Settings, load_settings  # noqa: E402
from teikit.source import decode, read_source  # noqa: E402
from teikit.totext import tei_to_text  # noqa: E402

__all__ = [
    "BuildOptions",
    "BuildReport",
    "CODES",
    "Conversion",
    "Diagnostic",
    "Project",
    "Register",
    "Settings",
    "Severity",
    "TeikitError",
    "__version__",
    "build_html",
    "build_pdfs",
    "convert_file",
    "convert_paths",
    "convert_source",
    "decode",
    "default_register",
    "get_profile",
    "init_project",
    "load_project",
    "load_settings",
    "make_package",
    "load_register",
    "read_source",
    "register_profile",
    "register_rule",
    "run_build",
    "tei_to_text",
]


def __getattr__(name: str) -> object:
    """The editions load Saxon and WeasyPrint: imported on first use, not with every command."""
    if name == "build_html":
        from teikit.web import build_html

        return build_html
    if name == "build_pdfs":
        from teikit.pdf import build_pdfs

        return build_pdfs
    if name == "make_package":
        from teikit.package import make_package

        return make_package
    raise AttributeError(f"module 'teikit' has no attribute {name!r}")

"""``teikit html``: the static HTML edition."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from teikit.diagnostics import Severity, render
from teikit.settings import SettingsError, load_settings

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("-o", "--out", "out_dir", required=True, type=click.Path(path_type=Path),
              help="Folder for the site (index.html, documents/, registers, search).")
@click.option("--settings", "settings_path", type=click.Path(path_type=Path), default=None,
              help="The edition's settings file (default: ./teikit.toml if present).")
@click.option("--pdf-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Folder of <stem>.pdf files to link from each document page.")
@click.option("--no-search", is_flag=True, help="Do not build the search index (pagefind).")
@click.option("-j", "--jobs", type=click.IntRange(1), default=None,
              help="Processes to use (default: all cores for a large edition).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How diagnostics are printed.")
def html(sources: tuple[Path, ...], out_dir: Path, settings_path: Path | None,
         pdf_dir: Path | None, no_search: bool, jobs: int | None, fmt: str) -> None:
    """Build the HTML edition (a static site) from TEI files and folders."""
    from teikit.web import build_html

    try:
        settings = load_settings(settings_path)
    except SettingsError as e:
        click.echo(str(e), err=True)
        sys.exit(EXIT_USAGE)
    report = build_html(list(sources), out_dir, settings, pdf_dir=pdf_dir, search=not no_search,
                        jobs=jobs)
    if report.diagnostics:
        click.echo(render(report.diagnostics, fmt), err=fmt == "text")
    click.echo(f"{len(report.documents)} documents, {report.written} files written to "
               f"{out_dir} in {report.seconds:.1f} s", err=True)
    failed = any(d.severity == Severity.ERROR for d in report.diagnostics)
    sys.exit(EXIT_PROBLEMS if failed else EXIT_OK)

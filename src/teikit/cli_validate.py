"""``teikit validate``: a thin shell over teikit.validate.validate_paths.

Exit codes: 0 valid, 1 invalid (errors; warnings too with --strict),
2 usage error or unreadable input.
"""

from __future__ import annotations

import json

import click

from teikit.diagnostics import Severity, render
from teikit.validate import ValidateError, validate_paths
from teikit.validate_safe import DEFAULT_MAX_BYTES


@click.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--tei-all", "tei_all", type=click.Path(exists=True, dir_okay=False),
              help="Also check against the official TEI RELAX NG schema (tei_all.rng). "
                   "Compiling it takes about 10 s.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="Diagnostics as text lines or as JSON.")
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes to use (default: all cores, for many files).")
@click.option("--max-size", "max_size", type=click.FloatRange(min=0.001),
              default=DEFAULT_MAX_BYTES / 1048576, show_default=True,
              help="Refuse files larger than this many MiB.")
def validate(paths: tuple[str, ...], tei_all: str | None, fmt: str, strict: bool,
             jobs: int | None, max_size: float) -> None:
    """Check TEI files (or directories of them) against the edition's schema and rules.

    Prints one line per finding, as path:line:col: severity[code] message.
    """
    try:
        result = validate_paths(list(paths), tei_all=tei_all, jobs=jobs,
                                max_bytes=int(max_size * 1048576))
    except ValidateError as e:
        raise click.UsageError(str(e)) from None
    diags = sorted(result.diagnostics, key=lambda d: (d.path, d.line, d.col, d.code))
    if fmt == "json":
        click.echo(json.dumps({
            "files": len(result.files),
            "valid": len(result.files) - len(result.invalid_files()),
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "diagnostics": [d.to_dict() for d in diags],
        }, ensure_ascii=False, indent=2))
    else:
        if diags:
            click.echo(render(diags))
        bad = len(result.invalid_files())
        click.echo(f"{len(result.files)} files, {len(result.files) - bad} valid, "
                   f"{len(result.errors)} errors, {len(result.warnings)} warnings", err=True)
    if result.unreadable:
        raise SystemExit(2)
    failing = [d for d in diags if d.severity == Severity.ERROR
               or (strict and d.severity == Severity.WARNING)]
    raise SystemExit(1 if failing else 0)

"""Exceptions are for I/O failures and bugs; findings are Diagnostics."""

from __future__ import annotations

from teikit.diagnostics import Diagnostic


class TeikitError(Exception):
    """Base of every error teikit raises on purpose."""


class SourceError(TeikitError):
    """A source file cannot be turned into text; carries the diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


class RegisterError(TeikitError):
    """The edition's list of persons or places cannot be read."""

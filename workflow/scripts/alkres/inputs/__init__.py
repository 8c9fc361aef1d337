"""Checks of the inputs before any result is computed from them (rules check_reference,
check_alignment, panel_targets), the sheets and the settings."""

from __future__ import annotations

import sys


class InputError(ValueError):
    """A problem with an input file, as one line with its fix."""


def fail(error: InputError) -> None:
    """End a check job: the one-line message in its log and on the console, exit status 1."""
    message = f"alkres input check: {error}"
    print(message, file=sys.stderr)
    if sys.stderr is not sys.__stderr__:
        print(message, file=sys.__stderr__)
    raise SystemExit(1)

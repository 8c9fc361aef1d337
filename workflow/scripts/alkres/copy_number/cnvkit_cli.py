"""`cnvkit.py` commands run inside one Python process.

Each command is parsed and run by CNVkit's own command-line parser, exactly as `cnvkit.py`
would run it, but CNVkit is imported once: its start-up (about 3 s) would otherwise dominate
the small per-sample copy-number steps.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TextIO


def run_cnvkit(commands: Sequence[Sequence[object]], log: TextIO) -> None:
    """Run each command (the arguments after `cnvkit.py`) in order; the first failure raises."""
    from cnvlib import commands as cnvkit_commands  # imported here: only CNVkit steps need it

    handler = logging.StreamHandler(log)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        for command in commands:
            argv = [str(part) for part in command]
            print("cnvkit.py " + " ".join(argv), file=log, flush=True)
            arguments = cnvkit_commands.parse_args(argv)
            arguments.func(arguments)
    finally:
        root.removeHandler(handler)

"""Exit codes and messages to the person at the terminal, shared by every command."""

from __future__ import annotations

import sys

from app.core.match.text import printable

EXIT_OK = 0
EXIT_INVALID = 1  # problems found, an invalid request, a refused change
EXIT_USAGE = 2  # bad arguments
EXIT_NOT_FOUND = 3  # a file or request that does not exist


def err(text: str) -> None:
    """A message for the person at the terminal, on stderr."""
    print(printable(text), file=sys.stderr)
